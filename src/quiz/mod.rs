//! Quiz files: the model, the formats that parse into it, and the validation that stands
//! between a file and a quiz night (docs/quiz-format.md).
//!
//! Every entry point takes bytes or text and returns diagnostics; none panics, whatever the input.
//!
//! The domain core: `quiz/` imports nothing of the crate above it (a test, `tests/layering.rs`,
//! holds it to that). Whether a question fits Discord's messages is asked of the [`Fit`] the
//! caller passes — the bot's is `render::preflight::DiscordFit`, which renders the question.

mod aiken;
pub mod archive;
mod cards;
pub mod diagnostic;
pub mod fit;
mod gift;
pub mod images;
pub mod inert;
mod json;
mod kahoot;
mod line_index;
mod markdown;
pub mod model;
mod opentdb;
mod red;
pub mod show;
mod toml_format;
mod validate;
pub mod write;
mod xlsx;

use std::io::Read;
use std::path::Path;

pub use self::diagnostic::{Diagnostic, Severity};
pub use self::fit::Fit;
pub use self::model::{Pick, Picture, Question, Quiz, Tier};

/// The file formats a quiz can be written in, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Toml,
    /// `.json`: an Open Trivia DB export, or a plain list of questions.
    Json,
    /// `.yaml`/`.yml`: a Red-DiscordBot trivia list.
    RedTrivia,
    /// `.gift`: Moodle's GIFT.
    Gift,
    /// `.csv`: a Kahoot-style sheet of questions.
    Csv,
    /// `.xlsx`: the same sheet as a workbook (Kahoot's template).
    Xlsx,
    /// `.tsv`: flashcards, front and back (Quizlet's export).
    Cards,
    /// `.txt`: Aiken, GIFT or flashcards, told apart by their content.
    Text,
}

/// The extensions quizbot reads, in the order it looks for a quiz by id.
pub const EXTENSIONS: [&str; 11] = [
    "md", "markdown", "toml", "json", "yaml", "yml", "gift", "csv", "xlsx", "tsv", "txt",
];
/// The formats, for messages that say what to use instead.
pub const FORMATS_SHORT: &str = ".md, .toml, .json, .yaml, .gift, .txt, .csv, .tsv or .xlsx";
/// The formats with what each holds, for messages to someone who sent something else.
pub const FORMATS_EXPLAINED: &str = ".md (Markdown), .toml, .json (an Open Trivia DB export or a \
     list of questions), .yaml (a Red trivia list), .gift or .txt (Moodle GIFT or Aiken), .csv \
     or .xlsx (a Kahoot-style sheet), or .tsv, .txt or .csv flashcards (Quizlet, Anki)";

impl Format {
    /// Other files use this extension too (notes, data, configuration): such a file is a quiz
    /// only when its content reads as one ([`looks_like_quiz`]).
    pub fn shares_its_extension(self) -> bool {
        matches!(
            self,
            Format::Text | Format::Csv | Format::Cards | Format::RedTrivia
        )
    }

    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "md" | "markdown" => Some(Format::Markdown),
            "toml" => Some(Format::Toml),
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::RedTrivia),
            "gift" => Some(Format::Gift),
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            "tsv" => Some(Format::Cards),
            "txt" => Some(Format::Text),
            _ => None,
        }
    }
}

/// What a parser hands to validation: the quiz as read, where each part came from, the
/// questions it read but cannot play, and the problems found while reading.
#[derive(Debug)]
pub struct Parsed {
    pub quiz: Quiz,
    pub map: SourceMap,
    pub left_out: Vec<LeftOut>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// A quiz imported from a list of questions (Red, GIFT, Aiken, sheets, cards): its title
    /// is the file name in words, as those formats have none.
    pub fn list(
        id: &str,
        questions: Vec<Question>,
        left_out: Vec<LeftOut>,
        diagnostics: Vec<Diagnostic>,
    ) -> Parsed {
        let quiz = Quiz {
            id: id.to_string(),
            title: opentdb::humanize(id),
            description: String::new(),
            question_seconds: None,
            questions,
            tiers: Vec::new(),
        };
        let mut parsed = Parsed::imported(quiz, diagnostics);
        parsed.left_out = left_out;
        parsed
    }

    /// A quiz read from a format that gives each question one line (JSON): every part of a
    /// question is pointed at that line.
    pub fn imported(quiz: Quiz, diagnostics: Vec<Diagnostic>) -> Parsed {
        let questions = quiz
            .questions
            .iter()
            .map(|q| QuestionSpans {
                line: q.line,
                options: Vec::new(),
                answer: Some(q.line),
                explanation: None,
                name: None,
            })
            .collect();
        Parsed {
            quiz,
            map: SourceMap {
                title_line: 1,
                questions,
                tiers: Vec::new(),
            },
            left_out: Vec::new(),
            diagnostics,
        }
    }
}

/// A question read from a file that the quiz does not play (each comes with a warning that
/// says why): `quizbot show` lists it in its place, so nothing read is hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// 1-based line where the question starts.
    pub line: usize,
    pub prompt: String,
    pub options: Vec<String>,
    /// The correct option as read, when one was marked.
    pub answers: Vec<usize>,
    pub explanation: String,
    pub reason: LeftOutReason,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeftOutReason {
    /// Fewer than two options (a fill-in question has none) or more than ten.
    OptionCount(usize),
    NoAnswer,
}

/// Source positions of the quiz's parts, for diagnostics found after parsing.
#[derive(Debug, Default)]
pub struct SourceMap {
    /// 0 when the quiz has no title line.
    pub title_line: usize,
    pub questions: Vec<QuestionSpans>,
    /// One line per tier, in the quiz's tier order.
    pub tiers: Vec<usize>,
}

#[derive(Debug, Default, Clone)]
pub struct QuestionSpans {
    pub line: usize,
    /// (line, column) of each option.
    pub options: Vec<(usize, usize)>,
    pub answer: Option<usize>,
    pub explanation: Option<usize>,
    /// How messages name the question ("question 12", as its author numbered it); `None`:
    /// by its position.
    pub name: Option<String>,
}

/// The outcome of checking one file.
#[derive(Debug)]
pub struct Checked {
    /// Present when no error was found.
    pub quiz: Option<Quiz>,
    /// Questions read but not played, in file order.
    pub left_out: Vec<LeftOut>,
    /// Errors first, then warnings, each sorted by line.
    pub diagnostics: Vec<Diagnostic>,
    /// The decoded text, when the bytes were UTF-8, for showing source lines.
    pub source: Option<String>,
    /// The bytes of the image files the quiz's questions show ([`Picture::hash`] → bytes).
    pub images: images::PictureBytes,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.is_error())
    }

    /// The diagnostics rendered compiler style, for a terminal or an ephemeral reply: every
    /// error, then warnings up to `max` problems in all, then a line counting the warnings not
    /// shown. The cap never hides an error.
    pub fn render(&self, path: &str, max: usize) -> String {
        let max = max.max(self.errors().count());
        let shown = &self.diagnostics[..max.min(self.diagnostics.len())];
        // Only the lines shown are looked up: a 10 MiB file has a million others.
        let wanted: std::collections::BTreeSet<usize> = shown
            .iter()
            .flat_map(|d| std::iter::once(d.line).chain(d.related_line))
            .collect();
        let lines: Option<std::collections::HashMap<usize, &str>> =
            self.source.as_deref().map(|s| {
                let last = wanted.last().copied().unwrap_or(0);
                s.lines()
                    .take(last)
                    .enumerate()
                    .filter(|(i, _)| wanted.contains(&(i + 1)))
                    .map(|(i, l)| (i + 1, l))
                    .collect()
            });
        let mut out: String = shown
            .iter()
            .map(|d| d.render(path, lines.as_ref().map(|l| |n: usize| l.get(&n).copied())))
            .collect();
        if self.diagnostics.len() > max {
            let hidden = &self.diagnostics[max..];
            let errors = hidden.iter().filter(|d| d.is_error()).count();
            let warnings = hidden.len() - errors;
            let mut parts = Vec::new();
            if errors > 0 {
                parts.push(format!("{errors} more error{}", plural(errors)));
            }
            if warnings > 0 {
                parts.push(format!("{warnings} more warning{}", plural(warnings)));
            }
            out.push_str(&format!("{path}: … and {}\n", parts.join(" and ")));
        }
        out
    }

    /// A file that could not be read for a reason of ours, not the file's.
    pub fn internal_failure(message: &str) -> Self {
        Self::failed(Diagnostic::error(0, 0, message), None)
    }

    fn failed(diagnostic: Diagnostic, source: Option<String>) -> Self {
        Checked {
            quiz: None,
            left_out: Vec::new(),
            diagnostics: vec![diagnostic],
            source,
            images: images::PictureBytes::new(),
        }
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// A quiz's id: its file name without extension.
pub fn quiz_id(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "quiz".to_string())
}

/// Parses and validates a quiz file's bytes; `fit` measures each question's messages. The
/// quiz has nothing beside it: an image file it names is missing (a warning).
pub fn check_bytes(id: &str, format: Format, bytes: &[u8], fit: &dyn Fit) -> Checked {
    check_with(id, format, bytes, fit, &images::Alone)
}

/// How flashcards are read: as typed answers (`distractors` 0), or multiple choice with that
/// many wrong options drawn from the other cards (`quizbot convert --distractors N`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadOptions {
    pub distractors: usize,
}

/// [`check_bytes`], with the quiz's image files read from `pictures`.
pub fn check_with(
    id: &str,
    format: Format,
    bytes: &[u8],
    fit: &dyn Fit,
    pictures: &dyn images::ImageSource,
) -> Checked {
    check_read(id, format, bytes, fit, pictures, ReadOptions::default())
}

fn check_read(
    id: &str,
    format: Format,
    bytes: &[u8],
    fit: &dyn Fit,
    pictures: &dyn images::ImageSource,
    options: ReadOptions,
) -> Checked {
    if bytes.len() > model::MAX_FILE_BYTES {
        return Checked::failed(
            Diagnostic::error(
                0,
                0,
                format!(
                    "the file has {} bytes; quiz files may have at most 10 MiB ({} bytes)",
                    bytes.len(),
                    model::MAX_FILE_BYTES
                ),
            ),
            None,
        );
    }
    // A workbook is binary; every other format is text, and its diagnostics show the line.
    let (parsed, text) = if format == Format::Xlsx {
        (xlsx::parse(id, bytes), "")
    } else {
        let text = match std::str::from_utf8(bytes) {
            Ok(text) => text,
            Err(e) => return Checked::failed(utf8_error(bytes, e.valid_up_to()), None),
        };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let parsed = match format {
            Format::Markdown => Ok(markdown::parse(id, text)),
            Format::Toml => toml_format::parse(id, text),
            Format::Json => json::parse(id, text),
            Format::RedTrivia => red::parse(id, text),
            Format::Gift => gift::parse(id, text),
            Format::Csv => read_csv(id, text, options),
            Format::Xlsx => xlsx::parse(id, text.as_bytes()),
            Format::Cards => cards::parse(id, text, options.distractors),
            Format::Text => read_text(id, text, options),
        };
        (parsed, text)
    };
    let source = (!text.is_empty()).then(|| text.to_string());
    let mut parsed = match parsed {
        Ok(parsed) => parsed,
        Err(fatal) => return Checked::failed(fatal, source),
    };
    // Before validation: the limits are checked on the text as it will be shown.
    make_inert(&mut parsed.quiz);
    validate::validate(&mut parsed, fit);
    let Parsed {
        mut quiz,
        mut diagnostics,
        left_out,
        ..
    } = parsed;
    let (problems, images) = images::attach(&mut quiz, pictures, text);
    diagnostics.extend(problems);
    diagnostic::sort(&mut diagnostics);
    let ok = !diagnostics.iter().any(Diagnostic::is_error);
    Checked {
        quiz: ok.then_some(quiz),
        left_out,
        diagnostics,
        source,
        images: if ok {
            images
        } else {
            images::PictureBytes::new()
        },
    }
}

/// For extensions other files share (`.txt`, `.csv`, `.tsv`, `.yaml`): does this file read
/// as a quiz of that format at all? `check FOLDER` skips one that does not, as it skips any
/// other file; a file named on the command line is always checked.
pub fn looks_like_quiz(path: &Path) -> bool {
    let Some(format) = Format::from_path(path) else {
        return false;
    };
    if !format.shares_its_extension() {
        return true;
    }
    let mut head = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| f.take(64 * 1024).read_to_end(&mut head));
    if read.is_err() {
        return true; // `check` says why it cannot be read
    }
    let text = String::from_utf8_lossy(&head);
    match format {
        Format::Text => {
            cards::looks_like(&text) || aiken::looks_like(&text) || gift::looks_like(&text)
        }
        Format::Cards => cards::looks_like(&text),
        Format::Csv => kahoot::has_header(&text) || cards::looks_like(&text),
        // A Red list: some `question:` line with `- answer` lines under it.
        _ => text.lines().collect::<Vec<_>>().windows(2).any(|w| {
            w[0].trim_end().ends_with(':') && !w[0].starts_with(' ') && w[1].starts_with("- ")
        }),
    }
}

/// A `.csv` is a Kahoot-style sheet when it has such a header, else flashcards (Quizlet's
/// comma export: front, back).
fn read_csv(id: &str, text: &str, options: ReadOptions) -> Result<Parsed, Diagnostic> {
    kahoot::parse_csv(id, text).or_else(|sheet_error| {
        let two_columns = text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .is_some_and(|l| l.split(',').count() == 2);
        if two_columns || text.starts_with("#separator:") {
            cards::parse(id, text, options.distractors)
        } else {
            Err(sheet_error)
        }
    })
}

/// A `.txt` is read as what its content is: Anki's or Quizlet's cards, Aiken, or GIFT.
fn read_text(id: &str, text: &str, options: ReadOptions) -> Result<Parsed, Diagnostic> {
    if cards::looks_like(text) {
        cards::parse(id, text, options.distractors)
    } else if aiken::looks_like(text) {
        aiken::parse(id, text)
    } else if gift::looks_like(text) {
        gift::parse(id, text)
    } else {
        Err(Diagnostic::error(
            1,
            1,
            "quizbot cannot tell which quiz format this .txt file is: it reads Aiken (`A. …` \
             options and `ANSWER: B`), Moodle GIFT (`{=right ~wrong}`) and flashcards (front and \
             back separated by a tab, or Anki's `#separator:` header)",
        ))
    }
}

/// Every text of the quiz through [`inert::inert`]: it came from outside.
fn make_inert(quiz: &mut Quiz) {
    for text in [&mut quiz.title, &mut quiz.description] {
        *text = inert::inert(text);
    }
    for q in &mut quiz.questions {
        q.prompt = inert::inert(&q.prompt);
        q.explanation = inert::inert(&q.explanation);
        for o in &mut q.options {
            *o = inert::inert(o);
        }
    }
    for t in &mut quiz.tiers {
        t.label = inert::inert(&t.label);
    }
}

/// Unpacks a `.zip` upload and checks the quiz in it with the archive's images; an image the
/// quiz names that the archive lacks is an error (the author packed the quiz to send them).
/// Diagnostics point into the quiz file, `archive::Unpacked::quiz_path` in the archive.
pub fn check_archive(id: &str, bytes: &[u8], fit: &dyn Fit) -> (Checked, Option<String>) {
    match archive::unpack(bytes) {
        Ok(u) => {
            let checked = check_with(id, u.format, &u.quiz, fit, &images::Archive(&u.files));
            (checked, Some(u.quiz_path))
        }
        Err(why) => (Checked::failed(Diagnostic::error(0, 0, why), None), None),
    }
}

/// Checks a quiz file with the images beside it ([`check_file`]), or a `.zip` with the images
/// in it ([`check_archive`]).
pub fn check_path(path: &Path, fit: &dyn Fit) -> Checked {
    if !archive::is_archive(path) {
        return check_file(path, fit);
    }
    let mut bytes = Vec::new();
    let read = std::fs::File::open(path).and_then(|f| {
        f.take(archive::MAX_ARCHIVE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
    });
    match read {
        Ok(_) => check_archive(&quiz_id(path), &bytes, fit).0,
        Err(e) => Checked::failed(
            Diagnostic::error(0, 0, format!("cannot read the file: {e}")),
            None,
        ),
    }
}

/// Reads and checks a file. Reads at most one byte past the size limit, so a huge file costs
/// nothing; an unreadable file or unknown extension is an error like any other.
pub fn check_file(path: &Path, fit: &dyn Fit) -> Checked {
    check_file_read(path, fit, ReadOptions::default())
}

/// [`check_file`], with flashcards read as `options` say.
pub fn check_file_read(path: &Path, fit: &dyn Fit, options: ReadOptions) -> Checked {
    let Some(format) = Format::from_path(path) else {
        return Checked::failed(
            Diagnostic::error(
                0,
                0,
                format!("not a quiz format quizbot reads: use {FORMATS_EXPLAINED}"),
            ),
            None,
        );
    };
    let size = std::fs::metadata(path).map_or(0, |m| m.len() as usize);
    let mut bytes = Vec::with_capacity(size.min(model::MAX_FILE_BYTES) + 1);
    let read = std::fs::File::open(path).and_then(|f| {
        f.take(model::MAX_FILE_BYTES as u64 + 1)
            .read_to_end(&mut bytes)
    });
    if let Err(e) = read {
        return Checked::failed(
            Diagnostic::error(0, 0, format!("cannot read the file: {e}")),
            None,
        );
    }
    if bytes.len() > model::MAX_FILE_BYTES {
        let size = std::fs::metadata(path).map_or(bytes.len() as u64, |m| m.len());
        return Checked::failed(
            Diagnostic::error(
                0,
                0,
                format!(
                    "the file has {size} bytes; quiz files may have at most 10 MiB ({} bytes)",
                    model::MAX_FILE_BYTES
                ),
            ),
            None,
        );
    }
    let folder = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    check_read(
        &quiz_id(path),
        format,
        &bytes,
        fit,
        &images::Folder(folder),
        options,
    )
}

/// Points at the first byte that is not UTF-8.
fn utf8_error(bytes: &[u8], valid_up_to: usize) -> Diagnostic {
    let before = &bytes[..valid_up_to];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    // `before` is valid UTF-8 by construction, so counting its characters is exact.
    let col = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    Diagnostic::error(
        line,
        col,
        format!(
            "the file is not valid UTF-8 (byte 0x{:02x} at offset {valid_up_to}); save it as UTF-8",
            bytes[valid_up_to]
        ),
    )
}
