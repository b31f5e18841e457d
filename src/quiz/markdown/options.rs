//! Option lines: `a) text`, `A. text`, `(a) text`, `A: text`, `**B)** text`, with an optional
//! bullet and task box (`- [x] b) text`), unlettered list items (`- True`), and the boxes of
//! Microsoft Learn's format (`( ) text`, `(x) text`, with `{{feedback}}` after the text).

use super::lines::{strip_bullet, strip_task_box};
use crate::quiz::model::index_of_letter;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionLine<'a> {
    /// Zero-based index of the letter, `None` for an unlettered list item.
    pub letter: Option<usize>,
    /// `Some(true)` for `[x]` / `(x)`, `Some(false)` for `[ ]` / `( )`, `None` without a box.
    pub checked: Option<bool>,
    pub text: &'a str,
    /// 1-based column of the letter (or of the item text when unlettered).
    pub col: usize,
}

pub fn option_line(line: &str) -> Option<OptionLine<'_>> {
    let s = line.trim_start();
    let bullet = strip_bullet(s);
    let s = bullet.unwrap_or(s);
    let boxed = match bullet {
        Some(rest) => strip_task_box(rest),
        None => strip_task_box(s).or_else(|| strip_paren_box(s)),
    };
    let (checked, s) = match boxed {
        Some((checked, rest)) => (Some(checked), rest),
        None => (None, s),
    };
    if bullet.is_none() && checked.is_some() && s.trim().is_empty() {
        return None;
    }
    let col = line[..line.len() - s.len()].chars().count() + 1;
    if let Some((letter, text)) = strip_letter_label(s) {
        return Some(OptionLine {
            letter: Some(letter),
            checked,
            text,
            col,
        });
    }
    ((bullet.is_some() || checked.is_some()) && !s.trim().is_empty()).then(|| OptionLine {
        letter: None,
        checked,
        text: s.trim(),
        col,
    })
}

/// `( ) text` → `(false, "text")`, `(x) text` → `(true, "text")`.
fn strip_paren_box(s: &str) -> Option<(bool, &str)> {
    let checked = if s.starts_with("( )") {
        false
    } else if s.starts_with("(x)") || s.starts_with("(X)") {
        true
    } else {
        return None;
    };
    let rest = &s[3..];
    rest.starts_with([' ', '\t'])
        .then(|| (checked, rest.trim_start()))
}

/// Microsoft Learn's per-option feedback: `text {{Correct. Because …}}` → `("text",
/// Some("Correct. Because …"))`.
pub fn split_feedback(text: &str) -> (&str, Option<&str>) {
    let t = text.trim_end();
    if let (Some(open), true) = (t.rfind("{{"), t.ends_with("}}")) {
        let inner = t[open + 2..t.len() - 2].trim();
        return (t[..open].trim_end(), (!inner.is_empty()).then_some(inner));
    }
    (t, None)
}

/// `b) text`, `B. text`, `(b) text`, `b: text`, `**b)** text`, `**b) text**` → `(1, "text")`.
/// The text after the label must be non-empty and separated by a space.
pub fn strip_letter_label(s: &str) -> Option<(usize, &str)> {
    let bold = s.starts_with("**");
    let s = if bold { &s[2..] } else { s };
    let mut chars = s.chars();
    let first = chars.next()?;
    let (letter, after) = if first == '(' {
        let letter = chars.next()?;
        (letter, s[1..].get(letter.len_utf8()..)?.strip_prefix(')')?)
    } else {
        let after = s[first.len_utf8()..].strip_prefix([')', '.', ':'])?;
        (first, after)
    };
    if !letter.is_ascii_alphabetic() {
        return None;
    }
    let index = index_of_letter(letter)?;
    let after = if bold {
        match after.strip_prefix("**") {
            Some(rest) => rest,
            // `**b) text**`: the whole option is bold, its text is what is inside.
            None => after.strip_suffix("**")?,
        }
    } else {
        after
    };
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let text = after.trim();
    (!text.is_empty()).then_some((index, text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lettered(line: &str) -> Option<(usize, Option<bool>, &str)> {
        option_line(line).and_then(|o| o.letter.map(|l| (l, o.checked, o.text)))
    }

    #[test]
    fn every_letter_style() {
        assert_eq!(lettered("- a) one"), Some((0, None, "one")));
        assert_eq!(lettered("A. one"), Some((0, None, "one")));
        assert_eq!(lettered("(c) three"), Some((2, None, "three")));
        assert_eq!(lettered("B: two"), Some((1, None, "two")));
        assert_eq!(lettered("**B)** two"), Some((1, None, "two")));
        assert_eq!(lettered("**b) two**"), Some((1, None, "two")));
        assert_eq!(lettered("- [x] b) two"), Some((1, Some(true), "two")));
        assert_eq!(lettered("- [ ] a) one"), Some((0, Some(false), "one")));
        assert_eq!(
            lettered("* d) `code` **kept**"),
            Some((3, None, "`code` **kept**"))
        );
    }

    #[test]
    fn unlettered_items_and_non_options() {
        let item = option_line("- True").unwrap();
        assert_eq!((item.letter, item.text), (None, "True"));
        let task = option_line("- [x] False").unwrap();
        assert_eq!(
            (task.letter, task.checked, task.text),
            (None, Some(true), "False")
        );
        assert_eq!(option_line("Plain prose."), None);
        assert_eq!(option_line("a)no space"), None);
        assert_eq!(option_line("1. numbered"), None);
        assert_eq!(option_line("é) accent"), None);
    }

    #[test]
    fn microsoft_learn_boxes_and_feedback() {
        let o = option_line("(x) A private registry {{Correct. It is private.}}").unwrap();
        assert_eq!((o.letter, o.checked), (None, Some(true)));
        assert_eq!(
            split_feedback(o.text),
            ("A private registry", Some("Correct. It is private."))
        );
        let o = option_line("( ) A public one").unwrap();
        assert_eq!((o.checked, o.text), (Some(false), "A public one"));
        assert_eq!(lettered("(x) text"), None, "(x) is a box, not the letter x");
        assert_eq!(split_feedback("plain"), ("plain", None));
    }

    #[test]
    fn column_points_at_the_label() {
        assert_eq!(option_line("  - b) x").unwrap().col, 5);
    }
}
