//! The subcommands: `run` (the bot), `check`, `show` and `convert` (quiz files), `backup` and
//! `migrate-db` (the database).

pub mod backup;
pub mod check;
pub mod convert;
pub mod healthcheck;
pub mod limits;
pub mod logging;
pub mod migrate_db;
pub mod run;
pub mod serve_metrics;
pub mod show;
