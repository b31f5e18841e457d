//! Red-DiscordBot trivia lists (`.yaml`, docs/quiz-format.md, "Red trivia lists"): a mapping
//! of question → accepted answers, with `AUTHOR`, `DESCRIPTION` and `CONFIG` beside them. Every
//! question is a typed-answer question.
//!
//! Red loads its lists with PyYAML, which reads YAML 1.1: there `yes`, `off` and `007` would be
//! a boolean and a number, and Red compares their printed form (`True`, `7`) with what players
//! type. Authors mean what they wrote, so every answer is taken as the text in the file: the
//! list is read as parser events, whose scalars are the characters written.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

use super::diagnostic::{short, Diagnostic};
use super::model::{Question, MAX_ACCEPTED, MAX_ACCEPTED_CHARS};
use super::toml_format::{MAX_SECONDS, MIN_SECONDS};
use super::{LeftOut, LeftOutReason, Parsed};

/// `CONFIG` keys Red knows that have no meaning here (docs/quiz-format.md says why for each).
const IGNORED_CONFIG: [&str; 7] = [
    "bot_plays",
    "timeout",
    "max_score",
    "reveal_answer",
    "payout_multiplier",
    "use_spoilers",
    "allow_override",
];

/// A value in the list, as far as a trivia list needs one: a scalar's text, a sequence, or
/// something else (a mapping, an alias) that no trivia entry is.
#[derive(Debug)]
enum Node {
    Scalar(String, Marker),
    Sequence(Vec<Node>, Marker),
    Mapping(Vec<(Node, Node)>, Marker),
    Alias(Marker),
}

impl Node {
    fn mark(&self) -> Marker {
        match self {
            Node::Scalar(_, m) | Node::Sequence(_, m) | Node::Mapping(_, m) | Node::Alias(m) => *m,
        }
    }
}

/// Builds [`Node`]s from the parser's events, with a stack instead of recursion (the parser
/// itself refuses nesting past its recursion limit).
#[derive(Default)]
struct Builder {
    stack: Vec<(Node, Option<Node>)>,
    documents: Vec<Node>,
}

impl Builder {
    fn push(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some((Node::Sequence(items, _), _)) => items.push(node),
            Some((Node::Mapping(pairs, _), key)) => match key.take() {
                None => *key = Some(node),
                Some(k) => pairs.push((k, node)),
            },
            Some(_) => {}
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(text, ..) => self.push(Node::Scalar(text, mark)),
            Event::Alias(_) => self.push(Node::Alias(mark)),
            Event::SequenceStart(..) => self.stack.push((Node::Sequence(Vec::new(), mark), None)),
            Event::MappingStart(..) => self.stack.push((Node::Mapping(Vec::new(), mark), None)),
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some((node, _)) = self.stack.pop() {
                    self.push(node);
                }
            }
            _ => {}
        }
    }
}

/// (line, column), both from 1.
fn at(mark: Marker) -> (usize, usize) {
    (mark.line().max(1), mark.col() + 1)
}

fn error_at(mark: Marker, message: impl Into<String>) -> Diagnostic {
    let (line, col) = at(mark);
    Diagnostic::error(line, col, message)
}

fn warning_at(mark: Marker, message: impl Into<String>) -> Diagnostic {
    let (line, col) = at(mark);
    Diagnostic::warning(line, col, message)
}

pub fn parse(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let mut builder = Builder::default();
    Parser::new_from_str(text)
        .load(&mut builder, true)
        .map_err(|e| {
            let (line, col) = at(*e.marker());
            Diagnostic::error(
                line,
                col,
                format!("the file is not valid YAML: {}", e.info()),
            )
        })?;
    let mut documents = builder.documents.into_iter();
    let top = documents.next();
    if let Some(second) = documents.next() {
        return Err(error_at(
            second.mark(),
            "a second YAML document (after `---`); a trivia list is one document",
        ));
    }
    let Some(Node::Mapping(pairs, _)) = top else {
        return Err(Diagnostic::error(
            1,
            1,
            "this YAML file is not a Red trivia list: a list is lines `Question?:` each followed \
             by its answers as `- answer` lines (see docs/quiz-format.md)",
        ));
    };

    let mut diagnostics = Vec::new();
    let mut description = String::new();
    let mut author = String::new();
    let mut seconds = None;
    // The last entry of a question wins, as in Red (a YAML mapping keeps its last key).
    let mut entries: Vec<Option<(String, Marker, Node)>> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (key, value) in pairs {
        let Node::Scalar(key_text, key_mark) = key else {
            diagnostics.push(warning_at(
                key.mark(),
                "an entry whose question is not text is not read",
            ));
            continue;
        };
        match key_text.as_str() {
            "AUTHOR" => author = scalar_text(&value).unwrap_or_default(),
            "DESCRIPTION" => description = scalar_text(&value).unwrap_or_default(),
            "CONFIG" => seconds = config(&value, &mut diagnostics),
            _ => {
                let prompt = key_text.trim().to_string();
                if let Some(&earlier) = seen.get(&prompt) {
                    if let Some((_, first_mark, _)) = entries[earlier].take() {
                        diagnostics.push(warning_at(
                            key_mark,
                            format!(
                                "this question is also at line {}; the answers here are kept (as \
                                 Red does) and those are not",
                                at(first_mark).0
                            ),
                        ));
                    }
                }
                seen.insert(prompt.clone(), entries.len());
                entries.push(Some((prompt, key_mark, value)));
            }
        }
    }

    let mut questions = Vec::new();
    let mut left_out = Vec::new();
    for (prompt, mark, value) in entries.into_iter().flatten() {
        let line = at(mark).0;
        let answers = answers(&prompt, value, &mut diagnostics);
        if answers.is_empty() || prompt.is_empty() {
            diagnostics.push(warning_at(
                mark,
                if prompt.is_empty() {
                    "a question with no text is left out".to_string()
                } else {
                    format!("`{}` has no answers and is left out", short(&prompt))
                },
            ));
            left_out.push(LeftOut {
                line,
                prompt,
                options: Vec::new(),
                answers: Vec::new(),
                explanation: String::new(),
                reason: LeftOutReason::NoAnswer,
            });
            continue;
        }
        let mut q = Question::typed(picture_links(&prompt), answers);
        q.number = questions.len() + 1;
        q.line = line;
        questions.push(q);
    }

    if !author.trim().is_empty() {
        if !description.is_empty() {
            description.push_str("\n\n");
        }
        description.push_str(&format!("List by {}.", author.trim()));
    }
    let mut parsed = Parsed::list(id, questions, left_out, diagnostics);
    parsed.quiz.description = description;
    parsed.quiz.question_seconds = seconds;
    Ok(parsed)
}

fn scalar_text(node: &Node) -> Option<String> {
    match node {
        Node::Scalar(text, _) => Some(text.trim().to_string()),
        _ => None,
    }
}

/// The accepted answers of one entry: its list (or a lone scalar, which Red would refuse but
/// which means one answer), as written, without blanks and repeats.
fn answers(prompt: &str, value: Node, diagnostics: &mut Vec<Diagnostic>) -> Vec<String> {
    let items = match value {
        Node::Sequence(items, _) => items,
        scalar @ Node::Scalar(..) => vec![scalar],
        other => {
            diagnostics.push(warning_at(
                other.mark(),
                format!(
                    "the answers of `{}` are not a list of `- answer` lines",
                    short(prompt)
                ),
            ));
            return Vec::new();
        }
    };
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let mark = item.mark();
        let Some(text) = scalar_text(&item) else {
            diagnostics.push(warning_at(mark, "an answer that is not text is not read"));
            continue;
        };
        if text.is_empty() || out.iter().any(|a| a.eq_ignore_ascii_case(&text)) {
            continue;
        }
        if text.chars().count() > MAX_ACCEPTED_CHARS {
            diagnostics.push(warning_at(
                mark,
                format!(
                    "an answer of {} characters is not read (at most {MAX_ACCEPTED_CHARS})",
                    text.chars().count()
                ),
            ));
            continue;
        }
        if out.len() == MAX_ACCEPTED {
            diagnostics.push(warning_at(
                mark,
                format!(
                    "`{}` has more than {MAX_ACCEPTED} answers; the first {MAX_ACCEPTED} are kept",
                    short(prompt)
                ),
            ));
            break;
        }
        out.push(text);
    }
    out
}

/// `CONFIG`: its `delay` is the seconds per question; Red's other settings are ignored.
fn config(value: &Node, diagnostics: &mut Vec<Diagnostic>) -> Option<u32> {
    let Node::Mapping(pairs, _) = value else {
        diagnostics.push(warning_at(
            value.mark(),
            "`CONFIG` is not a mapping and is not read",
        ));
        return None;
    };
    let mut seconds = None;
    for (key, v) in pairs {
        let Some(name) = scalar_text(key) else {
            continue;
        };
        if name == "delay" {
            let text = scalar_text(v).unwrap_or_default();
            match text.parse::<f64>() {
                Ok(d) if d.is_finite() => {
                    let s = d.round() as i64;
                    let clamped = s.clamp(MIN_SECONDS, MAX_SECONDS);
                    if clamped != s {
                        diagnostics.push(warning_at(
                            v.mark(),
                            format!("`delay: {text}` is played as {clamped} seconds ({MIN_SECONDS} to {MAX_SECONDS})"),
                        ));
                    }
                    seconds = Some(clamped as u32);
                }
                _ => diagnostics.push(warning_at(
                    v.mark(),
                    format!("`delay: {text}` is not a number of seconds and is not read"),
                )),
            }
        } else if !IGNORED_CONFIG.contains(&name.as_str()) {
            diagnostics.push(warning_at(
                key.mark(),
                format!("`{name}` is not a Red trivia setting and is not read"),
            ));
        }
    }
    seconds
}

/// A bare picture URL in a question (Red lists show flags and maps that way: Discord unfurls
/// the link under Red's message) becomes a Markdown image, so that it is the embed's picture.
fn picture_links(prompt: &str) -> String {
    let mut out = String::with_capacity(prompt.len() + 16);
    for (i, word) in prompt.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let lower = word.to_ascii_lowercase();
        let path = lower.split(['?', '#']).next().unwrap_or(&lower);
        let is_picture = (lower.starts_with("https://") || lower.starts_with("http://"))
            && [".png", ".jpg", ".jpeg", ".gif", ".webp"]
                .iter()
                .any(|ext| path.ends_with(ext))
            && !word.contains([')', '(', '[', ']']);
        if is_picture {
            out.push_str(&format!("![picture]({word})"));
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Parsed {
        parse("capitals", text).expect("a trivia list")
    }

    #[test]
    fn yaml_1_1_words_and_numbers_stay_as_written() {
        let p = read("Is water wet?:\n- yes\n- on\nBond's number?:\n- 007\n- 7\nPi to two places?:\n- 3.14\nEmpty?:\n- ~\n- null\n");
        let accepted: Vec<&[String]> = p
            .quiz
            .questions
            .iter()
            .map(|q| q.accepted.as_slice())
            .collect();
        assert_eq!(accepted[0], ["yes", "on"]);
        assert_eq!(accepted[1], ["007", "7"]);
        assert_eq!(accepted[2], ["3.14"]);
        assert_eq!(accepted[3], ["~", "null"]);
    }

    #[test]
    fn author_description_and_delay() {
        let p = read("AUTHOR: Sam\nDESCRIPTION: Capitals of Europe.\nCONFIG:\n  delay: 20\n  max_score: 10\n  colour: red\nCapital of France?:\n- Paris\n");
        assert_eq!(p.quiz.title, "Capitals");
        assert_eq!(p.quiz.description, "Capitals of Europe.\n\nList by Sam.");
        assert_eq!(p.quiz.question_seconds, Some(20));
        assert_eq!(p.quiz.questions[0].line, 7);
        let shown: Vec<String> = p
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect();
        assert_eq!(
            shown,
            ["6:3 `colour` is not a Red trivia setting and is not read"]
        );
    }

    #[test]
    fn a_repeated_question_keeps_its_last_answers() {
        let p = read(
            "Capital of Peru?:\n- Cusco\nLargest ocean?:\n- Pacific\nCapital of Peru?:\n- Lima\n",
        );
        let prompts: Vec<(&str, &str)> = p
            .quiz
            .questions
            .iter()
            .map(|q| (q.prompt.as_str(), q.accepted[0].as_str()))
            .collect();
        assert_eq!(
            prompts,
            [("Largest ocean?", "Pacific"), ("Capital of Peru?", "Lima")]
        );
        assert_eq!(p.diagnostics.len(), 1);
        assert_eq!((p.diagnostics[0].line, p.diagnostics[0].col), (5, 1));
        assert!(
            p.diagnostics[0].message.contains("also at line 1"),
            "{}",
            p.diagnostics[0].message
        );
    }

    #[test]
    fn a_flag_url_becomes_the_picture() {
        let p = read("Which state's flag? https://img.example/ak.png:\n- Alaska\n");
        assert_eq!(
            p.quiz.questions[0].prompt,
            "Which state's flag? ![picture](https://img.example/ak.png)"
        );
    }

    #[test]
    fn what_is_no_trivia_list_is_told_apart() {
        let not_list = parse("x", "- a\n- b\n").unwrap_err();
        assert!(
            not_list.message.contains("not a Red trivia list"),
            "{}",
            not_list.message
        );
        let broken = parse("x", "Q?:\n- a\n  - : [\n").unwrap_err();
        assert!(
            broken.message.starts_with("the file is not valid YAML"),
            "{}",
            broken.message
        );
        let empty = read("Q?: []\nR?:\n- r\n");
        assert_eq!(empty.quiz.questions.len(), 1);
        assert_eq!(empty.left_out.len(), 1);
        let deep = format!("Q?: {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(
            parse("x", &deep).is_err(),
            "nesting is refused, not a stack overflow"
        );
    }
}
