//! quizbot: a Discord quiz bot for study groups and live quiz nights.
//!
//! - [`quiz`]: quiz files (Markdown, TOML, Open Trivia DB) → the [`quiz::Quiz`] model, with
//!   compiler-style diagnostics. No Discord, no I/O beyond reading a file.
//! - [`render`]: domain → Discord-shaped messages as plain data, and Discord's limits.
//! - [`cli`]: the offline subcommands `check` and `show`.

pub mod cli;
pub mod quiz;
pub mod render;
