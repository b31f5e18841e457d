//! Problems found in a quiz file, printed compiler style:
//! `path:line:col: error: message`, then the source line(s) it points at.

use std::fmt::Write as _;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    /// 1-based; 0 when the problem concerns the whole file (no line to show).
    pub line: usize,
    /// 1-based, in characters.
    pub col: usize,
    pub message: String,
    /// Another line the message names (the inline answer an Answer Key contradicts).
    pub related_line: Option<usize>,
}

/// The start of a text, for a message that names it: at most 60 characters, `…` when cut.
pub fn short(text: &str) -> String {
    let mut s: String = text.chars().take(60).collect();
    if s.len() < text.len() {
        s.push('…');
    }
    s
}

impl Diagnostic {
    pub fn error(line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            line,
            col,
            message: message.into(),
            related_line: None,
        }
    }

    pub fn warning(line: usize, col: usize, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(line, col, message)
        }
    }

    pub fn with_related(mut self, line: usize) -> Self {
        self.related_line = Some(line);
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `path:line:col: error: message` followed by the source lines, ready to print.
    /// `lines` gives a line of the file by its number, when the file could be decoded.
    pub fn render<'a>(
        &self,
        path: &str,
        lines: Option<impl Fn(usize) -> Option<&'a str>>,
    ) -> String {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut out = format!(
            "{path}:{}:{}: {kind}: {}\n",
            self.line.max(1),
            self.col.max(1),
            self.message
        );
        let Some(lines) = lines else {
            return out;
        };
        let mut shown = vec![self.line];
        shown.extend(self.related_line);
        let width = shown.iter().max().map_or(1, |n| n.to_string().len());
        for (i, &line) in shown.iter().enumerate() {
            if line == 0 {
                continue;
            }
            let Some(text) = lines(line) else {
                continue;
            };
            // Long lines (a minified JSON file is one line) are cut so the terminal stays readable.
            let shown_text: String = text.chars().take(160).collect();
            let _ = writeln!(out, "{line:>width$} | {shown_text}");
            if i == 0 && self.col > 0 && self.col <= 160 {
                let _ = writeln!(out, "{:>width$} | {:>col$}", "", "^", col = self.col);
            }
        }
        out
    }
}

/// Errors before warnings, each sorted by line, for stable output that puts what must be fixed
/// first.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.severity, a.line, a.col, &a.message).cmp(&(b.severity, b.line, b.col, &b.message))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_location_message_and_source_line_with_caret() {
        let d = Diagnostic::error(2, 3, "no answer for question 1");
        let lines = ["# T", "- a) x"];
        let text = d.render("q.md", Some(|n: usize| lines.get(n - 1).copied()));
        assert_eq!(
            text,
            "q.md:2:3: error: no answer for question 1\n2 | - a) x\n  |   ^\n"
        );
    }

    #[test]
    fn shows_the_related_line_too() {
        let d = Diagnostic::error(3, 1, "disagree").with_related(1);
        let lines = ["one", "two", "three"];
        let text = d.render("q.md", Some(|n: usize| lines.get(n - 1).copied()));
        assert!(text.contains("3 | three\n"), "{text}");
        assert!(text.contains("1 | one\n"), "{text}");
    }

    #[test]
    fn whole_file_problems_point_at_line_one_without_source() {
        let d = Diagnostic::error(0, 0, "file is larger than 1 MiB");
        assert_eq!(
            d.render("big.md", None::<fn(usize) -> Option<&'static str>>),
            "big.md:1:1: error: file is larger than 1 MiB\n"
        );
    }
}
