//! Question labels: the number (or its absence) at the start of a heading, a bold paragraph or
//! a `Q67.` line, and how sure it makes us that a question starts there.

use super::lines::{skip_emphasis, strip_keyword, unwrap_strong};

/// How a heading reads as a question start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeadingLabel {
    /// `3. What?`, `3) What?`, `3 . What?`, `Q3: What?`, `Question 3`: a question, whatever
    /// follows.
    Numbered { number: u64, prompt: String },
    /// `1 Fill in …` (a number and a space): a question when options follow.
    Loose { number: u64, prompt: String },
    /// `14.4.4 Maintaining your app` (a section number) or no number at all: a question only
    /// when options and an answer follow; the whole text is the prompt.
    Unnumbered,
}

/// A question label at the start of a heading or bold paragraph: `3. What?`, `3) What?`,
/// `Question 3`, `Question 3: What?`, `Q3: What?`, `**3. What?**`, `**Q3.** What?`,
/// `3 . What?`. Returns the number and the prompt text that follows (possibly empty).
pub fn question_label(text: &str) -> Option<(u64, String)> {
    let s = skip_emphasis(unwrap_strong(text));
    let (prefixed, s) = strip_prefix(s);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let number: u64 = s[..digits].parse().ok()?;
    let rest = &s[digits..];
    // `1.2 Title` is a section number, not question 1.
    if rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit()) {
        return None;
    }
    let after_marks = rest.trim_start_matches(['*', '_']);
    let spaced = rest.trim_start();
    let after = if let Some(r) = rest.strip_prefix(['.', ')', ':']) {
        r
    } else if let Some(r) = after_marks.strip_prefix(['.', ')', ':']) {
        r
    } else if let Some(r) = spaced.strip_prefix(['-', '–', '—', '.', ')', ':']) {
        // `3 - What?`, `5 . Is this …?`
        r
    } else if after_marks.trim().is_empty() || (prefixed && rest.starts_with([' ', '\t'])) {
        after_marks
    } else {
        return None;
    };
    Some((number, clean_prompt(after)))
}

/// `Q`, `Question` (optionally with `#`) before the number; whether there was one.
fn strip_prefix(s: &str) -> (bool, &str) {
    let (prefixed, s) = if let Some(rest) = strip_keyword(s, "question") {
        (true, rest.trim_start())
    } else if let Some(rest) = s
        .strip_prefix(['q', 'Q'])
        .filter(|r| r.starts_with(|c: char| c.is_ascii_digit()))
    {
        (true, rest)
    } else {
        (false, s)
    };
    if prefixed {
        (true, s.strip_prefix('#').unwrap_or(s))
    } else {
        (false, s)
    }
}

/// The prompt after a label: emphasis left over from the label dropped, and a decoration in
/// parentheses that is all there is (`Question 1 (⭐ Beginner)`) is no prompt.
fn clean_prompt(after: &str) -> String {
    let prompt = after.trim_start_matches(['*', '_']).trim();
    if prompt.starts_with('(') && prompt.ends_with(')') && !prompt[1..].contains('(') {
        return String::new();
    }
    prompt.to_string()
}

/// Whether a line of a paragraph may start a question: a label in bold, or one prefixed with
/// `Q` or `Question` (a plain `3. …` at a paragraph's start would be a list).
pub fn paragraph_label(line: &str) -> Option<(u64, String)> {
    let t = line.trim_start();
    let bold = t.starts_with("**") || t.starts_with("__");
    let plain = skip_emphasis(t);
    let prefixed = strip_prefix(plain).0;
    if !bold && !prefixed {
        return None;
    }
    question_label(t)
}

/// How a heading's text reads as a question start.
pub fn heading_label(text: &str) -> HeadingLabel {
    if let Some((number, prompt)) = question_label(text) {
        return HeadingLabel::Numbered { number, prompt };
    }
    let s = skip_emphasis(text);
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &s[digits..];
    if (1..=3).contains(&digits) && rest.starts_with([' ', '\t']) {
        let prompt = rest.trim();
        if prompt.starts_with(|c: char| c.is_alphabetic() || c == '`' || c == '*') {
            if let Ok(number) = s[..digits].parse() {
                return HeadingLabel::Loose {
                    number,
                    prompt: prompt.to_string(),
                };
            }
        }
    }
    HeadingLabel::Unnumbered
}

/// A heading that names the kind of question rather than asking it ("Multiple Choice",
/// "Bonus Question"): the prompt is what follows it.
pub fn is_kind_heading(text: &str) -> bool {
    let t: String = text
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect::<String>()
        .to_lowercase();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    matches!(
        t.as_str(),
        "question"
            | "bonus question"
            | "bonus"
            | "multiple choice"
            | "multiple choice question"
            | "single choice"
            | "multiple answer"
            | "multiple answers"
            | "multiple select"
            | "true or false"
            | "truefalse"
            | "true false"
            | "fill in the blank"
            | "short answer"
            | "challenge"
            | "quiz question"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_labels() {
        let cases = [
            ("3. What is it?", Some((3, "What is it?"))),
            ("3) What is it?", Some((3, "What is it?"))),
            ("Question 3", Some((3, ""))),
            ("Question 3: What?", Some((3, "What?"))),
            ("Question #4 - What?", Some((4, "What?"))),
            ("Q3: What?", Some((3, "What?"))),
            ("**3. What is it?**", Some((3, "What is it?"))),
            ("**Q3.** What?", Some((3, "What?"))),
            ("**Question 3:** What?", Some((3, "What?"))),
            ("3", Some((3, ""))),
            (
                "5 . Is this assumption valid?",
                Some((5, "Is this assumption valid?")),
            ),
            ("Q59 . Which?", Some((59, "Which?"))),
            ("Question 1 (⭐ Beginner)", Some((1, ""))),
            (
                "Question 2:Fill in the blank",
                Some((2, "Fill in the blank")),
            ),
            ("2023 in review", None),
            ("Questions and answers", None),
            ("Quiz", None),
            ("1st place", None),
            ("14.4.4 Maintaining your app", None),
        ];
        for (text, want) in cases {
            let got = question_label(text);
            assert_eq!(got.as_ref().map(|(n, p)| (*n, p.as_str())), want, "{text}");
        }
    }

    #[test]
    fn heading_labels_say_how_sure_they_are() {
        assert!(matches!(
            heading_label("1 Fill in the blank: …"),
            HeadingLabel::Loose { number: 1, .. }
        ));
        assert_eq!(
            heading_label("14.4.4 Maintaining your app"),
            HeadingLabel::Unnumbered
        );
        assert_eq!(heading_label("Why is it?"), HeadingLabel::Unnumbered);
        assert_eq!(heading_label("2023 in review"), HeadingLabel::Unnumbered);
    }

    #[test]
    fn paragraph_labels_need_bold_or_a_prefix() {
        assert_eq!(paragraph_label("Q67. What?").map(|l| l.0), Some(67));
        assert_eq!(
            paragraph_label("**Question 1:** What?").map(|l| l.0),
            Some(1)
        );
        assert_eq!(paragraph_label("3. a step of the explanation"), None);
    }

    #[test]
    fn kind_headings() {
        assert!(is_kind_heading("Multiple Choice"));
        assert!(is_kind_heading("Bonus Question"));
        assert!(!is_kind_heading("True or False: updates are optional."));
    }
}
