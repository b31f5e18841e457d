//! The Markdown family (docs/quiz-format.md): quiz files as people write them.
//!
//! A CommonMark parser (pulldown-cmark) reads the block structure — headings, paragraphs,
//! lists whose items hold code blocks and images, `<details>` HTML, quotes, tables — and this
//! module interprets it: where questions start ([`walk`]), what each block means inside a
//! question ([`question`]), then the Answer Key, the scoring tiers and the assembled quiz (here).
//! Texts are sliced from the source so that Discord renders the author's Markdown as written.
//!
//! The work is linear in the input: the parser is, the walk visits each block once, and each
//! look ahead ([`lookahead`]) stops at the next heading or question start. Nothing recurses
//! deeper than the bounded block tree ([`blocks::MAX_DEPTH`]).
//!
//! A question that cannot be played — no options, no answer, several correct options — is
//! left out with a warning that names it, so a 200-question file with one unmarked question
//! still plays the other 199; a file where nothing can be played is refused.

mod answer;
mod assemble;
mod blocks;
mod chunks;
mod html;
mod labels;
mod lines;
mod lists;
mod lookahead;
mod meta;
mod options;
mod question;
mod tiers;
mod walk;

use std::rc::Rc;

use self::answer::AnswerValue;
use self::blocks::Doc;
use self::question::{Draft, Finished};
use self::tiers::TierSpec;
use super::diagnostic::Diagnostic;
use super::line_index::LineIndex;
use super::Parsed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    /// Before the first question: the description.
    Preamble,
    Questions,
    AnswerKey,
    Scoring,
    /// Any other section after the questions (references, notes, activities): ignored.
    Other,
}

struct KeyEntry {
    number: u64,
    value: AnswerValue,
    line: usize,
    col: usize,
}

struct Reader<'a> {
    /// The part of the file being walked (see [`chunks::chunks`]).
    doc: Doc<'a>,
    section: Section,
    /// The first `#` heading.
    title: Option<(String, usize)>,
    /// `title:` in YAML front matter.
    front_title: Option<(String, usize)>,
    /// Front matter `exact: true`.
    exact: bool,
    /// A heading of another level that opens the file (`## Bash`): the title if no other.
    first_heading: Option<(String, usize)>,
    front_matter_blocks: usize,
    blocks_seen: usize,
    description: Vec<String>,
    current: Option<Draft>,
    finished: Vec<Finished>,
    key: Vec<KeyEntry>,
    tiers: Vec<(TierSpec, usize)>,
    /// The last question number written, and whether a heading or rule came since (then
    /// numbering may start again).
    last_number: Option<u64>,
    restart: bool,
    section_since_question: bool,
    /// Numbering runs: numbers restart in each section of some files.
    run: usize,
    /// A heading that opens the next question's prompt.
    pending_prefix: Option<String>,
    /// The current section's heading, and whether something in it was already pointed out.
    other_title: Option<String>,
    other_warned: bool,
    diagnostics: Vec<Diagnostic>,
}

/// Parts of a large file are parsed one at a time (see [`chunks::chunks`]): this many bytes
/// each at least, some 6 MB of parser tree at a time.
const CHUNK: usize = 256 * 1024;

/// Parses Markdown text. Never panics; problems become diagnostics.
pub fn parse(id: &str, text: &str) -> Parsed {
    parse_in_parts(id, text, CHUNK)
}

/// [`parse`], with parts of at least `chunk` bytes; the result never depends on `chunk`.
fn parse_in_parts(id: &str, text: &str, chunk: usize) -> Parsed {
    let index = Rc::new(LineIndex::new(text));
    let parts = chunks::chunks(text, chunk);
    let mut reader = Reader {
        doc: Doc::parse_part(text, 0..0, Rc::clone(&index)),
        section: Section::Preamble,
        title: None,
        front_title: None,
        exact: false,
        first_heading: None,
        front_matter_blocks: 0,
        blocks_seen: 0,
        description: Vec::new(),
        current: None,
        finished: Vec::new(),
        key: Vec::new(),
        tiers: Vec::new(),
        last_number: None,
        restart: false,
        section_since_question: false,
        run: 0,
        pending_prefix: None,
        other_title: None,
        other_warned: false,
        diagnostics: Vec::new(),
    };
    for part in parts {
        reader.doc = Doc::parse_part(text, part, Rc::clone(&index));
        let top = reader.doc.child_ids(reader.doc.root());
        reader.walk(&top);
    }
    reader.finish_question();
    reader.build(id)
}

impl Reader<'_> {
    fn finish_question(&mut self) {
        if let Some(draft) = self.current.take() {
            self.finished.push(draft.finish());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{parse, parse_in_parts};

    /// Every Markdown file at hand (the repository's, and the real-world corpus when it is
    /// beside it) reads the same in parts as whole, with parts as small as they come.
    #[test]
    fn reading_in_parts_changes_nothing() {
        let mut dirs = vec![
            std::path::PathBuf::from("quizzes"),
            "tests/fixtures/quiz".into(),
            "tests/fixtures/wild".into(),
            "tests/fixtures/study".into(),
            "tests/fixtures/live".into(),
        ];
        let corpus = std::path::Path::new("../shared/realworld");
        if let Ok(entries) = std::fs::read_dir(corpus) {
            dirs.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        }
        let mut compared = 0;
        for dir in dirs {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for path in entries.filter_map(|e| e.ok().map(|e| e.path())) {
                if path.extension().is_none_or(|e| e != "md") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                let whole = parse_in_parts("x", &text, usize::MAX);
                let parts = parse_in_parts("x", &text, 1);
                assert_eq!(whole.quiz, parts.quiz, "{}", path.display());
                assert_eq!(whole.left_out, parts.left_out, "{}", path.display());
                assert_eq!(whole.diagnostics, parts.diagnostics, "{}", path.display());
                compared += 1;
            }
        }
        assert!(compared > 20, "{compared} files");
    }

    #[test]
    fn a_question_without_answer_is_left_out_when_others_play() {
        let text = "# Q\n\n### 1. A?\n- [x] yes\n- [ ] no\n\n### 2. B?\n- [ ] yes\n- [ ] no\n";
        let parsed = parse("q", text);
        assert_eq!(parsed.quiz.questions.len(), 1);
        assert_eq!(parsed.left_out.len(), 1);
        let d = &parsed.diagnostics[0];
        assert!(!d.is_error());
        assert_eq!(d.line, 7);
        assert!(
            d.message
                .starts_with("question 2 has no answer, so it is left out"),
            "{}",
            d.message
        );
    }
}
