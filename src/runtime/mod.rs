//! The moving parts around the pure game: one tokio task per live quiz, its timers, and the
//! registry of quizzes running now.

pub mod live;
pub mod outbox;
pub mod recover;
pub mod registry;
