//! The JSON form of a quiz printed by `quizbot show --json` (docs/quiz-format.md), field for
//! field. Questions the quiz leaves out are listed in their place, marked, so that a tool sees
//! everything that was read.

use serde::Serialize;

use super::model::Quiz;
use super::{LeftOut, LeftOutReason};

#[derive(Serialize)]
struct ShowQuiz<'a> {
    id: &'a str,
    title: &'a str,
    description: &'a str,
    questions: Vec<ShowQuestion<'a>>,
    tiers: Vec<ShowTier<'a>>,
}

#[derive(Serialize)]
struct ShowQuestion<'a> {
    /// Position in the quiz as played; null for a question left out.
    number: Option<usize>,
    line: usize,
    /// "choice" (one correct option), "multi" (several) or "typed" (no options).
    kind: &'static str,
    prompt: &'a str,
    options: &'a [String],
    /// Zero-based index of the correct option; null when none is marked. Absent for "multi".
    #[serde(skip_serializing_if = "Option::is_none")]
    answer: Option<Option<usize>>,
    /// Zero-based indexes of the correct options of a "multi" question, sorted.
    #[serde(skip_serializing_if = "Option::is_none")]
    answers: Option<&'a [usize]>,
    /// What a "typed" question accepts, the first as the reveal shows it.
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<&'a [String]>,
    explanation: &'a str,
    /// The question's own limit, else the quiz's; null when the file sets none.
    seconds: Option<u32>,
    /// A multiple of an ordinary question's points: 1 ordinary, 2 double, 0 a warm-up.
    points: u32,
    /// The question's topics, lower case (empty when it has none).
    tags: &'a [String],
    /// `"easy"`, `"medium"`, `"hard"` or the author's word; null when unsaid.
    difficulty: Option<&'a str>,
    /// The image files the question shows, read from beside the quiz (or its `.zip`): `path`
    /// as the text names it, `filename` as it is attached, `size` in bytes, `sha256` of its
    /// bytes. Absent when it shows none.
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pictures: &'a [super::model::Picture],
    /// Why the question is not played (present only then).
    #[serde(skip_serializing_if = "Option::is_none")]
    left_out: Option<&'static str>,
}

#[derive(Serialize)]
struct ShowTier<'a> {
    min: u32,
    max: u32,
    label: &'a str,
}

pub fn to_json(quiz: &Quiz, left_out: &[LeftOut]) -> serde_json::Value {
    let mut questions: Vec<ShowQuestion<'_>> = quiz
        .questions
        .iter()
        .map(|q| ShowQuestion {
            number: Some(q.number),
            line: q.line,
            kind: if q.is_typed() {
                "typed"
            } else if q.is_multi() {
                "multi"
            } else {
                "choice"
            },
            prompt: &q.prompt,
            options: &q.options,
            answer: (!q.is_multi() && !q.is_typed()).then_some(Some(q.answer)),
            answers: q.is_multi().then_some(q.answers.as_slice()),
            accepted: q.is_typed().then_some(q.accepted.as_slice()),
            explanation: &q.explanation,
            seconds: q.seconds.or(quiz.question_seconds),
            points: q.points,
            tags: &q.tags,
            difficulty: q.difficulty.as_deref(),
            pictures: &q.pictures,
            left_out: None,
        })
        .collect();
    for l in left_out {
        questions.push(ShowQuestion {
            number: None,
            line: l.line,
            kind: if l.answers.len() > 1 {
                "multi"
            } else {
                "choice"
            },
            prompt: &l.prompt,
            options: &l.options,
            answer: (l.answers.len() < 2).then(|| l.answers.first().copied()),
            answers: (l.answers.len() > 1).then_some(l.answers.as_slice()),
            accepted: None,
            explanation: &l.explanation,
            seconds: None,
            points: 1,
            tags: &[],
            difficulty: None,
            pictures: &[],
            left_out: Some(match l.reason {
                LeftOutReason::OptionCount(_) => "option count",
                LeftOutReason::NoAnswer => "no answer",
            }),
        });
    }
    // File order; a sort that keeps equal lines in place.
    questions.sort_by_key(|q| q.line);
    let show = ShowQuiz {
        id: &quiz.id,
        title: &quiz.title,
        description: &quiz.description,
        questions,
        tiers: quiz
            .tiers
            .iter()
            .map(|t| ShowTier {
                min: t.min,
                max: t.max,
                label: &t.label,
            })
            .collect(),
    };
    // Serializing plain strings and numbers cannot fail.
    serde_json::to_value(show).unwrap_or_default()
}
