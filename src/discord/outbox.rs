//! Posting and editing channel messages for the runtime, with retries: a 429 or a 5xx is tried
//! again after a backoff (1, 2, 4 s); other refusals are final. serenity's own rate limiter
//! already waits out 429s when it is on; behind a proxy it is off, and this is what retries.

use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use poise::serenity_prelude as serenity;
use serenity::{ChannelId, Http, MessageId};

use super::convert;
use crate::render::view::MessageView;
use crate::runtime::outbox::{Outbox, SendError};

pub struct DiscordOutbox {
    pub http: Arc<Http>,
}

/// The longest one attempt of a send may take, whatever the HTTP client does.
pub const ATTEMPT: Duration = Duration::from_secs(20);

/// Tries `f` up to four times while Discord says "later" (429) or fails (5xx, network).
pub async fn with_retry<T, F, Fut>(what: &str, mut f: F) -> Result<T, SendError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, serenity::Error>>,
{
    let mut delay = Duration::from_secs(1);
    let mut attempt = 1;
    loop {
        // A bound on each attempt besides the HTTP client's own timeout: a call that hangs
        // must not freeze a quiz. Posts of quiz steps carry a nonce, so trying again after a
        // timeout whose request did arrive still makes one message.
        let result = match tokio::time::timeout(ATTEMPT, f()).await {
            Ok(r) => r,
            Err(_) if attempt < 4 => {
                tracing::info!(what, attempt, "Discord did not answer in time; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
                continue;
            }
            Err(_) => {
                tracing::warn!(what, attempt, "Discord did not answer in time");
                return Err(SendError {
                    message: "Discord did not answer in time".into(),
                    missing_permission: false,
                });
            }
        };
        match result {
            Ok(v) => return Ok(v),
            Err(e) => {
                let (status, code) = match &e {
                    serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
                        (Some(r.status_code.as_u16()), r.error.code)
                    }
                    _ => (None, 0),
                };
                let retryable = match status {
                    Some(429) | Some(500..=599) => true,
                    Some(_) => false,
                    None => matches!(e, serenity::Error::Http(serenity::HttpError::Request(_))),
                };
                if !retryable || attempt >= 4 {
                    tracing::warn!(what, attempt, status, code, error = %e, "Discord refused");
                    return Err(SendError {
                        message: describe(status, code, &e),
                        missing_permission: code == 50013,
                    });
                }
                tracing::info!(what, attempt, status, "Discord said later; retrying");
                tokio::time::sleep(delay).await;
                delay *= 2;
                attempt += 1;
            }
        }
    }
}

fn describe(status: Option<u16>, code: isize, e: &serenity::Error) -> String {
    match (status, code) {
        (_, 50013) => "I am missing a permission in this channel: I need View Channel, Send Messages and Embed Links".into(),
        (_, 50001) => "I cannot see this channel (Missing Access)".into(),
        (Some(429), _) => "Discord kept rate-limiting me".into(),
        (Some(s), _) if s >= 500 => format!("Discord kept failing (HTTP {s})"),
        _ => e.to_string(),
    }
}

impl DiscordOutbox {
    /// Posts a message, with a nonce Discord enforces when there is one.
    async fn send(
        &self,
        channel: u64,
        view: MessageView,
        nonce: Option<String>,
    ) -> Result<u64, SendError> {
        let http = Arc::clone(&self.http);
        let message = with_retry("post a message", || {
            let mut builder = convert::create_message(view.clone());
            if let Some(n) = &nonce {
                builder = builder
                    .nonce(serenity::Nonce::String(n.clone()))
                    .enforce_nonce(true);
            }
            let http = Arc::clone(&http);
            async move { ChannelId::new(channel).send_message(&http, builder).await }
        })
        .await?;
        Ok(message.id.get())
    }
}

#[async_trait]
impl Outbox for DiscordOutbox {
    async fn post(&self, channel: u64, view: MessageView) -> Result<u64, SendError> {
        self.send(channel, view, None).await
    }

    async fn post_once(
        &self,
        channel: u64,
        view: MessageView,
        nonce: String,
    ) -> Result<u64, SendError> {
        self.send(channel, view, Some(nonce)).await
    }

    async fn edit(&self, channel: u64, message: u64, view: MessageView) -> Result<(), SendError> {
        let http = Arc::clone(&self.http);
        with_retry("edit a message", || {
            let builder = convert::edit_message(view.clone());
            let http = Arc::clone(&http);
            async move {
                ChannelId::new(channel)
                    .edit_message(&http, MessageId::new(message), builder)
                    .await
            }
        })
        .await?;
        Ok(())
    }

    async fn whisper(&self, token: &str, text: &str) -> Result<(), SendError> {
        let http = Arc::clone(&self.http);
        with_retry("tell the host", || {
            let followup = serenity::CreateInteractionResponseFollowup::new()
                .content(text)
                .ephemeral(true)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            let http = Arc::clone(&http);
            let token = token.to_string();
            async move {
                http.create_followup_message(&token, &followup, vec![])
                    .await
            }
        })
        .await?;
        Ok(())
    }
}
