//! Posting and editing channel messages for the runtime, with the retries of
//! [`super::retry`]. With serenity's rate limiter on (Discord itself), serenity waits out 429s
//! before we see them. Behind a proxy the limiter is off and serenity would turn a 429 into an
//! error without its `Retry-After`; there posts and edits go out on the same reqwest client
//! through serenity's own request builder (route, headers, token), and the answer is read here.

use std::sync::{Arc, Weak};
use std::time::Duration;

use ::serenity::http::{LightMethod, Request, Route};
use async_trait::async_trait;
use poise::serenity_prelude as serenity;
use serenity::{ChannelId, CreateAttachment, Http, MessageId};

use super::convert;
use super::retry::{with_retry, Refusal};
use crate::render::view::MessageView;
use crate::runtime::app::App;
use crate::runtime::outbox::{Outbox, SendError};

pub use super::retry::ATTEMPT;

pub struct DiscordOutbox {
    pub http: Arc<Http>,
    /// Behind a proxy: the client serenity uses, for the requests whose 429s we read ourselves.
    pub direct: Option<reqwest::Client>,
    /// Where the bytes of a message's pictures are found (`App::library`); weak, as the app
    /// holds this outbox.
    pub app: Weak<App>,
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
    files: &[CreateAttachment],
) -> Result<T, Refusal> {
    let request = if files.is_empty() {
        let bytes = serde_json::to_vec(body).map_err(|e| final_refusal(e.to_string()))?;
        Request::new(route, method)
            .body(Some(bytes))
            .build(client, http.token(), http.proxy.as_deref())
            .map_err(Refusal::from)?
    } else {
        with_files(client, http, route, method, body, files)?
    };
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

/// A request with files, as Discord takes it: `multipart/form-data` with the JSON body in
/// `payload_json` (its `attachments` naming each file by its part's index) and each file in
/// `files[i]`. Serenity's own multipart numbering is not public, so the form is made here on
/// the request serenity builds (URL, token, user agent).
fn with_files(
    client: &reqwest::Client,
    http: &Http,
    route: Route<'_>,
    method: LightMethod,
    body: &impl serde::Serialize,
    files: &[CreateAttachment],
) -> Result<reqwest::RequestBuilder, Refusal> {
    let mut json = serde_json::to_value(body).map_err(|e| final_refusal(e.to_string()))?;
    let listed: Vec<serde_json::Value> = files
        .iter()
        .enumerate()
        .map(|(i, f)| serde_json::json!({ "id": i, "filename": f.filename }))
        .collect();
    if let Some(object) = json.as_object_mut() {
        object.insert("attachments".into(), serde_json::Value::Array(listed));
    }
    let mut form = reqwest::multipart::Form::new().text("payload_json", json.to_string());
    for (i, f) in files.iter().enumerate() {
        let mime = crate::quiz::images::ImageKind::sniff(&f.data)
            .map_or("application/octet-stream", |k| k.mime());
        let part = reqwest::multipart::Part::bytes(f.data.clone())
            .file_name(f.filename.clone())
            .mime_str(mime)
            .map_err(|e| final_refusal(e.to_string()))?;
        form = form.part(format!("files[{i}]"), part);
    }
    let built = Request::new(route, method)
        .build(client, http.token(), http.proxy.as_deref())
        .map_err(Refusal::from)?
        .build()
        .map_err(|e| final_refusal(e.to_string()))?;
    let mut headers = built.headers().clone();
    headers.remove(reqwest::header::CONTENT_LENGTH);
    headers.remove(reqwest::header::CONTENT_TYPE);
    Ok(client
        .request(built.method().clone(), built.url().clone())
        .headers(headers)
        .multipart(form))
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
    /// The view with its pictures' bytes (see [`convert::attached`]).
    async fn attached(&self, view: MessageView) -> (MessageView, Vec<CreateAttachment>) {
        match self.app.upgrade() {
            Some(app) => convert::attached(&app.library, view).await,
            None => (view, Vec::new()),
        }
    }

    /// Posts a message, with a nonce Discord enforces when there is one.
    async fn send(
        &self,
        channel: u64,
        view: MessageView,
        nonce: Option<String>,
    ) -> Result<u64, SendError> {
        let (view, files) = self.attached(view).await;
        let builder = || {
            let mut builder = convert::create_message(view.clone(), files.clone());
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
            let files = files.clone();
            async move {
                match client {
                    Some(client) => {
                        let route = Route::ChannelMessages { channel_id };
                        let posted: Posted =
                            direct(&client, &http, route, LightMethod::Post, &builder, &files)
                                .await?;
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
        let (view, files) = self.attached(view).await;
        with_retry("edit a message", || {
            let builder = convert::edit_message(view.clone(), files.clone());
            let http = Arc::clone(&self.http);
            let client = self.direct.clone();
            let files = files.clone();
            async move {
                match client {
                    Some(client) => {
                        let route = Route::ChannelMessage {
                            channel_id,
                            message_id,
                        };
                        direct::<Posted>(
                            &client,
                            &http,
                            route,
                            LightMethod::Patch,
                            &builder,
                            &files,
                        )
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
