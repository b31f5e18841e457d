//! The seed's Markdown family (product.md §3.1), read line by line.
//!
//! A line-oriented reader rather than a CommonMark tree: every construct the family uses is
//! line-shaped, line numbers for diagnostics come for free, the work is linear in the input
//! whatever its nesting, and nothing recurses. Fenced code blocks are tracked so that a `# 1.` or
//! `a)` inside code is never taken for structure.

mod answer;
mod lines;
mod options;
mod question;
mod tiers;

use std::collections::HashMap;

use self::answer::{answer_line, key_entry, AnswerValue};
use self::lines::{
    fence, heading, indent_col, is_blank, is_rule, skip_emphasis, strip_keyword, unwrap_strong,
};
use self::question::{join_block, Draft, Finished};
use self::tiers::{tier_line, TierSpec};
use super::diagnostic::Diagnostic;
use super::model::{letter, Question, Quiz, Tier};
use super::{Parsed, QuestionSpans, SourceMap};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before the first question: the description.
    Preamble,
    Questions,
    AnswerKey,
    Scoring,
    /// Any other section after the questions (references, notes): ignored.
    Other,
}

struct KeyEntry {
    number: u64,
    value: AnswerValue,
    line: usize,
    col: usize,
}

struct Reader {
    section: Section,
    title: Option<(String, usize)>,
    description: Vec<String>,
    current: Option<Draft>,
    finished: Vec<Finished>,
    key: Vec<KeyEntry>,
    tiers: Vec<(TierSpec, usize)>,
    /// The marker of the open code fence, if inside one.
    fence: Option<String>,
    prev_blank: bool,
    diagnostics: Vec<Diagnostic>,
}

/// Parses Markdown text. Never panics; problems become diagnostics.
pub fn parse(id: &str, text: &str) -> Parsed {
    let mut reader = Reader {
        section: Section::Preamble,
        title: None,
        description: Vec::new(),
        current: None,
        finished: Vec::new(),
        key: Vec::new(),
        tiers: Vec::new(),
        fence: None,
        prev_blank: true,
        diagnostics: Vec::new(),
    };
    for (index, raw) in text.lines().enumerate() {
        reader.line(index + 1, raw.strip_suffix('\r').unwrap_or(raw));
    }
    reader.finish_question();
    reader.build(id)
}

impl Reader {
    fn line(&mut self, line_no: usize, line: &str) {
        let blank = is_blank(line);
        self.classify(line_no, line);
        self.prev_blank = blank;
    }

    fn classify(&mut self, line_no: usize, line: &str) {
        if let Some(marker) = &self.fence {
            let closes = fence(line)
                .is_some_and(|m| m.starts_with(&marker[..1]) && m.len() >= marker.len())
                && line
                    .trim()
                    .trim_start_matches(&marker[..1])
                    .trim()
                    .is_empty();
            if closes {
                self.fence = None;
            }
            self.text(line_no, line, true);
            return;
        }
        if let Some(marker) = fence(line) {
            self.fence = Some(marker.to_string());
            self.text(line_no, line, true);
            return;
        }
        if is_rule(line) {
            self.finish_question();
            return;
        }
        if let Some((level, text)) = heading(line) {
            self.heading(line_no, level, text);
            return;
        }
        if let Some((number, prompt)) = self.bold_question(line) {
            self.start_question(line_no, number, prompt);
            return;
        }
        self.text(line_no, line, false);
    }

    /// A paragraph that starts bold with a question number: `**3. What …?**`,
    /// `**Question 3:** What …?`. Inside an explanation a bold numbered line is more likely a
    /// point of the explanation, so it only starts a question when its number goes forward.
    fn bold_question(&self, line: &str) -> Option<(u64, String)> {
        if !matches!(self.section, Section::Preamble | Section::Questions) || !self.prev_blank {
            return None;
        }
        let t = line.trim_start();
        if !(t.starts_with("**") || t.starts_with("__")) {
            return None;
        }
        let (number, prompt) = question_label(t)?;
        let last = self
            .current
            .as_ref()
            .map(|d| d.written_number)
            .or_else(|| self.finished.last().map(|f| f.written_number));
        if last.is_some_and(|last| number <= last) {
            return None;
        }
        Some((number, prompt))
    }

    fn heading(&mut self, line_no: usize, level: usize, text: &str) {
        self.finish_question();
        let no_question_yet = self.finished.is_empty();
        if level == 1 && self.title.is_none() && no_question_yet {
            self.title = Some((text.to_string(), line_no));
            return;
        }
        if let Some((number, prompt)) = question_label(text) {
            self.start_question(line_no, number, prompt);
            return;
        }
        let lower = text.to_lowercase();
        let plain = lower.trim_matches(|c: char| !c.is_alphanumeric());
        self.section = if lower.contains("answer key") || matches!(plain, "answers" | "solutions") {
            Section::AnswerKey
        } else if lower.contains("scoring") || lower.contains("grading") {
            Section::Scoring
        } else if no_question_yet {
            Section::Preamble
        } else {
            Section::Other
        };
    }

    fn start_question(&mut self, line_no: usize, number: u64, prompt: String) {
        self.finish_question();
        self.section = Section::Questions;
        self.current = Some(Draft::new(number, line_no, &prompt));
    }

    fn finish_question(&mut self) {
        if let Some(draft) = self.current.take() {
            self.finished.push(draft.finish());
        }
    }

    fn text(&mut self, line_no: usize, line: &str, code: bool) {
        match self.section {
            Section::Preamble => self.description.push(line.to_string()),
            Section::Questions => match &mut self.current {
                Some(draft) => draft.feed(line_no, line, code),
                None if !code && answer_line(line).is_some() => {
                    self.diagnostics.push(Diagnostic::warning(
                        line_no,
                        indent_col(line),
                        "this answer line is outside any question (after a `---` rule) and is ignored",
                    ));
                }
                None => {}
            },
            Section::AnswerKey if !code && !is_blank(line) => match key_entry(line) {
                Some((number, value)) => self.key.push(KeyEntry {
                    number,
                    value,
                    line: line_no,
                    col: indent_col(line),
                }),
                None => self.diagnostics.push(Diagnostic::warning(
                    line_no,
                    indent_col(line),
                    "not an answer key entry (expected `3. b` or `3. b) option text`); ignored",
                )),
            },
            Section::Scoring if !code && !is_blank(line) => match tier_line(line) {
                Some(tier) => self.tiers.push((tier, line_no)),
                None if lines::strip_bullet(line).is_some() => {
                    self.diagnostics.push(Diagnostic::warning(
                        line_no,
                        indent_col(line),
                        "not a scoring tier (expected `9-10 correct: label`, `Below 5: label`, \
                         `8+ correct: label` or `80-100%: label`); ignored",
                    ))
                }
                None => {}
            },
            _ => {}
        }
    }

    /// Applies the Answer Key, converts tiers and assembles the quiz.
    fn build(mut self, id: &str) -> Parsed {
        for f in &mut self.finished {
            self.diagnostics.append(&mut f.diagnostics);
        }
        self.check_numbering();
        self.apply_key();

        let total = self.finished.len() as u32;
        let mut questions = Vec::with_capacity(self.finished.len());
        let mut spans = Vec::with_capacity(self.finished.len());
        for (index, f) in self.finished.into_iter().enumerate() {
            // An answer that was given but named no option is already reported.
            if f.answer.is_none() && f.answer_line.is_none() {
                self.diagnostics.push(Diagnostic::error(
                    f.line,
                    1,
                    format!(
                        "question {} has no answer: add a line such as `**Answer:** b`, mark the \
                         option with `[x]`, or list it in an `## Answer Key` section",
                        f.written_number
                    ),
                ));
            }
            spans.push(QuestionSpans {
                line: f.line,
                options: f.options.iter().map(|o| (o.line, o.col)).collect(),
                answer: f.answer_line,
                explanation: f.explanation_line,
            });
            questions.push(Question {
                number: index + 1,
                line: f.line,
                prompt: f.prompt,
                options: f.options.into_iter().map(|o| o.text).collect(),
                answer: f.answer.unwrap_or(0),
                explanation: f.explanation,
                seconds: None,
            });
        }

        let mut tiers = Vec::with_capacity(self.tiers.len());
        let mut tier_lines = Vec::with_capacity(self.tiers.len());
        for (spec, line) in self.tiers {
            let (min, max) = spec.range.bounds(total);
            tiers.push(Tier {
                min,
                max,
                label: spec.label,
            });
            tier_lines.push(line);
        }

        let (title, title_line) = match self.title {
            Some((title, line)) => (title, line),
            None => {
                self.diagnostics.push(Diagnostic::warning(
                    1,
                    1,
                    format!("no `# Title` heading; the quiz is called \"{id}\""),
                ));
                (id.to_string(), 0)
            }
        };
        Parsed {
            quiz: Quiz {
                id: id.to_string(),
                title,
                description: join_block(&self.description),
                question_seconds: None,
                questions,
                tiers,
            },
            map: SourceMap {
                title_line,
                questions: spans,
                tiers: tier_lines,
            },
            diagnostics: self.diagnostics,
        }
    }

    /// Numbers should run 1, 2, 3, …: the Answer Key refers to them.
    fn check_numbering(&mut self) {
        let mut seen: HashMap<u64, usize> = HashMap::with_capacity(self.finished.len());
        for (index, f) in self.finished.iter().enumerate() {
            if let Some(&first) = seen.get(&f.written_number) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        f.line,
                        1,
                        format!(
                            "question number {} is used twice (also at line {first})",
                            f.written_number
                        ),
                    )
                    .with_related(first),
                );
            } else if f.written_number != index as u64 + 1 {
                self.diagnostics.push(Diagnostic::warning(
                    f.line,
                    1,
                    format!(
                        "question numbered {} is question {} of the quiz",
                        f.written_number,
                        index + 1
                    ),
                ));
            }
            seen.entry(f.written_number).or_insert(f.line);
        }
    }

    fn apply_key(&mut self) {
        // First question with each number: what an entry `N. b` refers to.
        let mut by_number: HashMap<u64, usize> = HashMap::with_capacity(self.finished.len());
        for (index, f) in self.finished.iter().enumerate() {
            by_number.entry(f.written_number).or_insert(index);
        }
        let mut seen: HashMap<u64, usize> = HashMap::new();
        for entry in std::mem::take(&mut self.key) {
            if let Some(&first) = seen.get(&entry.number) {
                self.diagnostics.push(
                    Diagnostic::error(
                        entry.line,
                        entry.col,
                        format!(
                            "question {} appears twice in the answer key (also at line {first})",
                            entry.number
                        ),
                    )
                    .with_related(first),
                );
                continue;
            }
            seen.insert(entry.number, entry.line);
            let Some(question) = by_number
                .get(&entry.number)
                .and_then(|&i| self.finished.get_mut(i))
            else {
                self.diagnostics.push(Diagnostic::warning(
                    entry.line,
                    entry.col,
                    format!(
                        "the answer key names question {}, which the quiz does not have",
                        entry.number
                    ),
                ));
                continue;
            };
            let texts: Vec<String> = question.options.iter().map(|o| o.text.clone()).collect();
            let keyed = match entry.value.resolve(&texts) {
                Ok(index) => index,
                Err(why) => {
                    self.diagnostics.push(Diagnostic::error(
                        entry.line,
                        entry.col,
                        format!("answer key, question {}: {why}", entry.number),
                    ));
                    continue;
                }
            };
            match (question.answer, question.answer_line) {
                (Some(inline), Some(inline_line)) if inline != keyed => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            entry.line,
                            entry.col,
                            format!(
                                "the answer key gives {} for question {}, but the question's answer at line {inline_line} is {}",
                                letter(keyed),
                                entry.number,
                                letter(inline)
                            ),
                        )
                        .with_related(inline_line),
                    );
                }
                (Some(_), _) => {}
                (None, _) => {
                    question.answer = Some(keyed);
                    question.answer_line = Some(entry.line);
                }
            }
        }
    }
}

/// A question label at the start of a heading or bold paragraph: `3. What?`, `3) What?`,
/// `Question 3`, `Question 3: What?`, `Q3: What?`, `**3. What?**`, `**Q3.** What?`.
/// Returns the number and the prompt text that follows (possibly empty).
pub fn question_label(text: &str) -> Option<(u64, String)> {
    let s = skip_emphasis(unwrap_strong(text));
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
    let s = if prefixed {
        s.strip_prefix('#').unwrap_or(s)
    } else {
        s
    };
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 6 {
        return None;
    }
    let number: u64 = s[..digits].parse().ok()?;
    let rest = &s[digits..];
    let after_marks = rest.trim_start_matches(['*', '_']);
    let after = if let Some(r) = rest.strip_prefix(['.', ')', ':']) {
        r
    } else if let Some(r) = after_marks.strip_prefix(['.', ')', ':']) {
        r
    } else if let Some(r) = rest.trim_start().strip_prefix(['-', '–', '—']) {
        r
    } else if after_marks.trim().is_empty() || (prefixed && rest.starts_with([' ', '\t'])) {
        after_marks
    } else {
        return None;
    };
    let prompt = after.trim_start_matches(['*', '_']).trim();
    Some((number, prompt.to_string()))
}

#[cfg(test)]
mod tests {
    use super::question_label;

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
            ("2023 in review", None),
            ("Questions and answers", None),
            ("Quiz", None),
            ("1st place", None),
        ];
        for (text, want) in cases {
            let got = question_label(text);
            assert_eq!(got.as_ref().map(|(n, p)| (*n, p.as_str())), want, "{text}");
        }
    }
}
