//! `quizbot check PATH...`: every quiz file under the paths, problems printed compiler style.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::quiz::{self, Format};

/// Most diagnostics printed per file; a hostile file could otherwise print thousands.
const MAX_SHOWN: usize = 100;

/// Checks every quiz file under `paths`; returns true when none has an error.
pub fn run(paths: &[PathBuf], out: &mut impl Write) -> std::io::Result<bool> {
    let mut files = Vec::new();
    let mut ok = true;
    for path in paths {
        if path.is_dir() {
            collect(path, &mut files)?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            writeln!(out, "{}: error: no such file or folder", path.display())?;
            ok = false;
        }
    }
    let (mut valid, mut invalid) = (0, 0);
    for file in &files {
        let checked = quiz::check_file(file);
        let name = file.display().to_string();
        write!(out, "{}", checked.render(&name, MAX_SHOWN))?;
        match &checked.quiz {
            Some(q) => {
                valid += 1;
                writeln!(
                    out,
                    "{name}: ok: \"{}\", {} question{}",
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

/// Quiz files (by extension) below `dir`, sorted, hidden folders skipped.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
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
            collect(&path, files)?;
        } else if Format::from_path(&path).is_some() {
            files.push(path);
        }
    }
    Ok(())
}
