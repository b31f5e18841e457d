//! The check every view passes before it is sent: each way it breaks one of Discord's limits
//! (`limits.rs`), and the last-resort cut that brings any view within them.

use super::limits::*;
use super::text::truncate;
use super::view::MessageView;

/// Characters the embeds of a message count toward the 6000 total.
pub fn embed_total(view: &MessageView) -> usize {
    view.embeds
        .iter()
        .map(|e| {
            chars(&e.title)
                + chars(&e.description)
                + chars(&e.footer)
                + e.fields
                    .iter()
                    .map(|f| chars(&f.name) + chars(&f.value))
                    .sum::<usize>()
        })
        .sum()
}

/// Every way `view` breaks Discord's limits, described for a human; empty when it fits.
pub fn problems(view: &MessageView) -> Vec<String> {
    let mut out = Vec::new();
    let mut over = |what: &str, len: usize, limit: usize| {
        if len > limit {
            out.push(format!("{what} has {len} characters (limit {limit})"));
        }
    };
    over("the message content", chars(&view.content), CONTENT);
    for (i, e) in view.embeds.iter().enumerate() {
        let n = i + 1;
        over(&format!("embed {n}'s title"), chars(&e.title), TITLE);
        over(
            &format!("embed {n}'s description"),
            chars(&e.description),
            DESCRIPTION,
        );
        over(&format!("embed {n}'s footer"), chars(&e.footer), FOOTER);
        for f in &e.fields {
            over(
                &format!("a field name of embed {n}"),
                chars(&f.name),
                FIELD_NAME,
            );
            over(
                &format!("a field value of embed {n}"),
                chars(&f.value),
                FIELD_VALUE,
            );
        }
    }
    over("the embeds together", embed_total(view), EMBED_TOTAL);
    if view.embeds.len() > EMBEDS {
        out.push(format!("{} embeds (limit {EMBEDS})", view.embeds.len()));
    }
    for e in &view.embeds {
        if e.fields.len() > FIELDS {
            out.push(format!(
                "{} fields in one embed (limit {FIELDS})",
                e.fields.len()
            ));
        }
    }
    let rows = view.rows.len() + usize::from(view.select.is_some());
    if rows > ROWS {
        out.push(format!("{rows} action rows (limit {ROWS})"));
    }
    if let Some(menu) = &view.select {
        let texts = std::iter::once((
            "the select menu's placeholder",
            &menu.placeholder,
            SELECT_PLACEHOLDER,
        ))
        .chain(menu.options.iter().flat_map(|(label, value)| {
            [
                ("a select option's label", label, SELECT_OPTION_LABEL),
                ("a select option's value", value, SELECT_OPTION_LABEL),
            ]
        }));
        for (what, text, limit) in texts {
            if chars(text) > limit {
                out.push(format!(
                    "{what} has {} characters (limit {limit})",
                    chars(text)
                ));
            }
        }
        let n = menu.options.len();
        if n == 0
            || n > SELECT_OPTIONS
            || menu.min_values > menu.max_values
            || usize::from(menu.max_values) > n
            || menu.max_values == 0
        {
            out.push(format!(
                "a select menu of {n} options picking {} to {}",
                menu.min_values, menu.max_values
            ));
        }
    }
    let mut ids = std::collections::HashSet::new();
    for row in &view.rows {
        if row.is_empty() || row.len() > BUTTONS_PER_ROW {
            out.push(format!(
                "a row of {} buttons (1 to {BUTTONS_PER_ROW})",
                row.len()
            ));
        }
        for b in row {
            if b.label.is_empty() || chars(&b.label) > LABEL {
                out.push(format!(
                    "a button label of {} characters (1 to {LABEL})",
                    chars(&b.label)
                ));
            }
            if b.custom_id.is_empty() || chars(&b.custom_id) > CUSTOM_ID {
                out.push(format!(
                    "a custom_id of {} characters (1 to {CUSTOM_ID})",
                    chars(&b.custom_id)
                ));
            }
            if !ids.insert(b.custom_id.as_str()) {
                out.push(format!("the custom_id {:?} twice", b.custom_id));
            }
        }
    }
    if view.content.trim().is_empty() && view.embeds.is_empty() {
        out.push("nothing to show (no content, no embed)".to_string());
    }
    out
}

/// Last line of defence: cuts whatever still exceeds a limit, so that a message is never refused
/// by Discord. Renderers are built to stay within limits; this only acts on a bug, which the
/// caller logs.
pub fn fit(view: &mut MessageView) {
    view.content = truncate(&view.content, CONTENT);
    view.embeds.truncate(EMBEDS);
    for e in &mut view.embeds {
        e.title = truncate(&e.title, TITLE);
        e.description = truncate(&e.description, DESCRIPTION);
        e.footer = truncate(&e.footer, FOOTER);
        e.fields.truncate(FIELDS);
        for f in &mut e.fields {
            f.name = truncate(&f.name, FIELD_NAME);
            f.value = truncate(&f.value, FIELD_VALUE);
        }
    }
    // Over the total: shorten the longest descriptions first, then drop fields from the end.
    while embed_total(view) > EMBED_TOTAL {
        let excess = embed_total(view) - EMBED_TOTAL;
        let longest = view.embeds.iter_mut().max_by_key(|e| chars(&e.description));
        match longest {
            Some(e) if chars(&e.description) > excess + 1 => {
                let keep = chars(&e.description) - excess;
                e.description = truncate(&e.description, keep);
            }
            _ => {
                if let Some(e) = view.embeds.iter_mut().rev().find(|e| !e.fields.is_empty()) {
                    e.fields.pop();
                } else if let Some(e) = view.embeds.last_mut() {
                    e.description.clear();
                    if embed_total(view) > EMBED_TOTAL {
                        view.embeds.pop();
                    }
                } else {
                    break;
                }
            }
        }
    }
    view.rows.truncate(ROWS);
    for row in &mut view.rows {
        row.truncate(BUTTONS_PER_ROW);
        for b in row {
            b.label = truncate(&b.label, LABEL);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::view::{EmbedView, FieldView};

    fn long_embed(n: usize) -> EmbedView {
        EmbedView {
            title: "t".repeat(300),
            description: "d".repeat(n),
            fields: vec![FieldView {
                name: "n".into(),
                value: "v".repeat(2000),
                inline: false,
            }],
            ..EmbedView::default()
        }
    }

    #[test]
    fn problems_names_each_limit_broken() {
        let view = MessageView {
            content: "c".repeat(2001),
            embeds: vec![long_embed(4097), long_embed(100)],
            rows: vec![],
            select: None,
            files: Default::default(),
        };
        let found = problems(&view).join("\n");
        assert!(found.contains("content has 2001"), "{found}");
        assert!(found.contains("embed 1's title has 300"), "{found}");
        assert!(found.contains("embed 1's description has 4097"), "{found}");
        assert!(found.contains("field value of embed 2 has 2000"), "{found}");
        assert!(found.contains("embeds together"), "{found}");
    }

    #[test]
    fn fit_brings_any_view_within_limits() {
        let mut view = MessageView {
            content: "c".repeat(5000),
            embeds: vec![long_embed(4097), long_embed(4000), long_embed(3000)],
            rows: vec![],
            select: None,
            files: Default::default(),
        };
        fit(&mut view);
        assert_eq!(problems(&view), Vec::<String>::new());
    }
}
