//! The `quizbot` command: parses the command line and hands over to the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// mimalloc: a quiz night is tens of thousands of small, short-lived allocations (one
/// interaction payload per click) across threads; glibc's allocator spent ~10 % of the bot's
/// CPU on them and kept more memory resident (see docs/performance.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "quizbot",
    version,
    about = "A Discord quiz bot for study groups and quiz nights"
)]
struct Cli {
    /// Configuration file (default: config/quizbot.toml if present)
    #[arg(long, global = true, env = "QUIZBOT_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot (the default): needs DISCORD_TOKEN
    Run,
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
    /// Write any quiz quizbot reads as quizbot Markdown or TOML, to edit it by hand
    Convert {
        /// The quiz file (any format `check` reads)
        input: PathBuf,
        /// What to write (default: from -o's extension, else md)
        #[arg(long, value_enum)]
        to: Option<quizbot::cli::convert::Target>,
        /// Write here instead of to standard output
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Flashcards only: make each card multiple choice with N wrong options drawn from the
        /// other cards (the same for the same file)
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=9))]
        distractors: u64,
    },
    /// Write a consistent copy of the database to PATH, a new file; safe while the bot runs
    Backup { path: PathBuf },
    /// Copy everything of a SQLite database into PostgreSQL (idempotent; counts checked)
    MigrateDb {
        /// The SQLite file (default: database.path of the configuration)
        #[arg(long)]
        from: Option<PathBuf>,
        /// The PostgreSQL URL, postgres://user:password@host/database (default: database.url)
        #[arg(long)]
        to: Option<String>,
    },
    /// Ask the running bot's /healthz (at metrics.listen): exit 0 when healthy, 1 otherwise
    Healthcheck,
    /// Play a whole live quiz offline against the built-in Discord simulator (no token)
    Rehearse {
        /// A bundled quiz id or a quiz file (default: the bundled seed quiz)
        quiz: Option<String>,
        /// Simulated players
        #[arg(long, default_value_t = 12, value_parser = clap::value_parser!(u64).range(1..=5000))]
        players: u64,
        /// Seed for the players' answers and speeds
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Seconds per question
        #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u32).range(2..=120))]
        seconds: u32,
        /// Folder of bundled quizzes
        #[arg(long, default_value = "quizzes")]
        quizzes: PathBuf,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let result = match cli.command.unwrap_or(Command::Run) {
        Command::Check { paths } => quizbot::cli::check::run(&paths, &mut stdout),
        Command::Show { path, json } => quizbot::cli::show::run(&path, json, &mut stdout),
        Command::Convert {
            input,
            to,
            output,
            distractors,
        } => quizbot::cli::convert::run(
            &quizbot::cli::convert::Options {
                input,
                to,
                output,
                distractors: distractors as usize,
            },
            &mut stdout,
            &mut std::io::stderr().lock(),
        ),
        Command::Run => {
            let rt = runtime();
            let code = rt.block_on(quizbot::cli::run::run(cli.config.as_deref()));
            // Everything that matters is committed by now (`run` drains and checkpoints before it
            // returns); a task still in a blocking call must not hold the exit up.
            rt.shutdown_timeout(std::time::Duration::from_secs(2));
            return code;
        }
        Command::Healthcheck => {
            match runtime().block_on(quizbot::cli::healthcheck::run(cli.config.as_deref())) {
                Ok(message) => {
                    println!("{message}");
                    Ok(true)
                }
                Err(why) => {
                    eprintln!("quizbot healthcheck: {why}");
                    Ok(false)
                }
            }
        }
        Command::MigrateDb { from, to } => runtime().block_on(quizbot::cli::migrate_db::run(
            cli.config.as_deref(),
            from,
            to,
            &mut stdout,
        )),
        Command::Backup { path } => {
            quizbot::cli::backup::run(cli.config.as_deref(), &path, &mut stdout)
        }
        Command::Rehearse {
            quiz,
            players,
            seed,
            seconds,
            quizzes,
        } => {
            quizbot::cli::logging::init("warn,serenity=error");
            let opts = quizbot::rehearse::Options {
                quiz,
                players: players as usize,
                seed,
                seconds,
                quizzes_dir: quizzes,
            };
            match runtime().block_on(quizbot::rehearse::run(opts, &mut stdout)) {
                Ok(()) => Ok(true),
                Err(e) => {
                    eprintln!("quizbot rehearse: {e:#}");
                    Ok(false)
                }
            }
        }
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

fn runtime() -> tokio::runtime::Runtime {
    // Building a runtime only fails when the OS refuses threads: nothing to recover.
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("start the async runtime")
}
