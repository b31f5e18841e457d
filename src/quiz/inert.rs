//! Text from outside (a quiz file someone uploaded) made inert before it is shown: it keeps
//! its Markdown, but cannot hide or reorder what is around it, cannot look like a mention, and
//! cannot link anywhere but the web.
//!
//! - Bidirectional controls (U+202A–202E, U+2066–2069, U+200E/200F, U+061C) and invisible
//!   characters (U+200B, U+2060–2064, U+FEFF) are removed — in code too, where a bidi control
//!   can make code read differently from what it does. A zero-width joiner or non-joiner is
//!   kept between two non-ASCII characters, where emoji sequences (👩‍💻) and scripts that
//!   need it use it, and removed elsewhere.
//! - Mention syntax (`@everyone`, `@here`, `<@id>`, `<@&id>`, `<#id>`, `</command:id>`) gets a
//!   zero-width space after its `@`, `<` so that it shows as typed and never renders as a
//!   mention (nobody is pinged either way: every message has `allowed_mentions` empty). Inside
//!   code spans and blocks Discord shows it literally already, so code is left as written.
//! - A Markdown link whose target has a scheme other than `http:`/`https:` (`javascript:`,
//!   `data:`, `file:`, …) keeps only its text. Images (`![…](…)`) and relative targets stay.

/// The inert form of `text` (see the module's documentation).
pub fn inert(text: &str) -> String {
    let visible = drop_hidden(text);
    let mut out = String::with_capacity(visible.len());
    let mut in_fence = false;
    for (i, line) in visible.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            out.push_str(line);
            continue;
        }
        if in_fence {
            out.push_str(line);
            continue;
        }
        out.push_str(&inert_line(line));
    }
    out
}

fn is_hidden(c: char) -> bool {
    matches!(c,
        '\u{061C}' | '\u{200B}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

fn drop_hidden(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let joins = |i: usize| {
        let around = |c: Option<&char>| c.is_some_and(|c| !c.is_ascii() && !c.is_whitespace());
        i > 0 && around(chars.get(i - 1)) && around(chars.get(i + 1))
    };
    chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| match c {
            '\u{200C}' | '\u{200D}' => joins(i),
            c => !is_hidden(c),
        })
        .map(|(_, &c)| c)
        .collect()
}

/// One line outside code blocks: code spans kept as they are, the rest defused.
fn inert_line(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(start) = rest.find('`') {
        let ticks = rest[start..].bytes().take_while(|&b| b == b'`').count();
        let fence = &rest[start..start + ticks];
        let Some(len) = rest[start + ticks..].find(fence) else {
            break; // an unclosed span is not code
        };
        out.push_str(&defuse(&rest[..start]));
        let end = start + ticks + len + ticks;
        out.push_str(&rest[start..end]);
        rest = &rest[end..];
    }
    out.push_str(&defuse(rest));
    out
}

/// Mentions broken, non-web link targets dropped.
fn defuse(text: &str) -> String {
    let unlinked = drop_foreign_links(text);
    let mut out = String::with_capacity(unlinked.len() + 8);
    for (i, c) in unlinked.char_indices() {
        out.push(c);
        let after = &unlinked[i + c.len_utf8()..];
        let mention = match c {
            '@' => after.starts_with("everyone") || after.starts_with("here"),
            '<' => {
                after.starts_with('@')
                    || after.starts_with('#')
                    || (after.starts_with('/') && after.contains(':'))
            }
            _ => false,
        };
        if mention {
            out.push('\u{200B}');
        }
    }
    out
}

/// `[text](javascript:…)` → `text`; web and relative targets and images stay.
fn drop_foreign_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('[') {
        let image = open > 0 && rest.as_bytes()[open - 1] == b'!';
        let Some(close) = rest[open..].find("](").map(|c| open + c) else {
            break;
        };
        let Some(end) = closing_paren(&rest[close + 2..]).map(|e| close + 2 + e) else {
            break;
        };
        let label = &rest[open + 1..close];
        let target = rest[close + 2..end].trim().trim_start_matches('<');
        out.push_str(&rest[..open]);
        if !image && foreign_scheme(target) {
            out.push_str(label);
        } else {
            out.push_str(&rest[open..=end]);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// Where the `)` that closes a link target is, counting the parentheses inside it (as
/// CommonMark does: `https://e.org/a_(b)`).
fn closing_paren(target: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, b) in target.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => return Some(i),
            b')' => depth -= 1,
            _ => {}
        }
    }
    None
}

/// A target with a URL scheme that is not the web's.
fn foreign_scheme(target: &str) -> bool {
    let Some(colon) = target.find(':') else {
        return false;
    };
    let scheme = &target[..colon];
    let is_scheme = !scheme.is_empty()
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    is_scheme && !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https")
}

#[cfg(test)]
mod tests {
    use super::inert;

    #[test]
    fn text_from_outside_is_made_inert() {
        for (text, expected) in [
            // Direction controls and invisible characters go, in code too.
            ("abc\u{202E}fed", "abcfed"),
            ("pay \u{2066}admin\u{2069} now", "pay admin now"),
            ("zero\u{200B}width\u{FEFF}", "zerowidth"),
            ("```\nlet x\u{202E} = 1;\n```", "```\nlet x = 1;\n```"),
            // Joiners stay inside emoji sequences and scripts, go elsewhere.
            ("👩\u{200D}💻 coder", "👩\u{200D}💻 coder"),
            ("a\u{200D}b", "ab"),
            // Mentions show as typed.
            (
                "ping @everyone and @here",
                "ping @\u{200B}everyone and @\u{200B}here",
            ),
            (
                "ask <@123>, <@&45> in <#6>",
                "ask <\u{200B}@123>, <\u{200B}@&45> in <\u{200B}#6>",
            ),
            ("run </quiz start:99>", "run <\u{200B}/quiz start:99>"),
            ("mail me@example.com", "mail me@example.com"),
            // …but not in code, where Discord shows them literally already.
            ("use `<@123>` here", "use `<@123>` here"),
            ("```\n@everyone\n```", "```\n@everyone\n```"),
            ("x ``a ` <@1>`` y @here", "x ``a ` <@1>`` y @\u{200B}here"),
            // Links: only the web's.
            ("[click](javascript:alert(1))", "click"),
            (
                "see [docs](https://example.com/a_(b)) ok",
                "see [docs](https://example.com/a_(b)) ok",
            ),
            (
                "[x](DATA:text/html,hi) [y](http://e.org)",
                "x [y](http://e.org)",
            ),
            (
                "[rel](notes.md) ![pic](img/a.png)",
                "[rel](notes.md) ![pic](img/a.png)",
            ),
            ("![pic](javascript:x)", "![pic](javascript:x)"),
            ("a [b] c (d)", "a [b] c (d)"),
            // Ordinary text is left exactly as it is.
            ("**Bold** _it_ <b> a<b 2 > 1", "**Bold** _it_ <b> a<b 2 > 1"),
            ("", ""),
        ] {
            assert_eq!(inert(text), expected, "{text:?}");
        }
    }
}
