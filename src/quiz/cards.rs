//! Flashcards exported as text (docs/quiz-format.md, "Flashcards: Quizlet and Anki"): one card
//! a line, its front and back separated by a tab (Quizlet's default export, `.tsv`), or Anki's
//! "Notes in Plain Text" with its `#separator:` and `#html:` header lines. Each card becomes a
//! typed-answer question — the front asked, the back typed — or, with distractors, a question
//! whose wrong options are other cards' backs.

use super::diagnostic::{short, Diagnostic};
use super::line_index::LineIndex;
use super::model::{mixed_seed, Question, MAX_ACCEPTED_CHARS, MAX_OPTIONS};
use super::{LeftOut, LeftOutReason, Parsed};

/// Anki's header lines (`#name:value`) at the top of an export.
#[derive(Default)]
struct Header {
    separator: Option<u8>,
    html: bool,
    /// 1-based column holding the card's tags.
    tags_column: Option<usize>,
    /// Lines the header takes.
    lines: usize,
}

fn header(text: &str) -> Header {
    let mut h = Header::default();
    for line in text.lines() {
        let Some(rest) = line.strip_prefix('#') else {
            break;
        };
        h.lines += 1;
        let Some((key, value)) = rest.split_once(':') else {
            continue;
        };
        let value = value.trim();
        match key.trim().to_ascii_lowercase().as_str() {
            "separator" => {
                h.separator = match value.to_ascii_lowercase().as_str() {
                    "tab" => Some(b'\t'),
                    "comma" => Some(b','),
                    "semicolon" => Some(b';'),
                    "pipe" => Some(b'|'),
                    "space" => Some(b' '),
                    other if other.len() == 1 => Some(other.as_bytes()[0]),
                    _ => None,
                }
            }
            "html" => h.html = value.eq_ignore_ascii_case("true"),
            "tags column" => h.tags_column = value.parse().ok(),
            _ => {}
        }
    }
    h
}

/// Does this text read as cards? Anki's header, or a tab in most of its lines.
pub fn looks_like(text: &str) -> bool {
    if text.starts_with("#separator:") || text.starts_with("#html:") {
        return true;
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(200)
        .collect();
    !lines.is_empty() && lines.iter().filter(|l| l.contains('\t')).count() * 10 >= lines.len() * 8
}

/// Anki's HTML fields as text: line breaks kept, tags dropped, entities decoded.
fn plain(field: &str, html: bool) -> String {
    if !html {
        return field.trim().to_string();
    }
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('>') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let tag = rest[open + 1..open + close].trim().to_ascii_lowercase();
        if tag.starts_with("br") || tag == "/div" || tag == "/p" {
            out.push('\n');
        }
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    html_escape::decode_html_entities(&out)
        .replace('\u{a0}', " ")
        .trim()
        .to_string()
}

/// The cards as typed-answer questions (`distractors` 0), or with that many wrong options each
/// drawn from the other cards' backs, the same for the same file.
pub fn parse(id: &str, text: &str, distractors: usize) -> Result<Parsed, Diagnostic> {
    let h = header(text);
    let body_start: usize = text.lines().take(h.lines).map(|l| l.len() + 1).sum();
    let body = &text[body_start.min(text.len())..];
    let separator = h
        .separator
        .unwrap_or_else(|| if body.contains('\t') { b'\t' } else { b',' });
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(body.as_bytes());
    let index = LineIndex::new(text);
    // A record's position is where the reader started looking for it: before any blank
    // lines it skipped.
    let line_of = |p: Option<&csv::Position>| {
        let at = body_start + p.map_or(0, |p| p.byte() as usize);
        let skipped = text
            .get(at..)
            .map_or(0, |t| t.len() - t.trim_start_matches(['\r', '\n']).len());
        index.line(at + skipped)
    };
    let mut diagnostics = Vec::new();
    let mut cards: Vec<(usize, String, String, Vec<String>)> = Vec::new();
    let mut left_out = Vec::new();
    for record in reader.records() {
        let r = match record {
            Ok(r) => r,
            Err(e) => {
                let line = line_of(e.position());
                return Err(Diagnostic::error(
                    line,
                    1,
                    format!("this card cannot be read: {e}"),
                ));
            }
        };
        let line = line_of(r.position());
        let field = |i: usize| plain(r.get(i).unwrap_or_default(), h.html);
        let (front, back) = (field(0), field(1));
        if front.is_empty() && back.is_empty() {
            continue;
        }
        if front.is_empty() || back.is_empty() {
            diagnostics.push(Diagnostic::warning(
                line,
                1,
                "a card with one side empty is left out",
            ));
            left_out.push(left(line, front, LeftOutReason::NoAnswer));
            continue;
        }
        if distractors == 0 && back.chars().count() > MAX_ACCEPTED_CHARS {
            diagnostics.push(Diagnostic::warning(
                line,
                1,
                format!(
                    "the back of `{}` has {} characters, too long to type (at most \
                     {MAX_ACCEPTED_CHARS}); it is left out — `quizbot convert --distractors 3` \
                     makes the cards multiple choice",
                    short(&front),
                    back.chars().count()
                ),
            ));
            left_out.push(left(line, front, LeftOutReason::NoAnswer));
            continue;
        }
        let tags = h
            .tags_column
            .and_then(|c| r.get(c.checked_sub(1)?))
            .map(|t| {
                t.split_whitespace()
                    .map(str::to_lowercase)
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        cards.push((line, front, back, tags));
    }
    // The different backs, in file order (a set beside them keeps this linear).
    let mut backs: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (_, _, b, _) in &cards {
        if seen.insert(b.as_str()) {
            backs.push(b.clone());
        }
    }
    let wanted = distractors.min(MAX_OPTIONS - 1);
    if wanted > 0 && backs.len() < 2 {
        return Err(Diagnostic::error(
            1,
            1,
            "wrong options are drawn from the other cards' backs, and this file has fewer than two different backs",
        ));
    }
    // One seed per file: the same cards give the same options in the same order.
    let mut state = mixed_seed(text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    }));
    let mut next = |n: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % n as u64) as usize
    };
    let mut questions = Vec::with_capacity(cards.len());
    for (line, front, back, tags) in cards {
        let mut q = if wanted == 0 {
            Question::typed(front, vec![back])
        } else {
            // Drawn at random among the other backs: a few tries each, whatever the file's
            // size (a small file with few backs takes them all).
            let available = backs.len() - 1;
            let mut options: Vec<String> = Vec::new();
            if available <= wanted.saturating_mul(4) {
                let mut others: Vec<&str> = backs
                    .iter()
                    .map(String::as_str)
                    .filter(|b| *b != back)
                    .collect();
                while options.len() < wanted && !others.is_empty() {
                    options.push(others.swap_remove(next(others.len())).to_string());
                }
            } else {
                while options.len() < wanted {
                    let candidate = &backs[next(backs.len())];
                    if *candidate != back && !options.contains(candidate) {
                        options.push(candidate.clone());
                    }
                }
            }
            let answer = next(options.len() + 1);
            options.insert(answer, back);
            Question::choice(front, options, answer)
        };
        q.number = questions.len() + 1;
        q.line = line;
        q.tags = tags;
        questions.push(q);
    }
    Ok(Parsed::list(id, questions, left_out, diagnostics))
}

fn left(line: usize, prompt: String, reason: LeftOutReason) -> LeftOut {
    LeftOut {
        line,
        prompt,
        options: Vec::new(),
        answers: Vec::new(),
        explanation: String::new(),
        reason,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quizlet_tab_separated_cards_are_typed_answers() {
        let p = parse("words", "chien\tdog\nchat\tcat\n\noiseau\t\n", 0).unwrap();
        let q = &p.quiz.questions;
        assert_eq!(q.len(), 2);
        assert_eq!(
            (q[0].prompt.as_str(), q[0].accepted[0].as_str()),
            ("chien", "dog")
        );
        assert_eq!(q[1].line, 2);
        assert_eq!(p.left_out.len(), 1);
        assert_eq!(p.diagnostics[0].line, 4);
    }

    #[test]
    fn anki_headers_html_and_tags() {
        let text = "#separator:Semicolon\n#html:true\n#tags column:3\nH<sub>2</sub>O;water<br>(liquid);chemistry basics\n\"a;b\";\"&lt;c&gt;\";x\n";
        let p = parse("deck", text, 0).unwrap();
        let q = &p.quiz.questions;
        assert_eq!(q[0].prompt, "H2O");
        assert_eq!(q[0].accepted, ["water\n(liquid)"]);
        assert_eq!(q[0].tags, ["chemistry", "basics"]);
        assert_eq!(q[0].line, 4);
        assert_eq!(
            (q[1].prompt.as_str(), q[1].accepted[0].as_str()),
            ("a;b", "<c>")
        );
    }

    #[test]
    fn distractors_come_from_other_cards_the_same_each_time() {
        let text = "one\tuno\ntwo\tdos\nthree\ttres\nfour\tcuatro\nfive\tcinco\n";
        let a = parse("n", text, 3).unwrap().quiz;
        let b = parse("n", text, 3).unwrap().quiz;
        assert_eq!(a, b, "seeded by the file");
        for q in &a.questions {
            assert_eq!(q.options.len(), 4);
            let mut distinct = q.options.clone();
            distinct.sort();
            distinct.dedup();
            assert_eq!(distinct.len(), 4, "{:?}", q.options);
        }
        let answers: Vec<&str> = a.questions.iter().map(|q| q.correct_option()).collect();
        assert_eq!(answers, ["uno", "dos", "tres", "cuatro", "cinco"]);
        let places: std::collections::BTreeSet<usize> =
            a.questions.iter().map(|q| q.answer).collect();
        assert!(
            places.len() > 1,
            "the right answer is not always in one place"
        );
        assert!(looks_like(text));
    }
}
