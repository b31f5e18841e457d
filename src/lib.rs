//! quizbot: a Discord quiz bot for study groups and live quiz nights.
//!
//! - [`quiz`]: quiz files (Markdown, TOML, Open Trivia DB) → the [`quiz::Quiz`] model, with
//!   compiler-style diagnostics. No Discord, no I/O beyond reading a file.
//! - [`game`]: scoring and the live-quiz state machine (pure; `now` passed in).
//! - [`render`]: domain → Discord-shaped messages as plain data, and Discord's limits.
//! - [`store`]: SQLite — migrations, one writer thread with group commit, reader threads.
//! - [`runtime`]: the application layer — one function per use case (start a quiz, answer,
//!   assign, …), one task per live quiz, the scheduler, restart recovery, and [`runtime::app::App`],
//!   the handles every use case shares.
//! - [`discord`]: the adapter — serenity client, poise commands, buttons, views → builders.
//! - [`config`], [`library`], [`clock`]: configuration, quiz sources, injectable time.
//! - [`cli`]: `run`, `check`, `show`; [`rehearse`] and [`simbot`]: the bot on the built-in
//!   Discord simulator.

pub mod cli;
pub mod clock;
pub mod config;
pub mod discord;
pub mod game;
pub mod library;
pub mod quiz;
pub mod rehearse;
pub mod render;
pub mod runtime;
pub mod simbot;
pub mod store;
