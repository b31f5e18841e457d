//! The structured format (docs/quiz-format.md, "TOML"): every field explicit, plus time limits.

use serde::Deserialize;
use toml::Spanned;

use super::diagnostic::Diagnostic;
use super::line_index::LineIndex;
use super::model::{
    index_of_letter, label_word, Question, Quiz, Tier, MAX_POINTS, MAX_TAGS, MAX_TAG_CHARS,
};
use super::{Parsed, QuestionSpans, SourceMap};

/// Shortest and longest time limit a question may have, in seconds.
pub const MIN_SECONDS: i64 = 5;
pub const MAX_SECONDS: i64 = 3600;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    title: Spanned<String>,
    #[serde(default)]
    description: String,
    question_seconds: Option<Spanned<i64>>,
    /// Typed answers must match without a slip (docs/quiz-format.md, "Typed answers").
    #[serde(default)]
    exact: bool,
    #[serde(default)]
    questions: Vec<Spanned<RawQuestion>>,
    #[serde(default)]
    tiers: Vec<Spanned<RawTier>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    prompt: String,
    /// None for a typed-answer question, which lists what it accepts instead.
    options: Option<Spanned<Vec<String>>>,
    accepted: Option<Spanned<Vec<String>>>,
    /// The correct option's letter; or `answers`, the letters of a multi-select question.
    answer: Option<Spanned<String>>,
    answers: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    explanation: String,
    seconds: Option<Spanned<i64>>,
    /// A multiple of an ordinary question's points (docs/quiz-format.md, "Points").
    points: Option<Spanned<i64>>,
    /// Topics `/quiz start tag:` can narrow a game to.
    tags: Option<Spanned<Vec<String>>>,
    difficulty: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTier {
    min: Spanned<i64>,
    max: i64,
    label: String,
}

/// Why a list of accepted answers cannot be played, if it cannot.
pub(crate) fn typed_problem(accepted: &[String]) -> Option<String> {
    use super::model::{MAX_ACCEPTED, MAX_ACCEPTED_CHARS};
    if accepted.is_empty() {
        return Some("`accepted` is empty; list the answers that count as right".into());
    }
    if accepted.len() > MAX_ACCEPTED {
        return Some(format!(
            "{} accepted answers (at most {MAX_ACCEPTED})",
            accepted.len()
        ));
    }
    accepted
        .iter()
        .find(|a| a.is_empty() || a.chars().count() > MAX_ACCEPTED_CHARS)
        .map(|a| {
            format!(
                "an accepted answer of {} characters (1 to {MAX_ACCEPTED_CHARS}, what a player can type)",
                a.chars().count()
            )
        })
}

/// Parses a TOML quiz; a file that is not valid TOML (or not of this shape) is one error.
pub fn parse(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let index = LineIndex::new(text);
    let mut diagnostics = Vec::new();
    let raw: RawQuiz = match toml::from_str(text) {
        Ok(raw) => raw,
        Err(e) => {
            let (line, col) = e.span().map_or((1, 1), |s| index.line_col(s.start));
            return Err(Diagnostic::error(line, col, toml_message(&e)));
        }
    };
    let at = |span: std::ops::Range<usize>| index.line_col(span.start);
    let seconds = |value: &Option<Spanned<i64>>, diagnostics: &mut Vec<Diagnostic>| {
        let value = value.as_ref()?;
        let (line, col) = at(value.span());
        let v = *value.get_ref();
        if (MIN_SECONDS..=MAX_SECONDS).contains(&v) {
            Some(v as u32)
        } else {
            diagnostics.push(Diagnostic::error(
                line,
                col,
                format!("a time limit of {v} seconds; use {MIN_SECONDS} to {MAX_SECONDS}"),
            ));
            None
        }
    };

    let points = |value: &Option<Spanned<i64>>, diagnostics: &mut Vec<Diagnostic>| {
        let Some(value) = value.as_ref() else {
            return 1;
        };
        let v = *value.get_ref();
        match u32::try_from(v) {
            Ok(p) if p <= MAX_POINTS => p,
            _ => {
                let (line, col) = at(value.span());
                diagnostics.push(Diagnostic::error(
                    line,
                    col,
                    format!("points = {v}; use 0 (a warm-up) to {MAX_POINTS}, 1 is an ordinary question"),
                ));
                1
            }
        }
    };
    // A tag or difficulty as it is kept; an empty or overlong one is an error at its place.
    let word = |value: &Spanned<String>, diagnostics: &mut Vec<Diagnostic>| {
        let got = label_word(value.get_ref());
        if got.is_none() {
            let (line, col) = at(value.span());
            diagnostics.push(Diagnostic::error(
                line,
                col,
                format!(
                    "{:?}: a tag or difficulty is 1 to {MAX_TAG_CHARS} characters",
                    value.get_ref()
                ),
            ));
        }
        got
    };
    let labels = |value: &Option<Spanned<Vec<String>>>, diagnostics: &mut Vec<Diagnostic>| {
        let Some(value) = value.as_ref() else {
            return Vec::new();
        };
        let (line, col) = at(value.span());
        let mut tags: Vec<String> = Vec::new();
        for t in value.get_ref() {
            match label_word(t) {
                Some(t) if !tags.contains(&t) => tags.push(t),
                Some(_) => {}
                None => diagnostics.push(Diagnostic::error(
                    line,
                    col,
                    format!("tags: {t:?} is not a tag (1 to {MAX_TAG_CHARS} characters)"),
                )),
            }
        }
        if tags.len() > MAX_TAGS {
            diagnostics.push(Diagnostic::error(
                line,
                col,
                format!("{} tags; a question keeps at most {MAX_TAGS}", tags.len()),
            ));
            tags.truncate(MAX_TAGS);
        }
        tags
    };
    let question_seconds = seconds(&raw.question_seconds, &mut diagnostics);
    let mut questions = Vec::with_capacity(raw.questions.len());
    let mut spans = Vec::with_capacity(raw.questions.len());
    for (i, spanned) in raw.questions.iter().enumerate() {
        let (line, _) = at(spanned.span());
        let q = spanned.get_ref();
        // What the question asks and how it is answered: typed, or options with one or more
        // correct; everything else is read the same for both.
        let (span, options, answer, answers, accepted) = if let Some(accepted) = &q.accepted {
            let (l, c) = at(accepted.span());
            let list: Vec<String> = accepted
                .get_ref()
                .iter()
                .map(|a| a.trim().to_string())
                .collect();
            let mixed = q.options.is_some() || q.answer.is_some() || q.answers.is_some();
            let problem = if mixed {
                Some("a typed-answer question has `accepted` and no `options`, `answer` or `answers`".to_string())
            } else {
                typed_problem(&list)
            };
            if let Some(problem) = problem {
                diagnostics.push(Diagnostic::error(
                    l,
                    c,
                    format!("question {}: {problem}", i + 1),
                ));
            }
            let span = QuestionSpans {
                line,
                options: Vec::new(),
                answer: Some(l),
                explanation: None,
                name: None,
            };
            (span, Vec::new(), 0, Vec::new(), list)
        } else {
            let Some(raw_options) = &q.options else {
                diagnostics.push(Diagnostic::error(
                line,
                1,
                format!(
                    "question {}: give `options` (with `answer` or `answers`), or `accepted` for an answer typed in",
                    i + 1
                ),
            ));
                continue;
            };
            let (options_line, options_col) = at(raw_options.span());
            let options = raw_options.get_ref().clone();
            let (answer_line, answer_col, written) = match (&q.answer, &q.answers) {
                (Some(one), None) => {
                    let (l, c) = at(one.span());
                    (l, c, vec![one.get_ref().clone()])
                }
                (None, Some(many)) => {
                    let (l, c) = at(many.span());
                    (l, c, many.get_ref().clone())
                }
                (both, _) => {
                    let (l, c) = both.as_ref().map_or((line, 1), |a| at(a.span()));
                    diagnostics.push(Diagnostic::error(
                        l,
                        c,
                        format!(
                            "question {}: give either `answer = \"b\"` (one correct option) or \
                         `answers = [\"a\", \"c\"]` (several), {}",
                            i + 1,
                            if both.is_some() {
                                "not both"
                            } else {
                                "and neither is here"
                            }
                        ),
                    ));
                    (l, c, vec!["a".to_string()])
                }
            };
            let mut indexes = Vec::with_capacity(written.len());
            for answer_text in &written {
                let answer_text = answer_text.trim();
                let mut letters = answer_text.chars();
                let index = match (letters.next(), letters.next()) {
                    (Some(c), None) if c.is_ascii_alphabetic() => index_of_letter(c),
                    _ => None,
                };
                match index {
                Some(a) if a < options.len() => indexes.push(a),
                _ => diagnostics.push(Diagnostic::error(
                    answer_line,
                    answer_col,
                    format!(
                        "question {}: {} {:?} must be the letter of one of its {} options (a to {})",
                        i + 1,
                        if q.answers.is_some() { "answers entry" } else { "answer =" },
                        answer_text,
                        options.len(),
                        super::model::letter(options.len().clamp(1, 26) - 1).to_ascii_lowercase()
                    ),
                )),
            }
            }
            indexes.sort_unstable();
            indexes.dedup();
            if q.answers.is_some() && written.is_empty() {
                diagnostics.push(Diagnostic::error(
                    answer_line,
                    answer_col,
                    format!(
                        "question {}: `answers` is empty; list the correct letters",
                        i + 1
                    ),
                ));
            }
            let answer = indexes.first().copied().unwrap_or(0);
            let answers = if indexes.len() > 1 {
                indexes
            } else {
                Vec::new()
            };
            let span = QuestionSpans {
                line,
                options: vec![(options_line, options_col); options.len()],
                answer: Some(answer_line),
                explanation: None,
                name: None,
            };
            let options = options.iter().map(|o| o.trim().to_string()).collect();
            (span, options, answer, answers, Vec::new())
        };
        spans.push(span);
        questions.push(Question {
            number: i + 1,
            line,
            prompt: q.prompt.trim().to_string(),
            options,
            answer,
            answers,
            exact: raw.exact && !accepted.is_empty(),
            accepted,
            explanation: q.explanation.trim().to_string(),
            seconds: seconds(&q.seconds, &mut diagnostics),
            points: points(&q.points, &mut diagnostics),
            pictures: Vec::new(),
            tags: labels(&q.tags, &mut diagnostics),
            difficulty: q
                .difficulty
                .as_ref()
                .and_then(|d| word(d, &mut diagnostics)),
        });
    }

    let mut tiers = Vec::with_capacity(raw.tiers.len());
    let mut tier_lines = Vec::with_capacity(raw.tiers.len());
    for spanned in &raw.tiers {
        let t = spanned.get_ref();
        let (line, col) = at(t.min.span());
        let (min, max) = (*t.min.get_ref(), t.max);
        if min < 0 || max < 0 || min > u32::MAX as i64 || max > u32::MAX as i64 {
            diagnostics.push(Diagnostic::error(
                line,
                col,
                "tier bounds are counts of correct answers: whole numbers from 0",
            ));
            continue;
        }
        tiers.push(Tier {
            min: min as u32,
            max: max as u32,
            label: t.label.trim().to_string(),
        });
        tier_lines.push(line);
    }

    Ok(Parsed {
        left_out: Vec::new(),
        quiz: Quiz {
            id: id.to_string(),
            title: raw.title.get_ref().trim().to_string(),
            description: raw.description.trim().to_string(),
            question_seconds,
            questions,
            tiers,
        },
        map: SourceMap {
            title_line: at(raw.title.span()).0,
            questions: spans,
            tiers: tier_lines,
        },
        diagnostics,
    })
}

/// The toml crate's message without its own rendering of the source (we print our own).
fn toml_message(e: &toml::de::Error) -> String {
    let message = e.message().trim();
    format!("invalid TOML: {message}")
}
