//! Recognisers for single Markdown lines. Each takes one line (no newline) and says what it is;
//! none of them allocates unless it returns text, and none can panic on any input.

/// Column (1-based, in characters) of the first non-blank character.
pub fn indent_col(line: &str) -> usize {
    line.chars().take_while(|c| c.is_whitespace()).count() + 1
}

/// `### text ###` → `(3, "text")`. Up to three spaces of indent, as CommonMark allows.
pub fn heading(line: &str) -> Option<(usize, &str)> {
    let trimmed = line.trim_start_matches(' ');
    if line.len() - trimmed.len() > 3 {
        return None;
    }
    let level = trimmed.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&level) {
        return None;
    }
    let rest = &trimmed[level..];
    if !rest.is_empty() && !rest.starts_with([' ', '\t']) {
        return None; // `#hashtag` is not a heading
    }
    let text = rest.trim();
    // A closing sequence of #s is decoration: `## Title ##`.
    let text = match text.trim_end_matches('#') {
        t if t.is_empty() || t.ends_with([' ', '\t']) => t.trim_end(),
        _ => text,
    };
    Some((level, text))
}

pub fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

/// Strips a blockquote marker: `> text` → `text`.
pub fn unquote(line: &str) -> Option<&str> {
    let t = line.trim_start();
    t.strip_prefix('>')
        .map(|rest| rest.strip_prefix(' ').unwrap_or(rest))
}

/// Strips a bullet (`-`, `*`, `+`) and the space after it.
pub fn strip_bullet(line: &str) -> Option<&str> {
    let t = line.trim_start();
    let rest = t.strip_prefix(['-', '*', '+'])?;
    if rest.starts_with([' ', '\t']) {
        Some(rest.trim_start())
    } else {
        None
    }
}

/// Strips a task box: `[ ] text` → `(false, "text")`, `[x] text` → `(true, "text")`.
pub fn strip_task_box(text: &str) -> Option<(bool, &str)> {
    let checked = if text.starts_with("[ ]") {
        false
    } else if text.starts_with("[x]") || text.starts_with("[X]") {
        true
    } else {
        return None;
    };
    Some((checked, text[3..].trim_start()))
}

/// Strips a numbered-list marker: `12. text` or `12) text` → `(12, "text")`.
pub fn strip_number_marker(text: &str) -> Option<(u64, &str)> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let number = text[..digits].parse().ok()?;
    let rest = text[digits..].strip_prefix(['.', ')', ':'])?;
    Some((number, rest.trim_start()))
}

/// The text without Markdown emphasis markers (`*`, `_`) and code ticks, whitespace collapsed,
/// lower-cased, trailing full stop removed: how two spellings of one option are compared.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text
        .split(|c: char| c.is_whitespace())
        .filter(|w| !w.is_empty())
    {
        let word: String = word
            .chars()
            .filter(|c| !matches!(c, '*' | '_' | '`'))
            .flat_map(char::to_lowercase)
            .collect();
        if word.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    while out.ends_with('.') {
        out.pop();
    }
    out
}

/// Removes `**`/`__` pairs that wrap the whole text: `**3. What?**` → `3. What?`.
pub fn unwrap_strong(text: &str) -> &str {
    let t = text.trim();
    for marker in ["**", "__"] {
        if let Some(inner) = t
            .strip_prefix(marker)
            .and_then(|rest| rest.strip_suffix(marker))
        {
            if !inner.contains(marker) {
                return inner.trim();
            }
        }
    }
    t
}

/// Skips leading emphasis markers and spaces: `** Answer` → `Answer`.
pub fn skip_emphasis(text: &str) -> &str {
    text.trim_start_matches(['*', '_', ' ', '\t'])
}

/// If `text` starts with `word` (ASCII, any case) followed by a non-letter, returns the rest.
pub fn strip_keyword<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let head = text.get(..word.len())?;
    if !head.eq_ignore_ascii_case(word) {
        return None;
    }
    let rest = &text[word.len()..];
    match rest.chars().next() {
        Some(c) if c.is_alphanumeric() => None,
        _ => Some(rest),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_of_any_level_with_optional_closing_hashes() {
        assert_eq!(heading("### 3. What?"), Some((3, "3. What?")));
        assert_eq!(heading("# Title ##"), Some((1, "Title")));
        assert_eq!(heading("#hashtag"), None);
        assert_eq!(heading("####### seven"), None);
        assert_eq!(heading("    # code"), None);
    }

    #[test]
    fn normalize_ignores_emphasis_case_spacing_and_final_stop() {
        assert_eq!(normalize("  **Cross**  Attention. "), "cross attention");
        assert_eq!(normalize("`O(n)` time"), "o(n) time");
    }

    #[test]
    fn keyword_must_end_at_a_word_boundary() {
        assert_eq!(strip_keyword("Answer: b", "answer"), Some(": b"));
        assert_eq!(strip_keyword("Answers", "answer"), None);
        assert_eq!(strip_keyword("é", "answer"), None);
    }
}
