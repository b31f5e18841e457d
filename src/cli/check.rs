//! `quizbot check PATH...`: every quiz file under the paths, problems printed compiler style.
//! A folder's files that are no quiz format are listed as skipped; a path that holds no quiz
//! at all is an error, so a typo in a CI script does not pass quietly.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::quiz;

/// Most diagnostics printed per file (errors are all printed whatever their number): a file
/// from the wild can have hundreds of warnings.
const MAX_SHOWN: usize = 100;

/// Checks every quiz file under `paths`; returns true when none has an error.
pub fn run(paths: &[PathBuf], out: &mut impl Write) -> std::io::Result<bool> {
    let mut files = Vec::new();
    let mut ok = true;
    for path in paths {
        if path.is_dir() {
            let before = files.len();
            let mut skipped = Vec::new();
            collect(path, &mut files, &mut skipped)?;
            for s in &skipped {
                writeln!(
                    out,
                    "{}: skipped: not a quiz ({})",
                    s.display(),
                    quiz::FORMATS_SHORT
                )?;
            }
            if files.len() == before {
                writeln!(
                    out,
                    "{}: error: no quiz files in this folder ({}, or .zip)",
                    path.display(),
                    quiz::FORMATS_SHORT
                )?;
                ok = false;
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            writeln!(out, "{}: error: no such file or folder", path.display())?;
            ok = false;
        }
    }
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        let checked = quiz::check_path(file, &crate::render::preflight::DiscordFit);
        let name = file.display().to_string();
        write!(out, "{}", checked.render(&name, MAX_SHOWN))?;
        match &checked.quiz {
            Some(q) => {
                valid += 1;
                let left_out = match checked.left_out.len() {
                    0 => String::new(),
                    n => format!(" ({n} more read but left out: see the warnings)"),
                };
                writeln!(
                    out,
                    "{name}: ok: \"{}\", {} question{}{left_out}",
                    q.title,
                    q.questions.len(),
                    if q.questions.len() == 1 { "" } else { "s" }
                )?;
            }
            None => {
                invalid += 1;
                ok = false;
            }
        }
    }
    writeln!(
        out,
        "checked {} file{}: {valid} valid, {invalid} with errors",
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    )?;
    Ok(ok)
}

/// Quiz files (by extension) below `dir`, sorted, hidden files and folders left out; the
/// other files go to `skipped`.
fn collect(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<PathBuf>,
) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let hidden = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if path.is_dir() {
            collect(&path, files, skipped)?;
        } else if quiz::looks_like_quiz(&path) || quiz::archive::is_archive(&path) {
            files.push(path);
        } else if !quiz::images::is_image_name(&path.to_string_lossy()) {
            // A picture beside a quiz is part of it, not a file `check` passed over.
            skipped.push(path);
        }
    }
    Ok(())
}
