//! The `quizbot` command: parses the command line and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "quizbot",
    version,
    about = "A Discord quiz bot for study groups and quiz nights"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check quiz files (or folders of them) and print every problem with its line
    Check {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Print a quiz as the bot reads it
    Show {
        path: PathBuf,
        /// Print the quiz as JSON
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command {
        Command::Check { paths } => quizbot::cli::check::run(&paths, &mut stdout),
        Command::Show { path, json } => quizbot::cli::show::run(&path, json, &mut stdout),
    };
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("quizbot: {e}");
            ExitCode::from(1)
        }
    }
}
