//! The moving parts around the pure game: one tokio task per live quiz and its timers, the
//! registry of quizzes running now, restart recovery, private self-paced runs, and the
//! scheduler that closes assignments and posts daily schedules.

pub mod live;
pub mod outbox;
pub mod recover;
pub mod registry;
pub mod scheduler;
pub mod study;
