//! A quiz uploaded with its images, as one `.zip` (docs/quiz-format.md, "Images"). An archive
//! is a stranger's file: every limit is checked on what the archive declares before anything
//! is unpacked, and again on what actually comes out (a declared size can lie), so a small
//! file that unpacks to gigabytes costs at most the limits below.

use std::collections::BTreeMap;
use std::io::{Cursor, Read};
use std::path::Path;

use super::images::{self, size_text, MAX_IMAGE_BYTES};
use super::{model::MAX_FILE_BYTES, Format};

/// Largest archive accepted.
pub const MAX_ARCHIVE_BYTES: usize = 25 * 1024 * 1024;
/// Most files (folders included) one archive may list.
pub const MAX_ENTRIES: usize = 200;
/// Most bytes the files of one archive may unpack to, in all.
pub const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;

/// What an archive holds: its one quiz file and the files in the quiz file's folder (and
/// below it), by their path from that folder.
#[derive(Debug)]
pub struct Unpacked {
    /// The quiz file's path inside the archive.
    pub quiz_path: String,
    pub format: Format,
    pub quiz: Vec<u8>,
    pub files: BTreeMap<String, Vec<u8>>,
}

/// Is this file name a `.zip`?
pub fn is_archive(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"))
}

/// The quiz and its files, or why the archive is refused (one sentence for the uploader).
pub fn unpack(bytes: &[u8]) -> Result<Unpacked, String> {
    if bytes.len() > MAX_ARCHIVE_BYTES {
        return Err(format!(
            "the archive has {}; archives may have at most {}",
            size_text(bytes.len() as u64),
            size_text(MAX_ARCHIVE_BYTES as u64)
        ));
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not a .zip archive quizbot can read ({e})"))?;
    if zip.len() > MAX_ENTRIES {
        return Err(format!(
            "the archive lists {} files; archives may hold at most {MAX_ENTRIES}",
            zip.len()
        ));
    }
    // What the archive says it holds, checked before a byte is unpacked.
    let mut wanted: Vec<(usize, String)> = Vec::new();
    let mut declared: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| format!("the archive is damaged ({e})"))?;
        let name = entry
            .name()
            .map_err(|e| format!("the archive is damaged ({e})"))?
            .into_owned();
        if entry.is_dir() {
            continue;
        }
        let path = inside(&name).ok_or_else(|| {
            format!("`{name}` would be unpacked outside the archive's folder; quizbot refuses such archives")
        })?;
        if ignored(&path) {
            continue;
        }
        if entry.encrypted() {
            return Err(format!(
                "`{path}` is encrypted; upload an archive without a password"
            ));
        }
        if entry.is_symlink() {
            return Err(format!(
                "`{path}` is a symbolic link; put the file itself in the archive"
            ));
        }
        declared = declared.saturating_add(entry.size());
        wanted.push((i, path));
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(format!(
            "the archive unpacks to {}; quizbot unpacks at most {}",
            size_text(declared),
            size_text(MAX_UNPACKED_BYTES)
        ));
    }
    let mut quizzes: Vec<&(usize, String)> = wanted
        .iter()
        .filter(|(_, p)| Format::from_path(Path::new(p)).is_some())
        .collect();
    // Notes (`README.txt`) and data beside a `.md` quiz are not a second quiz.
    let shared =
        |p: &str| Format::from_path(Path::new(p)).is_some_and(Format::shares_its_extension);
    if quizzes.iter().any(|(_, p)| !shared(p)) {
        quizzes.retain(|(_, p)| !shared(p));
    }
    let (quiz_index, quiz_path) = match quizzes.as_slice() {
        [one] => (one.0, one.1.clone()),
        [] => {
            return Err(format!(
                "the archive holds no quiz file ({}); put the quiz and its images in one .zip",
                super::FORMATS_SHORT
            ))
        }
        several => {
            let names: Vec<String> = several
                .iter()
                .take(5)
                .map(|(_, p)| format!("`{p}`"))
                .collect();
            return Err(format!(
                "the archive holds {} quiz files ({}); upload one quiz per archive",
                several.len(),
                names.join(", ")
            ));
        }
    };
    let format = Format::from_path(Path::new(&quiz_path)).unwrap_or(Format::Markdown);
    let folder = quiz_path.rsplit_once('/').map(|(f, _)| format!("{f}/"));
    let mut unpacked: u64 = 0;
    let mut read = |i: usize, limit: usize| -> Result<Vec<u8>, String> {
        let entry = zip
            .by_index(i)
            .map_err(|e| format!("the archive is damaged ({e})"))?;
        // One byte past the limit tells "too large" without reading the rest.
        let mut bytes = Vec::new();
        entry
            .take(limit as u64 + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("the archive is damaged ({e})"))?;
        unpacked += bytes.len() as u64;
        if unpacked > MAX_UNPACKED_BYTES {
            return Err(format!(
                "the archive unpacks to more than {} (more than it declares); quizbot unpacks at most that",
                size_text(MAX_UNPACKED_BYTES)
            ));
        }
        Ok(bytes)
    };
    let quiz = read(quiz_index, MAX_FILE_BYTES)?;
    let mut files = BTreeMap::new();
    for (i, path) in &wanted {
        if *i == quiz_index {
            continue;
        }
        let relative = match &folder {
            Some(f) => match path.strip_prefix(f.as_str()) {
                Some(r) => r.to_string(),
                None => continue,
            },
            None => path.clone(),
        };
        // Only pictures are kept; a picture over the limit keeps one byte too many, which
        // `images::attach` reports as too large.
        let bytes = read(*i, MAX_IMAGE_BYTES)?;
        if images::ImageKind::sniff(&bytes).is_some() || images::is_image_name(&relative) {
            files.insert(relative, bytes);
        }
    }
    Ok(Unpacked {
        quiz_path,
        format,
        quiz,
        files,
    })
}

/// The entry's path, `/`-separated, if it stays inside the archive (no `..` above the top,
/// no absolute path, no drive letter).
fn inside(name: &str) -> Option<String> {
    let name = name.replace('\\', "/");
    if name.starts_with('/') || name.as_bytes().get(1) == Some(&b':') {
        return None;
    }
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// What zip tools add that nobody meant to upload: macOS resource forks and hidden files.
fn ignored(path: &str) -> bool {
    path.split('/')
        .any(|part| part == "__MACOSX" || part.starts_with('.'))
}
