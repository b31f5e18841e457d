//! The types every poise command and handler is written against.

use std::sync::Arc;

use crate::runtime::app::App;

/// What poise hands each command: the runtime's shared handles.
pub type Data = Arc<App>;
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Context<'a> = poise::Context<'a, Data, Error>;
