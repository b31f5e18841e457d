//! The subcommands: `run` (the bot), `check` and `show` (quiz files).

pub mod check;
pub mod run;
pub mod show;
