//! Answer lines (`**Answer: b) text**`, `Answer: B`, `**Answer:** A, C`, `> **Answer:** b`),
//! answers given only in prose ("The correct answer is b) …"), explanation labels and Answer Key
//! entries.

use super::lines::{
    normalize, skip_emphasis, strip_bullet, strip_keyword, strip_number_marker, unquote,
};
use crate::quiz::model::index_of_letter;

/// What an answer names: a letter (with the option's text restated, perhaps) or only a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    Letter {
        index: usize,
        text: Option<String>,
    },
    /// Several letters: `A, C`, `B and D` (a question with several correct options).
    Letters(Vec<usize>),
    Text(String),
}

/// What an answer resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    One(usize),
    /// Sorted, at least two.
    Several(Vec<usize>),
}

impl Resolved {
    /// `A`, or `A, C`: for messages.
    pub fn letters(&self) -> String {
        match self {
            Resolved::One(i) => crate::quiz::model::letter(*i).to_string(),
            Resolved::Several(v) => v
                .iter()
                .map(|&i| crate::quiz::model::letter(i).to_string())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

impl AnswerValue {
    /// Resolves to option indexes, or says why it can't.
    pub fn resolve_all(&self, options: &[String]) -> Result<Resolved, String> {
        match self {
            AnswerValue::Letters(indexes) => {
                if let Some(&missing) = indexes.iter().find(|&&i| i >= options.len()) {
                    let letter = crate::quiz::model::letter(missing);
                    return Err(format!(
                        "the answer names {letter}, but there is no option {letter}"
                    ));
                }
                Ok(Resolved::Several(indexes.clone()))
            }
            _ => self.resolve(options).map(Resolved::One),
        }
    }

    /// Resolves to one option index, or says why it can't.
    pub fn resolve(&self, options: &[String]) -> Result<usize, String> {
        match self {
            AnswerValue::Letters(indexes) => {
                Err(format!("the answer names {} options", indexes.len()))
            }
            AnswerValue::Letter { index, text } => {
                let letter = crate::quiz::model::letter(*index);
                let Some(option) = options.get(*index) else {
                    return Err(format!(
                        "the answer is {letter}, but there is no option {letter}"
                    ));
                };
                match text {
                    Some(text) if normalize(text) != normalize(option) => Err(format!(
                        "the answer says \"{}\" but option {letter} is \"{}\"",
                        clip(text),
                        clip(option)
                    )),
                    _ => Ok(*index),
                }
            }
            AnswerValue::Text(text) => {
                let wanted = normalize(text);
                options
                    .iter()
                    .position(|o| normalize(o) == wanted)
                    .ok_or_else(|| format!("the answer \"{}\" matches no option", clip(text)))
            }
        }
    }
}

fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}

/// Parses what follows `Answer:` — `b) text`, `B`, `(b)`, `b. text`, `Option B`, `True`.
pub fn parse_value(value: &str) -> Option<AnswerValue> {
    // Emphasis is decoration here (`**b)** text`); underscores may be part of the text.
    let plain: String = value.chars().filter(|&c| c != '*').collect();
    let mut v = plain.trim();
    if let Some(rest) = strip_keyword(v, "option") {
        v = rest.trim_start();
    }
    if v.is_empty() {
        return None;
    }
    if let Some(letters) = several_letters(v) {
        return Some(AnswerValue::Letters(letters));
    }
    let mut chars = v.char_indices();
    let (_, first) = chars.next()?;
    let (letter, after) = if first == '(' {
        let (_, letter) = chars.next()?;
        let rest = v[1 + letter.len_utf8()..].strip_prefix(')')?;
        (letter, rest)
    } else {
        (first, &v[first.len_utf8()..])
    };
    let Some(index) = index_of_letter(letter).filter(|_| letter.is_ascii_alphabetic()) else {
        return Some(AnswerValue::Text(v.to_string()));
    };
    let after_trim = after.trim_start();
    let text = if after.is_empty() {
        None
    } else if let Some(rest) = after.strip_prefix([')', '.', ':']) {
        Some(rest)
    } else if let Some(rest) = after_trim.strip_prefix(['-', '–', '—']) {
        Some(rest)
    } else if first == '(' {
        Some(after)
    } else {
        // "A cat": a word, not a letter.
        return Some(AnswerValue::Text(v.to_string()));
    };
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(String::from);
    Some(AnswerValue::Letter { index, text })
}

/// `A, C`, `B and D`, `a & c`, `A/B`, `(a), (c)`: two or more single letters, sorted and
/// without repeats.
fn several_letters(v: &str) -> Option<Vec<usize>> {
    let mut letters = Vec::new();
    let cleaned = v.trim_end_matches(['.', ' ']);
    for part in cleaned
        .split([',', '&', '/', ';'])
        .flat_map(|p| p.split(" and "))
    {
        let p = part.trim().trim_matches(['(', ')', ' ']);
        if p.is_empty() {
            continue;
        }
        let mut chars = p.chars();
        let c = chars.next()?;
        if chars.next().is_some() || !c.is_ascii_alphabetic() {
            return None;
        }
        letters.push(index_of_letter(c)?);
    }
    letters.sort_unstable();
    letters.dedup();
    (letters.len() >= 2).then_some(letters)
}

/// An answer given only in prose: "The correct answer is b) …", "Correct answer is: C".
/// Returns the column of the phrase and the value after it.
pub fn prose_answer(line: &str) -> Option<(usize, AnswerValue)> {
    let lower = line.to_lowercase();
    let phrase = ["correct answer is", "right answer is", "the answer is"]
        .iter()
        .find_map(|p| lower.find(p).map(|at| (at, p.len())))?;
    // Lower-casing can change byte lengths outside ASCII; only trust positions it kept.
    if lower.len() != line.len() {
        return None;
    }
    let rest = line[phrase.0 + phrase.1..].trim_start_matches([':', ' ', '*', '_']);
    // Only a letter with a label (`b)`, `(b)`, `B.`, `B:`) or standing alone counts: prose
    // such as "the answer is a matter of taste" names no option.
    let mut chars = rest.chars();
    let value = match (chars.next(), chars.next(), chars.next()) {
        (Some('('), Some(c), Some(')')) if c.is_ascii_alphabetic() => Some(c),
        (Some(c), Some(')' | '.' | ':'), _) if c.is_ascii_alphabetic() => Some(c),
        (Some(c), None, _) if c.is_ascii_alphabetic() => Some(c),
        (Some(c), Some(' ' | ',' | '*'), _) if c.is_ascii_uppercase() && c != 'A' => Some(c),
        _ => None,
    }?;
    let index = index_of_letter(value)?;
    let col = line[..phrase.0].chars().count() + 1;
    Some((col, AnswerValue::Letter { index, text: None }))
}

/// A line that gives the answer: returns the column of the keyword and the raw value after it
/// (possibly empty, which the caller reports).
pub fn answer_line(line: &str) -> Option<(usize, &str)> {
    let t = unquote(line).unwrap_or(line);
    let t = strip_bullet(t).unwrap_or(t);
    let s = skip_emphasis(t);
    let col = line.len() - s.len();
    let rest = [
        "correct answer",
        "right answer",
        "correct option",
        "answers",
        "answer",
        "solution",
    ]
    .iter()
    .find_map(|k| strip_keyword(s, k))?;
    let rest = rest.trim_start_matches(['*', '_']).trim_start();
    let rest = rest
        .strip_prefix(':')
        .or_else(|| rest.strip_prefix(['-', '–', '—', '=']))?;
    let value = rest.trim_start_matches(['*', '_', ' ', '\t']).trim_end();
    Some((line[..col].chars().count() + 1, value))
}

/// A line that starts the explanation (`**Explanation:** text`): the text after the label,
/// Markdown kept, and whether the line was quoted (`> **Explanation:** …`).
pub fn explanation_label(line: &str) -> Option<(String, bool)> {
    let (t, quoted) = match unquote(line) {
        Some(inner) => (inner, true),
        None => (line.trim_start(), false),
    };
    let s = skip_emphasis(t);
    // Emphasis markers opened before the label; counted rather than derived from lengths, since
    // `t` may start with whitespace that `skip_emphasis` leaves alone (a `\r` after `>`).
    let opened = t[..t.len() - s.len()]
        .chars()
        .filter(|c| matches!(c, '*' | '_'))
        .count();
    let rest = ["explanation", "rationale"]
        .iter()
        .find_map(|k| strip_keyword(s, k))?;
    let before_colon = rest.trim_start_matches(['*', '_']);
    let closed_before = rest.len() - before_colon.len();
    let after = if before_colon.trim().is_empty() {
        ""
    } else {
        before_colon.trim_start().strip_prefix(':')?
    };
    let after_trim = after.trim_start();
    let markers = after_trim.len() - after_trim.trim_start_matches(['*', '_']).len();
    let text = if closed_before + markers >= opened {
        after_trim[markers..].trim()
    } else {
        // `**Explanation: the whole line is bold**`: drop the closing markers at the end.
        after_trim.trim_end().trim_end_matches(['*', '_']).trim()
    };
    Some((text.to_string(), quoted))
}

/// One entry of an Answer Key: `3. b) text`, `3. b`, `3: b`, `- 3) B`, `Q3: b`, `**3.** b`.
pub fn key_entry(line: &str) -> Option<(u64, AnswerValue)> {
    let t = strip_bullet(line).unwrap_or(line.trim_start());
    let t = skip_emphasis(t);
    let t = t
        .strip_prefix(['q', 'Q'])
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        .unwrap_or(t);
    let (number, rest) = match strip_number_marker(t) {
        Some(found) => found,
        None => {
            // `3 - b`
            let digits = t.bytes().take_while(u8::is_ascii_digit).count();
            let rest = t[digits..].trim_start().strip_prefix(['-', '–', '—'])?;
            (t[..digits].parse().ok()?, rest)
        }
    };
    let value = parse_value(rest.trim_start_matches(['*', '_']))?;
    Some((number, value))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn letter(index: usize, text: Option<&str>) -> AnswerValue {
        AnswerValue::Letter {
            index,
            text: text.map(String::from),
        }
    }

    #[test]
    fn answer_values_in_every_spelling() {
        assert_eq!(parse_value("b) Text"), Some(letter(1, Some("Text"))));
        assert_eq!(parse_value("B"), Some(letter(1, None)));
        assert_eq!(parse_value("(c)"), Some(letter(2, None)));
        assert_eq!(parse_value("**b)** text"), Some(letter(1, Some("text"))));
        assert_eq!(parse_value("d. four"), Some(letter(3, Some("four"))));
        assert_eq!(parse_value("A — one"), Some(letter(0, Some("one"))));
        assert_eq!(parse_value("Option C"), Some(letter(2, None)));
        assert_eq!(parse_value("True"), Some(AnswerValue::Text("True".into())));
        assert_eq!(
            parse_value("A cat"),
            Some(AnswerValue::Text("A cat".into()))
        );
        assert_eq!(parse_value(""), None);
    }

    #[test]
    fn several_letters_make_several_answers() {
        assert_eq!(parse_value("A, C"), Some(AnswerValue::Letters(vec![0, 2])));
        assert_eq!(
            parse_value("b and d"),
            Some(AnswerValue::Letters(vec![1, 3]))
        );
        assert_eq!(
            parse_value("(a), (c)"),
            Some(AnswerValue::Letters(vec![0, 2]))
        );
        assert_eq!(
            parse_value("A, B, E."),
            Some(AnswerValue::Letters(vec![0, 1, 4]))
        );
        assert_eq!(
            parse_value("Salt and pepper"),
            Some(AnswerValue::Text("Salt and pepper".into()))
        );
    }

    #[test]
    fn answers_in_prose() {
        let b = Some(AnswerValue::Letter {
            index: 1,
            text: None,
        });
        assert_eq!(
            prose_answer("The correct answer is b) To reduce the variance.").map(|a| a.1),
            b
        );
        assert_eq!(prose_answer("The correct answer is (b).").map(|a| a.1), b);
        assert_eq!(prose_answer("Correct answer is: B").map(|a| a.1), b);
        assert_eq!(prose_answer("The answer is a matter of taste."), None);
        assert_eq!(prose_answer("No answer here."), None);
    }

    #[test]
    fn answer_lines_in_every_form() {
        assert_eq!(answer_line("**Answer: b) x**").map(|a| a.1), Some("b) x**"));
        assert_eq!(answer_line("**Answer:** b").map(|a| a.1), Some("b"));
        assert_eq!(answer_line("**Correct answer:** B").map(|a| a.1), Some("B"));
        assert_eq!(answer_line("Answer: B").map(|a| a.1), Some("B"));
        assert_eq!(answer_line("> **Answer:** b").map(|a| a.1), Some("b"));
        assert_eq!(answer_line("**Answer**: c").map(|a| a.1), Some("c"));
        assert_eq!(answer_line("Answer the question below:"), None);
        // The plural names the answers a typed question accepts.
        assert_eq!(
            answer_line("Answers: Rome | Roma").map(|a| a.1),
            Some("Rome | Roma")
        );
    }

    #[test]
    fn explanation_label_keeps_markdown_after_it() {
        assert_eq!(
            explanation_label("**Explanation:** Uses `QK^T` and **softmax**."),
            Some(("Uses `QK^T` and **softmax**.".into(), false))
        );
        assert_eq!(
            explanation_label("> **Explanation:** quoted"),
            Some(("quoted".into(), true))
        );
        assert_eq!(
            explanation_label("**Explanation: all bold**"),
            Some(("all bold".into(), false))
        );
        assert_eq!(
            explanation_label("**Explanation**"),
            Some((String::new(), false))
        );
        assert_eq!(explanation_label("Explanations vary"), None);
    }

    /// Found by the property test: a carriage return right after a quote marker made the
    /// marker count underflow.
    #[test]
    fn quoted_line_starting_with_a_control_character_does_not_panic() {
        assert_eq!(explanation_label(">\r**Explanation:** x"), None);
        assert_eq!(
            explanation_label(">   **Explanation:** spaced"),
            Some(("spaced".into(), true))
        );
    }

    #[test]
    fn key_entries() {
        assert_eq!(key_entry("1. b) text"), Some((1, letter(1, Some("text")))));
        assert_eq!(key_entry("2. b"), Some((2, letter(1, None))));
        assert_eq!(key_entry("3: C"), Some((3, letter(2, None))));
        assert_eq!(key_entry("- 4) a"), Some((4, letter(0, None))));
        assert_eq!(key_entry("Q5: d"), Some((5, letter(3, None))));
        assert_eq!(key_entry("**6.** b"), Some((6, letter(1, None))));
        assert_eq!(key_entry("7 - a"), Some((7, letter(0, None))));
        assert_eq!(key_entry("no number"), None);
    }

    #[test]
    fn resolve_checks_the_restated_text() {
        let options = vec!["One".to_string(), "Two".to_string()];
        assert_eq!(letter(1, Some("two.")).resolve(&options), Ok(1));
        assert!(letter(1, Some("three")).resolve(&options).is_err());
        assert!(letter(2, None)
            .resolve(&options)
            .unwrap_err()
            .contains("no option C"));
        assert_eq!(AnswerValue::Text("one".into()).resolve(&options), Ok(0));
    }
}
