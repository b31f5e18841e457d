//! One question as it is read: prompt, then options, then answer and explanation. The reader
//! feeds it the question's blocks in order — paragraph lines one by one (options, answers and
//! labels are line-shaped even when CommonMark joins them into one paragraph), list items
//! whole (an option may hold a code block, an image or a list), other blocks as text.
//! `<details>` folds are read in [`fold`], the end of the question in [`finish`].

mod finish;
mod fold;
mod items;

pub use self::finish::Finished;
use self::items::is_placeholder;
pub use self::items::{DraftOption, ItemIn};

use super::answer::{answer_line, explanation_label, parse_value, prose_answer, AnswerValue};
use super::html::Fold;
use super::lines::{indent_col, is_blank, normalize, unquote};
use super::meta::{detail_line, Detail};
use super::options::option_line;
use crate::quiz::diagnostic::Diagnostic;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Prompt,
    Options,
    /// Options done; waiting for the answer or the explanation.
    After,
    Explanation,
    /// Inside `<details>`: what its summary announced (None: no summary yet).
    Details(Option<Fold>),
}

/// Where an answer came from, for messages that name both places.
#[derive(Debug, Clone)]
pub struct AnswerSource {
    pub value: AnswerValue,
    pub line: usize,
    pub col: usize,
    /// The answer line's text as written (emphasis aside), when it came from one: a question
    /// without options takes it whole as its typed answers, even when it reads like letters
    /// (`**Answer:** K; Kalium`).
    pub written: Option<String>,
}

#[derive(Debug)]
pub struct Draft {
    /// The number as the author wrote it; None for an unnumbered question.
    pub written_number: Option<u64>,
    pub line: usize,
    /// Level of the question's heading, when a heading started it.
    pub level: Option<u8>,
    /// Which run of numbering the question belongs to (numbers restart after a heading).
    pub run: usize,
    phase: Phase,
    prompt: Vec<String>,
    /// The last run of unlettered list items in the prompt: the options if no lettered ones
    /// come.
    candidates: Vec<DraftOption>,
    /// Where in `prompt` the candidate run starts and ends.
    candidates_at: usize,
    candidates_end: usize,
    /// Text came after the candidates: another unlettered list starts a new run.
    candidates_closed: bool,
    pub options: Vec<DraftOption>,
    pub answer: Option<AnswerSource>,
    /// `**Points:** 2`: where it was and the number.
    pub points: Option<(usize, usize, u64)>,
    /// `**Tags:** …` values as written, with where the line was.
    pub tags: Vec<(usize, usize, String)>,
    /// `**Difficulty:** …` as written, with where the line was.
    pub difficulty: Option<(usize, usize, String)>,
    /// `**Answer:**` with nothing after it: the next line says it.
    pending_answer: Option<(usize, usize)>,
    explanation: Vec<String>,
    pub explanation_line: Option<usize>,
    /// The explanation label was quoted (`> **Explanation:**`): strip `> ` from what follows.
    quoted_explanation: bool,
    /// Phase to return to when a non-answer `<details>` block closes.
    before_details: Phase,
    /// In an answer fold: the first line of its body was read.
    fold_started: bool,
    /// The answer fold's body did not start with an answer (reported if no answer is found).
    fold_without_answer: Option<(usize, usize)>,
    gap_since_option: bool,
    warned_stray: bool,
    /// "The correct answer is b) …" seen in the explanation: (line, column, value).
    prose: Option<(usize, usize, AnswerValue)>,
    /// Problems of the answer, reported only when the question has options at all (a fill-in
    /// question's `**Answer**:` names no option, and that is not the problem).
    answer_diagnostics: Vec<Diagnostic>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Draft {
    pub fn new(
        written_number: Option<u64>,
        line: usize,
        level: Option<u8>,
        run: usize,
        heading_prompt: &[String],
    ) -> Self {
        let prompt: Vec<String> = heading_prompt
            .iter()
            .filter(|p| !p.is_empty())
            .cloned()
            .collect();
        Self {
            written_number,
            line,
            level,
            run,
            phase: Phase::Prompt,
            candidates_at: prompt.len(),
            candidates_end: prompt.len(),
            prompt,
            candidates: Vec::new(),
            candidates_closed: false,
            options: Vec::new(),
            answer: None,
            points: None,
            tags: Vec::new(),
            difficulty: None,
            pending_answer: None,
            explanation: Vec::new(),
            explanation_line: None,
            quoted_explanation: false,
            before_details: Phase::Prompt,
            fold_started: false,
            fold_without_answer: None,
            gap_since_option: false,
            warned_stray: false,
            prose: None,
            answer_diagnostics: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// How messages name this question: as its author numbered it.
    pub fn name(&self) -> String {
        name(self.written_number)
    }

    /// Still reading the prompt, no option seen: a heading here may continue the prompt.
    pub fn awaiting_options(&self) -> bool {
        self.phase == Phase::Prompt && self.candidates.is_empty()
    }

    /// Options are being read: a block now may belong to the last of them.
    pub fn reading_options(&self) -> bool {
        self.phase == Phase::Options
    }

    pub fn in_details(&self) -> bool {
        matches!(self.phase, Phase::Details(_))
    }

    /// A heading that continues the prompt (`### 6 . A startup …` / `### As the consultant,
    /// which …?`).
    pub fn prompt_heading(&mut self, text: &str) {
        while self.prompt.last().is_some_and(|l| is_blank(l)) {
            self.prompt.pop();
        }
        self.prompt.push(text.to_string());
        self.candidates_at = self.prompt.len();
        self.candidates_end = self.prompt.len();
    }

    /// A blank line between two blocks.
    pub fn gap(&mut self) {
        self.gap_since_option = true;
        self.push_text("");
    }

    /// One line of a paragraph (or of a quote, or text left between HTML tags).
    pub fn line(&mut self, line_no: usize, line: &str) {
        if let Some((at, col)) = self.pending_answer {
            if !is_blank(line) {
                self.pending_answer = None;
                // Only a letter, or an option's text, says it; prose is the explanation.
                let names_option = |v: &AnswerValue| match v {
                    AnswerValue::Text(t) => self
                        .options
                        .iter()
                        .any(|o| normalize(&o.full_text()) == normalize(t)),
                    _ => true,
                };
                let value = parse_value(line.trim())
                    .filter(|v| names_option(v) && answer_line(line).is_none());
                match value {
                    Some(value) => {
                        self.set_answer_value(line_no, indent_col(line), value);
                        return;
                    }
                    None => self.no_value(at, col),
                }
            }
        }
        if !matches!(self.phase, Phase::Details(_)) {
            match detail_line(line) {
                Some((col, Detail::Points(n))) => {
                    self.points = Some((line_no, col, n));
                    return;
                }
                Some((col, Detail::Tags(tags))) => {
                    self.tags
                        .extend(tags.into_iter().map(|t| (line_no, col, t)));
                    return;
                }
                Some((col, Detail::Difficulty(d))) => {
                    self.difficulty = Some((line_no, col, d));
                    return;
                }
                None => {}
            }
        }
        match self.phase {
            Phase::Prompt => self.prompt_line(line_no, line),
            Phase::Options => self.options_line(line_no, line),
            Phase::After => self.after_line(line_no, line),
            Phase::Explanation => self.explanation_line(line_no, line),
            Phase::Details(Some(Fold::Answer)) => self.fold_answer_line(line_no, line),
            Phase::Details(Some(Fold::Explanation)) => self.fold_explanation_line(line_no, line),
            // A hint or other folded block: not part of the quiz's structure.
            Phase::Details(_) => {}
        }
    }

    /// A block that is text (code, an image, a table, HTML): `next_is_option` says whether an
    /// option follows it, so that a code block between two options belongs to the first.
    pub fn block(&mut self, line_no: usize, lines: &[String], next_is_option: bool) {
        if let Some((at, col)) = self.pending_answer.take() {
            self.no_value(at, col);
        }
        match self.phase {
            Phase::Prompt => {
                self.close_candidates();
                self.prompt.extend(lines.iter().cloned());
            }
            Phase::Options => {
                let belongs = self
                    .options
                    .last()
                    .is_some_and(|o| is_placeholder(&o.text) || next_is_option);
                match self.options.last_mut() {
                    Some(last) if belongs => {
                        if !last.extra.is_empty() {
                            last.extra.push(String::new());
                        }
                        last.extra.extend(lines.iter().cloned());
                    }
                    _ => {
                        self.phase = Phase::After;
                        self.add_to_explanation(line_no, lines);
                    }
                }
            }
            Phase::After | Phase::Explanation => self.add_to_explanation(line_no, lines),
            Phase::Details(Some(Fold::Answer)) => {
                if !self.fold_started && self.answer.is_none() {
                    self.fold_started = true;
                    self.fold_without_answer = Some((line_no, 1));
                }
                self.add_to_explanation(line_no, lines);
            }
            Phase::Details(Some(Fold::Explanation)) => self.add_to_explanation(line_no, lines),
            Phase::Details(_) => {}
        }
    }

    fn close_candidates(&mut self) {
        if !self.candidates.is_empty() {
            self.candidates_closed = true;
        }
    }

    fn prompt_line(&mut self, line_no: usize, line: &str) {
        /// `Answer:`/`Answers:` itself, bold, quoted or plain: the word that names an answer.
        fn says_answer(line: &str) -> bool {
            let bare = line
                .trim_start_matches(|c: char| matches!(c, '>' | '*' | '_') || c.is_whitespace())
                .to_lowercase();
            let rest = bare
                .strip_prefix("answers")
                .or_else(|| bare.strip_prefix("answer"));
            rest.is_some_and(|r| r.trim_start_matches(['*', '_']).starts_with(':'))
        }
        if let Some(opt) = option_line(line) {
            if opt.letter.is_some() || opt.checked.is_some() {
                self.candidates.clear();
                self.phase = Phase::Options;
                self.options_line(line_no, line);
                return;
            }
        }
        // Before any option, a line such as `**Solution: create an App Service.**` is part of
        // the scenario, not an answer: only a letter, or the text of an unlettered option
        // listed above it, can be one.
        // An `Answer:` line in plain words with no option in sight is the answer of a question
        // to type (other labels, such as "Solution:", stay part of the scenario).
        let answer_here = answer_line(line).is_some_and(|(_, value)| {
            !self.candidates.is_empty()
                || !matches!(parse_value(value), Some(AnswerValue::Text(_)))
                || says_answer(line)
        });
        if answer_here || explanation_label(line).is_some() {
            self.end_prompt();
            self.after_line(line_no, line);
            return;
        }
        if !is_blank(line) {
            self.close_candidates();
        }
        self.prompt.push(line.to_string());
    }

    /// The prompt ends without lettered options: the last unlettered list becomes the options,
    /// and text after it (if any) the start of the explanation.
    fn end_prompt(&mut self) {
        if self.phase == Phase::Prompt && !self.candidates.is_empty() {
            let after: Vec<String> = self
                .prompt
                .split_off(self.candidates_end.min(self.prompt.len()));
            self.prompt.truncate(self.candidates_at);
            self.options = std::mem::take(&mut self.candidates);
            if after.iter().any(|l| !is_blank(l)) {
                let first = self.options.last().map_or(self.line, |o| o.line + 1);
                self.add_to_explanation(first, &after);
            }
        }
        if matches!(self.phase, Phase::Prompt | Phase::Options) {
            self.phase = Phase::After;
        }
    }

    fn options_line(&mut self, line_no: usize, line: &str) {
        if let Some(opt) = option_line(line).filter(|o| o.letter.is_some() || o.checked.is_some()) {
            self.push_line_option(line_no, line, opt.letter, opt.checked, opt.text, opt.col);
            return;
        }
        if is_blank(line) {
            return;
        }
        // An indented line right under an option continues it.
        if indent_col(line) > 2 && !self.gap_since_option {
            if let Some(last) = self.options.last_mut() {
                last.text.push(' ');
                last.text.push_str(line.trim());
                last.source.push(line.to_string());
                return;
            }
        }
        self.end_prompt();
        self.after_line(line_no, line);
    }

    fn after_line(&mut self, line_no: usize, line: &str) {
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
            // Prose after the options is the explanation, labelled or not.
            self.phase = Phase::Explanation;
            self.explanation_line.get_or_insert(line_no);
            self.explanation_line(line_no, line);
        }
    }

    fn explanation_line(&mut self, line_no: usize, line: &str) {
        if self.answer.is_none() {
            if let Some((col, value)) = answer_line(line) {
                self.set_answer(line_no, col, value);
                return;
            }
        }
        let text = match (self.quoted_explanation, unquote(line)) {
            (true, Some(inner)) => inner,
            _ => line,
        };
        // A label after prose or an image (`Explanation: …`): the text after it.
        if let Some((label_text, _)) = explanation_label(text) {
            if !label_text.is_empty() {
                self.explanation.push(label_text);
            }
            return;
        }
        self.note_prose(line_no, text);
        self.explanation.push(text.to_string());
    }

    /// Remembers the first "The correct answer is b)" of the explanation, in case no other
    /// answer comes.
    fn note_prose(&mut self, line_no: usize, text: &str) {
        if self.prose.is_none() && self.answer.is_none() {
            if let Some((col, value)) = prose_answer(text) {
                self.prose = Some((line_no, col, value));
            }
        }
    }

    /// Text for the explanation, from any phase.
    fn add_to_explanation(&mut self, line_no: usize, lines: &[String]) {
        if matches!(self.phase, Phase::After) {
            self.phase = Phase::Explanation;
        }
        if lines.iter().any(|l| !is_blank(l)) {
            self.explanation_line.get_or_insert(line_no);
        }
        self.explanation.extend(lines.iter().cloned());
    }

    /// A blank line or text into whatever part is being read.
    fn push_text(&mut self, text: &str) {
        match self.phase {
            Phase::Prompt => self.prompt.push(text.to_string()),
            Phase::Options => {}
            Phase::After => {}
            Phase::Explanation
            | Phase::Details(Some(Fold::Answer))
            | Phase::Details(Some(Fold::Explanation)) => self.explanation.push(text.to_string()),
            Phase::Details(_) => {}
        }
    }

    fn set_answer(&mut self, line_no: usize, col: usize, value: &str) {
        if value.trim().trim_matches(['*', '_']).is_empty() {
            self.pending_answer = Some((line_no, col));
            return;
        }
        match parse_value(value) {
            Some(parsed) => {
                self.set_answer_value(line_no, col, parsed);
                if let Some(a) = self.answer.as_mut().filter(|a| a.line == line_no) {
                    let plain: String = value.chars().filter(|&c| c != '*').collect();
                    a.written.get_or_insert(plain.trim().to_string());
                }
            }
            None => self.no_value(line_no, col),
        }
    }

    fn no_value(&mut self, line_no: usize, col: usize) {
        self.answer_diagnostics.push(Diagnostic::error(
            line_no,
            col,
            format!(
                "the answer line of {} names no option: write a letter, such as `Answer: b`",
                self.name()
            ),
        ));
    }

    fn set_answer_value(&mut self, line_no: usize, col: usize, value: AnswerValue) {
        if let Some(first) = &self.answer {
            if first.value != value {
                self.answer_diagnostics.push(
                    Diagnostic::error(
                        line_no,
                        col,
                        format!(
                            "{} has a second, different answer (the first is at line {})",
                            self.name(),
                            first.line
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
            written: None,
        });
    }
}

/// How messages name a question: "question 12", or "this question" when it has no number.
pub fn name(written: Option<u64>) -> String {
    match written {
        Some(n) => format!("question {n}"),
        None => "this question".to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_give_way_to_their_block() {
        assert!(is_placeholder("."));
        assert!(is_placeholder("A"));
        assert!(is_placeholder("`B`"));
        assert!(is_placeholder("c)"));
        assert!(!is_placeholder("Only method 3"));
    }
}
