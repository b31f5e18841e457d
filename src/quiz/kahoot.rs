//! Kahoot-style question sheets (docs/quiz-format.md, "Kahoot sheets"): one question per row,
//! under a header row that names the columns — Kahoot's own template ("Question - max 120
//! characters", "Answer 1 - max 75 characters" … "Time limit (sec)", "Correct answer(s)") and
//! the sheets people make after it ("Question", "Option 1" …, "Correct Answer",
//! "Explanation"). The header is found by its text wherever it is: templates put a title and
//! instructions above it.
//!
//! The reader takes a grid of cells, so a `.csv` and a spreadsheet give the same quiz.

use super::diagnostic::{short, Diagnostic};
use super::line_index::LineIndex;
use super::model::{index_of_letter, Question, MAX_OPTIONS, MIN_OPTIONS};
use super::toml_format::{MAX_SECONDS, MIN_SECONDS};
use super::{LeftOut, LeftOutReason, Parsed};

/// One row of the sheet with the 1-based line (CSV) or row (spreadsheet) it came from.
pub struct Row {
    pub line: usize,
    pub cells: Vec<String>,
}

/// Where each meaning is in the header row.
#[derive(Default)]
struct Columns {
    question: usize,
    options: Vec<usize>,
    correct: usize,
    time: Option<usize>,
    explanation: Option<usize>,
}

fn header(cells: &[String]) -> Option<Columns> {
    let lower: Vec<String> = cells.iter().map(|c| c.trim().to_lowercase()).collect();
    let question = lower
        .iter()
        .position(|c| c.starts_with("question") && !c.contains("type"))?;
    let options: Vec<usize> = lower
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            ["answer", "option", "choice"].iter().any(|w| {
                c.strip_prefix(w)
                    .is_some_and(|rest| rest.trim_start().starts_with(|d: char| d.is_ascii_digit()))
            })
        })
        .map(|(i, _)| i)
        .collect();
    let correct = lower.iter().position(|c| c.contains("correct"))?;
    if options.len() < MIN_OPTIONS {
        return None;
    }
    Some(Columns {
        question,
        options,
        correct,
        time: lower.iter().position(|c| c.starts_with("time")),
        explanation: lower
            .iter()
            .position(|c| c.contains("explanation") || c.contains("feedback")),
    })
}

/// Is one of the first lines a header [`parse_rows`] would find? (Cells split naively: enough
/// to see the column names.)
pub fn has_header(text: &str) -> bool {
    text.lines().take(50).any(|line| {
        let cells: Vec<String> = line
            .split([',', ';', '\t'])
            .map(|c| c.trim().trim_matches('"').to_string())
            .collect();
        header(&cells).is_some()
    })
}

pub fn parse_rows(id: &str, rows: &[Row], kind: &str) -> Result<Parsed, Diagnostic> {
    let Some((at, columns)) = rows
        .iter()
        .enumerate()
        .take(50)
        .find_map(|(i, r)| header(&r.cells).map(|c| (i, c)))
    else {
        return Err(Diagnostic::error(
            1,
            1,
            format!(
                "this {kind} has no header row naming its columns: quizbot reads sheets with a \
                 `Question` column, `Answer 1`, `Answer 2`, … (or `Option 1`, …) and a `Correct \
                 answer` column, as Kahoot's template has (see docs/quiz-format.md)"
            ),
        ));
    };
    let cell = |r: &Row, i: usize| {
        r.cells
            .get(i)
            .map(|c| c.trim())
            .unwrap_or_default()
            .to_string()
    };
    let mut diagnostics = Vec::new();
    let mut questions = Vec::new();
    let mut left_out = Vec::new();
    for row in &rows[at + 1..] {
        let prompt = cell(row, columns.question);
        let written: Vec<(usize, String)> = columns
            .options
            .iter()
            .enumerate()
            .map(|(n, &c)| (n, cell(row, c)))
            .filter(|(_, t)| !t.is_empty())
            .collect();
        if prompt.is_empty() {
            if !written.is_empty() {
                diagnostics.push(Diagnostic::warning(
                    row.line,
                    columns.question + 1,
                    "a row with answers but no question is left out",
                ));
            }
            continue;
        }
        let options: Vec<String> = written.iter().map(|(_, t)| t.clone()).collect();
        let correct_text = cell(row, columns.correct);
        let right = match correct(&correct_text, &written) {
            Ok(right) => right,
            Err(why) => {
                diagnostics.push(Diagnostic::warning(
                    row.line,
                    columns.correct + 1,
                    format!("`{}`: {why}; it is left out", short(&prompt)),
                ));
                left_out.push(LeftOut {
                    line: row.line,
                    prompt,
                    options,
                    answers: Vec::new(),
                    explanation: String::new(),
                    reason: LeftOutReason::NoAnswer,
                });
                continue;
            }
        };
        if !(MIN_OPTIONS..=MAX_OPTIONS).contains(&options.len()) {
            diagnostics.push(Diagnostic::warning(
                row.line,
                1,
                format!(
                    "`{}` has {} answers; a question needs {MIN_OPTIONS} to {MAX_OPTIONS}, so it is left out",
                    short(&prompt),
                    options.len()
                ),
            ));
            left_out.push(LeftOut {
                line: row.line,
                prompt,
                answers: right,
                options,
                explanation: String::new(),
                reason: LeftOutReason::OptionCount(written.len()),
            });
            continue;
        }
        let mut q = Question::choice(prompt, options, right[0]);
        if right.len() > 1 {
            q.answers = right;
        }
        q.number = questions.len() + 1;
        q.line = row.line;
        if let Some(c) = columns.explanation {
            q.explanation = cell(row, c);
        }
        if let Some(c) = columns.time {
            let text = cell(row, c);
            if !text.is_empty() {
                match text.parse::<f64>() {
                    Ok(s) if s.is_finite() && (MIN_SECONDS..=MAX_SECONDS).contains(&(s.round() as i64)) => {
                        q.seconds = Some(s.round() as u32);
                    }
                    _ => diagnostics.push(Diagnostic::warning(
                        row.line,
                        c + 1,
                        format!(
                            "a time limit of `{text}` is not read; use {MIN_SECONDS} to {MAX_SECONDS} seconds"
                        ),
                    )),
                }
            }
        }
        questions.push(q);
    }
    Ok(Parsed::list(id, questions, left_out, diagnostics))
}

/// The correct options of a row, as indexes into its non-empty answers: the answer numbers
/// Kahoot's template asks for (`2`, `1,3`), letters (`B`, `A, C`), or an answer's own text.
fn correct(text: &str, written: &[(usize, String)]) -> Result<Vec<usize>, String> {
    if text.is_empty() {
        return Err("no correct answer is given".into());
    }
    if let Some(i) = written
        .iter()
        .position(|(_, t)| t.eq_ignore_ascii_case(text))
    {
        return Ok(vec![i]);
    }
    let mut right = Vec::new();
    for part in text
        .split([',', ';', '+', '&'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let column = match part.parse::<usize>() {
            Ok(n) if n >= 1 => Some(n - 1),
            Ok(_) => None,
            Err(_) => {
                let mut chars = part.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => index_of_letter(c),
                    _ => None,
                }
            }
        };
        let Some(column) = column else {
            return Err(format!(
                "the correct answer `{text}` is neither an answer's number, its letter nor its text"
            ));
        };
        let Some(i) = written.iter().position(|(n, _)| *n == column) else {
            return Err(format!("the correct answer `{part}` names an empty answer"));
        };
        if !right.contains(&i) {
            right.push(i);
        }
    }
    right.sort_unstable();
    Ok(right)
}

/// A `.csv` sheet: comma, semicolon or tab separated (the one its first line uses most, as
/// spreadsheet programs in different locales write), quoted as spreadsheets quote.
pub fn parse_csv(id: &str, text: &str) -> Result<Parsed, Diagnostic> {
    let first = text
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let delimiter = [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let index = LineIndex::new(text);
    // A record's position is where the reader started looking for it: before any blank
    // lines it skipped.
    let line_of = |p: Option<&csv::Position>| {
        let at = p.map_or(0, |p| p.byte() as usize);
        let skipped = text
            .get(at..)
            .map_or(0, |t| t.len() - t.trim_start_matches(['\r', '\n']).len());
        index.line(at + skipped)
    };
    let mut rows = Vec::new();
    for record in reader.records() {
        match record {
            Ok(r) => rows.push(Row {
                line: line_of(r.position()),
                cells: r.iter().map(str::to_string).collect(),
            }),
            Err(e) => {
                let line = line_of(e.position());
                return Err(Diagnostic::error(
                    line,
                    1,
                    format!("the file is not valid CSV: {e}"),
                ));
            }
        }
    }
    parse_rows(id, &rows, "CSV file")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kahoots_template_with_a_title_above_its_header() {
        let text = "Quiz template,,,,,,\nAdd questions below,,,,,,\n\
            Question - max 120 characters,Answer 1 - max 75 characters,Answer 2 - max 75 characters,Answer 3 - max 75 characters,Answer 4 - max 75 characters,\"Time limit (sec) – 5, 10, 20, 30, 60, 90, 120, or 240 secs\",Correct answer(s) - choose at least one\n\
            Largest planet?,Mars,Jupiter,,Venus,20,2\n\
            Which are even?,2,3,4,,30,\"1,3\"\n\
            Odd one out?,Cat,Dog,Owl,Bat,7000,D\n\
            No answer here?,A,B,,,,\n";
        let p = parse_csv("template", text).unwrap();
        let q = &p.quiz.questions;
        assert_eq!(q.len(), 3);
        assert_eq!(q[0].options, ["Mars", "Jupiter", "Venus"]);
        assert_eq!((q[0].answer, q[0].seconds, q[0].line), (1, Some(20), 4));
        assert_eq!(q[1].answers, [0, 2]);
        assert_eq!((q[2].answer, q[2].seconds), (3, None));
        let shown: Vec<String> = p
            .diagnostics
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.col, d.message))
            .collect();
        assert_eq!(shown.len(), 2, "{shown:?}");
        assert!(
            shown[0].starts_with("6:6 a time limit of `7000`"),
            "{shown:?}"
        );
        assert!(
            shown[1].starts_with("7:7 `No answer here?`: no correct answer"),
            "{shown:?}"
        );
    }

    #[test]
    fn answers_by_text_and_semicolons() {
        let text = "Question;Option 1;Option 2;Correct Answer;Explanation\n\"Sky colour; by day?\";Blue;Green;blue;Rayleigh scattering.\n";
        let p = parse_csv("s", text).unwrap();
        let q = &p.quiz.questions[0];
        assert_eq!((q.prompt.as_str(), q.answer), ("Sky colour; by day?", 0));
        assert_eq!(q.explanation, "Rayleigh scattering.");
    }

    #[test]
    fn a_sheet_without_a_header_says_what_it_needs() {
        let e = parse_csv("x", "a,b,c\n1,2,3\n").unwrap_err();
        assert!(e.message.contains("no header row"), "{}", e.message);
    }
}
