//! The quiz assembled from what was read: the Answer Key applied, questions that cannot be
//! played set aside (each with a warning, or an error when none can be played), tiers turned
//! into counts, the title chosen and the description fitted to Discord.

use std::collections::HashMap;

use super::answer::Resolved;
use super::question::{join_block, name, Finished};
use super::Reader;
use crate::quiz::diagnostic::Diagnostic;
use crate::quiz::model::{letter, Question, Quiz, Tier, MAX_OPTIONS, MIN_OPTIONS};
use crate::quiz::validate::MAX_DESCRIPTION;
use crate::quiz::{LeftOut, LeftOutReason, Parsed, QuestionSpans, SourceMap};

impl Reader<'_> {
    /// Applies the Answer Key, sets aside what cannot be played, converts tiers and assembles
    /// the quiz.
    pub(super) fn build(mut self, id: &str) -> Parsed {
        for f in &mut self.finished {
            self.diagnostics.append(&mut f.diagnostics);
        }
        self.check_numbering();
        let mut read = std::mem::take(&mut self.finished);
        self.apply_key(&mut read);

        let playable = read
            .iter()
            .filter(|f| unplayable(f, f.answer.as_ref()).is_none())
            .count();
        let mut questions = Vec::with_capacity(playable);
        let mut spans = Vec::with_capacity(playable);
        let mut left_out = Vec::new();
        for f in read {
            if f.answer.is_none() && !f.highlighted.is_empty() {
                let which: Vec<String> = f
                    .highlighted
                    .iter()
                    .map(|&i| letter(i).to_string())
                    .collect();
                let first = letter(f.highlighted[0]).to_ascii_lowercase();
                self.diagnostics.push(Diagnostic::error(
                    f.line,
                    1,
                    format!(
                        "{} marks its answer only by highlighting (option {} stands out in \
                         backticks or bold): mark the correct option with `- [x]`, or add a line \
                         `**Answer:** {first}`",
                        name(f.written_number),
                        which.join(", "),
                    ),
                ));
                left_out.push(LeftOut {
                    line: f.line,
                    prompt: f.prompt,
                    options: f.option_texts,
                    answers: Vec::new(),
                    explanation: f.explanation,
                    reason: LeftOutReason::NoAnswer,
                });
                continue;
            }
            if let Some((reason, (line, col))) = unplayable(&f, f.answer.as_ref()) {
                self.diagnostics.push(left_out_diagnostic(
                    &reason,
                    name(f.written_number),
                    line,
                    col,
                    playable == 0,
                ));
                left_out.push(LeftOut {
                    line: f.line,
                    prompt: f.prompt,
                    options: f.option_texts,
                    answers: match f.answer {
                        Some(Resolved::One(i)) => vec![i],
                        Some(Resolved::Several(v)) => v,
                        None => Vec::new(),
                    },
                    explanation: f.explanation,
                    reason,
                });
                continue;
            }
            // An answer that named no option is an error of its own, so this quiz is refused;
            // the question stays in it so that every other check still runs on it.
            let (answer, answers) = match f.answer {
                Some(Resolved::One(answer)) => (answer, Vec::new()),
                Some(Resolved::Several(mut set)) => {
                    set.sort_unstable();
                    set.dedup();
                    (set[0], set)
                }
                None => (0, Vec::new()),
            };
            let mut explanation = f.explanation;
            if explanation.is_empty() && answers.is_empty() {
                if let Some(feedback) = f.options.get(answer).and_then(|o| o.feedback.clone()) {
                    explanation = feedback;
                }
            }
            spans.push(QuestionSpans {
                line: f.line,
                options: f.options.iter().map(|o| (o.line, o.col)).collect(),
                answer: f.answer_line,
                explanation: f.explanation_line,
                name: Some(name(f.written_number)),
            });
            questions.push(Question {
                number: questions.len() + 1,
                line: f.line,
                prompt: f.prompt,
                options: f.option_texts,
                answer,
                answers,
                exact: self.exact && !f.accepted.is_empty(),
                accepted: f.accepted,
                explanation,
                seconds: None,
                points: f.points,
                pictures: Vec::new(),
                tags: f.tags,
                difficulty: f.difficulty,
            });
        }

        let total = questions.len() as u32;
        let mut tiers = Vec::with_capacity(self.tiers.len());
        let mut tier_lines = Vec::with_capacity(self.tiers.len());
        for (spec, line) in std::mem::take(&mut self.tiers) {
            let (min, max) = spec.range.bounds(total);
            tiers.push(Tier {
                min,
                max,
                label: spec.label,
            });
            tier_lines.push(line);
        }

        let chosen = self
            .front_title
            .take()
            .or(self.title.take())
            .or(self.first_heading.take());
        let (title, title_line) = match chosen {
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
        let description = self.description(title_line);
        Parsed {
            quiz: Quiz {
                id: id.to_string(),
                title,
                description,
                question_seconds: None,
                questions,
                tiers,
            },
            map: SourceMap {
                title_line,
                questions: spans,
                tiers: tier_lines,
            },
            left_out,
            diagnostics: self.diagnostics,
        }
    }

    /// The text before the first question. An article that runs on before its quiz keeps its
    /// first paragraphs, as many as Discord shows.
    fn description(&mut self, title_line: usize) -> String {
        let full = join_block(&self.description);
        if full.chars().count() <= MAX_DESCRIPTION {
            return full;
        }
        let mut kept = String::new();
        for paragraph in full.split("\n\n") {
            let extra = paragraph.chars().count() + 2;
            if kept.chars().count() + extra > MAX_DESCRIPTION - 8 {
                break;
            }
            if !kept.is_empty() {
                kept.push_str("\n\n");
            }
            kept.push_str(paragraph);
        }
        // A code fence cut in two would swallow the rest of the message.
        if kept.matches("```").count() % 2 == 1 {
            kept.push_str("\n```");
        }
        self.diagnostics.push(Diagnostic::warning(
            title_line.max(1),
            1,
            format!(
                "the text before the first question has {} characters; the quiz's description \
                 keeps its first {} (Discord shows at most {MAX_DESCRIPTION})",
                full.chars().count(),
                kept.chars().count()
            ),
        ));
        kept
    }

    /// Numbers should run 1, 2, 3, … within each run (numbering may restart after a section
    /// heading): the Answer Key refers to them.
    fn check_numbering(&mut self) {
        let mut seen: HashMap<u64, usize> = HashMap::new();
        let mut last: Option<(u64, usize)> = None;
        let mut run = usize::MAX;
        for f in &self.finished {
            let Some(n) = f.written_number else { continue };
            if f.run != run {
                run = f.run;
                seen.clear();
                last = None;
            }
            if let Some(&first) = seen.get(&n) {
                self.diagnostics.push(
                    Diagnostic::warning(
                        f.line,
                        1,
                        format!("question number {n} is used twice (also at line {first})"),
                    )
                    .with_related(first),
                );
            } else if let Some((prev, prev_line)) = last {
                if n != prev + 1 {
                    self.diagnostics.push(Diagnostic::warning(
                        f.line,
                        1,
                        format!("question {n} follows question {prev} (line {prev_line})"),
                    ));
                }
            }
            seen.entry(n).or_insert(f.line);
            last = Some((n, f.line));
        }
    }

    fn apply_key(&mut self, read: &mut [Finished]) {
        // First question with each number: what an entry `N. b` refers to.
        let mut by_number: HashMap<u64, usize> = HashMap::with_capacity(read.len());
        for (index, r) in read.iter().enumerate() {
            if let Some(n) = r.written_number {
                by_number.entry(n).or_insert(index);
            }
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
            let Some(question) = by_number.get(&entry.number).and_then(|&i| read.get_mut(i)) else {
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
            let keyed = match entry.value.resolve_all(&question.option_texts) {
                Ok(resolved) => resolved,
                Err(why) => {
                    self.diagnostics.push(Diagnostic::error(
                        entry.line,
                        entry.col,
                        format!("answer key, question {}: {why}", entry.number),
                    ));
                    continue;
                }
            };
            match (&question.answer, question.answer_line) {
                (Some(inline), Some(inline_line)) if *inline != keyed => {
                    self.diagnostics.push(
                        Diagnostic::error(
                            entry.line,
                            entry.col,
                            format!(
                                "the answer key gives {} for question {}, but the question's answer at line {inline_line} is {}",
                                keyed.letters(),
                                entry.number,
                                inline.letters()
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

/// Why a question read from the file cannot be played, and where to point.
fn unplayable(f: &Finished, answer: Option<&Resolved>) -> Option<(LeftOutReason, (usize, usize))> {
    let count = f.options.len();
    if count == 0 && !f.accepted.is_empty() {
        return None; // a typed answer
    }
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&count) {
        let at = f
            .options
            .get(MAX_OPTIONS)
            .map_or((f.line, 1), |o| (o.line, o.col));
        return Some((LeftOutReason::OptionCount(count), at));
    }
    match answer {
        Some(Resolved::One(_) | Resolved::Several(_)) => None,
        // Errors of their own: an answer that names no option, a highlighted one.
        None if f.answer_given || !f.highlighted.is_empty() => None,
        None => Some((LeftOutReason::NoAnswer, (f.line, 1))),
    }
}

/// The problem of a question that is left out: a warning when other questions can be played,
/// an error when none can (then the file is refused and each reason must be fixed).
fn left_out_diagnostic(
    reason: &LeftOutReason,
    name: String,
    line: usize,
    col: usize,
    error: bool,
) -> Diagnostic {
    let (problem, fix) = match reason {
        LeftOutReason::OptionCount(0) => (
            format!("{name} has no options"),
            format!(
                "quizbot plays questions with {MIN_OPTIONS} to {MAX_OPTIONS} options, or with \
                 none and an answer to type: add a line such as `**Answer:** Paris`"
            ),
        ),
        LeftOutReason::OptionCount(count) => (
            match count {
                1 => format!("{name} has 1 option"),
                n => format!("{name} has {n} options"),
            },
            format!("a question needs {MIN_OPTIONS} to {MAX_OPTIONS}, so that its buttons fit"),
        ),
        LeftOutReason::NoAnswer => (
            format!("{name} has no answer"),
            "add a line such as `**Answer:** b`, mark the option with `[x]`, or list it in an \
             `## Answer Key` section"
                .to_string(),
        ),
    };
    if error {
        let message = match reason {
            // The wording `check` has always used for these.
            LeftOutReason::OptionCount(count) => format!(
                "{name} has {count} option{}; a question needs {MIN_OPTIONS} to {MAX_OPTIONS} \
                 (so that its buttons fit)",
                if *count == 1 { "" } else { "s" }
            ),
            LeftOutReason::NoAnswer => format!("{problem}: {fix}"),
        };
        Diagnostic::error(line, col, message)
    } else {
        Diagnostic::warning(
            line,
            col,
            format!("{problem}, so it is left out of the quiz: {fix}"),
        )
    }
}
