//! Import of the public Open Trivia DB API response (product.md §3.3): HTML entities decoded,
//! options in an order derived from the question text, so the same file always gives the same
//! quiz.

use serde::Deserialize;

use super::diagnostic::Diagnostic;
use super::line_index::LineIndex;
use super::model::{Question, Quiz};
use super::{Parsed, QuestionSpans, SourceMap};

#[derive(Deserialize)]
struct Response {
    #[serde(default)]
    response_code: i64,
    results: Vec<RawResult>,
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    category: Option<String>,
    question: String,
    correct_answer: String,
    incorrect_answers: Vec<String>,
}

pub fn parse(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let response: Response = serde_json::from_str(text).map_err(|e| {
        Diagnostic::error(
            e.line().max(1),
            e.column().max(1),
            format!("not an Open Trivia DB response: {e}"),
        )
    })?;
    if response.response_code != 0 {
        let meaning = match response.response_code {
            1 => "no results",
            2 => "invalid parameter",
            3 => "session token not found",
            4 => "session token exhausted",
            5 => "rate limited",
            _ => "unknown",
        };
        return Err(Diagnostic::error(
            1,
            1,
            format!(
                "the Open Trivia DB response has response_code {} ({meaning}); fetch it again",
                response.response_code
            ),
        ));
    }

    let index = LineIndex::new(text);
    let lines = question_lines(text, &index);
    let mut diagnostics = Vec::new();
    let mut questions = Vec::with_capacity(response.results.len());
    let mut spans = Vec::with_capacity(response.results.len());
    for (i, r) in response.results.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        let prompt = decode(&r.question);
        let correct = decode(&r.correct_answer);
        let incorrect: Vec<String> = r.incorrect_answers.iter().map(|a| decode(a)).collect();
        let (options, answer) = match r.kind.as_str() {
            "boolean" => {
                let options = vec!["True".to_string(), "False".to_string()];
                let answer = options
                    .iter()
                    .position(|o| o.eq_ignore_ascii_case(&correct));
                match answer {
                    Some(a) => (options, a),
                    None => {
                        diagnostics.push(Diagnostic::error(
                            line,
                            1,
                            format!(
                                "question {}: a boolean question's correct_answer must be True or False, not {correct:?}",
                                i + 1
                            ),
                        ));
                        (options, 0)
                    }
                }
            }
            "multiple" => {
                if incorrect.contains(&correct) {
                    diagnostics.push(Diagnostic::error(
                        line,
                        1,
                        format!(
                            "question {}: the correct answer {correct:?} is also listed as incorrect",
                            i + 1
                        ),
                    ));
                }
                stable_order(&prompt, correct, incorrect)
            }
            other => {
                diagnostics.push(Diagnostic::error(
                    line,
                    1,
                    format!(
                        "question {}: unknown type {other:?} (Open Trivia DB uses \"multiple\" and \"boolean\")",
                        i + 1
                    ),
                ));
                (vec![correct], 0)
            }
        };
        spans.push(QuestionSpans {
            line,
            options: Vec::new(),
            answer: Some(line),
            explanation: None,
        });
        questions.push(Question {
            number: i + 1,
            line,
            prompt,
            options,
            answer,
            explanation: String::new(),
            seconds: None,
        });
    }

    let categories: Vec<String> = response
        .results
        .iter()
        .filter_map(|r| r.category.as_deref().map(decode))
        .collect();
    let title = match categories.first() {
        Some(first) if categories.iter().all(|c| c == first) => first.clone(),
        _ => humanize(id),
    };
    Ok(Parsed {
        quiz: Quiz {
            id: id.to_string(),
            title,
            description: "Questions from the Open Trivia DB (opentdb.com), CC BY-SA 4.0."
                .to_string(),
            question_seconds: None,
            questions,
            tiers: Vec::new(),
        },
        map: SourceMap {
            title_line: 1,
            questions: spans,
            tiers: Vec::new(),
        },
        diagnostics,
    })
}

/// HTML entities decoded (the API encodes `"` as `&quot;`), and the Markdown characters Discord
/// would interpret escaped: the source is plain text.
fn decode(s: &str) -> String {
    let decoded = html_escape::decode_html_entities(s);
    let mut out = String::with_capacity(decoded.len());
    for c in decoded.trim().chars() {
        if matches!(c, '\\' | '*' | '_' | '~' | '`' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The correct answer placed among the others by a shuffle seeded from the question text
/// (FNV-1a, then SplitMix64): fixed algorithms, so the order never changes between versions.
fn stable_order(prompt: &str, correct: String, incorrect: Vec<String>) -> (Vec<String>, usize) {
    let mut seed = prompt.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let mut next = move || {
        seed = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = seed;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    let mut options = Vec::with_capacity(incorrect.len() + 1);
    options.push(correct);
    options.extend(incorrect);
    let mut order: Vec<usize> = (0..options.len()).collect();
    for i in (1..order.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        order.swap(i, j);
    }
    let answer = order.iter().position(|&o| o == 0).unwrap_or(0);
    let mut slots: Vec<Option<String>> = options.into_iter().map(Some).collect();
    let shuffled = order
        .iter()
        .map(|&o| slots[o].take().unwrap_or_default())
        .collect();
    (shuffled, answer)
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

/// `general-knowledge` → `General knowledge`.
fn humanize(id: &str) -> String {
    let spaced = id.replace(['-', '_'], " ");
    let mut chars = spaced.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "Open Trivia".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_is_stable_and_keeps_the_answer() {
        let a = stable_order(
            "Q?",
            "right".into(),
            vec!["w1".into(), "w2".into(), "w3".into()],
        );
        let b = stable_order(
            "Q?",
            "right".into(),
            vec!["w1".into(), "w2".into(), "w3".into()],
        );
        assert_eq!(a, b);
        assert_eq!(a.0[a.1], "right");
        assert_eq!(a.0.len(), 4);
    }

    #[test]
    fn order_depends_on_the_question() {
        let answers: std::collections::HashSet<usize> = (0..40)
            .map(|i| {
                stable_order(
                    &format!("Q{i}"),
                    "r".into(),
                    vec!["a".into(), "b".into(), "c".into()],
                )
                .1
            })
            .collect();
        assert!(
            answers.len() > 1,
            "the correct answer is always in the same slot"
        );
    }

    #[test]
    fn entities_decoded_markdown_escaped() {
        assert_eq!(
            decode("&quot;A&quot; &amp; B&#039;s *C*"),
            "\"A\" & B's \\*C\\*"
        );
    }
}
