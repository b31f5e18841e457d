//! Checks every format shares (docs/quiz-format.md, "What `check` refuses"): question and option counts, empty texts,
//! scoring tiers, and — by asking a [`Fit`] (the render layer renders each question exactly as
//! the bot will) — that every message of the quiz fits whatever the number of players.

use super::diagnostic::Diagnostic;
use super::fit::{Fit, Problems};
use super::model::{Question, MAX_OPTIONS, MIN_OPTIONS};
use super::{Parsed, QuestionSpans};

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The longest title a quiz may have: it is shown in embed footers and titles.
pub const MAX_TITLE: usize = 200;
/// The description goes into one embed description with a little around it.
pub const MAX_DESCRIPTION: usize = 3500;
/// A tier label is shown after a score ("9/10 — label").
pub const MAX_TIER_LABEL: usize = 200;
/// More tiers than any grading scale needs; bounds the pairwise overlap check.
pub const MAX_TIERS: usize = 20;

pub fn validate(parsed: &mut Parsed, fit: &dyn Fit) {
    let Parsed {
        quiz,
        map,
        diagnostics,
        left_out,
    } = parsed;
    // Questions were read but none can be played: their own warnings say why, and the quiz
    // is refused (the Markdown reader makes those warnings errors itself).
    if quiz.questions.is_empty()
        && !left_out.is_empty()
        && !diagnostics.iter().any(Diagnostic::is_error)
    {
        diagnostics.push(Diagnostic::error(
            1,
            1,
            format!(
                "none of the {} questions read can be played (each is named in a warning)",
                left_out.len()
            ),
        ));
    }
    if quiz.questions.is_empty() && left_out.is_empty() {
        diagnostics.push(Diagnostic::error(
            1,
            1,
            "no questions found: a question starts with a heading such as `### 1. What is …?` \
             (or a bold line `**1. What is …?**`), followed by its options `a) …`, `b) …`",
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
    let title = quiz.title.clone();
    for (index, q) in quiz.questions.iter_mut().enumerate() {
        let spans = map.questions.get(index).cloned().unwrap_or_default();
        check_question(&title, q, total, &spans, fit, diagnostics);
    }
    check_tiers(&quiz.tiers, &map.tiers, total as u32, diagnostics);
}

fn check_question(
    title: &str,
    q: &mut Question,
    total: usize,
    spans: &QuestionSpans,
    fit: &dyn Fit,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let n = spans
        .name
        .clone()
        .unwrap_or_else(|| format!("question {}", q.number));
    if q.prompt.trim().is_empty() {
        diagnostics.push(Diagnostic::error(
            spans.line,
            1,
            format!("{n} has no prompt"),
        ));
    }
    if q.is_typed() {
        // The readers report their own problems with what is accepted; a quiz built some other
        // way (stored JSON) is held to the same rules here.
        let problem = if q.options.is_empty() {
            super::toml_format::typed_problem(&q.accepted)
        } else {
            Some("a typed-answer question has no options".to_string())
        };
        if let Some(problem) = problem {
            let line = spans.answer.unwrap_or(spans.line);
            if !diagnostics.iter().any(|d| d.is_error() && d.line == line) {
                diagnostics.push(Diagnostic::error(line, 1, format!("{n}: {problem}")));
            }
            return;
        }
        check_fits(title, q, total, (spans, &n), fit, diagnostics);
        return;
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
                "{n} has {count} option{}; a question needs {MIN_OPTIONS} to \
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
                format!("option {} of {n} is empty", super::model::letter(i)),
            ));
        }
    }
    if q.answer >= count {
        return; // reported by the parser
    }
    // Every reader keeps a multi-select's set sorted, distinct and within the options; a quiz
    // built some other way (stored JSON) must not reach a game otherwise.
    let set_ok = q.answers.is_empty()
        || (q.answers.windows(2).all(|w| w[0] < w[1])
            && q.answers.iter().all(|&a| a < count)
            && q.answers.len() > 1
            && q.answers[0] == q.answer);
    if !set_ok {
        diagnostics.push(Diagnostic::error(
            spans.answer.unwrap_or(spans.line),
            1,
            format!("{n}: its correct options must be two or more different options of its own"),
        ));
        return;
    }
    check_fits(title, q, total, (spans, &n), fit, diagnostics);
}

/// Has the question and its reveal measured with the largest numbers and names a quiz night
/// can produce, and reports any limit they would break. An explanation too long for the
/// reveal is cut at a paragraph to fit, with a warning: it is the one text that can lose its
/// end without changing the question.
fn check_fits(
    title: &str,
    q: &mut Question,
    total: usize,
    (spans, name): (&QuestionSpans, &str),
    fit: &dyn Fit,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let worst = |q: &Question| fit.problems(title, q, total);
    if fit.surely_fits(q) {
        return; // most questions: no need to render them to know
    }
    let Problems {
        question: question_problems,
        reveal: reveal_problems,
    } = worst(q);
    let too_long = !question_problems.is_empty();
    for problem in question_problems {
        diagnostics.push(Diagnostic::error(
            spans.line,
            1,
            format!(
                "{name} is too long for Discord: in the question message, {problem}; \
                 shorten the prompt or the options"
            ),
        ));
    }
    if too_long {
        return; // the reveal repeats the question: one message about it is enough
    }
    if reveal_problems.is_empty() {
        return;
    }
    let mut shorter = q.clone();
    let mut fits = |explanation: &str| {
        shorter.explanation = explanation.to_string();
        worst(&shorter).reveal.is_empty()
    };
    if !q.explanation.is_empty() && fits("") {
        let full = std::mem::take(&mut q.explanation);
        q.explanation = clip_explanation(&full, fits);
        diagnostics.push(Diagnostic::warning(
            spans.explanation.unwrap_or(spans.line),
            1,
            format!(
                "the explanation of {name} has {} characters, more than its reveal can show; \
                 the reveal shows the first {} (shorten it to show it all)",
                chars(&full),
                chars(&q.explanation)
            ),
        ));
        return;
    }
    for problem in reveal_problems {
        diagnostics.push(Diagnostic::error(
            spans.explanation.unwrap_or(spans.line),
            1,
            format!(
                "{name} is too long for Discord: when the answer is revealed, {problem}; \
                 shorten the explanation"
            ),
        ));
    }
}

/// The longest beginning of `full` that `fits`, cut after a paragraph when one fits (else after
/// a word), marked with "…", with a code fence it cut open closed again.
fn clip_explanation(full: &str, mut fits: impl FnMut(&str) -> bool) -> String {
    let cut = |end: usize| {
        let mut text = full[..end].trim_end().to_string();
        if text.matches("```").count() % 2 == 1 {
            text.push_str("\n```");
        }
        text.push_str(" …");
        text
    };
    let paragraphs: Vec<usize> = full.match_indices("\n\n").map(|(i, _)| i).collect();
    let words: Vec<usize> = full
        .char_indices()
        .filter(|(_, c)| c.is_whitespace())
        .map(|(i, _)| i)
        .collect();
    [paragraphs, words]
        .iter()
        .find_map(|ends| last_that_fits(ends, |end| fits(&cut(end))))
        .map_or_else(String::new, cut)
}

/// The last of `ends` (ascending) for which `fits` holds, by binary search: a longer beginning
/// fits no better than a shorter one.
fn last_that_fits(ends: &[usize], mut fits: impl FnMut(usize) -> bool) -> Option<usize> {
    let (mut lo, mut hi) = (0, ends.len());
    while lo < hi {
        let mid = (lo + hi) / 2;
        if fits(ends[mid]) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    lo.checked_sub(1).map(|i| ends[i])
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
    if tiers.is_empty() || total == 0 {
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
