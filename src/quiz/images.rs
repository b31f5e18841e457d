//! Images in quiz text (docs/quiz-format.md, "Images"): where `![alt](target)` points, and the
//! picture files a quiz ships beside it (in its folder, or in the `.zip` it was uploaded in).
//!
//! A file image is read once, when the quiz is checked: its type is known by its first bytes
//! (PNG, JPEG, GIF or WebP, the ones Discord shows in an embed), its size is held to Discord's
//! attachment limit, and it is named by the SHA-256 of its bytes. The question keeps only that
//! name ([`Picture`]); the bytes go to whoever sends the messages, so that a quiz stored as JSON
//! with a session stays small and a restart finds the same picture again.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

use sha2::{Digest, Sha256};

use super::line_index::LineIndex;
use super::model::{Picture, Quiz};
use super::Diagnostic;

/// Largest image file: Discord's attachment limit for a bot (10 MiB unless the server is
/// boosted; docs/discord.md, "Attachments").
pub const MAX_IMAGE_BYTES: usize = 10 * 1024 * 1024;
/// Every picture of one question goes out with one message (the reveal carries the question's
/// and the explanation's), and one message carries at most ten files of 10 MiB in all.
pub const MAX_QUESTION_IMAGE_BYTES: usize = MAX_IMAGE_BYTES;
pub const MAX_QUESTION_IMAGES: usize = 10;

/// One `![alt](target)` in a text, at byte offsets `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub alt: &'a str,
    pub target: &'a str,
    pub start: usize,
    pub end: usize,
}

/// Every image of `text`, in order: `![alt](target)` or `![alt](target "title")`, on one line.
/// Inside code (a `` `span` `` or a fenced block) it is text about Markdown, shown as written.
pub fn refs(text: &str) -> Vec<ImageRef<'_>> {
    let code = code_ranges(text);
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("![") {
        let start = from + at;
        let after = start + 2;
        if let Some(r) = code.iter().find(|r| r.contains(&start)) {
            from = r.end.max(after);
            continue;
        }
        match image_at(&text[after..]) {
            Some((alt, target, used)) => {
                found.push(ImageRef {
                    alt,
                    target,
                    start,
                    end: after + used,
                });
                from = after + used;
            }
            None => from = after,
        }
    }
    found
}

/// Byte ranges of the code in `text`: fenced blocks (between lines starting with three
/// backticks or tildes, or to the end) and inline spans (a run of backticks to the next run of
/// the same length; an unclosed run is text).
fn code_ranges(text: &str) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut fence: Option<usize> = None;
    let mut offset = 0;
    let mut prose_start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            match fence.take() {
                Some(open) => ranges.push(open..offset + line.len()),
                None => {
                    inline_code(text, prose_start..offset, &mut ranges);
                    fence = Some(offset);
                }
            }
            prose_start = offset + line.len();
        }
        offset += line.len();
    }
    match fence {
        Some(open) => ranges.push(open..text.len()),
        None => inline_code(text, prose_start..text.len(), &mut ranges),
    }
    ranges
}

fn inline_code(
    text: &str,
    within: std::ops::Range<usize>,
    ranges: &mut Vec<std::ops::Range<usize>>,
) {
    let bytes = text.as_bytes();
    let run_at = |i: usize| {
        bytes[i..within.end]
            .iter()
            .take_while(|&&b| b == b'`')
            .count()
    };
    let mut i = within.start;
    while i < within.end {
        if bytes[i] != b'`' {
            i += 1;
            continue;
        }
        let n = run_at(i);
        let mut j = i + n;
        let mut closed = None;
        while j < within.end {
            if bytes[j] == b'`' {
                let m = run_at(j);
                if m == n {
                    closed = Some(j + m);
                    break;
                }
                j += m;
            } else {
                j += 1;
            }
        }
        match closed {
            Some(end) => {
                ranges.push(i..end);
                i = end;
            }
            None => i += n,
        }
    }
}

/// After `![`: the alt text, the target and how many bytes the image took, if `alt](target)`
/// (with an optional `"title"`) follows on one line.
fn image_at(s: &str) -> Option<(&str, &str, usize)> {
    let close = s.find(']')?;
    let alt = &s[..close];
    if alt.contains('\n') || alt.contains('[') {
        return None;
    }
    let inner = s[close + 1..].strip_prefix('(')?;
    let end = inner.find(')')?;
    let target_and_title = &inner[..end];
    if target_and_title.contains('\n') {
        return None;
    }
    let target = target_and_title.split_whitespace().next()?;
    let target = target.trim_start_matches('<').trim_end_matches('>');
    Some((alt, target, close + 2 + end + 1))
}

/// What an image's target names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    /// An `http(s)` URL Discord fetches itself.
    Web,
    /// A file beside the quiz: its path from the quiz's folder, `/`-separated, without `.`,
    /// `..`, query or fragment.
    File(String),
    /// Neither; the reason, for the error.
    Refused(&'static str),
}

pub fn is_web(target: &str) -> bool {
    let lower = target.to_ascii_lowercase();
    (lower.starts_with("https://") || lower.starts_with("http://"))
        && target.len() <= 2_000
        && !target.contains(['<', '>', ' ', '"'])
}

/// Where `target` points. A relative path may not leave the quiz's folder (an uploaded archive
/// has nothing outside it, and a bundled quiz must not read the server's files).
pub fn place(target: &str) -> Place {
    if is_web(target) {
        return Place::Web;
    }
    let scheme = target
        .find(':')
        .is_some_and(|i| target[..i].chars().all(|c| c.is_ascii_alphanumeric()) && i > 1);
    if scheme {
        return Place::Refused("only https:// images and image files beside the quiz can be shown");
    }
    // GitHub-style `images/x.png?raw=true`: the file is the part before the query.
    let path = target.split(['?', '#']).next().unwrap_or_default();
    let path = percent_decoded(path).replace('\\', "/");
    if path.starts_with('/') || path.as_bytes().get(1) == Some(&b':') {
        return Place::Refused("an absolute path: name the image relative to the quiz file");
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if parts.pop().is_none() {
                    return Place::Refused("the path leaves the quiz's folder");
                }
            }
            p => parts.push(p),
        }
    }
    if parts.is_empty() {
        return Place::Refused("the image names no file");
    }
    Place::File(parts.join("/"))
}

/// `%20` and the like decoded, when they spell UTF-8; anything else as written.
fn percent_decoded(s: &str) -> String {
    if !s.contains('%') {
        return s.to_string();
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| s.to_string())
}

/// A name with a picture's extension (an archive keeps such a file whatever its bytes, so
/// that a broken picture is reported rather than silently missing; `check` does not list it
/// as a skipped file).
pub fn is_image_name(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [
        ".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".tif", ".tiff", ".avif", ".heic",
    ]
    .iter()
    .any(|e| lower.ends_with(e))
}

/// The image types Discord shows inside an embed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageKind {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl ImageKind {
    /// The type the bytes are, by their signature (never by the name alone: a renamed file is
    /// caught here rather than by a broken picture in Discord).
    pub fn sniff(bytes: &[u8]) -> Option<ImageKind> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageKind::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageKind::Jpeg)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(ImageKind::Gif)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageKind::Webp)
        } else {
            None
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            ImageKind::Png => "image/png",
            ImageKind::Jpeg => "image/jpeg",
            ImageKind::Gif => "image/gif",
            ImageKind::Webp => "image/webp",
        }
    }
}

/// What a source gives for one path.
#[derive(Debug)]
pub enum Fetched {
    Bytes(Vec<u8>),
    Missing,
    /// Its size, over [`MAX_IMAGE_BYTES`]; the bytes were not read.
    TooLarge(u64),
    Unreadable(String),
}

/// Where a quiz's image files are.
pub trait ImageSource {
    fn fetch(&self, path: &str) -> Fetched;
    /// The source holds every file the author meant to send (an uploaded archive): a missing
    /// image is then an error. Beside a file on disk it is a warning, and the question is asked
    /// without its picture (a quiz copied without its folder still plays).
    fn complete(&self) -> bool;
    /// Where a missing file was looked for, for the message ("beside the quiz").
    fn looked(&self) -> &'static str;
}

/// The folder a quiz file is in.
pub struct Folder(pub PathBuf);

impl ImageSource for Folder {
    fn fetch(&self, path: &str) -> Fetched {
        let file = self.0.join(path);
        match std::fs::metadata(&file) {
            Ok(m) if !m.is_file() => Fetched::Missing,
            Ok(m) if m.len() > MAX_IMAGE_BYTES as u64 => Fetched::TooLarge(m.len()),
            Ok(_) => match std::fs::read(&file) {
                Ok(bytes) if bytes.len() > MAX_IMAGE_BYTES => Fetched::TooLarge(bytes.len() as u64),
                Ok(bytes) => Fetched::Bytes(bytes),
                Err(e) => Fetched::Unreadable(e.to_string()),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Fetched::Missing,
            Err(e) => Fetched::Unreadable(e.to_string()),
        }
    }
    fn complete(&self) -> bool {
        false
    }
    fn looked(&self) -> &'static str {
        "beside the quiz file"
    }
}

/// A quiz uploaded as one file: it has no files beside it.
pub struct Alone;

impl ImageSource for Alone {
    fn fetch(&self, _: &str) -> Fetched {
        Fetched::Missing
    }
    fn complete(&self) -> bool {
        false
    }
    fn looked(&self) -> &'static str {
        "in a quiz uploaded alone; upload a .zip with the quiz and its images"
    }
}

/// Image files by their path inside an archive.
pub struct Archive<'a>(pub &'a BTreeMap<String, Vec<u8>>);

impl ImageSource for Archive<'_> {
    fn fetch(&self, path: &str) -> Fetched {
        match self.0.get(path) {
            Some(bytes) if bytes.len() > MAX_IMAGE_BYTES => Fetched::TooLarge(bytes.len() as u64),
            Some(bytes) => Fetched::Bytes(bytes.clone()),
            None => Fetched::Missing,
        }
    }
    fn complete(&self) -> bool {
        true
    }
    fn looked(&self) -> &'static str {
        "in the archive"
    }
}

/// The bytes of every picture a quiz uses, by [`Picture::hash`].
pub type PictureBytes = BTreeMap<String, Arc<[u8]>>;

/// Reads every file image of the quiz from `source` into its questions' [`Picture`]s;
/// problems point at the image in `text` (the quiz's source). A file used twice is read once.
pub fn attach(
    quiz: &mut Quiz,
    source: &dyn ImageSource,
    text: &str,
) -> (Vec<Diagnostic>, PictureBytes) {
    let index = LineIndex::new(text);
    let mut problems = Vec::new();
    let mut bytes_by_hash = PictureBytes::new();
    let mut read: BTreeMap<String, Option<Picture>> = BTreeMap::new();
    for q in &mut quiz.questions {
        let question_start = index.start(q.line);
        let texts = std::iter::once(&q.prompt)
            .chain(&q.options)
            .chain(std::iter::once(&q.explanation));
        let mut wanted: Vec<(String, String)> = Vec::new();
        for t in texts {
            for r in refs(t) {
                match place(r.target) {
                    Place::Web => {}
                    Place::Refused(why) => {
                        let (line, col) = position(text, &index, question_start, r.target);
                        problems.push(Diagnostic::error(
                            line,
                            col,
                            format!("image `{}`: {why}", r.target),
                        ));
                    }
                    Place::File(path) => {
                        if !wanted.iter().any(|(p, _)| *p == path) {
                            wanted.push((path, r.target.to_string()));
                        }
                    }
                }
            }
        }
        let mut pictures: Vec<Picture> = Vec::new();
        for (path, target) in wanted {
            let found = read
                .entry(path.clone())
                .or_insert_with(|| {
                    let (line, col) = position(text, &index, question_start, &target);
                    match load(&path, source) {
                        Ok((picture, data)) => {
                            bytes_by_hash.insert(picture.hash.clone(), data);
                            Some(picture)
                        }
                        Err(Unusable::Error(message)) => {
                            problems.push(Diagnostic::error(line, col, message));
                            None
                        }
                        Err(Unusable::Warning(message)) => {
                            problems.push(Diagnostic::warning(line, col, message));
                            None
                        }
                    }
                })
                .clone();
            if let Some(mut picture) = found {
                picture.filename = unique_name(&picture.filename, &pictures);
                pictures.push(picture);
            }
        }
        let total: usize = pictures.iter().map(|p| p.size).sum();
        if pictures.len() > MAX_QUESTION_IMAGES || total > MAX_QUESTION_IMAGE_BYTES {
            problems.push(Diagnostic::error(
                q.line,
                1,
                format!(
                    "this question's {} image files add up to {}; one Discord message carries at most {} files and {} in all",
                    pictures.len(),
                    size_text(total as u64),
                    MAX_QUESTION_IMAGES,
                    size_text(MAX_QUESTION_IMAGE_BYTES as u64)
                ),
            ));
        }
        q.pictures = pictures;
    }
    (problems, bytes_by_hash)
}

/// Why an image file is not sent: an error refuses the quiz, a warning asks without it.
enum Unusable {
    Error(String),
    Warning(String),
}

/// Reads one image: the picture and its bytes.
fn load(path: &str, source: &dyn ImageSource) -> Result<(Picture, Arc<[u8]>), Unusable> {
    let bytes = match source.fetch(path) {
        Fetched::Bytes(b) => b,
        Fetched::Missing => {
            return Err(if source.complete() {
                Unusable::Error(format!("image `{path}` is not {}", source.looked()))
            } else {
                Unusable::Warning(format!(
                    "image `{path}` is not {}: the question is asked without it",
                    source.looked()
                ))
            });
        }
        Fetched::TooLarge(n) => {
            return Err(Unusable::Error(format!(
                "image `{path}` has {n} bytes; Discord takes files of at most {} ({MAX_IMAGE_BYTES} bytes)",
                size_text(MAX_IMAGE_BYTES as u64)
            )))
        }
        Fetched::Unreadable(e) => {
            return Err(Unusable::Error(format!("image `{path}` cannot be read: {e}")))
        }
    };
    let Some(kind) = ImageKind::sniff(&bytes) else {
        return Err(Unusable::Error(format!(
            "image `{path}` is not a PNG, JPEG, GIF or WebP picture (Discord shows only those in a message)"
        )));
    };
    let hash = hex(&Sha256::digest(&bytes));
    let picture = Picture {
        path: path.to_string(),
        filename: attachment_name(path, kind),
        hash,
        size: bytes.len(),
    };
    Ok((picture, Arc::from(bytes)))
}

/// A name Discord keeps as it is in `attachment://…`: the file's own name in ASCII letters,
/// digits, `-`, `_` and `.`, with the extension its type has.
pub fn attachment_name(path: &str, kind: ImageKind) -> String {
    let base = path.rsplit('/').next().unwrap_or(path);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    let mut clean: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    if clean.trim_matches('_').is_empty() {
        clean = "image".to_string();
    }
    format!("{clean}.{}", kind.extension())
}

/// `name`, or `2-name`, `3-name`… when another picture of the same message has it.
fn unique_name(name: &str, taken: &[Picture]) -> String {
    let free = |n: &str| !taken.iter().any(|p| p.filename == n);
    if free(name) {
        return name.to_string();
    }
    (2..)
        .map(|i| format!("{i}-{name}"))
        .find(|n| free(n))
        .unwrap_or_else(|| name.to_string())
}

/// Line and column of `needle` in `text` at or after `from` (the question's start), else
/// the question's line.
fn position(text: &str, index: &LineIndex<'_>, from: usize, needle: &str) -> (usize, usize) {
    let from = from.min(text.len());
    let from = (0..=from)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    match text[from..].find(needle) {
        Some(at) => index.line_col(from + at),
        None => (index.line(from), 1),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `812 bytes`, `3.4 MiB`.
pub fn size_text(n: u64) -> String {
    const MIB: f64 = 1024.0 * 1024.0;
    if n < 1024 {
        format!("{n} bytes")
    } else if (n as f64) < MIB {
        format!("{:.1} KiB", n as f64 / 1024.0)
    } else if n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{:.1} MiB", n as f64 / MIB)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quiz::Question;

    #[test]
    fn place_keeps_files_inside_the_quiz_folder() {
        assert_eq!(place("https://x.test/a.png"), Place::Web);
        assert_eq!(place("img/a.png"), Place::File("img/a.png".into()));
        assert_eq!(
            place("./img/../a%20b.png?raw=true"),
            Place::File("a b.png".into())
        );
        assert_eq!(place("img\\win.png"), Place::File("img/win.png".into()));
        for refused in [
            "../up.png",
            "/etc/passwd",
            "C:/x.png",
            "data:image/png;base64,xx",
            "file:///x",
            ".",
        ] {
            assert!(matches!(place(refused), Place::Refused(_)), "{refused}");
        }
    }

    #[test]
    fn a_picture_is_known_by_its_bytes_not_its_name() {
        assert_eq!(
            ImageKind::sniff(b"\x89PNG\r\n\x1a\nrest"),
            Some(ImageKind::Png)
        );
        assert_eq!(
            ImageKind::sniff(&[0xFF, 0xD8, 0xFF, 0xE0]),
            Some(ImageKind::Jpeg)
        );
        assert_eq!(ImageKind::sniff(b"GIF89a..."), Some(ImageKind::Gif));
        assert_eq!(
            ImageKind::sniff(b"RIFF\0\0\0\0WEBPVP8 "),
            Some(ImageKind::Webp)
        );
        assert_eq!(ImageKind::sniff(b"<svg xmlns=...>"), None);
        assert_eq!(ImageKind::sniff(b""), None);
        assert_eq!(
            attachment_name("img/My Chart (1).jpeg", ImageKind::Png),
            "My_Chart__1_.png"
        );
        assert_eq!(attachment_name("…/★.gif", ImageKind::Gif), "image.gif");
    }

    #[test]
    fn images_in_code_are_text_about_markdown() {
        let text = "See ![a](a.png), `![b](b.png)`, ``![c](c.png)``\n```\n![d](d.png)\n```\n![e](e.png) and an unclosed ` ![f](f.png)";
        let found: Vec<&str> = refs(text).iter().map(|r| r.target).collect();
        assert_eq!(found, ["a.png", "e.png", "f.png"]);
    }

    struct Files(Vec<(&'static str, Vec<u8>)>);

    impl ImageSource for Files {
        fn fetch(&self, path: &str) -> Fetched {
            match self.0.iter().find(|(p, _)| *p == path) {
                Some((_, b)) if b.len() > MAX_IMAGE_BYTES => Fetched::TooLarge(b.len() as u64),
                Some((_, b)) => Fetched::Bytes(b.clone()),
                None => Fetched::Missing,
            }
        }
        fn complete(&self) -> bool {
            false
        }
        fn looked(&self) -> &'static str {
            "here"
        }
    }

    #[test]
    fn attach_reads_each_file_once_and_names_what_is_wrong() {
        let text = "# T\n\n### 1. Q ![p](p.png)\n- a) ![p](p.png)\n- b) ![q](./p.png)\n\n**Answer: a**\n\n### 2. R ![gone](gone.png) ![svg](s.svg)\n- a) x\n- b) y\n\n**Answer: a**\n";
        let mut quiz =
            super::super::check_bytes("t", super::super::Format::Markdown, text.as_bytes(), &NoFit)
                .quiz
                .expect("valid");
        let png = b"\x89PNG\r\n\x1a\n1234".to_vec();
        let source = Files(vec![("p.png", png.clone()), ("s.svg", b"<svg/>".to_vec())]);
        let (problems, bytes) = attach(&mut quiz, &source, text);
        assert_eq!(
            quiz.questions[0].pictures.len(),
            1,
            "one file, named three ways"
        );
        let p = &quiz.questions[0].pictures[0];
        assert_eq!((p.filename.as_str(), p.size), ("p.png", png.len()));
        assert_eq!(bytes.get(&p.hash).map(|b| b.to_vec()), Some(png));
        let shown: Vec<String> = problems
            .iter()
            .map(|d| format!("{}:{} {:?} {}", d.line, d.col, d.severity, d.message))
            .collect();
        assert_eq!(
            shown,
            [
                "9:18 Warning image `gone.png` is not here: the question is asked without it",
                "9:35 Error image `s.svg` is not a PNG, JPEG, GIF or WebP picture (Discord shows only those in a message)",
            ]
        );
        assert!(quiz.questions[1].pictures.is_empty());
    }

    struct NoFit;
    impl super::super::Fit for NoFit {
        fn problems(&self, _: &str, _: &Question, _: usize) -> super::super::fit::Problems {
            super::super::fit::Problems::default()
        }
        fn surely_fits(&self, _: &Question) -> bool {
            true
        }
    }
}
