//! Domain → Discord-shaped messages, as plain data ([`view::MessageView`]). No Discord library
//! here: the adapter in `discord/` converts views to serenity builders, and `quizbot check`
//! renders every question to prove it fits Discord's limits before any quiz night.

pub mod boards;
pub mod custom_id;
pub mod images;
pub mod limits;
pub mod live;
pub mod measure;
pub mod notices;
pub mod preflight;
pub mod question;
pub mod study;
pub mod text;
pub mod view;
