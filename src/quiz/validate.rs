//! Checks every format shares (product.md §3.4): question and option counts, empty texts,
//! scoring tiers, and — by rendering each question exactly as the bot will — that every message
//! of the quiz fits Discord's limits whatever the number of players.

use super::diagnostic::Diagnostic;
use super::model::{Question, MAX_OPTIONS, MAX_QUESTIONS, MIN_OPTIONS};
use super::{Parsed, QuestionSpans};
use crate::render::limits::{self, chars};
use crate::render::question::{self as card, Card, RevealStats};
use crate::render::text::NAME_CHARS;

/// The longest title a quiz may have: it is shown in embed footers and titles.
pub const MAX_TITLE: usize = 200;
/// The description goes into one embed description with a little around it.
pub const MAX_DESCRIPTION: usize = 3500;
/// A tier label is shown after a score ("9/10 — label").
pub const MAX_TIER_LABEL: usize = 200;
/// More tiers than any grading scale needs; bounds the pairwise overlap check.
pub const MAX_TIERS: usize = 20;

pub fn validate(parsed: &mut Parsed) {
    let Parsed {
        quiz,
        map,
        diagnostics,
    } = parsed;
    if quiz.questions.is_empty() {
        diagnostics.push(Diagnostic::error(
            1,
            1,
            "no questions found: a question starts with a heading such as `### 1. What is …?` \
             (or a bold line `**1. What is …?**`), followed by its options `a) …`, `b) …`",
        ));
    }
    if quiz.questions.len() > MAX_QUESTIONS {
        let line = map.questions.get(MAX_QUESTIONS).map_or(1, |s| s.line);
        diagnostics.push(Diagnostic::error(
            line,
            1,
            format!(
                "the quiz has {} questions; at most {MAX_QUESTIONS} are allowed",
                quiz.questions.len()
            ),
        ));
    }
    if chars(&quiz.title) > MAX_TITLE {
        diagnostics.push(Diagnostic::error(
            map.title_line,
            1,
            format!(
                "the title has {} characters; at most {MAX_TITLE} fit in Discord",
                chars(&quiz.title)
            ),
        ));
    }
    if chars(&quiz.description) > MAX_DESCRIPTION {
        diagnostics.push(Diagnostic::error(
            map.title_line,
            1,
            format!(
                "the description (text before the first question) has {} characters; at most \
                 {MAX_DESCRIPTION} fit in Discord",
                chars(&quiz.description)
            ),
        ));
    }
    let total = quiz.questions.len();
    for (index, q) in quiz.questions.iter().enumerate().take(MAX_QUESTIONS) {
        let spans = map.questions.get(index).cloned().unwrap_or_default();
        check_question(
            &quiz.title,
            q,
            total.min(MAX_QUESTIONS),
            &spans,
            diagnostics,
        );
    }
    check_tiers(&quiz.tiers, &map.tiers, total as u32, diagnostics);
}

fn check_question(
    title: &str,
    q: &Question,
    total: usize,
    spans: &QuestionSpans,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let n = q.number;
    if q.prompt.trim().is_empty() {
        diagnostics.push(Diagnostic::error(
            spans.line,
            1,
            format!("question {n} has no prompt"),
        ));
    }
    let count = q.options.len();
    if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&count) {
        let (line, col) = spans
            .options
            .get(MAX_OPTIONS)
            .copied()
            .unwrap_or((spans.line, 1));
        diagnostics.push(Diagnostic::error(
            line,
            col,
            format!(
                "question {n} has {count} option{}; a question needs {MIN_OPTIONS} to \
                 {MAX_OPTIONS} (so that its buttons fit)",
                if count == 1 { "" } else { "s" }
            ),
        ));
        return;
    }
    for (i, option) in q.options.iter().enumerate() {
        if option.trim().is_empty() {
            let (line, col) = spans.options.get(i).copied().unwrap_or((spans.line, 1));
            diagnostics.push(Diagnostic::error(
                line,
                col,
                format!(
                    "option {} of question {n} is empty",
                    super::model::letter(i)
                ),
            ));
        }
    }
    if q.answer >= count {
        return; // reported by the parser
    }
    check_fits(title, q, total, spans, diagnostics);
}

/// Renders the question and its reveal with the largest numbers and names a quiz night can
/// produce, and reports any Discord limit they would break.
fn check_fits(
    title: &str,
    q: &Question,
    total: usize,
    spans: &QuestionSpans,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let worst = Card {
        quiz_title: title,
        question: q,
        position: total.max(1),
        total: total.max(1),
        session: i64::MAX,
        closes_at: 9_999_999_999,
        answered: 99_999_999,
    };
    let stats = RevealStats {
        counts: vec![99_999_999; q.options.len()],
        fastest: Some(("*".repeat(NAME_CHARS), 999_999)),
    };
    let question_problems = limits::problems(&card::question(&worst));
    let too_long = !question_problems.is_empty();
    for problem in question_problems {
        diagnostics.push(Diagnostic::error(
            spans.line,
            1,
            format!(
                "question {} is too long for Discord: in the question message, {problem}; \
                 shorten the prompt or the options",
                q.number
            ),
        ));
    }
    if too_long {
        return; // the reveal repeats the question: one message about it is enough
    }
    for problem in limits::problems(&card::reveal(&worst, &stats)) {
        diagnostics.push(Diagnostic::error(
            spans.explanation.unwrap_or(spans.line),
            1,
            format!(
                "question {} is too long for Discord: when the answer is revealed, {problem}; \
                 shorten the explanation",
                q.number
            ),
        ));
    }
}

fn check_tiers(
    tiers: &[super::model::Tier],
    lines: &[usize],
    total: u32,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let line_of = |i: usize| lines.get(i).copied().unwrap_or(1);
    if tiers.len() > MAX_TIERS {
        diagnostics.push(Diagnostic::error(
            line_of(MAX_TIERS),
            1,
            format!(
                "the quiz has {} scoring tiers; at most {MAX_TIERS}",
                tiers.len()
            ),
        ));
        return;
    }
    for (i, t) in tiers.iter().enumerate() {
        if t.min > t.max {
            diagnostics.push(Diagnostic::error(
                line_of(i),
                1,
                format!(
                    "the tier \"{}\" runs from {} down to {}",
                    t.label, t.min, t.max
                ),
            ));
        }
        if chars(&t.label) > MAX_TIER_LABEL {
            diagnostics.push(Diagnostic::error(
                line_of(i),
                1,
                format!(
                    "the tier label has {} characters; at most {MAX_TIER_LABEL}",
                    chars(&t.label)
                ),
            ));
        }
        if t.min > total && total > 0 {
            diagnostics.push(Diagnostic::warning(
                line_of(i),
                1,
                format!(
                    "the tier \"{}\" starts at {} correct, but the quiz has {total} questions",
                    t.label, t.min
                ),
            ));
        }
        for (j, other) in tiers.iter().enumerate().take(i) {
            if t.min <= other.max && other.min <= t.max && t.min <= t.max && other.min <= other.max
            {
                diagnostics.push(
                    Diagnostic::error(
                        line_of(i),
                        1,
                        format!(
                            "the tier {}–{} overlaps the tier {}–{} at line {}",
                            t.min,
                            t.max,
                            other.min,
                            other.max,
                            line_of(j)
                        ),
                    )
                    .with_related(line_of(j)),
                );
            }
        }
    }
    if tiers.is_empty() || total == 0 || total as usize > MAX_QUESTIONS {
        return;
    }
    let uncovered: Vec<u32> = (0..=total)
        .filter(|s| !tiers.iter().any(|t| t.min <= *s && *s <= t.max))
        .collect();
    if !uncovered.is_empty() {
        diagnostics.push(Diagnostic::warning(
            line_of(0),
            1,
            format!(
                "no scoring tier covers {} correct; those players see their score without a label",
                ranges(&uncovered)
            ),
        ));
    }
}

/// `[0, 1, 2, 5]` → "0–2 and 5".
fn ranges(values: &[u32]) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < values.len() {
        let start = values[i];
        let mut end = start;
        while i + 1 < values.len() && values[i + 1] == end + 1 {
            i += 1;
            end = values[i];
        }
        parts.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    match parts.len() {
        0 => String::new(),
        1 => parts.remove(0),
        _ => {
            let last = parts.pop().unwrap_or_default();
            format!("{} and {last}", parts.join(", "))
        }
    }
}
