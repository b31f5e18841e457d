//! Discord's limits that the OpenAPI schema does not state, or states more loosely than
//! Discord enforces (docs/discord.md, "Limits of a message"): content 2000, the 6000 embed
//! total, rows of buttons, select menus, labels, unique custom ids, no Components V2.

use serde_json::Value;

fn chars(v: Option<&Value>) -> usize {
    v.and_then(Value::as_str).map_or(0, |s| s.chars().count())
}

/// Every limit a message body (create, edit, interaction reply, followup) breaks.
pub fn problems(body: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let content = chars(body.get("content"));
    if content > 2000 {
        out.push(format!("content has {content} characters (limit 2000)"));
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        if flags & (1 << 15) != 0 {
            out.push("flag IS_COMPONENTS_V2 (1<<15) is not supported by serenity 0.12".into());
        }
    }
    if let Some(embeds) = body.get("embeds").and_then(Value::as_array) {
        if embeds.len() > 10 {
            out.push(format!("{} embeds (limit 10)", embeds.len()));
        }
        let mut total = 0;
        for (i, e) in embeds.iter().enumerate() {
            let n = i + 1;
            let mut texts = vec![
                ("title", chars(e.get("title")), 256),
                ("description", chars(e.get("description")), 4096),
                ("footer text", chars(e.pointer("/footer/text")), 2048),
                ("author name", chars(e.pointer("/author/name")), 256),
            ];
            if let Some(fields) = e.get("fields").and_then(Value::as_array) {
                if fields.len() > 25 {
                    out.push(format!("embed {n} has {} fields (limit 25)", fields.len()));
                }
                for f in fields {
                    texts.push(("field name", chars(f.get("name")), 256));
                    texts.push(("field value", chars(f.get("value")), 1024));
                }
            }
            for (what, len, limit) in texts {
                total += len;
                if len > limit {
                    out.push(format!(
                        "embed {n} {what} has {len} characters (limit {limit})"
                    ));
                }
            }
        }
        if total > 6000 {
            out.push(format!(
                "embeds have {total} characters in total (limit 6000)"
            ));
        }
    }
    if let Some(rows) = body.get("components").and_then(Value::as_array) {
        if rows.len() > 5 {
            out.push(format!("{} action rows (limit 5)", rows.len()));
        }
        let mut ids = std::collections::HashSet::new();
        for row in rows {
            if row.get("type").and_then(Value::as_u64) != Some(1) {
                out.push("a top-level component that is not an action row".into());
                continue;
            }
            let items = row.get("components").and_then(Value::as_array);
            let count = items.map_or(0, Vec::len);
            if count == 0 || count > 5 {
                out.push(format!("an action row with {count} components (1 to 5)"));
            }
            for b in items.into_iter().flatten() {
                if b.get("type").and_then(Value::as_u64) == Some(3) {
                    if count > 1 {
                        out.push("a select menu shares its action row (it must be alone)".into());
                    }
                    select_problems(b, &mut ids, &mut out);
                    continue;
                }
                if b.get("type").and_then(Value::as_u64) != Some(2) {
                    continue;
                }
                let label = chars(b.get("label"));
                if label > 80 {
                    out.push(format!("a button label of {label} characters (limit 80)"));
                }
                let is_link = b.get("style").and_then(Value::as_u64) == Some(5);
                match b.get("custom_id").and_then(Value::as_str) {
                    Some(id) if !is_link => {
                        let len = id.chars().count();
                        if len == 0 || len > 100 {
                            out.push(format!("a custom_id of {len} characters (1 to 100)"));
                        }
                        if !ids.insert(id.to_string()) {
                            out.push(format!("custom_id {id:?} used twice in one message"));
                        }
                    }
                    None if !is_link => out.push("a button without custom_id".into()),
                    _ => {}
                }
            }
        }
    }
    out
}

/// Every limit a modal (interaction callback 9) breaks: a title and custom id, 1 to 5 rows
/// each holding one text input with a custom id, a label of at most 45 characters, a style
/// (1 short, 2 paragraph) and lengths within 0–4000.
pub fn modal_problems(data: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let title = chars(data.get("title"));
    if title == 0 || title > 45 {
        out.push(format!("a modal title of {title} characters (1 to 45)"));
    }
    let id = chars(data.get("custom_id"));
    if id == 0 || id > 100 {
        out.push(format!("a modal custom_id of {id} characters (1 to 100)"));
    }
    let rows = data
        .get("components")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if rows.is_empty() || rows.len() > 5 {
        out.push(format!("a modal with {} rows (1 to 5)", rows.len()));
    }
    for row in rows {
        let items = row
            .get("components")
            .and_then(Value::as_array)
            .map_or(&[][..], Vec::as_slice);
        let [input] = items else {
            out.push(format!(
                "a modal row with {} components (exactly 1)",
                items.len()
            ));
            continue;
        };
        if input.get("type").and_then(Value::as_u64) != Some(4) {
            out.push("a modal component that is not a text input (type 4)".into());
            continue;
        }
        let label = chars(input.get("label"));
        if label == 0 || label > 45 {
            out.push(format!(
                "a text input label of {label} characters (1 to 45)"
            ));
        }
        if !matches!(input.get("style").and_then(Value::as_u64), Some(1 | 2)) {
            out.push("a text input without style 1 or 2".into());
        }
        let max = input
            .get("max_length")
            .and_then(Value::as_u64)
            .unwrap_or(4000);
        let min = input.get("min_length").and_then(Value::as_u64).unwrap_or(0);
        if max == 0 || max > 4000 || min > max {
            out.push(format!(
                "a text input of min_length {min}, max_length {max} (0 to 4000)"
            ));
        }
    }
    out
}

/// A string select menu's limits: 1 to 25 options with labels and values of 1 to 100
/// characters (values distinct), a placeholder of at most 150, and `min_values` ≤
/// `max_values` ≤ the number of options (min 0 to 25, max 1 to 25).
fn select_problems(
    menu: &Value,
    ids: &mut std::collections::HashSet<String>,
    out: &mut Vec<String>,
) {
    match menu.get("custom_id").and_then(Value::as_str) {
        Some(id) => {
            let len = id.chars().count();
            if len == 0 || len > 100 {
                out.push(format!("a custom_id of {len} characters (1 to 100)"));
            }
            if !ids.insert(id.to_string()) {
                out.push(format!("custom_id {id:?} used twice in one message"));
            }
        }
        None => out.push("a select menu without custom_id".into()),
    }
    let placeholder = chars(menu.get("placeholder"));
    if placeholder > 150 {
        out.push(format!(
            "a select menu placeholder of {placeholder} characters (limit 150)"
        ));
    }
    let options = menu
        .get("options")
        .and_then(Value::as_array)
        .map_or(&[][..], Vec::as_slice);
    if options.is_empty() || options.len() > 25 {
        out.push(format!(
            "a select menu with {} options (1 to 25)",
            options.len()
        ));
    }
    let mut values = std::collections::HashSet::new();
    for o in options {
        for (what, limit) in [("label", 100), ("value", 100), ("description", 100)] {
            let len = chars(o.get(what));
            if (len == 0 && what != "description") || len > limit {
                out.push(format!(
                    "a select option {what} of {len} characters (1 to {limit})"
                ));
            }
        }
        if let Some(v) = o.get("value").and_then(Value::as_str) {
            if !values.insert(v) {
                out.push(format!("select option value {v:?} used twice"));
            }
        }
    }
    let min = menu.get("min_values").and_then(Value::as_u64).unwrap_or(1);
    let max = menu.get("max_values").and_then(Value::as_u64).unwrap_or(1);
    if min > 25 || !(1..=25).contains(&max) || min > max || max > options.len() as u64 {
        out.push(format!(
            "a select menu with min_values {min} and max_values {max} for {} options",
            options.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn embed_total_counts_across_embeds() {
        let e = json!({"description": "x".repeat(3500)});
        let body = json!({"embeds": [e.clone(), e]});
        assert_eq!(
            problems(&body),
            ["embeds have 7000 characters in total (limit 6000)"]
        );
    }

    #[test]
    fn modals_hold_text_inputs_within_their_limits() {
        let input = |label: &str| json!({"type": 4, "custom_id": "answer", "style": 1, "label": label, "max_length": 100});
        let modal = |title: &str, inputs: Vec<Value>| json!({"custom_id": "tm:1:0", "title": title, "components": inputs.into_iter().map(|i| json!({"type": 1, "components": [i]})).collect::<Vec<_>>()});
        assert!(modal_problems(&modal("Question 1", vec![input("Your answer")])).is_empty());
        assert_eq!(
            modal_problems(&modal(&"t".repeat(46), vec![input(&"l".repeat(46))])),
            [
                "a modal title of 46 characters (1 to 45)",
                "a text input label of 46 characters (1 to 45)"
            ]
        );
        assert_eq!(
            modal_problems(&modal("Q", vec![])),
            ["a modal with 0 rows (1 to 5)"]
        );
    }

    #[test]
    fn select_menus_alone_in_their_row_within_their_counts() {
        let option = |v: &str| json!({"label": format!("{v}. text"), "value": v});
        let menu = |min: u64, max: u64, options: Vec<Value>| json!({"type": 3, "custom_id": "m:1:0", "options": options, "min_values": min, "max_values": max});
        let good = json!({"components": [{"type": 1, "components": [menu(1, 3, vec![option("0"), option("1"), option("2")])]}]});
        assert!(problems(&good).is_empty(), "{:?}", problems(&good));
        let too_many = json!({"components": [{"type": 1, "components": [menu(1, 4, vec![option("0"), option("1")])]}]});
        assert_eq!(
            problems(&too_many),
            ["a select menu with min_values 1 and max_values 4 for 2 options"]
        );
        let twice = json!({"components": [{"type": 1, "components": [menu(1, 2, vec![option("0"), option("0")])]}]});
        assert_eq!(problems(&twice), ["select option value \"0\" used twice"]);
        let button = json!({"type": 2, "style": 1, "label": "L", "custom_id": "b"});
        let shared = json!({"components": [{"type": 1, "components": [menu(1, 1, vec![option("0")]), button]}]});
        assert_eq!(
            problems(&shared),
            ["a select menu shares its action row (it must be alone)"]
        );
        let long = json!({"label": "x".repeat(101), "value": "0"});
        let body = json!({"components": [{"type": 1, "components": [menu(1, 1, vec![long])]}]});
        assert_eq!(
            problems(&body),
            ["a select option label of 101 characters (1 to 100)"]
        );
    }

    #[test]
    fn rows_buttons_and_ids() {
        let button = |id: &str| json!({"type": 2, "style": 1, "label": "L", "custom_id": id});
        let body = json!({
            "content": "c".repeat(2001),
            "components": [{"type": 1, "components": [button("a"), button("a")]}]
        });
        let p = problems(&body);
        assert!(p.iter().any(|s| s.contains("content has 2001")), "{p:?}");
        assert!(p.iter().any(|s| s.contains("used twice")), "{p:?}");
    }
}
