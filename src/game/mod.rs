//! The game, free of Discord, tokio and SQLite: scoring and the live-quiz state machine.

pub mod live;
pub mod scoring;
