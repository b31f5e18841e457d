//! Answer lines (`**Answer: b) text**`, `Answer: B`, `> **Answer:** b`), explanation labels,
//! `<details>` answer blocks and Answer Key entries.

use super::lines::{
    normalize, skip_emphasis, strip_bullet, strip_keyword, strip_number_marker, unquote,
};
use crate::quiz::model::index_of_letter;

/// What an answer names: a letter (with the option's text restated, perhaps) or only a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AnswerValue {
    Letter { index: usize, text: Option<String> },
    Text(String),
}

impl AnswerValue {
    /// Resolves to an option index, or says why it can't.
    pub fn resolve(&self, options: &[String]) -> Result<usize, String> {
        match self {
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

/// The pieces of a line that carries `<details>` / `<summary>` / `</details>` tags.
#[derive(Debug, PartialEq, Eq)]
pub enum DetailsPart<'a> {
    Open,
    Summary(&'a str),
    Close,
    Text(&'a str),
}

/// Splits a line at details/summary tags; `None` when it has none. One pass over the line:
/// each `<` is looked at once.
pub fn details_parts(line: &str) -> Option<Vec<DetailsPart<'_>>> {
    let lower = line.to_ascii_lowercase(); // same byte offsets as `line`
    if !lower.contains("<details") && !lower.contains("</details") && !lower.contains("<summary") {
        return None;
    }
    let mut parts = Vec::new();
    let mut text_from = 0;
    let mut pos = 0;
    while let Some(at) = lower[pos..].find('<').map(|p| pos + p) {
        let rest = &lower[at..];
        let tag = ["<details", "</details>", "<summary"]
            .into_iter()
            .find(|t| rest.starts_with(t));
        let Some(tag) = tag else {
            pos = at + 1;
            continue;
        };
        // No `>` after this tag means none after any later one either: the rest is text.
        let Some(end) = rest.find('>').map(|e| at + e + 1) else {
            break;
        };
        push_text(&mut parts, &line[text_from..at]);
        pos = end;
        match tag {
            "<details" => parts.push(DetailsPart::Open),
            "</details>" => parts.push(DetailsPart::Close),
            _ => {
                let close = lower[pos..].find("</summary>").map(|c| pos + c);
                let summary_end = close.unwrap_or(line.len());
                parts.push(DetailsPart::Summary(line[pos..summary_end].trim()));
                pos = close.map_or(line.len(), |c| c + "</summary>".len());
            }
        }
        text_from = pos;
    }
    push_text(&mut parts, &line[text_from..]);
    Some(parts)
}

fn push_text<'a>(parts: &mut Vec<DetailsPart<'a>>, text: &'a str) {
    if !text.trim().is_empty() {
        parts.push(DetailsPart::Text(text.trim()));
    }
}

/// Whether a `<summary>` announces the answer ("Answer", "Show solution", "Click for answer").
pub fn is_answer_summary(summary: &str) -> bool {
    let s = summary.to_lowercase();
    s.contains("answer") || s.contains("solution")
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
    fn answer_lines_in_every_form() {
        assert_eq!(answer_line("**Answer: b) x**").map(|a| a.1), Some("b) x**"));
        assert_eq!(answer_line("**Answer:** b").map(|a| a.1), Some("b"));
        assert_eq!(answer_line("**Correct answer:** B").map(|a| a.1), Some("B"));
        assert_eq!(answer_line("Answer: B").map(|a| a.1), Some("B"));
        assert_eq!(answer_line("> **Answer:** b").map(|a| a.1), Some("b"));
        assert_eq!(answer_line("**Answer**: c").map(|a| a.1), Some("c"));
        assert_eq!(answer_line("Answer the question below:"), None);
        assert_eq!(answer_line("Answers: many"), None);
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
    fn details_tags_are_split_on_one_line() {
        use DetailsPart::*;
        assert_eq!(
            details_parts("<details><summary>Answer</summary>**b)** because</details>"),
            Some(vec![Open, Summary("Answer"), Text("**b)** because"), Close])
        );
        assert_eq!(details_parts("plain"), None);
        assert_eq!(details_parts("<details"), Some(vec![Text("<details")]));
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
