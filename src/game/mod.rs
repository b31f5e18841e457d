//! The game, free of Discord, tokio and SQLite: scoring, the live-quiz state machine, self-paced
//! runs, daily schedules and the times people type.

pub mod live;
pub mod records;
pub mod run;
pub mod schedule;
pub mod scoring;
pub mod when;
