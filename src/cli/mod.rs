//! The offline subcommands: `check` and `show`. (`run` and `rehearse` live with the bot.)

pub mod check;
pub mod show;
