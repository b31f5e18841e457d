//! Looking ahead from a heading or a bold line: do options (and an answer) follow before the
//! next heading? A numbered heading starts a question whatever follows; a heading without a
//! number, a loose `1 Fill in …` or a `**Question 3:**` line only when its options are there.
//!
//! Each look stops at the next heading or question start, so every block is looked at by a
//! bounded number of looks: the reader stays linear in the file.

use super::answer::{answer_line, prose_answer};
use super::blocks::{Doc, Id, Kind};
use super::html::{details_parts, fold_kind, DetailsPart, Fold};
use super::labels::paragraph_label;
use super::options::option_line;

/// How sure the options must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Want {
    /// Lettered or boxed options (`a) …`, `- [ ] …`, `( ) …`).
    Marked,
    /// Any list of two or more items will do (`- True` / `- False`).
    AnyList,
    /// As `AnyList`, and one lettered or boxed option is enough (a question cut short after its
    /// first option is still a question, left out with a warning).
    Any,
}

/// Whether options follow in `rest` (the remaining lines of the current paragraph) or in the
/// blocks from `from` on, before the next heading or question start.
pub fn options_ahead(doc: &Doc<'_>, rest: &[&str], blocks: &[Id], from: usize, want: Want) -> bool {
    let enough = if want == Want::Any { 1 } else { 2 };
    if count_marked(rest.iter().copied()) >= enough {
        return true;
    }
    for &id in blocks.iter().skip(from) {
        match doc.node(id).kind {
            Kind::Heading(_) => return false,
            Kind::Paragraph => {
                let lines = doc.raw_lines(id);
                if lines
                    .first()
                    .is_some_and(|l| paragraph_label(l.text).is_some())
                {
                    return false;
                }
                if count_marked(lines.iter().map(|l| l.text)) >= enough {
                    return true;
                }
            }
            Kind::List(start) => {
                let items = doc.child_ids(id);
                if start.is_some() && items.iter().any(|&i| item_has_options(doc, i)) {
                    return false;
                }
                let mut any = 0;
                let mut marked = 0;
                for &i in &items {
                    if let Some(o) = option_line(doc.first_line(i).text) {
                        any += 1;
                        marked += usize::from(o.letter.is_some() || o.checked.is_some());
                    }
                }
                if marked >= enough || (want != Want::Marked && any >= 2) {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether an answer is marked in the blocks from `from` on, before the next heading or
/// question start: a checked box, an answer line, an answer fold, an answer in prose.
pub fn answer_ahead(doc: &Doc<'_>, blocks: &[Id], from: usize) -> bool {
    for &id in blocks.iter().skip(from) {
        match doc.node(id).kind {
            Kind::Heading(_) => return false,
            Kind::Paragraph | Kind::Quote | Kind::Html => {
                let lines = doc.raw_lines(id);
                if doc.node(id).kind == Kind::Paragraph
                    && lines
                        .first()
                        .is_some_and(|l| paragraph_label(l.text).is_some())
                {
                    return false;
                }
                if lines.iter().any(|l| answers(l.text)) {
                    return true;
                }
            }
            Kind::List(_) => {
                let checked = doc.children(id).any(|i| {
                    option_line(doc.first_line(i).text).is_some_and(|o| o.checked == Some(true))
                });
                if checked {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// A line that gives or announces an answer.
fn answers(line: &str) -> bool {
    if answer_line(line).is_some() || prose_answer(line).is_some() {
        return true;
    }
    if option_line(line).is_some_and(|o| o.checked == Some(true)) {
        return true;
    }
    details_parts(line).is_some_and(|parts| {
        parts
            .iter()
            .any(|p| matches!(p, DetailsPart::Summary(s) if fold_kind(s) == Fold::Answer))
    })
}

/// Lines that are lettered or boxed options.
fn count_marked<'a>(lines: impl Iterator<Item = &'a str>) -> usize {
    lines
        .filter(|l| option_line(l).is_some_and(|o| o.letter.is_some() || o.checked.is_some()))
        .count()
}

/// Whether a numbered list item holds a question: options inside it (a nested list of them,
/// or lettered lines under its first line).
pub fn item_has_options(doc: &Doc<'_>, item: Id) -> bool {
    let children = doc.child_ids(item);
    for (k, &child) in children.iter().enumerate() {
        match doc.node(child).kind {
            Kind::Paragraph => {
                let lines = doc.lines(child);
                let skip = usize::from(k == 0);
                if count_marked(lines.iter().skip(skip).map(|l| l.text)) >= 2 {
                    return true;
                }
            }
            Kind::List(_) => {
                let marked = doc
                    .children(child)
                    .filter(|&i| {
                        option_line(doc.first_line(i).text)
                            .is_some_and(|o| o.letter.is_some() || o.checked.is_some())
                    })
                    .count();
                if marked >= 2 {
                    return true;
                }
            }
            _ => {}
        }
    }
    false
}

/// Whether the block at `at` starts with an option: then a block just before it lies between
/// two options.
pub fn starts_with_option(doc: &Doc<'_>, blocks: &[Id], at: usize) -> bool {
    let Some(&id) = blocks.get(at) else {
        return false;
    };
    let marked =
        |text: &str| option_line(text).is_some_and(|o| o.letter.is_some() || o.checked.is_some());
    match doc.node(id).kind {
        Kind::List(_) => doc
            .children(id)
            .next()
            .is_some_and(|i| marked(doc.first_line(i).text)),
        Kind::Paragraph => marked(doc.first_line(id).text),
        _ => false,
    }
}
