//! `<details>` folds inside a question: an answer fold's body starts with the answer (a letter,
//! `**Answer: C**`, or the option's text) and goes on with the explanation; an explanation
//! fold's body is the explanation; any other fold (a hint) is not part of the quiz.

use super::super::answer::{answer_line, explanation_label, parse_value, AnswerValue};
use super::super::html::{fold_kind, DetailsPart, Fold};
use super::super::lines::{indent_col, is_blank, normalize};
use super::super::options::strip_letter_label;
use super::{Draft, Phase};

impl Draft {
    pub fn details(&mut self, part: &DetailsPart<'_>) {
        match part {
            DetailsPart::Open => {
                if let Some((at, col)) = self.pending_answer.take() {
                    self.no_value(at, col);
                }
                self.end_prompt();
                self.before_details = self.phase;
                self.phase = Phase::Details(None);
                self.fold_started = false;
            }
            DetailsPart::Summary(summary) => {
                if let Phase::Details(None) = self.phase {
                    self.phase = Phase::Details(Some(fold_kind(summary)));
                }
            }
            DetailsPart::Close => {
                if let Some((at, col)) = self.pending_answer.take() {
                    self.no_value(at, col);
                }
                self.phase = match self.phase {
                    Phase::Details(Some(Fold::Answer | Fold::Explanation)) => Phase::Explanation,
                    Phase::Details(_) => self.before_details,
                    other => other,
                };
            }
            DetailsPart::Text(_) => {}
        }
    }

    pub(super) fn fold_explanation_line(&mut self, line_no: usize, line: &str) {
        if is_blank(line) {
            self.explanation.push(String::new());
            return;
        }
        self.explanation_line.get_or_insert(line_no);
        match explanation_label(line) {
            Some((text, _)) => {
                if !text.is_empty() {
                    self.explanation.push(text);
                }
            }
            None => {
                self.note_prose(line_no, line);
                self.explanation.push(line.to_string());
            }
        }
    }

    /// The body of an answer fold: it starts with the answer (`**b)** …`, `**Answer: C**`, or
    /// the option's text), and the rest is the explanation.
    pub(super) fn fold_answer_line(&mut self, line_no: usize, line: &str) {
        if !self.fold_started {
            if is_blank(line) {
                return;
            }
            self.fold_started = true;
            if self.fold_answer(line_no, line) {
                return;
            }
            if self.answer.is_none() {
                self.fold_without_answer = Some((line_no, indent_col(line)));
            }
        } else if self.answer.is_none() {
            if let Some((col, value)) = answer_line(line) {
                self.set_answer(line_no, col, value);
                return;
            }
        }
        self.fold_explanation_line(line_no, line);
    }

    /// Reads the answer from the first line of a fold's body; true when the whole line was
    /// consumed (nothing of it belongs to the explanation).
    fn fold_answer(&mut self, line_no: usize, line: &str) -> bool {
        let col = indent_col(line);
        if let Some((answer_col, value)) = answer_line(line) {
            self.set_answer(line_no, answer_col, value);
            return true;
        }
        let trimmed = line.trim();
        if let Some((index, rest)) = strip_letter_label(trimmed) {
            self.set_answer_value(line_no, col, AnswerValue::Letter { index, text: None });
            // `**b)** Option text` restates the option; anything else starts the explanation.
            let restated = self
                .options
                .get(index)
                .is_some_and(|o| normalize(&o.full_text()) == normalize(rest));
            if !restated {
                self.explanation_line.get_or_insert(line_no);
                self.explanation.push(rest.to_string());
            }
            return true;
        }
        let bare = trimmed.trim_matches('*');
        if bare.chars().count() <= 3 {
            if let Some(value @ AnswerValue::Letter { .. }) = parse_value(bare) {
                self.set_answer_value(line_no, col, value);
                return true;
            }
        }
        // The body is the correct option's text (`<summary>Answer</summary>` / `ufw`).
        let wanted = normalize(trimmed);
        if !wanted.is_empty()
            && self
                .options
                .iter()
                .any(|o| normalize(&o.full_text()) == wanted)
        {
            self.set_answer_value(line_no, col, AnswerValue::Text(trimmed.to_string()));
            return true;
        }
        false
    }
}
