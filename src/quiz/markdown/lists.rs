//! Lists in a quiz file: a numbered list whose items hold options is a list of questions; a
//! list of scoring tiers after the questions is the scoring section; any other list goes to
//! the question being read item by item (options, or text), or to the current section.

use super::blocks::{Id, Kind, Line};
use super::html::{has_tag, to_markdown};
use super::lookahead::{item_has_options, starts_with_option};
use super::options::option_line;
use super::question::{Draft, ItemIn};
use super::tiers::tier_line;
use super::{Reader, Section};

/// What CommonMark puts in a list item but the author wrote after it: its lines, then the
/// blocks that follow them in the item.
type Spill<'a> = (Vec<Line<'a>>, Vec<Id>);

impl<'a> Reader<'a> {
    pub(super) fn list(&mut self, blocks: &[Id], i: usize, start: Option<u64>) {
        let id = blocks[i];
        let items = self.doc.child_ids(id);
        if start.is_some() && !matches!(self.section, Section::AnswerKey | Section::Scoring) {
            let any_inside = items.iter().any(|&it| item_has_options(&self.doc, it));
            // `1. Which …?` as the list's last item, its options in a list of their own.
            let options_after = items.len() == 1 && starts_with_option(&self.doc, blocks, i + 1);
            if any_inside || options_after {
                for &item in &items {
                    self.item_question(item);
                }
                return;
            }
        }
        if self.current.is_none() && self.tier_list(&items) {
            return;
        }
        // A list that is not options, right after an option (`- [ ] A`, then the steps of
        // answer A as a numbered list): a block that may belong to that option.
        let first_is_option = items.first().is_some_and(|&it| {
            option_line(self.doc.first_line(it).text)
                .is_some_and(|o| o.letter.is_some() || o.checked.is_some())
        });
        if self.current.as_ref().is_some_and(Draft::reading_options) && !first_is_option {
            let lines: Vec<String> = items
                .iter()
                .flat_map(|&it| self.item_text(it, true))
                .collect();
            let next_is_option = starts_with_option(&self.doc, blocks, i + 1);
            self.text_block(id, &lines, next_is_option);
            return;
        }
        for &item in &items {
            self.route_item(item, true);
        }
    }

    /// A list of two or more scoring tiers outside the questions ("## How did you do?").
    pub(super) fn tier_list(&mut self, items: &[Id]) -> bool {
        if items.len() < 2 || matches!(self.section, Section::Preamble | Section::Scoring) {
            return false;
        }
        let tiers: Option<Vec<_>> = items
            .iter()
            .map(|&it| {
                let first = self.doc.first_line(it);
                tier_line(first.text).map(|t| (t, self.doc.line_no(first.offset)))
            })
            .collect();
        match tiers {
            Some(tiers) if self.tiers.is_empty() => {
                self.tiers.extend(tiers);
                true
            }
            _ => false,
        }
    }

    /// A numbered list item that holds a whole question.
    pub(super) fn item_question(&mut self, item: Id) {
        let first = self.doc.first_line(item);
        let line_no = self.doc.line_no(first.offset);
        let t = first.text.trim_start();
        let digits = t.bytes().take_while(u8::is_ascii_digit).count();
        let number = t[..digits].parse().ok();
        let children = self.doc.child_ids(item);
        let mut rest = children.as_slice();
        let mut prompt = String::new();
        let mut more: Vec<Line<'_>> = Vec::new();
        if let Some((&para, tail)) = children.split_first() {
            if self.doc.node(para).kind == Kind::Paragraph
                && self.doc.line_no(self.doc.node(para).start) == line_no
            {
                let lines = self.doc.lines(para);
                prompt = lines.first().map_or(String::new(), |l| l.text.to_string());
                more = lines.into_iter().skip(1).collect();
                rest = tail;
            }
        }
        self.finish_question();
        self.start_question(number, line_no, None, prompt);
        for line in more {
            self.route_line(self.doc.line_no(line.offset), line.text);
        }
        self.nested_blocks(rest);
    }

    /// A list item, as an option or as text. `top` says the item is a top-level block's, so
    /// its lines are the author's as written.
    pub(super) fn route_item(&mut self, item: Id, top: bool) {
        let first = self.doc.first_line(item);
        let line_no = self.doc.line_no(first.offset);
        if self.current.is_none() {
            let as_text = self.item_text(item, top);
            match self.section {
                Section::Preamble => self.description.extend(as_text),
                Section::AnswerKey | Section::Scoring => {
                    // `1. b` then `2: a`: CommonMark makes the second line part of the first
                    // item; each line is an entry.
                    for (k, text) in as_text.iter().enumerate() {
                        self.route_line(line_no + k, text);
                    }
                }
                Section::Questions | Section::Other => self.stray(line_no, first.text),
            }
            return;
        }
        let (item_in, after) = self.item_in(item, top);
        if let Some(draft) = &mut self.current {
            draft.item(item_in);
        }
        if let Some((lines, blocks)) = after {
            for line in lines {
                self.route_line(self.doc.line_no(line.offset), line.text);
            }
            self.nested_blocks(&blocks);
        }
    }

    /// The item, and what follows it in the source although CommonMark counts it in: lines
    /// of its paragraph that are not indented under it (`- b) Paris` then `**Answer:** b` on
    /// the next line is an option, then an answer), and the blocks after them.
    pub(super) fn item_in(&self, item: Id, top: bool) -> (ItemIn<'a>, Option<Spill<'a>>) {
        let first = self.doc.first_line(item);
        let line_no = self.doc.line_no(first.offset);
        let marker_col = self.doc.col(self.doc.node(item).start);
        let children = self.doc.child_ids(item);
        let mut continuation = Vec::new();
        let mut blocks = Vec::new();
        let mut prev: Option<Id> = None;
        let mut after = None;
        let mut as_text = self.item_text(item, top);
        for (k, &child) in children.iter().enumerate() {
            let node = self.doc.node(child);
            if k == 0 && node.kind == Kind::Paragraph && self.doc.line_no(node.start) == line_no {
                let lines = self.doc.lines(child);
                let lazy = lines
                    .iter()
                    .skip(1)
                    .position(|l| self.doc.col(l.offset) <= marker_col)
                    .map(|p| p + 1);
                let own = lazy.unwrap_or(lines.len());
                continuation = lines[1..own].iter().map(|l| l.text.to_string()).collect();
                if let Some(at) = lazy {
                    as_text.truncate(at);
                    after = Some((lines[at..].to_vec(), children[1..].to_vec()));
                    break;
                }
                prev = Some(child);
                continue;
            }
            if prev.is_some_and(|p| self.doc.gap_between(p, child)) && !blocks.is_empty() {
                blocks.push(String::new());
            }
            blocks.extend(self.block_text(child));
            prev = Some(child);
        }
        let item_in = ItemIn {
            line: line_no,
            first: first.text,
            continuation,
            blocks,
            as_text,
        };
        (item_in, after)
    }

    /// A child block of an option as text: lists keep their markers.
    pub(super) fn block_text(&self, id: Id) -> Vec<String> {
        match self.doc.node(id).kind {
            Kind::List(_) => self
                .doc
                .children(id)
                .flat_map(|it| self.item_text(it, false))
                .collect(),
            Kind::Html => self
                .doc
                .lines(id)
                .iter()
                .flat_map(|l| {
                    if has_tag(l.text) {
                        to_markdown(l.text)
                    } else {
                        vec![l.text.to_string()]
                    }
                })
                .collect(),
            _ => self.doc.text_lines(id),
        }
    }

    /// An item's lines as text: its marker line, then every further line indented as it sits
    /// under the marker.
    pub(super) fn item_text(&self, item: Id, top: bool) -> Vec<String> {
        if top {
            return self
                .doc
                .raw_lines(item)
                .iter()
                .map(|l| l.text.to_string())
                .collect();
        }
        let marker_col = self.doc.col(self.doc.node(item).start);
        let mut out = Vec::new();
        for (k, line) in self.doc.lines(item).iter().enumerate() {
            if k == 0 {
                out.push(line.text.to_string());
                continue;
            }
            let indent = self.doc.col(line.offset).saturating_sub(marker_col);
            out.push(format!("{}{}", " ".repeat(indent.min(16)), line.text));
        }
        out
    }
}
