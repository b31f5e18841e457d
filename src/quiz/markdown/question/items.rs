//! List items inside a question: an option (lettered, boxed, or one of an unlettered list
//! after the prompt) with whatever blocks it holds, or text of the prompt or the explanation.

use super::super::html::Fold;
use super::super::lines::indent_col;
use super::super::options::{option_line, split_feedback};
use super::{join_block, Draft, Phase};
use crate::quiz::diagnostic::Diagnostic;

#[derive(Debug, Clone)]
pub struct DraftOption {
    pub letter: Option<usize>,
    pub checked: Option<bool>,
    /// The text on the option's own line.
    pub(super) text: String,
    /// Blocks that belong to the option (a code block under `- [ ] .`), as lines.
    pub(super) extra: Vec<String>,
    /// The option's lines as written, should it turn out to belong to the prompt.
    pub(super) source: Vec<String>,
    /// Microsoft Learn's `{{feedback}}` after the option.
    pub feedback: Option<String>,
    pub line: usize,
    pub col: usize,
}

impl DraftOption {
    /// The option as shown: its line's text, then any blocks that belong to it. A placeholder
    /// line (`.`, or a lone letter) gives way to its blocks.
    pub fn full_text(&self) -> String {
        let extra = join_block(&self.extra);
        if extra.is_empty() {
            return self.text.clone();
        }
        if is_placeholder(&self.text) {
            return extra;
        }
        format!("{}\n{extra}", self.text)
    }
}

/// `.`, `A`, `a)`, `` `B` ``, or nothing: an option line that only announces the block under it.
pub(super) fn is_placeholder(text: &str) -> bool {
    let t = text.trim().trim_matches(['*', '`', '_']).trim();
    let mut chars = t.chars();
    match (chars.next(), chars.next(), chars.next()) {
        (None, _, _) | (Some('.'), None, _) => true,
        (Some(c), None, _) => c.is_ascii_alphabetic(),
        (Some(c), Some(')' | '.' | ':'), None) => c.is_ascii_alphabetic(),
        _ => false,
    }
}

/// A list item as the reader hands it over.
pub struct ItemIn<'a> {
    pub line: usize,
    /// The item's first line with its marker: `- [x] b) text`.
    pub first: &'a str,
    /// The rest of the item's first paragraph, lines without markers.
    pub continuation: Vec<String>,
    /// The item's other blocks, as lines (blank lines between blocks kept).
    pub blocks: Vec<String>,
    /// The whole item as text, for when it is not an option.
    pub as_text: Vec<String>,
}

impl Draft {
    /// A list item.
    pub fn item(&mut self, item: ItemIn<'_>) {
        if let Some((at, col)) = self.pending_answer.take() {
            self.no_value(at, col);
        }
        let parsed = option_line(item.first);
        match self.phase {
            Phase::Prompt => match parsed {
                Some(o) if o.letter.is_some() || o.checked.is_some() => {
                    self.candidates.clear();
                    self.phase = Phase::Options;
                    self.push_option(&item, o.letter, o.checked, o.text, o.col);
                }
                Some(o) => {
                    if self.candidates_closed {
                        self.candidates.clear();
                        self.candidates_closed = false;
                    }
                    if self.candidates.is_empty() {
                        self.candidates_at = self.prompt.len();
                    }
                    let option = self.make_option(&item, None, o.checked, o.text, o.col);
                    self.candidates.push(option);
                    self.prompt.extend(item.as_text.iter().cloned());
                    self.candidates_end = self.prompt.len();
                }
                None => {
                    self.close_candidates();
                    self.prompt.extend(item.as_text.iter().cloned());
                }
            },
            Phase::Options => {
                let all_plain_letters = self
                    .options
                    .iter()
                    .all(|o| o.letter.is_some() && o.checked.is_none());
                match parsed {
                    // `A. Dodge` … then `- [x] B, D, E`: the lettered lines were statements of
                    // the prompt, and the boxed combinations are the options.
                    Some(o) if o.checked.is_some() && o.letter.is_none() && all_plain_letters => {
                        for moved in std::mem::take(&mut self.options) {
                            self.prompt.extend(moved.source);
                        }
                        self.push_option(&item, None, o.checked, o.text, o.col);
                    }
                    Some(o) if o.letter.is_some() || o.checked.is_some() => {
                        self.push_option(&item, o.letter, o.checked, o.text, o.col);
                    }
                    _ => {
                        self.phase = Phase::After;
                        self.text_item(&item, parsed.and_then(|o| o.checked));
                    }
                }
            }
            Phase::After | Phase::Explanation => {
                self.text_item(&item, parsed.and_then(|o| o.checked))
            }
            Phase::Details(Some(Fold::Answer)) | Phase::Details(Some(Fold::Explanation)) => {
                if !self.fold_started && self.answer.is_none() && self.in_answer_fold() {
                    self.fold_started = true;
                    self.fold_without_answer = Some((item.line, 1));
                }
                self.add_to_explanation(item.line, &item.as_text);
            }
            Phase::Details(_) => {}
        }
    }

    fn in_answer_fold(&self) -> bool {
        self.phase == Phase::Details(Some(Fold::Answer))
    }

    /// An item after the options: part of the explanation; a checked box there is worth a word.
    fn text_item(&mut self, item: &ItemIn<'_>, checked: Option<bool>) {
        if checked == Some(true) && !self.warned_stray {
            self.warned_stray = true;
            self.diagnostics.push(Diagnostic::warning(
                item.line,
                indent_col(item.first),
                format!(
                    "this `[x]` comes after the options of {} and is read as part of its \
                     explanation; options of one question form one list",
                    self.name()
                ),
            ));
        }
        self.add_to_explanation(item.line, &item.as_text);
    }

    fn make_option(
        &self,
        item: &ItemIn<'_>,
        letter: Option<usize>,
        checked: Option<bool>,
        text: &str,
        col: usize,
    ) -> DraftOption {
        let mut text = text.to_string();
        for more in &item.continuation {
            text.push(' ');
            text.push_str(more.trim());
        }
        let (text, feedback) = split_feedback(&text);
        DraftOption {
            letter,
            checked,
            text: text.to_string(),
            extra: item.blocks.clone(),
            source: item.as_text.clone(),
            feedback: feedback.map(String::from),
            line: item.line,
            col,
        }
    }

    fn push_option(
        &mut self,
        item: &ItemIn<'_>,
        letter: Option<usize>,
        checked: Option<bool>,
        text: &str,
        col: usize,
    ) {
        let option = self.make_option(item, letter, checked, text, col);
        self.options.push(option);
        self.gap_since_option = false;
    }

    /// A line-shaped option (a paragraph line `A) text`, `( ) text`).
    pub(super) fn push_line_option(
        &mut self,
        line_no: usize,
        line: &str,
        letter: Option<usize>,
        checked: Option<bool>,
        text: &str,
        col: usize,
    ) {
        let (text, feedback) = split_feedback(text);
        self.options.push(DraftOption {
            letter,
            checked,
            text: text.to_string(),
            extra: Vec::new(),
            source: vec![line.to_string()],
            feedback: feedback.map(String::from),
            line: line_no,
            col,
        });
        self.gap_since_option = false;
    }
}
