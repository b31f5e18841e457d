//! Kahoot sheets saved as `.xlsx` (docs/quiz-format.md, "Kahoot sheets"): the first sheet
//! with a header row is read as [`super::kahoot`] reads a `.csv`. An `.xlsx` is a zip of XML
//! files, so what it unpacks to is measured — each part read with a cap — before the
//! spreadsheet reader sees it: a 10 MiB upload may not become gigabytes of XML.

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx};

use super::diagnostic::Diagnostic;
use super::kahoot::{self, Row};
use super::Parsed;

/// Most a workbook may unpack to; a full Kahoot template is well under 1 MiB.
const MAX_UNPACKED_BYTES: u64 = 64 * 1024 * 1024;
const MAX_PARTS: usize = 2000;

pub fn parse(id: &str, bytes: &[u8]) -> Result<Parsed, Diagnostic> {
    let refuse = |why: String| Diagnostic::error(1, 1, why);
    measure(bytes).map_err(refuse)?;
    let mut book: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
        .map_err(|e| refuse(format!("not an .xlsx workbook quizbot can read ({e})")))?;
    let names = book.sheet_names();
    let mut empty = true;
    for name in &names {
        let Ok(range) = book.worksheet_range(name) else {
            continue;
        };
        if range.is_empty() {
            continue;
        }
        empty = false;
        let (top, left) = range.start().unwrap_or((0, 0));
        let rows: Vec<Row> = range
            .rows()
            .enumerate()
            .map(|(i, cells)| Row {
                line: top as usize + i + 1,
                cells: std::iter::repeat_n(String::new(), left as usize)
                    .chain(cells.iter().map(cell_text))
                    .collect(),
            })
            .collect();
        let mut parsed = match kahoot::parse_rows(id, &rows, "sheet") {
            Ok(parsed) => parsed,
            // Not this sheet: a workbook may keep instructions on its first.
            Err(_) if names.len() > 1 => continue,
            Err(e) => return Err(e),
        };
        let first_row = parsed.quiz.questions.first().map_or(usize::MAX, |q| q.line);
        let merged = book.merge_cells_by_sheet_name(name).unwrap_or_default();
        if let Some(m) = merged.iter().find(|m| m.end.0 as usize + 1 >= first_row) {
            return Err(Diagnostic::error(
                m.start.0 as usize + 1,
                m.start.1 as usize + 1,
                format!(
                    "sheet `{name}` has merged cells among its questions (from {}); unmerge them \
                     so that each answer has its own cell",
                    cell_name(m.start)
                ),
            ));
        }
        if let Ok(formulas) = book.worksheet_formula(name) {
            if let Some((r, c, f)) = formulas.used_cells().find(|(r, _, f)| {
                !f.is_empty()
                    && (*r as u32 + formulas.start().unwrap_or((0, 0)).0) as usize + 1 >= first_row
            }) {
                let (top, left) = formulas.start().unwrap_or((0, 0));
                let at = (top + r as u32, left + c as u32);
                parsed.diagnostics.push(Diagnostic::warning(
                    at.0 as usize + 1,
                    at.1 as usize + 1,
                    format!(
                        "cell {} holds a formula (`={f}`); the value the spreadsheet last \
                         computed is read",
                        cell_name(at)
                    ),
                ));
            }
        }
        return Ok(parsed);
    }
    Err(refuse(if empty {
        "the workbook's sheets are empty".to_string()
    } else {
        "no sheet of this workbook has a header row naming its columns: quizbot reads sheets \
         with a `Question` column, `Answer 1`, `Answer 2`, … and a `Correct answer` column, as \
         Kahoot's template has (see docs/quiz-format.md)"
            .to_string()
    }))
}

fn cell_text(d: &Data) -> String {
    match d {
        // Whole numbers typed in a cell come back as floats: `2`, not `2.0`.
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string(),
    }
}

/// `(0, 2)` → `C1`.
fn cell_name((row, col): (u32, u32)) -> String {
    let mut letters = String::new();
    let mut n = col as usize + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.insert(0, (b'A' + rem as u8) as char);
        n = (n - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// Reads every part of the zip with a cap on what is left of [`MAX_UNPACKED_BYTES`], whatever
/// the parts declare.
fn measure(bytes: &[u8]) -> Result<(), String> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| format!("not an .xlsx workbook quizbot can read ({e})"))?;
    if zip.len() > MAX_PARTS {
        return Err(format!(
            "the workbook has {} parts; quizbot reads workbooks of at most {MAX_PARTS}",
            zip.len()
        ));
    }
    let mut left = MAX_UNPACKED_BYTES;
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| format!("the workbook is damaged ({e})"))?;
        let read = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| format!("the workbook is damaged ({e})"))?;
        if read > left {
            return Err(format!(
                "the workbook unpacks to more than {} MiB; quizbot reads at most that",
                MAX_UNPACKED_BYTES / (1024 * 1024)
            ));
        }
        left -= read;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_spreadsheets_name_them() {
        assert_eq!(cell_name((0, 0)), "A1");
        assert_eq!(cell_name((9, 25)), "Z10");
        assert_eq!(cell_name((0, 26)), "AA1");
        assert_eq!(cell_text(&Data::Float(2.0)), "2");
        assert_eq!(cell_text(&Data::Float(2.5)), "2.5");
    }

    #[test]
    fn what_is_not_a_workbook_is_refused() {
        let e = parse("x", b"Question,Answer 1\n").unwrap_err();
        assert!(e.message.contains("not an .xlsx workbook"), "{}", e.message);
    }
}
