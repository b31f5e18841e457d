//! Import of Open Trivia DB exports (docs/quiz-format.md): the API response, a bare array of
//! its results, results without `type`, and the `base64` and `url3986` encodings. Texts are
//! decoded; options are placed in an order derived from the question text, so the same file
//! always gives the same quiz.

use serde::Deserialize;
use serde_json::Value;

use super::diagnostic::Diagnostic;
use super::model::{Question, Quiz};
use super::Parsed;

#[derive(Deserialize)]
struct RawResult {
    /// "multiple" or "boolean"; some exports leave it out (then the answers tell).
    #[serde(rename = "type", default)]
    kind: Option<String>,
    #[serde(default)]
    category: Option<String>,
    /// "easy", "medium" or "hard": the question's difficulty.
    #[serde(default)]
    difficulty: Option<String>,
    question: String,
    correct_answer: String,
    incorrect_answers: Vec<String>,
}

/// How the API encoded the texts (`encode=` in the request URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// The default: HTML entities (`&quot;`).
    Html,
    /// `encode=base64`: every string in base64.
    Base64,
    /// `encode=url3986`: every string percent-encoded.
    Url,
}

/// Refuses an error response (`response_code` other than 0) with what the code means.
pub fn check_response_code(code: i64) -> Result<(), Diagnostic> {
    if code == 0 {
        return Ok(());
    }
    let meaning = match code {
        1 => "no results",
        2 => "invalid parameter",
        3 => "session token not found",
        4 => "session token exhausted",
        5 => "rate limited",
        _ => "unknown",
    };
    Err(Diagnostic::error(
        1,
        1,
        format!("the Open Trivia DB response has response_code {code} ({meaning}); fetch it again"),
    ))
}

/// The `results` of a response, or a bare array of them; `lines` holds the line of each
/// `"question"` key.
pub fn parse_results(id: &str, items: &[Value], lines: &[usize]) -> Result<Parsed, Diagnostic> {
    let mut diagnostics = Vec::new();
    let mut raw = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let line = lines.get(i).copied().unwrap_or(1);
        match RawResult::deserialize(item) {
            Ok(r) => raw.push((line, r)),
            Err(e) => diagnostics.push(Diagnostic::error(
                line,
                1,
                format!(
                    "question {}: not an Open Trivia DB question ({e}); each needs `question`, \
                     `correct_answer` and `incorrect_answers`",
                    i + 1
                ),
            )),
        }
    }
    let encoding = detect_encoding(&raw.iter().map(|(_, r)| r).collect::<Vec<_>>());
    let text = |s: &str| decode(s, encoding);
    let mut questions = Vec::with_capacity(raw.len());
    for (line, r) in &raw {
        let line = *line;
        let n = questions.len() + 1;
        let prompt = text(&r.question);
        let correct = text(&r.correct_answer);
        let incorrect: Vec<String> = r.incorrect_answers.iter().map(|a| text(a)).collect();
        let kind = match r.kind.as_deref().map(|k| plain(k, encoding)) {
            Some(kind) => kind,
            None if is_true_false(&correct, &incorrect) => "boolean".to_string(),
            None => "multiple".to_string(),
        };
        let (options, answer) = match kind.as_str() {
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
                                "question {n}: a boolean question's correct_answer must be True or False, not {correct:?}"
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
                            "question {n}: the correct answer {correct:?} is also listed as incorrect"
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
                        "question {n}: unknown type {other:?} (Open Trivia DB uses \"multiple\" and \"boolean\")"
                    ),
                ));
                (vec![correct], 0)
            }
        };
        questions.push(Question {
            number: n,
            line,
            prompt,
            options,
            answer,
            answers: Vec::new(),
            accepted: Vec::new(),
            exact: false,
            explanation: String::new(),
            seconds: None,
            points: 1,
            pictures: Vec::new(),
            tags: r
                .category
                .as_deref()
                .map(&text)
                .and_then(|c| crate::quiz::model::label_word(&c))
                .into_iter()
                .collect(),
            difficulty: r
                .difficulty
                .as_deref()
                .and_then(|d| crate::quiz::model::label_word(&plain(d, encoding))),
        });
    }

    let categories: Vec<String> = raw
        .iter()
        .filter_map(|(_, r)| r.category.as_deref().map(|c| plain(c, encoding)))
        .collect();
    let title = match categories.first() {
        Some(first) if categories.iter().all(|c| c == first) => first.clone(),
        _ => humanize(id),
    };
    let quiz = Quiz {
        id: id.to_string(),
        title,
        description: "Questions from the Open Trivia DB (opentdb.com), CC BY-SA 4.0.".to_string(),
        question_seconds: None,
        questions,
        tiers: Vec::new(),
    };
    Ok(Parsed::imported(quiz, diagnostics))
}

/// A true/false question written without its `type`.
fn is_true_false(correct: &str, incorrect: &[String]) -> bool {
    let tf = |s: &str| s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false");
    tf(correct)
        && incorrect.len() == 1
        && tf(&incorrect[0])
        && !incorrect[0].eq_ignore_ascii_case(correct)
}

/// Which encoding the file's texts are in. base64 and url3986 leave no spaces in any text;
/// base64 also encodes the `type`, and url3986 turns spaces into `%20`.
fn detect_encoding(results: &[&RawResult]) -> Encoding {
    let texts = || results.iter().map(|r| r.question.as_str());
    if results.is_empty() || texts().any(|t| t.contains(' ')) {
        return Encoding::Html;
    }
    let kinds_base64 = results
        .iter()
        .filter_map(|r| r.kind.as_deref())
        .all(|k| matches!(k, "bXVsdGlwbGU=" | "Ym9vbGVhbg=="));
    if kinds_base64 && texts().all(|t| base64(t).is_some()) {
        return Encoding::Base64;
    }
    if texts().any(|t| t.contains('%')) && texts().all(|t| percent(t).is_some()) {
        return Encoding::Url;
    }
    Encoding::Html
}

/// A text in the file's encoding, decoded without Markdown escapes (for types, categories).
fn plain(s: &str, encoding: Encoding) -> String {
    match encoding {
        Encoding::Html => html_escape::decode_html_entities(s).trim().to_string(),
        Encoding::Base64 => base64(s).unwrap_or_else(|| s.to_string()),
        Encoding::Url => percent(s).unwrap_or_else(|| s.to_string()),
    }
}

/// Standard base64 (with `=` padding) to UTF-8 text; `None` when it is not that.
fn base64(s: &str) -> Option<String> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    };
    let bytes = s.trim().as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3);
    for chunk in bytes.chunks(4) {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 {
            return None;
        }
        let mut n: u32 = 0;
        for &c in &chunk[..4 - pad] {
            n = (n << 6) | u32::from(value(c)?);
        }
        n <<= 6 * pad as u32;
        let decoded = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&decoded[..3 - pad]);
    }
    String::from_utf8(out).ok()
}

/// Percent-decoding (`%20` → space) to UTF-8 text; `None` when an escape is broken.
fn percent(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The text decoded (the API's default encodes `"` as `&quot;`), and the Markdown characters
/// Discord would interpret escaped: the source is plain text.
fn decode(s: &str, encoding: Encoding) -> String {
    let decoded = plain(s, encoding);
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

/// `general-knowledge` → `General knowledge`.
pub fn humanize(id: &str) -> String {
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
    fn base64_and_percent_encodings() {
        assert_eq!(base64("bXVsdGlwbGU=").as_deref(), Some("multiple"));
        assert_eq!(base64("SGk/").as_deref(), Some("Hi?"));
        assert_eq!(base64("no!"), None);
        assert_eq!(
            percent("What%20is%20%22HTML%22%3F").as_deref(),
            Some("What is \"HTML\"?")
        );
        assert_eq!(percent("100%"), None);
    }

    #[test]
    fn entities_decoded_markdown_escaped() {
        assert_eq!(
            decode("&quot;A&quot; &amp; B&#039;s *C*", Encoding::Html),
            "\"A\" & B's \\*C\\*"
        );
    }
}
