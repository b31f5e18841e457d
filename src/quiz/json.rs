//! JSON quiz files: which shape a `.json` file has, and the plain question list many quiz apps
//! and tutorials write (`[{"question", "options", "answer"}]`). Open Trivia DB exports are read
//! by [`super::opentdb`]. Anything else gets a message in plain words, not a parser's.

use serde_json::{Map, Value};

use super::diagnostic::Diagnostic;
use super::line_index::LineIndex;
use super::model::{index_of_letter, Question, Quiz};
use super::{opentdb, Parsed};

pub fn parse(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(
            e.line().max(1),
            e.column().max(1),
            format!("the file is not valid JSON: {e}"),
        )
    })?;
    let index = LineIndex::new(text);
    let lines = question_lines(text, &index);
    let (items, top) = match &value {
        Value::Array(items) => (items.as_slice(), None),
        Value::Object(map) => match map.get("results").or_else(|| map.get("questions")) {
            Some(Value::Array(items)) => (items.as_slice(), Some(map)),
            _ => return Err(unknown_shape()),
        },
        _ => return Err(unknown_shape()),
    };
    if let Some(code) = top
        .and_then(|m| m.get("response_code"))
        .and_then(Value::as_i64)
    {
        opentdb::check_response_code(code)?;
    }
    let first = items.iter().find_map(Value::as_object);
    match first {
        Some(q) if q.contains_key("correct_answer") && q.contains_key("incorrect_answers") => {
            opentdb::parse_results(id, items, &lines)
        }
        Some(q) if question_text(q).is_some() && options_of(q).is_some() => {
            simple(id, items, top, &lines)
        }
        _ if items.is_empty() => Err(Diagnostic::error(1, 1, "the file holds no questions")),
        _ => Err(unknown_shape()),
    }
}

fn unknown_shape() -> Diagnostic {
    Diagnostic::error(
        1,
        1,
        "this JSON file is not a quiz quizbot reads: use an Open Trivia DB export (`results` \
         with `question`, `correct_answer` and `incorrect_answers`) or a list of questions \
         with `question`, `options` and `answer` (see docs/quiz-format.md)",
    )
}

fn question_text(q: &Map<String, Value>) -> Option<&str> {
    ["question", "prompt"]
        .iter()
        .find_map(|k| q.get(*k).and_then(Value::as_str))
}

fn options_of(q: &Map<String, Value>) -> Option<&Vec<Value>> {
    ["options", "choices", "answers"]
        .iter()
        .find_map(|k| q.get(*k).and_then(Value::as_array))
}

/// `[{"question": "…", "options": ["…", …], "answer": 2}]`, also under `"questions"`. The answer
/// is the option's zero-based index (JSON arrays count from zero), its letter or its text.
fn simple(
    id: &str,
    items: &[Value],
    top: Option<&Map<String, Value>>,
    lines: &[usize],
) -> Result<Parsed, Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut questions = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let n = i + 1;
        let Some(q) = item.as_object() else {
            diagnostics.push(Diagnostic::error(
                line,
                1,
                format!("question {n} is not an object"),
            ));
            continue;
        };
        let prompt = question_text(q).unwrap_or_default().trim().to_string();
        let options: Vec<String> = options_of(q)
            .map(|v| v.iter().map(plain_text).collect())
            .unwrap_or_default();
        let answer = [
            "answer",
            "correct",
            "correct_answer",
            "answer_index",
            "correctIndex",
        ]
        .iter()
        .find_map(|k| q.get(*k));
        let answer = match answer.map(|a| resolve(a, &options)) {
            Some(Ok(index)) => index,
            Some(Err(why)) => {
                diagnostics.push(Diagnostic::error(line, 1, format!("question {n}: {why}")));
                0
            }
            None => {
                diagnostics.push(Diagnostic::error(
                    line,
                    1,
                    format!(
                        "question {n} has no `answer` (the index of the correct option, from 0)"
                    ),
                ));
                0
            }
        };
        let explanation = ["explanation", "explain", "rationale"]
            .iter()
            .find_map(|k| q.get(*k).and_then(Value::as_str))
            .unwrap_or_default()
            .trim()
            .to_string();
        questions.push(Question {
            number: n,
            line,
            prompt,
            options,
            answer,
            answers: Vec::new(),
            accepted: Vec::new(),
            exact: false,
            explanation,
            seconds: None,
            points: 1,
            pictures: Vec::new(),
            tags: Vec::new(),
            difficulty: None,
        });
    }
    let title = top
        .and_then(|m| m.get("title"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| opentdb::humanize(id));
    let description = top
        .and_then(|m| m.get("description"))
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string();
    let quiz = Quiz {
        id: id.to_string(),
        title,
        description,
        question_seconds: None,
        questions,
        tiers: Vec::new(),
    };
    Ok(Parsed::imported(quiz, diagnostics))
}

fn plain_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.trim().to_string(),
        other => other.to_string(),
    }
}

fn resolve(answer: &Value, options: &[String]) -> Result<usize, String> {
    let count = options.len();
    match answer {
        Value::Number(n) => match n.as_u64() {
            Some(i) if (i as usize) < count => Ok(i as usize),
            _ => Err(format!(
                "answer {n} is not the index of one of its {count} options (0 to {})",
                count.saturating_sub(1)
            )),
        },
        Value::String(s) => {
            let t = s.trim();
            if let Some(i) = options.iter().position(|o| o.eq_ignore_ascii_case(t)) {
                return Ok(i);
            }
            let mut chars = t.chars();
            match (chars.next().and_then(index_of_letter), chars.next()) {
                (Some(i), None) if i < count => Ok(i),
                _ => Err(format!(
                    "the answer {t:?} is neither an option nor its letter"
                )),
            }
        }
        _ => Err("the answer must be an option's index, letter or text".to_string()),
    }
}

/// The line of each `"question":` key, in order: serde does not keep positions of values.
fn question_lines(text: &str, index: &LineIndex<'_>) -> Vec<usize> {
    let mut lines = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("\"question\"") {
        let pos = from + at;
        from = pos + "\"question\"".len();
        if text[from..].trim_start().starts_with(':') {
            lines.push(index.line(pos));
        }
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_by_index_letter_or_text() {
        let options = vec!["Berlin".to_string(), "Paris".to_string()];
        assert_eq!(resolve(&serde_json::json!(1), &options), Ok(1));
        assert_eq!(resolve(&serde_json::json!("b"), &options), Ok(1));
        assert_eq!(resolve(&serde_json::json!("paris"), &options), Ok(1));
        assert!(resolve(&serde_json::json!(2), &options).is_err());
    }

    #[test]
    fn other_json_is_named_in_plain_words() {
        let e = parse("x", r#"{"name": "not a quiz"}"#).unwrap_err();
        assert!(
            e.message.starts_with("this JSON file is not a quiz"),
            "{}",
            e.message
        );
        let e = parse("x", "[1, 2]").unwrap_err();
        assert!(
            e.message.starts_with("this JSON file is not a quiz"),
            "{}",
            e.message
        );
    }
}
