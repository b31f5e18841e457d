//! The end of a question: the last unlettered list becomes the options, the answer is resolved
//! from the boxes, the answer line, the Answer Key or the explanation's prose, and what the
//! reader keeps of it is handed over as [`Finished`].

use super::super::answer::{AnswerValue, Resolved};
use super::{join_block, Draft, DraftOption};
use crate::quiz::diagnostic::Diagnostic;
use crate::quiz::model::{label_word, letter, MAX_POINTS, MAX_TAGS, MAX_TAG_CHARS};

impl Draft {
    /// Ends the question: trailing candidates become options, the answer is resolved.
    pub fn finish(mut self) -> Finished {
        if let Some((at, col)) = self.pending_answer.take() {
            self.no_value(at, col);
        }
        self.end_prompt();
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        let name = self.name();
        let texts: Vec<String> = self.options.iter().map(DraftOption::full_text).collect();
        let mut answer = None;
        let mut answer_line = None;
        if !self.options.is_empty() {
            check_letters(&self.options, &mut diagnostics);
            diagnostics.append(&mut self.answer_diagnostics);
            let checked: Vec<usize> = self
                .options
                .iter()
                .enumerate()
                .filter(|(_, o)| o.checked == Some(true))
                .map(|(i, _)| i)
                .collect();
            let boxed = match checked.as_slice() {
                [] => None,
                [one] => Some(Resolved::One(*one)),
                many => Some(Resolved::Several(many.to_vec())),
            };
            let boxed_line = checked.first().map(|&i| self.options[i].line);
            answer = boxed.clone();
            if let Some(source) = &self.answer {
                match source.value.resolve_all(&texts) {
                    Ok(resolved) => match (&boxed, boxed_line) {
                        (Some(b), Some(b_line)) if *b != resolved => diagnostics.push(
                            Diagnostic::error(
                                source.line,
                                source.col,
                                format!(
                                    "{name}: the answer is {} but the option marked [x] at line {b_line} is {}",
                                    resolved.letters(),
                                    b.letters()
                                ),
                            )
                            .with_related(b_line),
                        ),
                        _ => answer = Some(resolved),
                    },
                    Err(why) => diagnostics.push(Diagnostic::error(
                        source.line,
                        source.col,
                        format!("{name}: {why}"),
                    )),
                }
            }
            answer_line = self.answer.as_ref().map(|a| a.line).or(boxed_line);
            if answer.is_none() && self.answer.is_none() {
                if let Some((line, col, index)) = self.prose_answer(&texts) {
                    answer = Some(Resolved::One(index));
                    answer_line = Some(line);
                    diagnostics.push(Diagnostic::warning(
                        line,
                        col,
                        format!(
                            "{name} gives its answer only in the explanation; read as {} — mark \
                             the option with `[x]` or add `**Answer:** {}` to be sure",
                            letter(index),
                            letter(index).to_ascii_lowercase()
                        ),
                    ));
                }
            }
            if answer.is_none() && self.answer.is_none() {
                if let Some((line, col)) = self.fold_without_answer {
                    diagnostics.push(Diagnostic::error(
                        line,
                        col,
                        format!(
                            "the answer block of {name} should start with the letter, such as `**b)**`"
                        ),
                    ));
                }
            }
        }
        let points = match self.points {
            None => 1,
            Some((_, _, n)) if n <= u64::from(MAX_POINTS) => n as u32,
            Some((line, col, n)) => {
                diagnostics.push(Diagnostic::error(
                    line,
                    col,
                    format!(
                        "{name}: **Points:** {n}; use 0 (a warm-up) to {MAX_POINTS}, 1 is an ordinary question"
                    ),
                ));
                1
            }
        };
        let mut tags: Vec<String> = Vec::new();
        for (line, col, t) in &self.tags {
            match label_word(t) {
                Some(t) if tags.contains(&t) => {}
                Some(t) if tags.len() < MAX_TAGS => tags.push(t),
                Some(_) => diagnostics.push(Diagnostic::error(
                    *line,
                    *col,
                    format!("{name}: more than {MAX_TAGS} tags"),
                )),
                None => diagnostics.push(Diagnostic::error(
                    *line,
                    *col,
                    format!("{name}: {t:?} is not a tag (1 to {MAX_TAG_CHARS} characters)"),
                )),
            }
        }
        let difficulty = self.difficulty.as_ref().and_then(|(line, col, d)| {
            let word = label_word(d);
            if word.is_none() {
                diagnostics.push(Diagnostic::error(
                    *line,
                    *col,
                    format!("{name}: a difficulty is 1 to {MAX_TAG_CHARS} characters"),
                ));
            }
            word
        });
        let highlighted = if answer.is_none() && self.answer.is_none() {
            highlighted_options(&texts)
        } else {
            Vec::new()
        };
        // No options but an answer line: a question answered by typing. `;` or ` | ` separate
        // the answers it accepts (`**Answer:** Paris; City of Light`).
        let accepted: Vec<String> = match (&self.answer, self.options.is_empty()) {
            (Some(source), true) => {
                let written = match (&source.value, &source.written) {
                    (AnswerValue::Text(t) | AnswerValue::Letter { text: Some(t), .. }, _) => {
                        t.clone()
                    }
                    (AnswerValue::Letter { index, text: None }, _) => letter(*index).to_string(),
                    // Read as letters, but there are no options to name: the text is the answer.
                    (AnswerValue::Letters(_), Some(w)) => w.clone(),
                    (AnswerValue::Letters(_), None) => String::new(),
                };
                answer_line = Some(source.line);
                written
                    .split([';', '|'])
                    .map(|a| a.trim().trim_end_matches('.').trim().to_string())
                    .filter(|a| !a.is_empty())
                    .collect()
            }
            _ => Vec::new(),
        };
        Finished {
            accepted,
            written_number: self.written_number,
            line: self.line,
            run: self.run,
            prompt: join_block(&self.prompt),
            // Only where each option is and its feedback: the texts are in `option_texts`,
            // and a file of fifty thousand questions should not keep every line twice.
            options: self
                .options
                .into_iter()
                .map(|o| OptionAt {
                    line: o.line,
                    col: o.col,
                    feedback: o.feedback,
                })
                .collect(),
            option_texts: texts,
            answer,
            answer_line,
            answer_given: self.answer.is_some(),
            highlighted,
            explanation: join_block(&self.explanation),
            explanation_line: self.explanation_line,
            points,
            tags,
            difficulty,
            diagnostics,
        }
    }

    /// "The correct answer is b) …" in the explanation: (line, column, option index).
    fn prose_answer(&self, texts: &[String]) -> Option<(usize, usize, usize)> {
        let (line, col, value) = self.prose.as_ref()?;
        let index = value.resolve(texts).ok()?;
        Some((*line, *col, index))
    }
}

/// Options set apart only by highlighting — wholly in backticks or bold while the others are
/// plain — are how some authors mark the answer. They are not read as one (code options are
/// often in backticks too), but named so the author can mark them. Returns their indexes.
fn highlighted_options(texts: &[String]) -> Vec<usize> {
    let wrapped = |t: &str| {
        let t = t.trim();
        let by = |m: &str| {
            t.len() > 2 * m.len()
                && t.starts_with(m)
                && t.ends_with(m)
                && !t[m.len()..t.len() - m.len()].contains(m)
        };
        by("`") || by("**") || by("__")
    };
    let marked: Vec<usize> = texts
        .iter()
        .enumerate()
        .filter(|(_, t)| wrapped(t))
        .map(|(i, _)| i)
        .collect();
    if texts.len() >= 2 && marked.len() < texts.len() {
        marked
    } else {
        Vec::new()
    }
}

/// Where an option of a finished question was, and its `{{feedback}}`.
#[derive(Debug)]
pub struct OptionAt {
    pub line: usize,
    pub col: usize,
    pub feedback: Option<String>,
}

/// A question read to its end, before the Answer Key is applied.
#[derive(Debug)]
pub struct Finished {
    /// What a question without options accepts as its typed answer (empty otherwise).
    pub accepted: Vec<String>,
    pub written_number: Option<u64>,
    pub line: usize,
    pub run: usize,
    pub prompt: String,
    pub options: Vec<OptionAt>,
    /// The options as shown.
    pub option_texts: Vec<String>,
    /// The answer: the question's own, or the Answer Key's once it is applied.
    pub answer: Option<Resolved>,
    pub answer_line: Option<usize>,
    /// The question wrote an answer (which may have named no option: an error of its own).
    pub answer_given: bool,
    /// No answer, but options highlighted as authors do when they mean them.
    pub highlighted: Vec<usize>,
    pub explanation: String,
    pub explanation_line: Option<usize>,
    /// What a correct answer is worth (1 unless the question says).
    pub points: u32,
    pub tags: Vec<String>,
    pub difficulty: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
}

/// Lettered options must run a, b, c, … without repeats or gaps.
fn check_letters(options: &[DraftOption], diagnostics: &mut Vec<Diagnostic>) {
    for (expected, option) in options.iter().enumerate() {
        let Some(found) = option.letter else { continue };
        if found == expected {
            continue;
        }
        let earlier = options[..expected].iter().find(|o| o.letter == Some(found));
        let message = match earlier {
            Some(first) => format!(
                "duplicate option letter {} (also at line {})",
                letter_or(found),
                first.line
            ),
            None => format!(
                "option letter {} where {} was expected: options are lettered a, b, c, … in order",
                letter_or(found),
                letter_or(expected)
            ),
        };
        let mut d = Diagnostic::error(option.line, option.col, message);
        if let Some(first) = earlier {
            d = d.with_related(first.line);
        }
        diagnostics.push(d);
        return; // one letter error per question is enough to fix the rest
    }
}

fn letter_or(index: usize) -> char {
    if index < 26 {
        letter(index)
    } else {
        '?'
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_highlighted_option_among_plain_ones() {
        let t = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            highlighted_options(&t(&["field", "`primary key`", "relation"])),
            [1]
        );
        assert!(
            highlighted_options(&t(&["`ls`", "`cd`"])).is_empty(),
            "all code"
        );
        assert!(highlighted_options(&t(&["`a` and `b`", "c"])).is_empty());
        assert_eq!(highlighted_options(&t(&["`a`", "b", "`c`"])), [0, 2]);
    }
}
