//! `quizbot show PATH [--json]`: the quiz as the bot reads it.

use std::io::Write;
use std::path::Path;

use crate::quiz::{self, model::letter};

/// Prints the parsed quiz; on errors prints them and returns false.
pub fn run(path: &Path, json: bool, out: &mut impl Write) -> std::io::Result<bool> {
    let checked = quiz::check_path(path, &crate::render::preflight::DiscordFit);
    let Some(quiz) = &checked.quiz else {
        write!(out, "{}", checked.render(&path.display().to_string(), 100))?;
        return Ok(false);
    };
    if json {
        let text = serde_json::to_string_pretty(&quiz::show::to_json(quiz, &checked.left_out))
            .map_err(std::io::Error::other)?;
        writeln!(out, "{text}")?;
        return Ok(true);
    }
    writeln!(out, "# {}  ({})", quiz.title, quiz.id)?;
    if !quiz.description.is_empty() {
        writeln!(out, "\n{}", quiz.description)?;
    }
    for q in &quiz.questions {
        let kind = if q.is_multi() { "; pick several" } else { "" };
        writeln!(
            out,
            "\n{}. {}   (line {}{kind})",
            q.number, q.prompt, q.line
        )?;
        if q.is_typed() {
            writeln!(out, "  ✔ typed: {}", q.accepted.join(" · "))?;
        }
        let correct = q.correct_indexes();
        for (i, option) in q.options.iter().enumerate() {
            let mark = if correct.contains(&i) { "✔" } else { " " };
            writeln!(out, "  {mark} {}) {option}", letter(i))?;
        }
        if !q.explanation.is_empty() {
            writeln!(out, "  ↳ {}", q.explanation.replace('\n', "\n    "))?;
        }
    }
    for l in &checked.left_out {
        let why = match l.reason {
            quiz::LeftOutReason::OptionCount(n) => format!("{n} options"),
            quiz::LeftOutReason::NoAnswer => "no answer".to_string(),
        };
        writeln!(
            out,
            "\n–. {}   (line {}; left out: {why})",
            l.prompt, l.line
        )?;
        for (i, option) in l.options.iter().enumerate() {
            let mark = if l.answers.contains(&i) { "✔" } else { " " };
            writeln!(out, "  {mark} {}) {option}", letter(i))?;
        }
    }
    if !quiz.tiers.is_empty() {
        writeln!(out, "\nScoring:")?;
        for t in &quiz.tiers {
            writeln!(out, "  {}–{} correct: {}", t.min, t.max, t.label)?;
        }
    }
    Ok(true)
}
