//! The walk over a file's blocks: where questions start, which section the text belongs to
//! (description, questions, Answer Key, scoring, ignored), and what is handed to the question
//! being read.
//!
//! Top-level blocks are handed over as the author wrote their lines (a top-level block has no
//! container markers); blocks inside a numbered list item by their content lines.

use super::answer::{answer_line, explanation_label, key_entry};
use super::blocks::{Id, Kind, Line};
use super::html::{details_parts, has_tag, to_markdown, DetailsPart};
use super::labels::{heading_label, is_kind_heading, paragraph_label, HeadingLabel};
use super::lines::{heading, indent_col, is_blank, strip_bullet};
use super::lookahead::{answer_ahead, options_ahead, starts_with_option, Want};
use super::options::option_line;
use super::question::Draft;
use super::tiers::tier_line;
use super::{KeyEntry, Reader, Section};
use crate::quiz::diagnostic::Diagnostic;

impl<'a> Reader<'a> {
    /// The top-level blocks, in order.
    pub(super) fn walk(&mut self, blocks: &[Id]) {
        for i in 0..blocks.len() {
            let id = blocks[i];
            if i > 0 && self.doc.gap_between(blocks[i - 1], id) {
                self.gap();
            }
            match self.doc.node(id).kind {
                Kind::FrontMatter => self.front_matter(id),
                Kind::Heading(level) => self.heading(blocks, i, level),
                Kind::Rule => {
                    self.finish_question();
                    self.restart = true;
                }
                Kind::Paragraph => self.paragraph(blocks, i),
                Kind::List(start) => self.list(blocks, i, start),
                Kind::Quote | Kind::Other => {
                    for line in self.doc.raw_lines(id) {
                        self.route_line(self.doc.line_no(line.offset), line.text);
                    }
                }
                Kind::Html => {
                    for line in self.doc.raw_lines(id) {
                        self.html_line(self.doc.line_no(line.offset), line.text);
                    }
                }
                Kind::Code { fenced } => {
                    let lines: Vec<String> = if fenced {
                        self.doc
                            .raw_lines(id)
                            .iter()
                            .map(|l| l.text.to_string())
                            .collect()
                    } else {
                        self.doc.text_lines(id)
                    };
                    let next_is_option = starts_with_option(&self.doc, blocks, i + 1);
                    self.text_block(id, &lines, next_is_option);
                }
                Kind::Table => self.table(id),
                Kind::Root | Kind::Item => {}
            }
            self.blocks_seen += 1;
        }
    }

    fn gap(&mut self) {
        match &mut self.current {
            Some(draft) => draft.gap(),
            None if self.section == Section::Preamble => self.description.push(String::new()),
            None => {}
        }
    }

    fn front_matter(&mut self, id: Id) {
        self.front_matter_blocks += 1;
        for line in self.doc.raw_lines(id) {
            // `exact: true`: typed answers forgive no slip (docs/quiz-format.md).
            if let Some(value) = line.text.strip_prefix("exact:") {
                self.exact = matches!(value.trim(), "true" | "yes");
                continue;
            }
            let Some(value) = line.text.strip_prefix("title:") else {
                continue;
            };
            let value = value.trim().trim_matches(['"', '\'']).trim();
            if !value.is_empty() && self.front_title.is_none() {
                self.front_title = Some((value.to_string(), self.doc.line_no(line.offset)));
            }
        }
    }

    fn heading(&mut self, blocks: &[Id], i: usize, level: u8) {
        let id = blocks[i];
        let first = self.doc.first_line(id);
        let line_no = self.doc.line_no(first.offset);
        // `### text ###`, or the first line of a setext heading. Entities (`&nbsp;`) are
        // decoded: Discord would show them as written.
        let text = heading(first.text).map_or(first.text.trim(), |(_, t)| t);
        let text = if text.contains('&') {
            html_escape::decode_html_entities(text).replace('\u{a0}', " ")
        } else {
            text.to_string()
        };
        let first_block = self.blocks_seen == self.front_matter_blocks;

        // `#### Explanation` inside a question is a label, not a section.
        if self.current.is_some()
            && (answer_line(&text).is_some() || explanation_label(&text).is_some())
        {
            self.route_line(line_no, &text);
            return;
        }
        if level == 1 && self.title.is_none() && self.current.is_none() && self.finished.is_empty()
        {
            self.title = Some((text, line_no));
            return;
        }
        let label = heading_label(&text);
        // `### 6 . A startup needs …` then `### As the consultant, which …?`, then options.
        if !matches!(label, HeadingLabel::Numbered { .. }) {
            if let Some(draft) = &mut self.current {
                if draft.awaiting_options()
                    && draft.level.is_some_and(|l| level >= l)
                    && options_ahead(&self.doc, &[], blocks, i + 1, Want::AnyList)
                {
                    draft.prompt_heading(&text);
                    return;
                }
            }
        }
        let starts = match &label {
            HeadingLabel::Numbered { .. } => true,
            HeadingLabel::Loose { .. } => {
                options_ahead(&self.doc, &[], blocks, i + 1, Want::AnyList)
            }
            HeadingLabel::Unnumbered => {
                options_ahead(&self.doc, &[], blocks, i + 1, Want::AnyList)
                    && answer_ahead(&self.doc, blocks, i + 1)
            }
        };
        if starts {
            let (number, prompt) = match label {
                HeadingLabel::Numbered { number, prompt }
                | HeadingLabel::Loose { number, prompt } => (Some(number), prompt),
                HeadingLabel::Unnumbered if is_kind_heading(&text) => (None, String::new()),
                HeadingLabel::Unnumbered => (None, text),
            };
            self.start_question(number, line_no, Some(level), prompt);
            return;
        }
        // `### An organisation plans …` then `### 5 . Is this assumption valid?`.
        let next_is_numbered = blocks.get(i + 1).is_some_and(|&next| {
            self.doc.node(next).kind == Kind::Heading(level)
                && matches!(
                    heading(self.doc.first_line(next).text).map(|(_, t)| heading_label(t)),
                    Some(HeadingLabel::Numbered { .. })
                )
        });
        if next_is_numbered && label == HeadingLabel::Unnumbered && reads_as_prose(&text) {
            self.finish_question();
            self.pending_prefix = Some(text);
            return;
        }
        let unread_question = label == HeadingLabel::Unnumbered
            && options_ahead(&self.doc, &[], blocks, i + 1, Want::Marked);
        self.section_heading(line_no, &text, first_block);
        if unread_question {
            self.other_warned = true;
            self.diagnostics.push(Diagnostic::warning(
                line_no,
                1,
                "this heading has options under it but no question number and no marked \
                 answer, so it is not read as a question: number it (`### 3. …`) or mark the \
                 correct option with `[x]`",
            ));
        }
    }

    fn section_heading(&mut self, line_no: usize, text: &str, first_block: bool) {
        self.finish_question();
        self.restart = true;
        self.section_since_question = true;
        self.pending_prefix = None;
        if first_block && self.title.is_none() {
            self.first_heading = Some((text.to_string(), line_no));
        }
        let lower = text.to_lowercase();
        let plain = lower.trim_matches(|c: char| !c.is_alphanumeric());
        let no_question_yet = self.finished.is_empty();
        self.section = if lower.contains("answer key") || matches!(plain, "answers" | "solutions") {
            Section::AnswerKey
        } else if lower.contains("scoring") || lower.contains("grading") {
            Section::Scoring
        } else if no_question_yet {
            Section::Preamble
        } else {
            Section::Other
        };
        self.other_warned = false;
        self.other_title = Some(text.to_string());
    }

    fn paragraph(&mut self, blocks: &[Id], i: usize) {
        let lines = self.doc.raw_lines(blocks[i]);
        for (k, line) in lines.iter().enumerate() {
            let line_no = self.doc.line_no(line.offset);
            if let Some((number, prompt)) =
                self.paragraph_start(&lines[k + 1..], line.text, blocks, i)
            {
                self.start_question(Some(number), line_no, None, prompt);
                continue;
            }
            self.route_line(line_no, line.text);
        }
    }

    /// A bold label or `Q67.` line starts a question when its number moves on (or numbering
    /// restarts after a heading) and options follow. Inside a fold or an Answer Key it never
    /// does: bold numbered lines there are the author's points.
    fn paragraph_start(
        &self,
        rest: &[Line<'_>],
        text: &str,
        blocks: &[Id],
        i: usize,
    ) -> Option<(u64, String)> {
        if matches!(self.section, Section::AnswerKey | Section::Scoring)
            || self.current.as_ref().is_some_and(Draft::in_details)
        {
            return None;
        }
        let (number, prompt) = paragraph_label(text)?;
        if !self.restart && self.last_number.is_some_and(|last| number <= last) {
            return None;
        }
        // The rest of this paragraph, up to the next label line.
        let until_label: Vec<&str> = rest
            .iter()
            .map(|l| l.text)
            .take_while(|t| paragraph_label(t).is_none())
            .collect();
        let stopped = until_label.len() < rest.len();
        let follow = if stopped {
            options_ahead(&self.doc, &until_label, &[], 0, Want::Any)
        } else {
            options_ahead(&self.doc, &until_label, blocks, i + 1, Want::Any)
        };
        follow.then_some((number, prompt))
    }

    /// Blocks inside a numbered question item, by their content lines.
    pub(super) fn nested_blocks(&mut self, blocks: &[Id]) {
        for (i, &id) in blocks.iter().enumerate() {
            if i > 0 && self.doc.gap_between(blocks[i - 1], id) {
                self.gap();
            }
            match self.doc.node(id).kind {
                Kind::Paragraph | Kind::Other => {
                    for line in self.doc.lines(id) {
                        self.route_line(self.doc.line_no(line.offset), line.text);
                    }
                }
                Kind::Heading(_) => {
                    let first = self.doc.first_line(id);
                    let text = heading(first.text).map_or(first.text.trim(), |(_, t)| t);
                    self.route_line(self.doc.line_no(first.offset), text);
                }
                Kind::List(_) => {
                    for item in self.doc.child_ids(id) {
                        self.route_item(item, false);
                    }
                }
                Kind::Html => {
                    for line in self.doc.lines(id) {
                        self.html_line(self.doc.line_no(line.offset), line.text);
                    }
                }
                Kind::Quote => {
                    // Bounded: the block tree is at most MAX_DEPTH deep.
                    let inner = self.doc.child_ids(id);
                    self.nested_blocks(&inner);
                }
                Kind::Code { .. } | Kind::Table => {
                    let lines = self.doc.text_lines(id);
                    let next_is_option = starts_with_option(&self.doc, blocks, i + 1);
                    self.text_block(id, &lines, next_is_option);
                }
                Kind::Rule | Kind::FrontMatter | Kind::Root | Kind::Item => {}
            }
        }
    }

    pub(super) fn text_block(&mut self, id: Id, lines: &[String], next_is_option: bool) {
        let line_no = self.doc.line_no(self.doc.node(id).start);
        match &mut self.current {
            Some(draft) => draft.block(line_no, lines, next_is_option),
            None if self.section == Section::Preamble => {
                self.description.extend(lines.iter().cloned())
            }
            None => {}
        }
    }

    fn table(&mut self, id: Id) {
        let lines = self.doc.raw_lines(id);
        if self.current.is_none() && self.section == Section::Scoring {
            for line in &lines {
                let cells: Vec<&str> = line
                    .text
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                if cells
                    .iter()
                    .all(|c| c.chars().all(|ch| matches!(ch, '-' | ':' | ' ')))
                {
                    continue; // the delimiter row
                }
                if let [range, label, ..] = cells.as_slice() {
                    if let Some(tier) = tier_line(&format!("{range}: {label}")) {
                        self.tiers.push((tier, self.doc.line_no(line.offset)));
                    }
                }
            }
            return;
        }
        let texts: Vec<String> = lines.iter().map(|l| l.text.to_string()).collect();
        match &mut self.current {
            Some(draft) => draft.block(self.doc.line_no(self.doc.node(id).start), &texts, false),
            None if self.section == Section::Preamble => self.description.extend(texts),
            None => {
                if let Some(first) = lines.first() {
                    if !self.other_warned {
                        self.other_warned = true;
                        self.diagnostics.push(Diagnostic::warning(
                            self.doc.line_no(first.offset),
                            1,
                            "this table is outside any question and is ignored (Discord shows \
                             no tables; scoring tiers go under a `## Scoring` heading)",
                        ));
                    }
                }
            }
        }
    }

    /// A line of an HTML block: `<details>` folds are structure, other HTML becomes Markdown.
    fn html_line(&mut self, line_no: usize, text: &str) {
        self.route(line_no, text, true);
    }

    /// A line of text, to the question being read or to the current section.
    pub(super) fn route_line(&mut self, line_no: usize, text: &str) {
        self.route(line_no, text, false);
    }

    /// `html`: the line comes from an HTML block, so its text is HTML to turn into Markdown.
    /// Inside a question, `<details>` tags on the line open and close folds, and the text
    /// between them is HTML wherever the line comes from.
    fn route(&mut self, line_no: usize, text: &str, html: bool) {
        match (details_parts(text), &mut self.current) {
            (Some(parts), Some(_)) => {
                for part in parts {
                    match part {
                        DetailsPart::Text(t) => self.route_html(line_no, t),
                        other => {
                            if let Some(draft) = &mut self.current {
                                draft.details(&other);
                            }
                        }
                    }
                }
            }
            (None, _) if html => self.route_html(line_no, text),
            _ => self.route_plain(line_no, text),
        }
    }

    /// Text that may hold HTML tags: as the Markdown lines they mean.
    fn route_html(&mut self, line_no: usize, text: &str) {
        if has_tag(text) {
            for md in to_markdown(text) {
                self.route_plain(line_no, &md);
            }
        } else {
            self.route_plain(line_no, text);
        }
    }

    fn route_plain(&mut self, line_no: usize, text: &str) {
        if is_shortcode(text) {
            return;
        }
        if let Some(draft) = &mut self.current {
            draft.line(line_no, text);
            return;
        }
        match self.section {
            Section::Preamble => self.description.push(text.to_string()),
            Section::Questions | Section::Other => self.stray(line_no, text),
            Section::AnswerKey if !is_blank(text) => match key_entry(text) {
                Some((number, value)) => self.key.push(KeyEntry {
                    number,
                    value,
                    line: line_no,
                    col: indent_col(text),
                }),
                None => self.diagnostics.push(Diagnostic::warning(
                    line_no,
                    indent_col(text),
                    "not an answer key entry (expected `3. b` or `3. b) option text`); ignored",
                )),
            },
            Section::Scoring if !is_blank(text) => match tier_line(text) {
                Some(tier) => self.tiers.push((tier, line_no)),
                None if strip_bullet(text).is_some() => self.diagnostics.push(Diagnostic::warning(
                    line_no,
                    indent_col(text),
                    "not a scoring tier (expected `9-10 correct: label`, `Below 5: label`, \
                     `8+ correct: label` or `80-100%: label`); ignored",
                )),
                None => {}
            },
            _ => {}
        }
    }

    /// Text outside any question: said once per section when it looks like part of one.
    pub(super) fn stray(&mut self, line_no: usize, text: &str) {
        if self.other_warned || is_blank(text) {
            return;
        }
        let boxed = option_line(text).is_some_and(|o| o.checked.is_some());
        let lettered = option_line(text).is_some_and(|o| o.letter.is_some());
        let message = if answer_line(text).is_some() {
            "this answer line is outside any question (after a `---` rule or a section \
             heading) and is ignored"
                .to_string()
        } else if boxed || lettered {
            "this option is outside any question and is ignored: a question starts with a \
             heading such as `### 3. …`, then its options"
                .to_string()
        } else if text.trim_end().ends_with('?') || paragraph_label(text).is_some() {
            match &self.other_title {
                Some(title) => format!(
                    "the section \"{}\" looks like questions but has no options, so it is not \
                     part of the quiz",
                    clip(title)
                ),
                None => "this looks like a question but has no options, so it is not part of \
                         the quiz"
                    .to_string(),
            }
        } else {
            return;
        };
        self.other_warned = true;
        self.diagnostics
            .push(Diagnostic::warning(line_no, indent_col(text), message));
    }

    pub(super) fn start_question(
        &mut self,
        number: Option<u64>,
        line_no: usize,
        level: Option<u8>,
        prompt: String,
    ) {
        self.finish_question();
        if self.section_since_question
            && number.is_some_and(|n| self.last_number.is_some_and(|last| n <= last))
        {
            self.run += 1;
        }
        let mut prompt_lines = Vec::with_capacity(2);
        if let Some(prefix) = self.pending_prefix.take() {
            prompt_lines.push(prefix);
        }
        prompt_lines.push(prompt);
        self.section = Section::Questions;
        self.restart = false;
        self.section_since_question = false;
        self.other_warned = false;
        if number.is_some() {
            self.last_number = number;
        }
        self.current = Some(Draft::new(number, line_no, level, self.run, &prompt_lines));
    }
}

/// A heading that reads as the first half of a prompt: a sentence.
fn reads_as_prose(text: &str) -> bool {
    let t = text.trim();
    t.ends_with(['.', '?', ':']) || t.split_whitespace().count() >= 8
}

/// Hugo and Docusaurus shortcodes (`{{< quizdown >}}`): markup of a site, not text.
fn is_shortcode(text: &str) -> bool {
    let t = text.trim();
    (t.starts_with("{{<") && t.ends_with(">}}")) || (t.starts_with("{{%") && t.ends_with("%}}"))
}

fn clip(text: &str) -> String {
    let mut out: String = text.chars().take(60).collect();
    if text.chars().count() > 60 {
        out.push('…');
    }
    out
}
