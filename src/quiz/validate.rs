//! Checks every format shares (docs/quiz-format.md, "What `check` refuses"): question and option counts, empty texts,
//! scoring tiers, and — by rendering each question exactly as the bot will — that every message
//! of the quiz fits Discord's limits whatever the number of players.

use super::diagnostic::Diagnostic;
use super::model::{Question, MAX_OPTIONS, MIN_OPTIONS};
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
        left_out,
    } = parsed;
    // Questions were read but none can be played: their own errors say why.
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
        check_question(&title, q, total, &spans, diagnostics);
    }
    check_tiers(&quiz.tiers, &map.tiers, total as u32, diagnostics);
}

fn check_question(
    title: &str,
    q: &mut Question,
    total: usize,
    spans: &QuestionSpans,
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
    check_fits(title, q, total, spans, &n, diagnostics);
}

/// Renders the question and its reveal with the largest numbers and names a quiz night can
/// produce, and reports any Discord limit they would break. An explanation too long for the
/// reveal is cut at a paragraph to fit, with a warning: it is the one text that can lose its
/// end without changing the question.
fn check_fits(
    title: &str,
    q: &mut Question,
    total: usize,
    spans: &QuestionSpans,
    name: &str,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let worst = |q: &Question| -> (Vec<String>, Vec<String>) {
        let card = Card {
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
        (
            limits::problems(&card::question(&card)),
            limits::problems(&card::reveal(&card, &stats)),
        )
    };
    if surely_fits(q) {
        return; // most questions: no need to render them to know
    }
    let (question_problems, reveal_problems) = worst(q);
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
        worst(&shorter).1.is_empty()
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

/// Whether a question fits every message it appears in, by a bound on their lengths that
/// over-counts everything the renderer adds (marks, letters, the countdown line, the answer
/// counts, the longest player name, titles and footers). Rendering 50,000 questions twice
/// takes longer than reading their file; only questions near a limit are rendered.
fn surely_fits(q: &Question) -> bool {
    let options: usize = q.options.iter().map(|o| chars(o) + 16).sum();
    let n = q.options.len();
    let body = chars(&q.prompt) + options + 100;
    let correct = q.options.get(q.answer).map_or(0, |o| chars(o));
    let answer_embed = correct + chars(&q.explanation) + 50 * n + 160;
    // Titles ("Question 12 of 3,400", "✅ Answer: B") and the footer (the quiz title, cut to 200).
    let around = 60 + 200;
    body <= limits::DESCRIPTION
        && answer_embed <= limits::DESCRIPTION
        && body + answer_embed + around <= limits::EMBED_TOTAL
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The bound that spares rendering must never let through a question that does not fit:
    /// lengths swept across every limit, each question the bound passes is rendered.
    #[test]
    fn the_bound_never_passes_a_question_that_does_not_fit() {
        let mut passed = 0;
        for options in [2usize, 4, 10] {
            for prompt in (0..4200).step_by(150) {
                for option in [1usize, 40, 300] {
                    for explanation in (0..4200).step_by(300) {
                        let q = Question {
                            number: 1,
                            line: 1,
                            prompt: "é".repeat(prompt),
                            options: (0..options)
                                .map(|i| format!("{i}{}", "o".repeat(option)))
                                .collect(),
                            answer: options - 1,
                            explanation: "x".repeat(explanation),
                            seconds: None,
                        };
                        if !surely_fits(&q) {
                            continue;
                        }
                        passed += 1;
                        let title = "t".repeat(MAX_TITLE);
                        let card = Card {
                            quiz_title: &title,
                            question: &q,
                            position: 99_999,
                            total: 99_999,
                            session: i64::MAX,
                            closes_at: 9_999_999_999,
                            answered: 99_999_999,
                        };
                        let stats = RevealStats {
                            counts: vec![99_999_999; options],
                            fastest: Some(("*".repeat(NAME_CHARS), 999_999)),
                        };
                        assert!(limits::problems(&card::question(&card)).is_empty());
                        assert!(
                            limits::problems(&card::reveal(&card, &stats)).is_empty(),
                            "prompt {prompt}, {options} options of {option}, explanation {explanation}"
                        );
                    }
                }
            }
        }
        assert!(
            passed > 1000,
            "the bound passes most ordinary questions ({passed})"
        );
    }
}
