//! `quizbot convert IN [--to md|toml] [-o OUT] [--distractors N]`: any quiz quizbot reads,
//! written as our Markdown or TOML so that it can be edited by hand (docs/quiz-format.md,
//! "Converting"). What is written is read back and compared with the quiz before it is kept:
//! a conversion never changes a question silently.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::quiz::{self, write, Format, ReadOptions};
use crate::render::preflight::DiscordFit;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Target {
    Md,
    Toml,
}

impl Target {
    fn extension(self) -> &'static str {
        match self {
            Target::Md => "md",
            Target::Toml => "toml",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Target::Md => "Markdown",
            Target::Toml => "TOML",
        }
    }

    fn format(self) -> Format {
        match self {
            Target::Md => Format::Markdown,
            Target::Toml => Format::Toml,
        }
    }
}

pub struct Options {
    pub input: PathBuf,
    pub to: Option<Target>,
    pub output: Option<PathBuf>,
    pub distractors: usize,
}

/// Writes the converted quiz to `OUT` (or `out`); problems go to `err`. False when nothing
/// was written.
pub fn run(opts: &Options, out: &mut impl Write, err: &mut impl Write) -> std::io::Result<bool> {
    let name = opts.input.display().to_string();
    let checked = if quiz::archive::is_archive(&opts.input) {
        quiz::check_path(&opts.input, &DiscordFit)
    } else {
        quiz::check_file_read(
            &opts.input,
            &DiscordFit,
            ReadOptions {
                distractors: opts.distractors,
            },
        )
    };
    write!(err, "{}", checked.render(&name, 20))?;
    let Some(mut quiz) = checked.quiz.clone() else {
        return Ok(false);
    };
    let to = opts.to.unwrap_or_else(
        || match opts.output.as_deref().and_then(Format::from_path) {
            Some(Format::Toml) => Target::Toml,
            _ => Target::Md,
        },
    );
    if let Some(output) = &opts.output {
        if Format::from_path(output) != Some(to.format()) {
            writeln!(
                err,
                "{}: error: the output of --to {} must be named .{}",
                output.display(),
                to.extension(),
                to.extension(),
            )?;
            return Ok(false);
        }
        if same_file(output, &opts.input) {
            writeln!(
                err,
                "{}: error: the output would overwrite the input",
                output.display()
            )?;
            return Ok(false);
        }
    }
    if to == Target::Md {
        let timed = quiz
            .questions
            .iter()
            .filter(|q| q.seconds.is_some())
            .count()
            + usize::from(quiz.question_seconds.is_some());
        if timed > 0 {
            writeln!(
                err,
                "{name}: warning: Markdown has no time limits, so the quiz's are not written \
                 (--to toml keeps them)"
            )?;
            quiz.question_seconds = None;
            for q in &mut quiz.questions {
                q.seconds = None;
            }
        }
    }
    let text = match to {
        Target::Md => write::to_markdown(&quiz),
        Target::Toml => match write::to_toml(&quiz) {
            Ok(text) => text,
            Err(e) => {
                writeln!(err, "{name}: error: cannot be written as TOML: {e}")?;
                return Ok(false);
            }
        },
    };
    let reread = quiz::check_bytes(&quiz.id, to.format(), text.as_bytes(), &DiscordFit);
    let same = match &reread.quiz {
        Some(q) => write::same_quiz(&quiz, q),
        None => Some(format!(
            "the written file would not be read ({})",
            reread
                .diagnostics
                .iter()
                .find(|d| d.is_error())
                .map_or(String::new(), |d| format!("line {}: {}", d.line, d.message))
        )),
    };
    if let Some(why) = same {
        writeln!(
            err,
            "{name}: error: this quiz cannot be written faithfully as {}: {why}{}",
            to.name(),
            if to == Target::Md {
                "; try --to toml"
            } else {
                ""
            }
        )?;
        return Ok(false);
    }
    if !checked.left_out.is_empty() {
        writeln!(
            err,
            "{name}: note: {} question(s) left out of the input (warnings above) are not written",
            checked.left_out.len()
        )?;
    }
    match &opts.output {
        Some(path) => {
            std::fs::write(path, &text)?;
            writeln!(
                err,
                "{}: wrote {} questions",
                path.display(),
                quiz.questions.len()
            )?;
        }
        None => out.write_all(text.as_bytes())?,
    }
    Ok(true)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
