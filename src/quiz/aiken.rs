//! Moodle's Aiken format (`.txt`, docs/quiz-format.md, "Aiken"): a question line, its options
//! `A.` or `A)`, then `ANSWER: B`. Blank lines between questions are optional.

use super::diagnostic::Diagnostic;
use super::model::{index_of_letter, Question, MAX_OPTIONS, MIN_OPTIONS};
use super::{LeftOut, LeftOutReason, Parsed};

/// `A. text` or `A) text`: the option's index and its text.
fn option_line(line: &str) -> Option<(usize, &str)> {
    let mut chars = line.chars();
    let letter = chars.next()?;
    if !letter.is_ascii_uppercase() {
        return None;
    }
    let rest = chars.as_str();
    let text = rest.strip_prefix(['.', ')'])?;
    if !text.starts_with([' ', '\t']) {
        return None;
    }
    Some((index_of_letter(letter)?, text.trim()))
}

/// `ANSWER: B` (any case, spaces around the colon): the letter.
pub fn answer_line(line: &str) -> Option<&str> {
    let (key, value) = line.split_once(':')?;
    key.trim()
        .eq_ignore_ascii_case("answer")
        .then(|| value.trim())
}

/// Does this text read as Aiken? Some `ANSWER: X` line right under an option line.
pub fn looks_like(text: &str) -> bool {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    lines.windows(2).any(|w| {
        option_line(w[0]).is_some()
            && answer_line(w[1])
                .is_some_and(|a| a.len() == 1 && a.chars().all(|c| c.is_ascii_alphabetic()))
    })
}

pub fn parse(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut questions = Vec::new();
    let mut left_out = Vec::new();
    // The question being read: its first line, prompt lines and options (line, text).
    let mut start = 0usize;
    let mut prompt: Vec<&str> = Vec::new();
    let mut options: Vec<(usize, String)> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if let Some(answer) = answer_line(line).filter(|_| !options.is_empty()) {
            let texts: Vec<String> = options.iter().map(|(_, t)| t.clone()).collect();
            let prompt_text = prompt.join("\n");
            let index = answer
                .chars()
                .next()
                .filter(|_| answer.chars().count() == 1)
                .and_then(|c| index_of_letter(c.to_ascii_uppercase()));
            match index {
                Some(a)
                    if a < texts.len() && (MIN_OPTIONS..=MAX_OPTIONS).contains(&texts.len()) =>
                {
                    let mut q = Question::choice(prompt_text, texts, a);
                    q.number = questions.len() + 1;
                    q.line = start;
                    questions.push(q);
                }
                Some(a) if a < texts.len() => {
                    diagnostics.push(Diagnostic::warning(
                        start,
                        1,
                        format!(
                            "this question has {} options; a question needs {MIN_OPTIONS} to {MAX_OPTIONS}, so it is left out",
                            texts.len()
                        ),
                    ));
                    left_out.push(LeftOut {
                        line: start,
                        prompt: prompt_text,
                        answers: vec![a],
                        options: texts,
                        explanation: String::new(),
                        reason: LeftOutReason::OptionCount(options.len()),
                    });
                }
                _ => {
                    return Err(Diagnostic::error(
                        line_no,
                        1,
                        format!(
                        "`ANSWER: {answer}` names no option of this question (it has {}, A to {})",
                        texts.len(),
                        super::model::letter(texts.len() - 1)
                    ),
                    ))
                }
            }
            prompt.clear();
            options.clear();
            continue;
        }
        if let Some((index, option)) = option_line(line).filter(|_| !prompt.is_empty()) {
            if index != options.len() {
                return Err(Diagnostic::error(
                    line_no,
                    1,
                    format!(
                        "option {} where {} was expected: Aiken options are lettered A, B, C, … in order",
                        super::model::letter(index),
                        super::model::letter(options.len())
                    ),
                ));
            }
            options.push((line_no, option.to_string()));
            continue;
        }
        if !options.is_empty() {
            return Err(Diagnostic::error(
                line_no,
                1,
                "a line after the options that is neither an option nor `ANSWER: X`: each Aiken \
                 question ends with its answer line",
            ));
        }
        if prompt.is_empty() {
            start = line_no;
        }
        prompt.push(line);
    }
    if !prompt.is_empty() {
        diagnostics.push(Diagnostic::warning(
            start,
            1,
            "the last question has no `ANSWER:` line and is left out",
        ));
        left_out.push(LeftOut {
            line: start,
            prompt: prompt.join("\n"),
            options: options.into_iter().map(|(_, t)| t).collect(),
            answers: Vec::new(),
            explanation: String::new(),
            reason: LeftOutReason::NoAnswer,
        });
    }
    Ok(Parsed::list(id, questions, left_out, diagnostics))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_options_and_answers() {
        let text = "What is 2 + 2?\nA. 3\nB. 4\nC) 5\nANSWER: B\nWhich is a gas\nat room temperature?\nA) Iron\nB) Helium\nAnswer : b\n\nUnfinished?\nA. yes\n";
        let p = parse("arith", text).unwrap();
        let q = &p.quiz.questions;
        assert_eq!(q.len(), 2);
        assert_eq!((q[0].options.len(), q[0].answer, q[0].line), (3, 1, 1));
        assert_eq!(q[1].prompt, "Which is a gas\nat room temperature?");
        assert_eq!((q[1].answer, q[1].line), (1, 6));
        assert_eq!(p.left_out.len(), 1);
        assert!(looks_like(text));
        assert!(!looks_like("Term\tDefinition\nA. b\n"));
    }

    #[test]
    fn wrong_letters_are_refused_at_their_line() {
        let e = parse("x", "Q?\nA. a\nC. c\nANSWER: A\n").unwrap_err();
        assert_eq!(e.line, 3);
        let e = parse("x", "Q?\nA. a\nB. b\nANSWER: D\n").unwrap_err();
        assert_eq!(e.line, 4);
        assert!(e.message.contains("names no option"), "{}", e.message);
    }
}
