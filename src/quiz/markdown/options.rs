//! Option lines: `a) text`, `A. text`, `(a) text`, `A: text`, `**B)** text`, with an optional
//! bullet and task box (`- [x] b) text`), and unlettered list items (`- True`).

use super::lines::{strip_bullet, strip_task_box};
use crate::quiz::model::index_of_letter;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionLine<'a> {
    /// Zero-based index of the letter, `None` for an unlettered list item.
    pub letter: Option<usize>,
    /// `Some(true)` for `[x]`, `Some(false)` for `[ ]`, `None` without a task box.
    pub checked: Option<bool>,
    pub text: &'a str,
    /// 1-based column of the letter (or of the item text when unlettered).
    pub col: usize,
}

pub fn option_line(line: &str) -> Option<OptionLine<'_>> {
    let s = line.trim_start();
    let bullet = strip_bullet(s);
    let s = bullet.unwrap_or(s);
    let (checked, s) = match bullet.and_then(strip_task_box) {
        Some((checked, rest)) => (Some(checked), rest),
        None => (None, s),
    };
    let col = line[..line.len() - s.len()].chars().count() + 1;
    if let Some((letter, text)) = strip_letter_label(s) {
        return Some(OptionLine {
            letter: Some(letter),
            checked,
            text,
            col,
        });
    }
    (bullet.is_some() && !s.trim().is_empty()).then(|| OptionLine {
        letter: None,
        checked,
        text: s.trim(),
        col,
    })
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
    fn column_points_at_the_label() {
        assert_eq!(option_line("  - b) x").unwrap().col, 5);
    }
}
