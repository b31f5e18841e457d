//! What the driver hands out: messages, embeds, buttons and interactions as a Discord user (or
//! a test) sees them, detached from the world's lock.

use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Message {
    pub id: u64,
    pub channel_id: u64,
    pub author_id: u64,
    pub content: String,
    pub embeds: Vec<Embed>,
    /// Action rows of buttons.
    pub rows: Vec<Vec<Button>>,
    /// String select menus (component type 3), each in a row of its own.
    pub selects: Vec<Select>,
    /// Seen only by this member (an ephemeral reply).
    pub ephemeral_for: Option<u64>,
    /// The interaction this message answers.
    pub interaction_id: Option<u64>,
    pub edits: u32,
    /// A deferred reply still "thinking".
    pub loading: bool,
    pub attachments: Vec<AttachmentInfo>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Embed {
    pub title: String,
    pub description: String,
    pub fields: Vec<Field>,
    pub footer: String,
    pub color: Option<u32>,
    /// The embed's picture (`image.url`), if it has one.
    pub image: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    pub name: String,
    pub value: String,
    pub inline: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Button {
    pub custom_id: Option<String>,
    pub label: String,
    /// 1 primary, 2 secondary, 3 success (green), 4 danger, 5 link.
    pub style: u8,
    pub disabled: bool,
}

/// A string select menu as a member sees it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Select {
    pub custom_id: String,
    pub placeholder: String,
    /// (label, value) of each option, in order.
    pub options: Vec<(String, String)>,
    pub min_values: u64,
    pub max_values: u64,
    pub disabled: bool,
}

impl Select {
    /// The select menu in a component JSON, if it is one.
    pub(crate) fn of(c: &Value) -> Option<Select> {
        if c.get("type").and_then(Value::as_u64) != Some(3) {
            return None;
        }
        Some(Select {
            custom_id: s(c, "custom_id"),
            placeholder: s(c, "placeholder"),
            options: c
                .get("options")
                .and_then(Value::as_array)
                .map(|os| os.iter().map(|o| (s(o, "label"), s(o, "value"))).collect())
                .unwrap_or_default(),
            // Discord's defaults when the bot leaves them out.
            min_values: c.get("min_values").and_then(Value::as_u64).unwrap_or(1),
            max_values: c.get("max_values").and_then(Value::as_u64).unwrap_or(1),
            disabled: c.get("disabled").and_then(Value::as_bool).unwrap_or(false),
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttachmentInfo {
    pub filename: String,
    pub url: String,
    pub size: u64,
}

fn s(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or("").to_string()
}

impl Message {
    pub(crate) fn from_world(m: &crate::world::Message) -> Self {
        let embeds = m
            .embeds
            .iter()
            .map(|e| Embed {
                title: s(e, "title"),
                description: s(e, "description"),
                fields: e
                    .get("fields")
                    .and_then(Value::as_array)
                    .map(|fs| {
                        fs.iter()
                            .map(|f| Field {
                                name: s(f, "name"),
                                value: s(f, "value"),
                                inline: f.get("inline").and_then(Value::as_bool).unwrap_or(false),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                footer: e
                    .pointer("/footer/text")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                color: e.get("color").and_then(Value::as_u64).map(|c| c as u32),
                image: e
                    .pointer("/image/url")
                    .and_then(Value::as_str)
                    .map(str::to_string),
            })
            .collect();
        let rows: Vec<Vec<Button>> = m
            .components
            .iter()
            .map(|row| {
                row.get("components")
                    .and_then(Value::as_array)
                    .map(|items| {
                        items
                            .iter()
                            .filter(|b| b.get("type").and_then(Value::as_u64) == Some(2))
                            .map(|b| Button {
                                custom_id: b
                                    .get("custom_id")
                                    .and_then(Value::as_str)
                                    .map(str::to_string),
                                label: s(b, "label"),
                                style: b.get("style").and_then(Value::as_u64).unwrap_or(0) as u8,
                                disabled: b
                                    .get("disabled")
                                    .and_then(Value::as_bool)
                                    .unwrap_or(false),
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            })
            .collect();
        let selects = m
            .components
            .iter()
            .filter_map(|row| row.get("components").and_then(Value::as_array))
            .flatten()
            .filter_map(Select::of)
            .collect();
        let attachments = m
            .attachments
            .iter()
            .map(|a| AttachmentInfo {
                filename: s(a, "filename"),
                url: s(a, "url"),
                size: a.get("size").and_then(Value::as_u64).unwrap_or(0),
            })
            .collect();
        Message {
            id: m.id,
            channel_id: m.channel_id,
            author_id: m.author_id,
            content: m.content.clone(),
            embeds,
            rows: rows.into_iter().filter(|r| !r.is_empty()).collect(),
            selects,
            ephemeral_for: m.ephemeral_for,
            interaction_id: m.interaction_id,
            edits: m.edits,
            loading: m.loading,
            attachments,
        }
    }

    /// Every button, row after row.
    pub fn buttons(&self) -> impl Iterator<Item = &Button> {
        self.rows.iter().flatten()
    }

    /// The first button whose label starts with `prefix`.
    pub fn button(&self, prefix: &str) -> Option<&Button> {
        self.buttons().find(|b| b.label.starts_with(prefix))
    }

    /// All the text a reader sees: content, embed titles, descriptions, fields, footers,
    /// button labels.
    pub fn text(&self) -> String {
        let mut out = self.content.clone();
        for e in &self.embeds {
            for part in [&e.title, &e.description] {
                out.push('\n');
                out.push_str(part);
            }
            for f in &e.fields {
                out.push('\n');
                out.push_str(&f.name);
                out.push('\n');
                out.push_str(&f.value);
            }
            out.push('\n');
            out.push_str(&e.footer);
        }
        for b in self.buttons() {
            out.push('\n');
            out.push_str(&b.label);
        }
        for m in &self.selects {
            out.push('\n');
            out.push_str(&m.placeholder);
            for (label, _) in &m.options {
                out.push('\n');
                out.push_str(label);
            }
        }
        out
    }

    /// The message drawn for a terminal: content, boxed embeds, buttons in brackets
    /// (`[A · text]`, `(B)` when disabled, `[✓ C]` for a green one).
    pub fn render(&self) -> String {
        let mut out = String::new();
        if !self.content.is_empty() {
            out.push_str(&self.content);
            out.push('\n');
        }
        for e in &self.embeds {
            if !e.title.is_empty() {
                out.push_str(&format!("┌─ {}\n", e.title));
            } else {
                out.push_str("┌─\n");
            }
            for line in e.description.lines() {
                out.push_str(&format!("│ {line}\n"));
            }
            for f in &e.fields {
                out.push_str(&format!("│ ▸ {}\n", f.name));
                for line in f.value.lines() {
                    out.push_str(&format!("│   {line}\n"));
                }
            }
            if let Some(url) = &e.image {
                // A picture of the message's own files by its name, not its long URL.
                match self.attachments.iter().find(|a| a.url == *url) {
                    Some(a) => out.push_str(&format!("│ 🖼 {} (attached)\n", a.filename)),
                    None => out.push_str(&format!("│ 🖼 {url}\n")),
                }
            }
            if !e.footer.is_empty() {
                out.push_str(&format!("└─ {}\n", e.footer));
            } else {
                out.push_str("└─\n");
            }
        }
        for a in &self.attachments {
            out.push_str(&format!("📎 {} ({} bytes)\n", a.filename, a.size));
        }
        for m in &self.selects {
            let state = if m.disabled { "disabled" } else { "pick" };
            let count = if m.min_values == m.max_values {
                m.min_values.to_string()
            } else {
                format!("{}–{}", m.min_values, m.max_values)
            };
            out.push_str(&format!("▾ {} ({state} {count})\n", m.placeholder));
        }
        for row in &self.rows {
            let labels: Vec<String> = row
                .iter()
                .map(|b| match (b.disabled, b.style) {
                    (_, 3) => format!("[✓ {}]", b.label),
                    (true, _) => format!("({})", b.label),
                    _ => format!("[{}]", b.label),
                })
                .collect();
            out.push_str(&labels.join(" "));
            out.push('\n');
        }
        out
    }
}

/// An interaction and what the bot did with it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InteractionRecord {
    pub id: u64,
    pub user_id: u64,
    pub channel_id: u64,
    /// 2 command, 3 component, 4 autocomplete, 5 modal submit.
    pub kind: u8,
    pub custom_id: Option<String>,
    pub command: Option<String>,
    /// The initial response's callback type, when there was one.
    pub response_kind: Option<u8>,
    /// Time from dispatch to the initial response, in milliseconds.
    pub latency_ms: Option<f64>,
    /// The response came after the 3-second deadline.
    pub late: bool,
    pub original: Option<Message>,
    pub followups: Vec<Message>,
    pub choices: Option<Value>,
    pub modal: Option<Value>,
}

/// What a test gets back when it starts an interaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Handle {
    pub id: u64,
    pub token: String,
    /// False when no bot was connected to receive it (it will simply time out).
    pub delivered: bool,
}
