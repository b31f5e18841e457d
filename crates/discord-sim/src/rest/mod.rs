//! REST v10: one handler for every call, so that logging, fault injection, authentication,
//! rate limits and Discord's judgement happen in one place before a route does its work.

mod commands;
mod interactions;
pub(crate) mod messages;
mod meta;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use crate::faults::Fault;
use crate::judge::schema;
use crate::log::Entry;
use crate::ratelimit::{Decision, Limit};
use crate::world::{ViolationKind, World};
use crate::Shared;

/// A file uploaded in a multipart request (`files[n]`).
#[derive(Debug, Clone)]
pub struct FilePart {
    pub filename: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// A parsed request.
pub struct Req {
    pub method: String,
    /// Without the `/api/v10` prefix: `/channels/1/messages`.
    pub path: String,
    pub segments: Vec<String>,
    pub query: HashMap<String, String>,
    pub body: Option<Value>,
    pub files: Vec<FilePart>,
}

impl Req {
    pub fn seg(&self, i: usize) -> &str {
        self.segments.get(i).map_or("", String::as_str)
    }

    pub fn id(&self, i: usize) -> u64 {
        self.seg(i).parse().unwrap_or(0)
    }

    /// `METHOD /path/{param}` as the spec names the route, for messages and violations.
    pub fn route(&self, template: &str) -> String {
        format!("{} {template}", self.method)
    }
}

/// A response before it becomes HTTP.
pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    /// Bytes instead of JSON (attachment downloads): content type and data.
    pub raw: Option<(String, Vec<u8>)>,
    pub headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn json(body: Value) -> Self {
        Reply {
            status: 200,
            body: Some(body),
            raw: None,
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Self {
        Reply {
            status: 204,
            body: None,
            raw: None,
            headers: Vec::new(),
        }
    }

    pub fn bytes(content_type: &str, bytes: Vec<u8>) -> Self {
        Reply {
            status: 200,
            body: None,
            raw: Some((content_type.to_string(), bytes)),
            headers: Vec::new(),
        }
    }

    /// Discord's error body: `{"message": …, "code": …}`.
    pub fn error(status: u16, code: u32, message: &str) -> Self {
        Reply {
            status,
            body: Some(json!({"message": message, "code": code})),
            raw: None,
            headers: Vec::new(),
        }
    }

    /// 400 / 50035 "Invalid Form Body" with the problems found.
    pub fn invalid_form(problems: &[String]) -> Self {
        let errors: Vec<Value> = problems
            .iter()
            .map(|p| json!({"code": "BASE_TYPE_INVALID", "message": p}))
            .collect();
        Reply {
            status: 400,
            body: Some(json!({
                "message": "Invalid Form Body",
                "code": 50035,
                "errors": {"_errors": errors},
            })),
            raw: None,
            headers: Vec::new(),
        }
    }

    pub fn not_found() -> Self {
        Reply::error(404, 0, "404: Not Found")
    }
}

/// Checks a message body (create, edit, reply, followup) the way Discord would: schema and
/// limits refuse it with 50035; a body that could ping is accepted but recorded.
pub fn judge_message(
    world: &mut World,
    route: &str,
    validator: Option<Arc<jsonschema::Validator>>,
    body: &Value,
    origin: crate::judge::mentions::Origin,
) -> Result<(), Reply> {
    let mut problems = validator
        .map(|v| schema::errors(&v, body))
        .unwrap_or_default();
    if !problems.is_empty() {
        world.violation(route, ViolationKind::Schema, problems.join("; "));
    }
    let limits = crate::judge::limits::problems(body);
    if !limits.is_empty() {
        world.violation(route, ViolationKind::Limit, limits.join("; "));
        problems.extend(limits);
    }
    if let Some(why) = crate::judge::mentions::would_ping(body, origin) {
        world.violation(route, ViolationKind::Mentions, why);
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Reply::invalid_form(&problems))
    }
}

/// Which kind of route a request is, for authentication and rate limits.
enum Kind {
    /// Needs the bot token and counts against rate limits.
    Bot,
    /// Interaction callbacks and webhooks: authenticated by the token in the path.
    Interaction,
    /// Attachment downloads: public.
    Public,
}

fn kind(req: &Req) -> Kind {
    match (req.seg(0), req.segments.len()) {
        ("interactions" | "webhooks", _) => Kind::Interaction,
        // `GET /gateway` needs no token on Discord (`/gateway/bot` does).
        ("attachments", _) | ("gateway", 1) => Kind::Public,
        _ => Kind::Bot,
    }
}

/// The rate limit bucket of a bot-token route: its name, major parameter and limit.
fn bucket(shared: &Shared, req: &Req) -> (String, u64, Limit) {
    let config = shared.rate.config.lock().clone();
    match (req.method.as_str(), req.segments.as_slice()) {
        ("POST", [c, _, m]) if c == "channels" && m == "messages" => (
            "POST /channels/{id}/messages".into(),
            req.id(1),
            config.message_create,
        ),
        ("PATCH", [c, _, m, _]) if c == "channels" && m == "messages" => (
            "PATCH /channels/{id}/messages/{id}".into(),
            req.id(1),
            config.message_edit,
        ),
        _ => {
            let shape: Vec<&str> = req
                .segments
                .iter()
                .map(|s| {
                    if s.bytes().all(|b| b.is_ascii_digit()) {
                        "{id}"
                    } else {
                        s.as_str()
                    }
                })
                .collect();
            let major = req
                .segments
                .get(1)
                .and_then(|s| s.parse().ok())
                .unwrap_or(0);
            (
                format!("{} /{}", req.method, shape.join("/")),
                major,
                config.default_route,
            )
        }
    }
}

/// The single entry point of every REST call. Each runs to its end in a task of its own, even
/// when the client gives up on it (a timeout, a dropped connection): Discord, too, does what a
/// request asked once it has it — which is why a retried post needs a nonce.
pub async fn handle(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let one_way = shared.one_way();
    if !one_way.is_zero() {
        tokio::time::sleep(one_way).await;
    }
    let response = match tokio::spawn(handle_to_the_end(
        Arc::clone(&shared),
        method,
        uri,
        headers,
        body,
    ))
    .await
    {
        Ok(response) => response,
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    };
    if !one_way.is_zero() {
        tokio::time::sleep(one_way).await;
    }
    response
}

async fn handle_to_the_end(
    shared: Arc<Shared>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let full_path = uri.path();
    let path = ["/api/v10", "/api/v9", "/api"]
        .iter()
        .find_map(|p| full_path.strip_prefix(p))
        .unwrap_or(full_path)
        .to_string();
    let query = parse_query(uri.query().unwrap_or(""));
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let (body_value, files, logged_body) = match parse_body(&content_type, body).await {
        Ok(parsed) => parsed,
        Err(why) => {
            let reply = Reply::invalid_form(&[why]);
            return finish(&shared, method.as_str(), &path, None, reply);
        }
    };
    let req = Req {
        method: method.as_str().to_string(),
        segments: path
            .trim_matches('/')
            .split('/')
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        path,
        query,
        body: body_value,
        files,
    };

    let mut slow_reply = None;
    if let Some(fault) = shared.faults.take(&req.method, &req.path) {
        match fault {
            Fault::Delay { .. } => {
                if let Some(d) = fault.delay() {
                    tokio::time::sleep(d).await;
                }
            }
            Fault::SlowReply { ms } => slow_reply = Some(Duration::from_millis(ms)),
            Fault::Status {
                status,
                retry_after_ms,
            } => {
                let reply = injected_status(status, retry_after_ms);
                return finish(&shared, &req.method, &req.path, logged_body, reply);
            }
            Fault::MissingPermissions => {
                let reply = Reply::error(403, 50013, "Missing Permissions");
                return finish(&shared, &req.method, &req.path, logged_body, reply);
            }
        }
    }

    let reply = match kind(&req) {
        Kind::Bot => {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            let token = shared.world.lock().app.token.clone();
            if auth != format!("Bot {token}") {
                Reply::error(401, 0, "401: Unauthorized")
            } else {
                let (name, major, limit) = bucket(&shared, &req);
                let decision = shared.rate.check(&name, major, limit);
                let headers = decision.headers();
                let mut r = match decision {
                    Decision::Limited {
                        retry_after,
                        global,
                        ..
                    } => {
                        shared
                            .rate_limited
                            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        rate_limited(retry_after, global)
                    }
                    Decision::Allowed { .. } => route(&shared, &req),
                };
                r.headers.extend(headers);
                r
            }
        }
        Kind::Interaction | Kind::Public => route(&shared, &req),
    };
    let response = finish(&shared, &req.method, &req.path, logged_body, reply);
    if let Some(d) = slow_reply {
        tokio::time::sleep(d).await;
    }
    response
}

/// Discord's 429 body.
fn rate_limited(retry_after: Duration, global: bool) -> Reply {
    Reply {
        status: 429,
        body: Some(json!({
            "message": "You are being rate limited.",
            "retry_after": retry_after.as_secs_f64(),
            "global": global,
        })),
        raw: None,
        headers: Vec::new(),
    }
}

fn injected_status(status: u16, retry_after_ms: Option<u64>) -> Reply {
    match status {
        429 => {
            let retry_after = Duration::from_millis(retry_after_ms.unwrap_or(1000));
            let mut reply = rate_limited(retry_after, false);
            reply.headers = Decision::Limited {
                retry_after,
                limit: 5,
                bucket: "injected".into(),
                global: false,
            }
            .headers();
            reply
        }
        500 => Reply::error(500, 0, "500: Internal Server Error"),
        502 => Reply::error(502, 0, "502: Bad Gateway"),
        other => Reply::error(other, 0, "injected failure"),
    }
}

fn route(shared: &Arc<Shared>, req: &Req) -> Reply {
    let segs: Vec<&str> = req.segments.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match (m, segs.as_slice()) {
        ("GET", ["gateway"]) => meta::gateway(shared, false),
        ("GET", ["gateway", "bot"]) => meta::gateway(shared, true),
        ("GET", ["oauth2", "applications", "@me"] | ["applications", "@me"]) => {
            meta::application(shared)
        }
        ("GET", ["users", "@me"]) => meta::current_user(shared),
        ("GET", ["channels", _]) => meta::channel(shared, req.id(1)),
        ("GET", ["guilds", _]) => meta::guild(shared, req.id(1)),
        ("GET", ["guilds", _, "members", _]) => meta::member(shared, req.id(1), req.id(3)),
        ("GET", ["attachments", _, _]) => meta::attachment(shared, req.id(1)),
        (
            _,
            ["applications", _, "commands", ..] | ["applications", _, "guilds", _, "commands", ..],
        ) => commands::route(shared, req),
        ("POST", ["channels", _, "messages"]) => messages::create(shared, req),
        ("GET", ["channels", _, "messages"]) => messages::list(shared, req),
        ("GET", ["channels", _, "messages", _]) => messages::get(shared, req.id(1), req.id(3)),
        ("PATCH", ["channels", _, "messages", _]) => messages::edit(shared, req),
        ("DELETE", ["channels", _, "messages", _]) => messages::delete(shared, req),
        ("POST", ["interactions", _, _, "callback"]) => interactions::callback(shared, req),
        (_, ["webhooks", _, _, ..]) => interactions::webhook(shared, req),
        _ => {
            let mut world = shared.world.lock();
            world.violation(
                &format!("{m} {}", req.path),
                ViolationKind::UnknownRoute,
                "a route the simulator does not implement",
            );
            Reply::not_found()
        }
    }
}

fn finish(
    shared: &Shared,
    method: &str,
    path: &str,
    logged_body: Option<String>,
    reply: Reply,
) -> Response {
    shared.log.push(Entry::Rest {
        method: method.to_string(),
        path: path.to_string(),
        status: reply.status,
        body: logged_body,
    });
    shared.changed();
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = match (reply.body, reply.raw) {
        (_, Some((content_type, bytes))) => {
            (status, [("content-type", content_type)], bytes).into_response()
        }
        (Some(body), None) if reply.status != 204 => (
            status,
            [("content-type", "application/json".to_string())],
            body.to_string(),
        )
            .into_response(),
        _ => status.into_response(),
    };
    for (name, value) in reply.headers {
        if let Ok(v) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(name, v);
        }
    }
    response
}

fn parse_query(q: &str) -> HashMap<String, String> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_string(), v.to_string())
        })
        .collect()
}

/// JSON, or multipart with `payload_json` and `files[n]`; the body as logged (cut at 8 KiB).
async fn parse_body(
    content_type: &str,
    body: Bytes,
) -> Result<(Option<Value>, Vec<FilePart>, Option<String>), String> {
    let cut = |s: &str| s.chars().take(8192).collect::<String>();
    if body.is_empty() {
        return Ok((None, Vec::new(), None));
    }
    if let Ok(boundary) = multer::parse_boundary(content_type) {
        let stream = futures_util::stream::once(async move { Ok::<Bytes, std::io::Error>(body) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        let mut payload = None;
        let mut files = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(|e| e.to_string())? {
            let name = field.name().unwrap_or("").to_string();
            let filename = field.file_name().map(str::to_string);
            let ctype = field
                .content_type()
                .map_or("application/octet-stream".to_string(), |m| m.to_string());
            let bytes = field.bytes().await.map_err(|e| e.to_string())?;
            if name == "payload_json" {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                payload = Some(text);
            } else if name.starts_with("files[") || filename.is_some() {
                files.push(FilePart {
                    filename: filename.unwrap_or_else(|| name.clone()),
                    content_type: ctype,
                    bytes: bytes.to_vec(),
                });
            }
        }
        let value = match &payload {
            Some(text) => Some(
                serde_json::from_str(text).map_err(|e| format!("payload_json is not JSON: {e}"))?,
            ),
            None => None,
        };
        return Ok((value, files, payload.as_deref().map(cut)));
    }
    let text = String::from_utf8_lossy(&body).into_owned();
    let value = serde_json::from_str(&text).map_err(|e| format!("the body is not JSON: {e}"))?;
    Ok((Some(value), Vec::new(), Some(cut(&text))))
}
