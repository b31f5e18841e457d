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

/// The nonce of one step: `kind` (a letter: `q` question, `s` standings, `r` results, `a`
/// assignment post, `R` assignment results) and 16 hex digits of a hash of what identifies the
/// step (its session or assignment, when that began, a position). 17 characters: within
/// Discord's 25. The same step always gets the same nonce; a later game's steps never do.
pub fn nonce(kind: char, parts: &[i64]) -> String {
    // FNV-1a: stable across builds and platforms, unlike std's hasher.
    let hash = parts
        .iter()
        .flat_map(|p| p.to_le_bytes())
        .chain(std::iter::once(kind as u8))
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{kind}{hash:016x}")
}

#[async_trait]
pub trait Outbox: Send + Sync + 'static {
    /// Posts a message; returns its id.
    async fn post(&self, channel: u64, view: MessageView) -> Result<u64, SendError>;

    /// Posts the message of one step of a quiz (a question, standings, results, an assignment):
    /// sent again with the same `nonce` (see [`nonce`]) — after a timeout, or after a restart —
    /// Discord returns the message already made instead of a second (docs/discord.md,
    /// "Nonces"). Without that support, a plain post.
    async fn post_once(
        &self,
        channel: u64,
        view: MessageView,
        nonce: String,
    ) -> Result<u64, SendError> {
        let _ = nonce;
        self.post(channel, view).await
    }
    async fn edit(&self, channel: u64, message: u64, view: MessageView) -> Result<(), SendError>;
    /// An ephemeral followup through an interaction token: a private word to whoever ran the
    /// command.
    async fn whisper(&self, token: &str, text: &str) -> Result<(), SendError>;
}

#[cfg(test)]
mod tests {
    use super::nonce;

    #[test]
    fn a_step_has_one_nonce_within_discords_limit_and_no_other_step_shares_it() {
        let q = nonce('q', &[7, 1_800_000_000_000, 0]);
        assert_eq!(q, nonce('q', &[7, 1_800_000_000_000, 0]), "the same step");
        assert_eq!(q.len(), 17);
        assert!(q.starts_with('q'));
        for other in [
            nonce('q', &[7, 1_800_000_000_000, 1]),
            nonce('s', &[7, 1_800_000_000_000, 0]),
            nonce('q', &[8, 1_800_000_000_000, 0]),
            nonce('q', &[7, 1_800_000_000_001, 0]),
        ] {
            assert_ne!(q, other);
        }
    }
}
