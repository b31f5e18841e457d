//! Text helpers for Discord: cutting to a length, and making untrusted text (player names)
//! display literally.

/// At most `max` characters; a cut text ends with "…" (counted in `max`).
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(max - 1).collect();
    out.push('…');
    out
}

/// Longest a shown player name may be (Discord display names are at most 32 characters).
pub const NAME_CHARS: usize = 32;

/// A player name as it may appear in any message: invisible and direction-changing characters
/// removed (they can hide or reorder the text around them), whitespace collapsed, cut to
/// [`NAME_CHARS`], Markdown escaped and `@` defused so that `@everyone` stays text even where
/// mentions would parse. Never empty.
pub fn display_name(name: &str) -> String {
    let shown = player_text(name, NAME_CHARS);
    if shown.is_empty() {
        "(no name)".to_string()
    } else {
        shown
    }
}

/// What a player typed, shown inert: invisible and control characters dropped, white space
/// collapsed, cut to `max` characters, Markdown escaped (so no mention, link or formatting
/// comes of it). Names and typed answers both go through here.
pub fn player_text(text: &str, max: usize) -> String {
    let cleaned: String = text
        .chars()
        .filter(|&c| !is_invisible(c))
        .map(|c| if c.is_whitespace() { ' ' } else { c })
        .collect();
    let collapsed = cleaned.split_whitespace().collect::<Vec<_>>().join(" ");
    escape_markdown(&truncate(&collapsed, max))
}

/// Zero-width, bidirectional-control and other format characters (Unicode category Cf and
/// friends) that would make a name invisible or flip the text after it.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}' | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}'
        | '\u{FFA0}' | '\u{FFF0}'..='\u{FFFB}' | '\u{E0000}'..='\u{E007F}')
        || c.is_control()
}

/// Escapes Discord Markdown so the text shows literally, and breaks mentions (`@everyone`,
/// `<@123>`, `<#1>`) with a zero-width space so they can never ping or link.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '-' | '[' | ']' | '(' | ')' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '@' => out.push_str("@\u{200B}"),
            '<' => out.push_str("<\u{200B}"),
            _ => out.push(c),
        }
    }
    out
}

/// Text for a button label: Markdown markers removed (labels do not render Markdown).
pub fn plain(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if !matches!(c, '*' | '`' | '~') && !c.is_control() {
            out.push(c);
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// An option inside a line of text ("Locked in: B — …", "Correct: B. …"), at most `max`
/// characters. An option that holds a block (a code block under `- [ ] .`) is flattened to
/// plain words, so that a cut never leaves a code fence open.
pub fn inline_option(option: &str, max: usize) -> String {
    // An image's link would unfurl a preview under the acknowledgement: its name is enough.
    let option = &super::images::named(option);
    if !option.contains('\n') {
        return truncate(option, max);
    }
    let words: Vec<&str> = option
        .lines()
        .filter(|l| {
            let t = l.trim_start();
            !(t.starts_with("```") || t.starts_with("~~~"))
        })
        .collect();
    truncate(&plain(&words.join(" ")), max)
}

/// `**B.** text`; an option that holds a block starts it on the next line, where Discord
/// renders a code block or a list.
pub fn lettered_option(prefix: &str, option: &str) -> String {
    if option.contains('\n') {
        format!("{prefix}\n{option}")
    } else {
        format!("{prefix} {option}")
    }
}

/// Splits text into pieces of at most `max` characters, preferring line breaks, then spaces.
pub fn chunks(s: &str, max: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while rest.chars().count() > max {
        let cut_byte = rest.char_indices().nth(max).map_or(rest.len(), |(b, _)| b);
        let window = &rest[..cut_byte];
        let at = window
            .rfind('\n')
            .filter(|&p| p > 0)
            .or_else(|| window.rfind(' ').filter(|&p| p > 0))
            .unwrap_or(cut_byte);
        out.push(rest[..at].trim_end().to_string());
        rest = rest[at..].trim_start();
    }
    if !rest.is_empty() {
        out.push(rest.to_string());
    }
    out
}

/// A count with thousands separators: 12345 → "12,345".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_option_with_a_block_is_flattened_inside_a_line() {
        assert_eq!(
            inline_option("```sh\nwc -l < notes.txt\n```", 80),
            "wc -l < notes.txt"
        );
        assert_eq!(
            inline_option("1. Run `ls`.\n2. Read.", 80),
            "1. Run ls. 2. Read."
        );
        assert_eq!(inline_option("**bold** one line", 80), "**bold** one line");
        assert_eq!(
            lettered_option("**A.**", "```\nx\n```"),
            "**A.**\n```\nx\n```"
        );
        assert_eq!(lettered_option("**A.**", "x"), "**A.** x");
    }

    #[test]
    fn truncate_counts_the_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("ééééé", 3).chars().count(), 3);
    }

    #[test]
    fn names_are_shown_literally_and_never_ping() {
        assert_eq!(
            display_name("**bold** @everyone"),
            "\\*\\*bold\\*\\* @\u{200B}everyone"
        );
        assert_eq!(display_name("<@123>"), "<\u{200B}@\u{200B}123\\>");
        assert_eq!(display_name("a\u{202E}b\u{200B}c"), "abc");
        assert_eq!(display_name("  \u{200B} "), "(no name)");
        assert_eq!(display_name(&"x".repeat(50)).chars().count(), NAME_CHARS);
    }

    #[test]
    fn chunks_prefer_line_breaks() {
        let text = format!("{}\n{}", "a".repeat(8), "b".repeat(8));
        assert_eq!(chunks(&text, 10), vec!["a".repeat(8), "b".repeat(8)]);
        assert!(chunks(&"x".repeat(25), 10)
            .iter()
            .all(|c| c.chars().count() <= 10));
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
