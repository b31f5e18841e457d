//! The subcommands: `run` (the bot), `check` and `show` (quiz files), `backup` (the database).

pub mod backup;
pub mod check;
pub mod limits;
pub mod logging;
pub mod run;
pub mod show;
