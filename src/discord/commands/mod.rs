//! Every slash command, in one list. One file per group; the function name is the command's
//! name and its `///` line is the description Discord shows.

pub mod boards;
pub mod quiz;
pub mod shared;
pub mod study;

use super::types::{Data, Error};

pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        quiz::quiz(),
        boards::leaderboard(),
        boards::stats(),
        study::review(),
    ]
}
