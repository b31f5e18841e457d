//! The JSON form of a quiz printed by `quizbot show --json` (product.md §3.4), field for field.

use serde::Serialize;

use super::model::Quiz;

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
    number: usize,
    line: usize,
    prompt: &'a str,
    options: &'a [String],
    answer: usize,
    explanation: &'a str,
    /// The question's own limit, else the quiz's; null when the file sets none.
    seconds: Option<u32>,
}

#[derive(Serialize)]
struct ShowTier<'a> {
    min: u32,
    max: u32,
    label: &'a str,
}

pub fn to_json(quiz: &Quiz) -> serde_json::Value {
    let show = ShowQuiz {
        id: &quiz.id,
        title: &quiz.title,
        description: &quiz.description,
        questions: quiz
            .questions
            .iter()
            .map(|q| ShowQuestion {
                number: q.number,
                line: q.line,
                prompt: &q.prompt,
                options: &q.options,
                answer: q.answer,
                explanation: &q.explanation,
                seconds: q.seconds.or(quiz.question_seconds),
            })
            .collect(),
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
