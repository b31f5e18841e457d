//! The game, free of Discord, tokio and SQLite: scoring, the live-quiz state machine, self-paced
//! runs, daily schedules, the times people type and whether a typed answer is right.

pub mod live;
pub mod records;
pub mod run;
pub mod schedule;
pub mod scoring;
pub mod shards;
pub mod typed_answer;
pub mod when;
