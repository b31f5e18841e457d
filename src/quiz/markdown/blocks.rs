//! The block structure of a Markdown file, as a CommonMark parser (pulldown-cmark) sees it:
//! headings, paragraphs, lists and their items, code blocks, HTML blocks, quotes, tables, rules
//! and YAML front matter, each with its byte range in the source.
//!
//! Blocks live in one arena, linked parent → first child → next sibling, so that nothing here
//! or in the reader recurses. Blocks nested deeper than [`MAX_DEPTH`] are not kept as blocks of
//! their own: their text still belongs to the enclosing block, and a hostile file of ten
//! thousand nested quotes costs no more than a flat one.
//!
//! The text of a block is read from the source, not rebuilt from events, so the author's
//! Markdown is kept as written. Inside a list item or a quote each line of the source starts
//! with the container's markers (indentation, `>`); [`Doc::lines`] leaves them out by starting
//! each line where the parser found its first piece of content.

use std::ops::Range;
use std::rc::Rc;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};

use crate::quiz::line_index::LineIndex;

/// Blocks deeper than this are folded into their parent. Quiz files use four levels at most
/// (a numbered question, its option list, an option, the option's code block).
pub const MAX_DEPTH: usize = 12;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// The invisible root whose children are the top-level blocks.
    Root,
    Heading(u8),
    Paragraph,
    /// `Some(n)`: an ordered list starting at n.
    List(Option<u64>),
    Item,
    /// `fenced`: written with ``` or ~~~ (else indented by four spaces).
    Code {
        fenced: bool,
    },
    Html,
    Quote,
    Table,
    Rule,
    FrontMatter,
    /// Footnotes, definition lists, display maths: kept as text.
    Other,
}

pub type Id = u32;
const NONE: Id = Id::MAX;

#[derive(Debug, Clone)]
pub struct Node {
    pub kind: Kind,
    pub start: usize,
    pub end: usize,
    /// Inside a block quote (at any depth).
    pub quoted: bool,
    first_child: Id,
    last_child: Id,
    next_sibling: Id,
}

/// One line of a block: its text without the containers' markers, and the byte offset where
/// that text starts in the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line<'a> {
    pub offset: usize,
    pub text: &'a str,
}

/// A parsed Markdown document: the source, its blocks and where each line's content starts.
pub struct Doc<'a> {
    pub src: &'a str,
    nodes: Vec<Node>,
    /// Byte offset of the first event on each line that has one, ascending: where the content
    /// of that line starts once the containers' markers are left out.
    content_starts: Vec<usize>,
    index: Rc<LineIndex<'a>>,
}

impl<'a> Doc<'a> {
    /// The whole of `src` as one document.
    #[cfg(test)]
    pub fn parse(src: &'a str) -> Doc<'a> {
        Doc::parse_part(src, 0..src.len(), Rc::new(LineIndex::new(src)))
    }

    /// The part `range` of `src` (a chunk from [`super::chunks::chunks`]) as a document of its own, with
    /// every offset still counted from the start of `src`.
    pub fn parse_part(src: &'a str, range: Range<usize>, index: Rc<LineIndex<'a>>) -> Doc<'a> {
        let mut options = Options::empty();
        options.insert(Options::ENABLE_TABLES);
        options.insert(Options::ENABLE_YAML_STYLE_METADATA_BLOCKS);
        let base = range.start;
        let mut b = Builder {
            src,
            nodes: vec![Node {
                kind: Kind::Root,
                start: range.start,
                end: range.end,
                quoted: false,
                first_child: NONE,
                last_child: NONE,
                next_sibling: NONE,
            }],
            stack: vec![Open::Node(0)],
            content_starts: Vec::new(),
            last_line_end: None,
        };
        for (event, at) in Parser::new_ext(&src[range.clone()], options).into_offset_iter() {
            b.event(event, at.start + base..at.end + base);
        }
        b.close_implicit(range.end);
        Doc {
            src,
            nodes: b.nodes,
            content_starts: b.content_starts,
            index,
        }
    }

    pub fn node(&self, id: Id) -> &Node {
        &self.nodes[id as usize]
    }

    pub fn root(&self) -> Id {
        0
    }

    /// The children of a block, in order.
    pub fn children(&self, id: Id) -> Children<'_, 'a> {
        Children {
            doc: self,
            next: self.node(id).first_child,
        }
    }

    pub fn child_ids(&self, id: Id) -> Vec<Id> {
        self.children(id).collect()
    }

    /// 1-based line of a byte offset.
    pub fn line_no(&self, offset: usize) -> usize {
        self.index.line(offset)
    }

    /// 1-based column (in characters) of a byte offset.
    pub fn col(&self, offset: usize) -> usize {
        self.index.line_col(offset).1
    }

    /// The physical source line around `offset`, without its line break.
    fn physical(&self, offset: usize) -> Range<usize> {
        let start = self.src[..offset].rfind('\n').map_or(0, |p| p + 1);
        let end = self.src[offset..]
            .find('\n')
            .map_or(self.src.len(), |p| offset + p);
        start..end
    }

    /// The lines of a block, containers' markers left out. The first starts where the block
    /// starts; every other line where the parser found content on it (or, for a line with
    /// none such as a code fence or a table's delimiter row, after its indentation and quote
    /// markers). A trailing carriage return is dropped.
    pub fn lines(&self, id: Id) -> Vec<Line<'a>> {
        let node = self.node(id);
        let mut out = Vec::new();
        let mut at = node.start;
        let mut first = true;
        let mut starts = self.content_starts.partition_point(|&s| s < node.start);
        while at < node.end {
            let line = self.physical(at);
            let stop = line.end.min(node.end);
            let from = if first {
                at
            } else {
                while starts < self.content_starts.len() && self.content_starts[starts] < line.start
                {
                    starts += 1;
                }
                match self.content_starts.get(starts) {
                    Some(&s) if s < line.end => s,
                    _ => self.skip_markers(line.start, stop, node.quoted),
                }
            };
            let from = from.min(stop);
            let text = &self.src[from..stop];
            let text = text.strip_suffix('\r').unwrap_or(text);
            out.push(Line { offset: from, text });
            first = false;
            at = line.end + 1;
        }
        // A block's range ends after its last line break: no empty line for it.
        while out.len() > 1 && out.last().is_some_and(|l| l.text.trim().is_empty()) {
            out.pop();
        }
        out
    }

    /// After leading whitespace and, inside a quote, `>` markers.
    fn skip_markers(&self, start: usize, end: usize, quoted: bool) -> usize {
        let bytes = self.src.as_bytes();
        let mut i = start;
        while i < end && (bytes[i] == b' ' || bytes[i] == b'\t' || (quoted && bytes[i] == b'>')) {
            i += 1;
        }
        i
    }

    /// The raw text of the block's first physical line from where the block starts: a list
    /// item's line with its marker (`- [x] b) text`).
    pub fn first_line(&self, id: Id) -> Line<'a> {
        let node = self.node(id);
        let line = self.physical(node.start);
        let end = line.end.min(node.end.max(node.start));
        let text = &self.src[node.start..end];
        Line {
            offset: node.start,
            text: text.strip_suffix('\r').unwrap_or(text),
        }
    }

    /// The whole physical lines the block covers, as written (top-level blocks have no
    /// container markers, so this is the author's text).
    pub fn raw_lines(&self, id: Id) -> Vec<Line<'a>> {
        let node = self.node(id);
        let end = self.content_end(id).max(node.start);
        let mut out = Vec::new();
        let mut at = self.physical(node.start).start;
        loop {
            let l = self.physical(at);
            let text = &self.src[l.clone()];
            out.push(Line {
                offset: l.start,
                text: text.strip_suffix('\r').unwrap_or(text),
            });
            if l.end >= end || l.end >= self.src.len() {
                break;
            }
            at = l.end + 1;
        }
        out
    }

    /// The block's text, one line per line, containers' markers left out. An indented code
    /// block gets fences, since Discord only renders fenced code.
    pub fn text_lines(&self, id: Id) -> Vec<String> {
        let lines = self.lines(id);
        match self.node(id).kind {
            Kind::Code { fenced: false } => {
                let mut out = Vec::with_capacity(lines.len() + 2);
                out.push("```".to_string());
                out.extend(lines.iter().map(|l| l.text.to_string()));
                out.push("```".to_string());
                out
            }
            _ => lines.iter().map(|l| l.text.to_string()).collect(),
        }
    }

    /// Just after the last character of the block that is not whitespace: a block's range
    /// may run on over the blank lines after it.
    pub fn content_end(&self, id: Id) -> usize {
        let node = self.node(id);
        let text = &self.src[node.start..node.end.max(node.start)];
        node.start + text.trim_end().len()
    }

    /// Whether a blank line separates the end of one block from the start of the next.
    pub fn gap_between(&self, before: Id, after: Id) -> bool {
        let from = self.content_end(before);
        let to = self.node(after).start.max(from);
        let between = &self.src[from..to];
        // The rest of the earlier block's last line is not a line of its own.
        let Some(first_break) = between.find('\n') else {
            return false;
        };
        between[first_break + 1..]
            .split_inclusive('\n')
            .filter(|l| l.ends_with('\n'))
            .any(|l| {
                l.trim_matches(|c: char| c.is_whitespace() || c == '>')
                    .is_empty()
            })
    }
}

pub struct Children<'d, 'a> {
    doc: &'d Doc<'a>,
    next: Id,
}

impl Iterator for Children<'_, '_> {
    type Item = Id;
    fn next(&mut self) -> Option<Id> {
        if self.next == NONE {
            return None;
        }
        let id = self.next;
        self.next = self.doc.node(id).next_sibling;
        Some(id)
    }
}

/// What is open while the events stream past.
enum Open {
    Node(Id),
    /// A block too deep to keep: its events are skipped.
    Skipped,
    /// Inline content directly in a list item (a tight list has no paragraph events): kept as
    /// a paragraph of its own, closed by the next block or the end of the item.
    Implicit(Id),
    /// An inline element (emphasis, link, …) or a table part: not a block.
    Inline,
}

struct Builder<'a> {
    src: &'a str,
    nodes: Vec<Node>,
    stack: Vec<Open>,
    content_starts: Vec<usize>,
    /// End of the physical line of the last recorded content start.
    last_line_end: Option<usize>,
}

impl Builder<'_> {
    fn depth(&self) -> usize {
        self.stack
            .iter()
            .filter(|o| matches!(o, Open::Node(_) | Open::Implicit(_)))
            .count()
    }

    fn skipping(&self) -> bool {
        self.stack.iter().any(|o| matches!(o, Open::Skipped))
    }

    fn parent(&self) -> Id {
        self.stack
            .iter()
            .rev()
            .find_map(|o| match o {
                Open::Node(id) | Open::Implicit(id) => Some(*id),
                _ => None,
            })
            .unwrap_or(0)
    }

    fn record_start(&mut self, offset: usize) {
        if self.last_line_end.is_some_and(|end| offset <= end) {
            return;
        }
        let end = self.src[offset.min(self.src.len())..]
            .find('\n')
            .map_or(self.src.len(), |p| offset + p);
        self.content_starts.push(offset);
        self.last_line_end = Some(end);
    }

    fn push_node(&mut self, kind: Kind, range: &Range<usize>) -> Id {
        let parent = self.parent();
        let quoted = kind == Kind::Quote || self.nodes[parent as usize].quoted;
        let id = self.nodes.len() as Id;
        self.nodes.push(Node {
            kind,
            start: range.start,
            end: range.end,
            quoted,
            first_child: NONE,
            last_child: NONE,
            next_sibling: NONE,
        });
        let p = &mut self.nodes[parent as usize];
        if p.first_child == NONE {
            p.first_child = id;
        } else {
            let last = p.last_child;
            self.nodes[last as usize].next_sibling = id;
        }
        self.nodes[parent as usize].last_child = id;
        id
    }

    /// Closes an implicit paragraph when a block starts or its item ends.
    fn close_implicit(&mut self, at: usize) {
        if let Some(Open::Implicit(id)) = self.stack.last() {
            let id = *id;
            let node = &mut self.nodes[id as usize];
            node.end = node.end.max(at.min(self.src.len())).max(node.start);
            self.stack.pop();
        }
    }

    fn event(&mut self, event: Event<'_>, range: Range<usize>) {
        let is_break = matches!(event, Event::SoftBreak | Event::HardBreak);
        if !is_break && !matches!(event, Event::End(_)) && !self.skipping() {
            self.record_start(range.start);
        }
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Rule => {
                if !self.skipping() {
                    self.close_implicit(range.start);
                    self.push_node(Kind::Rule, &range);
                }
            }
            _ => self.inline(range),
        }
    }

    fn inline(&mut self, range: Range<usize>) {
        if self.skipping() {
            return;
        }
        match self.stack.last() {
            Some(Open::Node(id))
                if self.nodes[*id as usize].kind == Kind::Item && self.depth() < MAX_DEPTH =>
            {
                let id = self.push_node(Kind::Paragraph, &range);
                self.stack.push(Open::Implicit(id));
            }
            Some(Open::Implicit(id)) => {
                let node = &mut self.nodes[*id as usize];
                node.end = node.end.max(range.end);
            }
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, range: Range<usize>) {
        let kind = match tag {
            Tag::Paragraph => Kind::Paragraph,
            Tag::Heading { level, .. } => Kind::Heading(level as u8),
            Tag::BlockQuote(_) => Kind::Quote,
            Tag::CodeBlock(kind) => Kind::Code {
                fenced: matches!(kind, CodeBlockKind::Fenced(_)),
            },
            Tag::HtmlBlock => Kind::Html,
            Tag::List(start) => Kind::List(start),
            Tag::Item => Kind::Item,
            Tag::Table(_) => Kind::Table,
            Tag::MetadataBlock(_) => Kind::FrontMatter,
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition => Kind::Other,
            _ => {
                // Inline elements and table parts.
                self.inline(range);
                self.stack.push(Open::Inline);
                return;
            }
        };
        if self.skipping() {
            self.stack.push(Open::Skipped);
            return;
        }
        self.close_implicit(range.start);
        if matches!(self.stack.last(), Some(Open::Inline)) || self.depth() >= MAX_DEPTH {
            self.stack.push(Open::Skipped);
            return;
        }
        let id = self.push_node(kind, &range);
        self.stack.push(Open::Node(id));
    }

    fn end(&mut self, _tag: TagEnd, range: Range<usize>) {
        if matches!(self.stack.last(), Some(Open::Implicit(_))) {
            self.close_implicit(range.end);
        }
        if let Some(Open::Node(id)) = self.stack.pop() {
            let node = &mut self.nodes[id as usize];
            node.end = node.end.max(range.end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(doc: &Doc<'_>, id: Id) -> Vec<Kind> {
        doc.children(id).map(|c| doc.node(c).kind).collect()
    }

    #[test]
    fn top_level_blocks_and_tight_items_get_a_paragraph() {
        let src = "# T\n\n- [ ] a\n- [x] b\n\n```rs\nfn x() {}\n```\n";
        let doc = Doc::parse(src);
        assert_eq!(
            kinds(&doc, doc.root()),
            [
                Kind::Heading(1),
                Kind::List(None),
                Kind::Code { fenced: true }
            ]
        );
        let list = doc.child_ids(doc.root())[1];
        let items = doc.child_ids(list);
        assert_eq!(items.len(), 2);
        assert_eq!(kinds(&doc, items[1]), [Kind::Paragraph]);
        assert_eq!(doc.first_line(items[1]).text, "- [x] b");
    }

    #[test]
    fn lines_inside_items_and_quotes_leave_the_markers_out() {
        let src =
            "1. Which?\n   - A) one\n     ```\n     code\n     ```\n\n> **Explanation:** a\n> b\n";
        let doc = Doc::parse(src);
        let top = doc.child_ids(doc.root());
        let item = doc.child_ids(top[0])[0];
        let inner_list = doc.child_ids(item)[1];
        let option = doc.child_ids(inner_list)[0];
        let code = doc.child_ids(option)[1];
        let lines: Vec<&str> = doc.lines(code).iter().map(|l| l.text).collect();
        assert_eq!(lines, ["```", "code", "```"]);
        let quote_para = doc.child_ids(top[1])[0];
        let lines: Vec<&str> = doc.lines(quote_para).iter().map(|l| l.text).collect();
        assert_eq!(lines, ["**Explanation:** a", "b"]);
    }

    #[test]
    fn deep_nesting_is_folded_not_recursed() {
        let src = format!("{}deep\n", "> ".repeat(50_000));
        let doc = Doc::parse(&src);
        assert!(doc.nodes.len() <= MAX_DEPTH + 2);
    }

    #[test]
    fn gaps_are_blank_lines() {
        let src = "a\n\nb\n";
        let doc = Doc::parse(src);
        let top = doc.child_ids(doc.root());
        assert!(doc.gap_between(top[0], top[1]));
        let src = "# h\ntext\n";
        let doc = Doc::parse(src);
        let top = doc.child_ids(doc.root());
        assert!(!doc.gap_between(top[0], top[1]));
    }
}
