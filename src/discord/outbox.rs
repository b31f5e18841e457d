//! Posting and editing channel messages for the runtime, with the retries of
//! [`super::retry`]. With serenity's rate limiter on (Discord itself), serenity waits out 429s
//! before we see them. Behind a proxy the limiter is off and serenity would turn a 429 into an
//! error without its `Retry-After`; there posts and edits go out on the same reqwest client
//! through serenity's own request builder (route, headers, token), and the answer is read here.

use std::sync::Arc;
use std::time::Duration;

use ::serenity::http::{LightMethod, Request, Route};
use async_trait::async_trait;
use poise::serenity_prelude as serenity;
use serenity::{ChannelId, Http, MessageId};

use super::convert;
use super::retry::{with_retry, Refusal};
use crate::render::view::MessageView;
use crate::runtime::outbox::{Outbox, SendError};

pub use super::retry::ATTEMPT;

pub struct DiscordOutbox {
    pub http: Arc<Http>,
    /// Behind a proxy: the client serenity uses, for the requests whose 429s we read ourselves.
    pub direct: Option<reqwest::Client>,
}

/// The part of Discord's message object a post needs back.
#[derive(serde::Deserialize)]
struct Posted {
    id: MessageId,
}

/// One request on `client` as serenity would build it, with a refusal that keeps what
/// Discord said: status, JSON code, and how long to wait.
async fn direct<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    http: &Http,
    route: Route<'_>,
    method: LightMethod,
    body: &impl serde::Serialize,
) -> Result<T, Refusal> {
    let bytes = serde_json::to_vec(body).map_err(|e| final_refusal(e.to_string()))?;
    let request = Request::new(route, method)
        .body(Some(bytes))
        .build(client, http.token(), http.proxy.as_deref())
        .map_err(Refusal::from)?;
    let response = request.send().await.map_err(|e| Refusal {
        status: None,
        code: 0,
        retry_after: None,
        network: true,
        detail: e.to_string(),
    })?;
    let status = response.status().as_u16();
    let header_wait = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<f64>().ok());
    let body = response.bytes().await.map_err(|e| Refusal {
        status: Some(status),
        code: 0,
        retry_after: None,
        network: true,
        detail: e.to_string(),
    })?;
    if (200..300).contains(&status) {
        return serde_json::from_slice(&body)
            .map_err(|e| final_refusal(format!("Discord's answer did not read: {e}")));
    }
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
    let body_wait = json.get("retry_after").and_then(serde_json::Value::as_f64);
    Err(Refusal {
        status: Some(status),
        code: json
            .get("code")
            .and_then(serde_json::Value::as_i64)
            .unwrap_or(0),
        // The body's figure has milliseconds; the header is whole seconds.
        retry_after: body_wait
            .or(header_wait)
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(|s| Duration::from_secs_f64(s.min(86_400.0))),
        network: false,
        detail: format!(
            "HTTP {status}: {}",
            json.get("message")
                .and_then(serde_json::Value::as_str)
                .unwrap_or("no message")
        ),
    })
}

fn final_refusal(detail: String) -> Refusal {
    Refusal {
        status: None,
        code: 0,
        retry_after: None,
        network: false,
        detail,
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
        let builder = || {
            let mut builder = convert::create_message(view.clone());
            if let Some(n) = &nonce {
                builder = builder
                    .nonce(serenity::Nonce::String(n.clone()))
                    .enforce_nonce(true);
            }
            builder
        };
        let channel_id = ChannelId::new(channel);
        let id = with_retry("post a message", || {
            let http = Arc::clone(&self.http);
            let client = self.direct.clone();
            let builder = builder();
            async move {
                match client {
                    Some(client) => {
                        let route = Route::ChannelMessages { channel_id };
                        let posted: Posted =
                            direct(&client, &http, route, LightMethod::Post, &builder).await?;
                        Ok(posted.id)
                    }
                    None => Ok(channel_id.send_message(&http, builder).await?.id),
                }
            }
        })
        .await?;
        Ok(id.get())
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
        let (channel_id, message_id) = (ChannelId::new(channel), MessageId::new(message));
        with_retry("edit a message", || {
            let builder = convert::edit_message(view.clone());
            let http = Arc::clone(&self.http);
            let client = self.direct.clone();
            async move {
                match client {
                    Some(client) => {
                        let route = Route::ChannelMessage {
                            channel_id,
                            message_id,
                        };
                        direct::<Posted>(&client, &http, route, LightMethod::Patch, &builder)
                            .await?;
                    }
                    None => {
                        channel_id.edit_message(&http, message_id, builder).await?;
                    }
                }
                Ok(())
            }
        })
        .await
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
                    .await?;
                Ok(())
            }
        })
        .await
    }
}
