//! The runtime's way out: post and edit channel messages. The Discord adapter implements it
//! (with retries); the runtime never sees a Discord library.

use async_trait::async_trait;

use crate::render::view::MessageView;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct SendError {
    pub message: String,
    /// The bot lacks this permission in the channel (Discord's 50013).
    pub missing_permission: bool,
}

impl SendError {
    pub(super) fn unconnected() -> SendError {
        SendError {
            message: "the bot is not connected to Discord yet".into(),
            missing_permission: false,
        }
    }
}

#[async_trait]
pub trait Outbox: Send + Sync + 'static {
    /// Posts a message; returns its id.
    async fn post(&self, channel: u64, view: MessageView) -> Result<u64, SendError>;
    async fn edit(&self, channel: u64, message: u64, view: MessageView) -> Result<(), SendError>;
    /// An ephemeral followup through an interaction token: a private word to whoever ran the
    /// command.
    async fn whisper(&self, token: &str, text: &str) -> Result<(), SendError>;
}
