//! One question as it is read, line by line: prompt, then options, then answer and explanation.

use super::answer::{
    answer_line, details_parts, explanation_label, is_answer_summary, parse_value, AnswerValue,
    DetailsPart,
};
use super::lines::{indent_col, is_blank, normalize, unquote};
use super::options::{option_line, strip_letter_label};
use crate::quiz::diagnostic::Diagnostic;
use crate::quiz::model::letter;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prompt,
    Options,
    /// Options done; waiting for the answer or the explanation.
    After,
    Explanation,
    /// Inside `<details>`: whether its summary announced the answer (None: no summary yet).
    Details(Option<bool>),
}

#[derive(Debug, Clone)]
pub struct DraftOption {
    pub letter: Option<usize>,
    pub checked: Option<bool>,
    pub text: String,
    pub line: usize,
    pub col: usize,
}

/// Where an answer came from, for messages that name both places.
#[derive(Debug, Clone)]
pub struct AnswerSource {
    pub value: AnswerValue,
    pub line: usize,
    pub col: usize,
}

#[derive(Debug)]
pub struct Draft {
    pub written_number: u64,
    pub line: usize,
    phase: Phase,
    /// The prompt's lines, Markdown kept; the heading's text first when it had any.
    prompt: Vec<String>,
    /// Unlettered list items at the end of the prompt: options if no lettered ones follow.
    candidates: Vec<DraftOption>,
    /// Index in `prompt` where the candidate run starts.
    candidates_at: usize,
    pub options: Vec<DraftOption>,
    pub answer: Option<AnswerSource>,
    explanation: Vec<String>,
    pub explanation_line: Option<usize>,
    /// The explanation label was quoted (`> **Explanation:**`): strip `> ` from what follows.
    quoted_explanation: bool,
    /// Phase to return to when a non-answer `<details>` block closes.
    before_details: Phase,
    prev_blank: bool,
    warned_stray: bool,
    pub diagnostics: Vec<Diagnostic>,
}

impl Draft {
    pub fn new(written_number: u64, line: usize, heading_prompt: &str) -> Self {
        let prompt = if heading_prompt.is_empty() {
            Vec::new()
        } else {
            vec![heading_prompt.to_string()]
        };
        Self {
            written_number,
            line,
            phase: Phase::Prompt,
            candidates_at: prompt.len(),
            prompt,
            candidates: Vec::new(),
            options: Vec::new(),
            answer: None,
            explanation: Vec::new(),
            explanation_line: None,
            quoted_explanation: false,
            before_details: Phase::Prompt,
            prev_blank: false,
            warned_stray: false,
            diagnostics: Vec::new(),
        }
    }

    /// Feeds one line. `code` is true inside a fenced code block (and for its fences): such
    /// lines are text, never structure.
    pub fn feed(&mut self, line_no: usize, line: &str, code: bool) {
        let blank = is_blank(line);
        if !code {
            if let Some(parts) = details_parts(line) {
                for part in parts {
                    self.details_part(line_no, line, part);
                }
                self.prev_blank = false;
                return;
            }
        }
        match self.phase {
            Phase::Prompt => self.prompt_line(line_no, line, code),
            Phase::Options => self.options_line(line_no, line, code),
            Phase::After => self.after_line(line_no, line, code),
            Phase::Explanation => self.explanation_line(line_no, line, code),
            Phase::Details(Some(true)) => self.details_body(line_no, line, code),
            // A hint or other folded block: not part of the quiz's structure.
            Phase::Details(_) => {}
        }
        self.prev_blank = blank;
    }

    fn prompt_line(&mut self, line_no: usize, line: &str, code: bool) {
        if !code {
            if let Some(opt) = option_line(line) {
                if opt.letter.is_some() {
                    self.candidates.clear();
                    self.phase = Phase::Options;
                    self.options_line(line_no, line, code);
                    return;
                }
                if self.candidates.is_empty() {
                    self.candidates_at = self.prompt.len();
                }
                self.candidates.push(DraftOption {
                    letter: None,
                    checked: opt.checked,
                    text: opt.text.to_string(),
                    line: line_no,
                    col: opt.col,
                });
                self.prompt.push(line.to_string());
                return;
            }
            if answer_line(line).is_some() || explanation_label(line).is_some() {
                self.end_prompt();
                self.after_line(line_no, line, code);
                return;
            }
        }
        if !is_blank(line) && !self.candidates.is_empty() {
            // Text after the list: the list belonged to the prompt.
            self.candidates.clear();
        }
        self.prompt.push(line.to_string());
    }

    /// The prompt ends without lettered options: a trailing unlettered list becomes the options.
    fn end_prompt(&mut self) {
        if self.phase == Phase::Prompt && !self.candidates.is_empty() {
            self.prompt.truncate(self.candidates_at);
            self.options = std::mem::take(&mut self.candidates);
        }
        if matches!(self.phase, Phase::Prompt | Phase::Options) {
            self.phase = Phase::After;
        }
    }

    fn options_line(&mut self, line_no: usize, line: &str, code: bool) {
        if !code {
            if let Some(opt) = option_line(line).filter(|o| o.letter.is_some()) {
                self.options.push(DraftOption {
                    letter: opt.letter,
                    checked: opt.checked,
                    text: opt.text.to_string(),
                    line: line_no,
                    col: opt.col,
                });
                return;
            }
            if is_blank(line) {
                return;
            }
            // An indented line right under an option continues it.
            if indent_col(line) > 2 && !self.prev_blank {
                if let Some(last) = self.options.last_mut() {
                    last.text.push(' ');
                    last.text.push_str(line.trim());
                    return;
                }
            }
        }
        self.end_prompt();
        self.after_line(line_no, line, code);
    }

    fn after_line(&mut self, line_no: usize, line: &str, code: bool) {
        if code {
            self.other_text(line_no, line);
            return;
        }
        if let Some((col, value)) = answer_line(line) {
            self.set_answer(line_no, col, value);
        } else if let Some((text, quoted)) = explanation_label(line) {
            self.phase = Phase::Explanation;
            self.quoted_explanation = quoted;
            self.explanation_line = Some(line_no);
            if !text.is_empty() {
                self.explanation.push(text);
            }
        } else if !is_blank(line) {
            self.other_text(line_no, line);
        }
    }

    /// Text after the options that is neither answer nor labelled explanation: after an answer it
    /// is the explanation; before one it has no place, and the author is told.
    fn other_text(&mut self, line_no: usize, line: &str) {
        if self.answer.is_some() {
            self.phase = Phase::Explanation;
            self.explanation_line.get_or_insert(line_no);
            self.explanation_line(line_no, line, false);
        } else if !self.warned_stray {
            self.warned_stray = true;
            self.diagnostics.push(Diagnostic::warning(
                line_no,
                indent_col(line),
                format!(
                    "this text after the options of question {} is ignored; explanations go after \
                     the answer or after **Explanation:**",
                    self.written_number
                ),
            ));
        }
    }

    fn explanation_line(&mut self, line_no: usize, line: &str, code: bool) {
        if !code && self.answer.is_none() {
            if let Some((col, value)) = answer_line(line) {
                self.set_answer(line_no, col, value);
                return;
            }
        }
        let text = match (self.quoted_explanation, unquote(line)) {
            (true, Some(inner)) => inner,
            _ => line,
        };
        self.explanation.push(text.to_string());
    }

    fn set_answer(&mut self, line_no: usize, col: usize, value: &str) {
        let Some(value) = parse_value(value) else {
            self.diagnostics.push(Diagnostic::error(
                line_no,
                col,
                format!(
                    "the answer line of question {} names no option: write a letter, such as `Answer: b`",
                    self.written_number
                ),
            ));
            return;
        };
        if let Some(first) = &self.answer {
            if first.value != value {
                self.diagnostics.push(
                    Diagnostic::error(
                        line_no,
                        col,
                        format!(
                            "question {} has a second, different answer (the first is at line {})",
                            self.written_number, first.line
                        ),
                    )
                    .with_related(first.line),
                );
            }
            return;
        }
        self.answer = Some(AnswerSource {
            value,
            line: line_no,
            col,
        });
    }

    fn details_part(&mut self, line_no: usize, line: &str, part: DetailsPart<'_>) {
        match part {
            DetailsPart::Open => {
                self.end_prompt();
                self.before_details = self.phase;
                self.phase = Phase::Details(None);
            }
            DetailsPart::Summary(summary) => {
                if let Phase::Details(None) = self.phase {
                    self.phase = Phase::Details(Some(is_answer_summary(summary)));
                }
            }
            DetailsPart::Close => {
                self.phase = match self.phase {
                    Phase::Details(Some(true)) => Phase::Explanation,
                    Phase::Details(_) => self.before_details,
                    other => other,
                };
            }
            DetailsPart::Text(text) => match self.phase {
                Phase::Details(Some(true)) => self.details_body(line_no, text, false),
                Phase::Details(_) => {}
                _ => self.feed_text(line_no, line, text),
            },
        }
    }

    /// Text left on a details line outside the tags (rare): handled as an ordinary line.
    fn feed_text(&mut self, line_no: usize, _line: &str, text: &str) {
        match self.phase {
            Phase::Prompt => self.prompt_line(line_no, text, false),
            Phase::Options => self.options_line(line_no, text, false),
            Phase::After => self.after_line(line_no, text, false),
            Phase::Explanation => self.explanation_line(line_no, text, false),
            Phase::Details(_) => {}
        }
    }

    /// The body of an answer `<details>` block: it starts with the letter (`**b)** …`), and
    /// the rest is the explanation.
    fn details_body(&mut self, line_no: usize, line: &str, code: bool) {
        if self.explanation_line.is_none() {
            if is_blank(line) {
                return;
            }
            self.explanation_line = Some(line_no);
            if !code && self.details_answer(line_no, line) {
                return;
            }
            if self.answer.is_none() {
                self.diagnostics.push(Diagnostic::error(
                    line_no,
                    indent_col(line),
                    format!(
                        "the answer block of question {} should start with the letter, such as `**b)**`",
                        self.written_number
                    ),
                ));
            }
        }
        self.explanation.push(line.to_string());
    }

    /// Reads the answer from the first line of a details body; true when the whole line was
    /// consumed (nothing of it belongs to the explanation).
    fn details_answer(&mut self, line_no: usize, line: &str) -> bool {
        let col = indent_col(line);
        if let Some((answer_col, value)) = answer_line(line) {
            self.set_answer(line_no, answer_col, value);
            self.explanation_line = None;
            return true;
        }
        let trimmed = line.trim();
        if let Some((index, rest)) = strip_letter_label(trimmed) {
            self.set_answer_value(line_no, col, AnswerValue::Letter { index, text: None });
            // `**b)** Option text` restates the option; anything else starts the explanation.
            let restated = self
                .options
                .get(index)
                .is_some_and(|o| normalize(&o.text) == normalize(rest));
            if !restated {
                self.explanation.push(rest.to_string());
            }
            return true;
        }
        let bare = trimmed.trim_matches('*');
        if bare.chars().count() <= 3 {
            if let Some(value @ AnswerValue::Letter { .. }) = parse_value(bare) {
                self.set_answer_value(line_no, col, value);
                self.explanation_line = None;
                return true;
            }
        }
        false
    }

    fn set_answer_value(&mut self, line_no: usize, col: usize, value: AnswerValue) {
        if let Some(first) = &self.answer {
            if first.value != value {
                self.diagnostics.push(
                    Diagnostic::error(
                        line_no,
                        col,
                        format!(
                            "question {} has a second, different answer (the first is at line {})",
                            self.written_number, first.line
                        ),
                    )
                    .with_related(first.line),
                );
            }
            return;
        }
        self.answer = Some(AnswerSource {
            value,
            line: line_no,
            col,
        });
    }

    /// Ends the question: trailing candidates become options, texts are assembled.
    pub fn finish(mut self) -> Finished {
        self.end_prompt();
        let mut diagnostics = std::mem::take(&mut self.diagnostics);
        check_letters(&self.options, &mut diagnostics);
        let checked: Vec<usize> = self
            .options
            .iter()
            .enumerate()
            .filter(|(_, o)| o.checked == Some(true))
            .map(|(i, _)| i)
            .collect();
        let mut checked_line = None;
        if let Some(&second) = checked.get(1) {
            let o = &self.options[second];
            diagnostics.push(Diagnostic::error(
                o.line,
                o.col,
                format!(
                    "question {} marks more than one option with [x]",
                    self.written_number
                ),
            ));
        }
        let texts: Vec<String> = self.options.iter().map(|o| o.text.clone()).collect();
        let mut answer = None;
        if let Some(&index) = checked.first() {
            answer = Some(index);
            checked_line = Some(self.options[index].line);
        }
        if let Some(source) = &self.answer {
            match source.value.resolve(&texts) {
                Ok(index) => match (answer, checked_line) {
                    (Some(boxed), Some(boxed_line)) if boxed != index => diagnostics.push(
                        Diagnostic::error(
                            source.line,
                            source.col,
                            format!(
                                "question {}: the answer is {} but the option marked [x] at line {boxed_line} is {}",
                                self.written_number,
                                letter(index),
                                letter(boxed)
                            ),
                        )
                        .with_related(boxed_line),
                    ),
                    _ => answer = Some(index),
                },
                Err(why) => diagnostics.push(Diagnostic::error(
                    source.line,
                    source.col,
                    format!("question {}: {why}", self.written_number),
                )),
            }
        }
        Finished {
            written_number: self.written_number,
            line: self.line,
            prompt: join_block(&self.prompt),
            options: self.options,
            answer,
            answer_line: self.answer.as_ref().map(|a| a.line).or(checked_line),
            explanation: join_block(&self.explanation),
            explanation_line: self.explanation_line,
            diagnostics,
        }
    }
}

/// A question read to its end, before the Answer Key is applied.
#[derive(Debug)]
pub struct Finished {
    pub written_number: u64,
    pub line: usize,
    pub prompt: String,
    pub options: Vec<DraftOption>,
    /// Resolved answer index, when the question itself gave one.
    pub answer: Option<usize>,
    pub answer_line: Option<usize>,
    pub explanation: String,
    pub explanation_line: Option<usize>,
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

/// Lines joined with newlines, blank lines at both ends dropped, runs of blank lines collapsed.
pub fn join_block(lines: &[String]) -> String {
    let mut out = String::new();
    let mut pending_blank = false;
    for line in lines {
        if is_blank(line) {
            pending_blank = !out.is_empty();
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if pending_blank {
                out.push('\n');
            }
        }
        pending_blank = false;
        out.push_str(line.trim_end());
    }
    out
}
