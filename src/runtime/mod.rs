//! The application layer: one function per use case — a live quiz's start, host commands,
//! answers and "My results" (`live/`); assignments, practice, review and their answers
//! (`study.rs`); leaderboards and stats (`boards.rs`); schedules and the server's timezone
//! (`schedules.rs`); the scheduler's tick (`scheduler.rs`); restart recovery (`recover.rs`) —
//! each returning a view or a typed outcome. Around the pure game it owns the moving parts: one
//! tokio task per live quiz and its timers, the registry of quizzes running now, and the one
//! [`outbox::Outbox`] all of them post through. `discord/` only translates serenity to and from
//! these calls.
//!
//! Bottom to top: `signal.rs`, `handle.rs` and `outbox.rs` know nothing of the rest; `app.rs`
//! holds them; the use cases take `&App`.

pub mod app;
pub mod boards;
pub mod handle;
pub mod live;
pub mod outbox;
pub mod recover;
pub mod scheduler;
pub mod schedules;
pub mod signal;
pub mod study;
