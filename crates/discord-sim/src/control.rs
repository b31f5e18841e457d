//! The driver as JSON over HTTP, under `/_sim/` on its own port, so that bots and tests in any
//! language can build a world, act as members and read what they see. Documented in README.md.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::{Arg, FaultRule, Sim, SimError};

pub fn router(sim: Sim) -> Router {
    Router::new()
        .route("/_sim/world", get(world))
        .route("/_sim/guilds", post(add_guild))
        .route("/_sim/guilds/{guild}/channels", post(add_channel))
        .route("/_sim/guilds/{guild}/members", post(add_members))
        .route("/_sim/guilds/{guild}/roles", post(add_role))
        .route(
            "/_sim/guilds/{guild}/members/{user}/roles/{role}",
            post(give_role),
        )
        .route("/_sim/command", post(command))
        .route("/_sim/autocomplete", post(autocomplete))
        .route("/_sim/click", post(click))
        .route("/_sim/select", post(select))
        .route("/_sim/modal", post(modal))
        .route("/_sim/channels/{channel}/messages", get(channel_messages))
        .route("/_sim/users/{user}/ephemerals", get(ephemerals))
        .route("/_sim/messages/{id}", get(message))
        .route("/_sim/interactions/{id}", get(interaction))
        .route("/_sim/log", get(log))
        .route("/_sim/violations", get(violations))
        .route("/_sim/wait", post(wait))
        .route("/_sim/faults", post(fault))
        .route("/_sim/gateway", post(gateway))
        .route("/_sim/latency", post(latency))
        .route("/_sim/shards", get(shards).post(set_sharding))
        .with_state(Arc::new(sim))
}

type S = State<Arc<Sim>>;

fn err(status: StatusCode, e: impl std::fmt::Display) -> Response {
    (status, Json(json!({"error": e.to_string()}))).into_response()
}

fn sim_err(e: SimError) -> Response {
    let status = match e {
        SimError::Timeout(..) => StatusCode::REQUEST_TIMEOUT,
        SimError::Unknown(_) => StatusCode::NOT_FOUND,
        _ => StatusCode::UNPROCESSABLE_ENTITY,
    };
    err(status, e)
}

fn ok(v: impl serde::Serialize) -> Response {
    Json(v).into_response()
}

async fn world(State(sim): S) -> Response {
    let w = sim.shared.world.lock();
    let guilds: Vec<Value> = w
        .guilds
        .values()
        .map(|g| {
            let mut members: Vec<&u64> = g.members.keys().collect();
            members.sort();
            json!({
                "id": g.id.to_string(),
                "name": g.name,
                "owner_id": g.owner_id.to_string(),
                "channels": g.channels.iter().map(|c| json!({"id": c.to_string(), "name": w.channels[c].name})).collect::<Vec<_>>(),
                "roles": g.roles.iter().map(|r| json!({"id": r.id.to_string(), "name": r.name, "permissions": r.permissions.to_string()})).collect::<Vec<_>>(),
                "member_count": g.members.len(),
                "members": members.iter().take(100).map(|id| id.to_string()).collect::<Vec<_>>(),
            })
        })
        .collect();
    ok(json!({
        "api_url": sim.api_url(),
        "gateway_url": sim.gateway_url(),
        "bot_user_id": w.app.bot_user_id.to_string(),
        "application_id": w.app.id.to_string(),
        "guilds": guilds,
        "bot_connected": sim.bot_connected(),
    }))
}

#[derive(Deserialize)]
struct Named {
    name: String,
    #[serde(default)]
    permissions: Option<String>,
}

#[derive(Deserialize)]
struct NewGuild {
    name: String,
    /// `[shard, total]`: an id on that shard.
    #[serde(default)]
    shard: Option<[u32; 2]>,
}

async fn add_guild(State(sim): S, Json(b): Json<NewGuild>) -> Response {
    let id = match b.shard {
        Some([shard, total]) => sim.add_guild_on_shard(&b.name, shard, total),
        None => sim.add_guild(&b.name),
    };
    ok(json!({ "id": id.to_string() }))
}

fn id(s: &str) -> u64 {
    s.parse().unwrap_or(0)
}

async fn add_channel(State(sim): S, Path(guild): Path<String>, Json(b): Json<Named>) -> Response {
    ok(json!({"id": sim.add_channel(id(&guild), &b.name).to_string()}))
}

async fn add_role(State(sim): S, Path(guild): Path<String>, Json(b): Json<Named>) -> Response {
    let perms = b.permissions.as_deref().map_or(0, id);
    ok(json!({"id": sim.add_role(id(&guild), &b.name, perms).to_string()}))
}

#[derive(Deserialize)]
struct Members {
    prefix: String,
    count: usize,
}

async fn add_members(State(sim): S, Path(guild): Path<String>, Json(b): Json<Members>) -> Response {
    let ids: Vec<String> = sim
        .add_members(id(&guild), &b.prefix, b.count.min(100_000))
        .iter()
        .map(u64::to_string)
        .collect();
    ok(json!({ "ids": ids }))
}

async fn give_role(
    State(sim): S,
    Path((guild, user, role)): Path<(String, String, String)>,
) -> Response {
    sim.give_role(id(&guild), id(&user), id(&role));
    ok(json!({}))
}

#[derive(Deserialize)]
struct CommandBody {
    user: String,
    channel: String,
    name: String,
    #[serde(default)]
    options: serde_json::Map<String, Value>,
    #[serde(default)]
    focused: Option<(String, String)>,
}

/// Options as JSON: strings and numbers become text typed by the command schema; an object
/// `{"filename": …, "content": …}` becomes an uploaded file.
fn args(options: &serde_json::Map<String, Value>) -> Vec<(String, Arg)> {
    options
        .iter()
        .map(|(k, v)| {
            let arg = match v {
                Value::Object(file) => Arg::file(
                    file.get("filename")
                        .and_then(Value::as_str)
                        .unwrap_or("file.txt"),
                    file.get("content")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .as_bytes()
                        .to_vec(),
                ),
                Value::String(s) => Arg::Text(s.clone()),
                other => Arg::Text(other.to_string()),
            };
            (k.clone(), arg)
        })
        .collect()
}

async fn command(State(sim): S, Json(b): Json<CommandBody>) -> Response {
    let args = args(&b.options);
    let refs: Vec<(&str, Arg)> = args.iter().map(|(k, a)| (k.as_str(), a.clone())).collect();
    match sim.command(id(&b.user), id(&b.channel), &b.name, &refs) {
        Ok(h) => ok(h),
        Err(e) => sim_err(e),
    }
}

async fn autocomplete(State(sim): S, Json(b): Json<CommandBody>) -> Response {
    let args = args(&b.options);
    let refs: Vec<(&str, Arg)> = args.iter().map(|(k, a)| (k.as_str(), a.clone())).collect();
    let Some((name, text)) = &b.focused else {
        return err(
            StatusCode::BAD_REQUEST,
            "`focused`: [option name, text typed] is required",
        );
    };
    match sim.autocomplete(id(&b.user), id(&b.channel), &b.name, (name, text), &refs) {
        Ok(h) => ok(h),
        Err(e) => sim_err(e),
    }
}

#[derive(Deserialize)]
struct ClickBody {
    user: String,
    message: String,
    custom_id: String,
}

async fn click(State(sim): S, Json(b): Json<ClickBody>) -> Response {
    match sim.click(id(&b.user), id(&b.message), &b.custom_id) {
        Ok(h) => ok(h),
        Err(e) => sim_err(e),
    }
}

#[derive(Deserialize)]
struct SelectBody {
    user: String,
    message: String,
    custom_id: String,
    values: Vec<String>,
}

async fn select(State(sim): S, Json(b): Json<SelectBody>) -> Response {
    let values: Vec<&str> = b.values.iter().map(String::as_str).collect();
    match sim.select(id(&b.user), id(&b.message), &b.custom_id, &values) {
        Ok(h) => ok(h),
        Err(e) => sim_err(e),
    }
}

#[derive(Deserialize)]
struct ModalBody {
    user: String,
    after: String,
    values: serde_json::Map<String, Value>,
}

async fn modal(State(sim): S, Json(b): Json<ModalBody>) -> Response {
    let Some(source) = sim.interaction(id(&b.after)) else {
        return err(StatusCode::NOT_FOUND, "no such interaction");
    };
    let handle = crate::Handle {
        id: source.id,
        token: String::new(),
        delivered: true,
    };
    let values: Vec<(String, String)> = b
        .values
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("").to_string()))
        .collect();
    let refs: Vec<(&str, &str)> = values
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    match sim.submit_modal(id(&b.user), &handle, &refs) {
        Ok(h) => ok(h),
        Err(e) => sim_err(e),
    }
}

#[derive(Deserialize)]
struct Viewer {
    #[serde(rename = "as")]
    viewer: Option<String>,
}

async fn channel_messages(
    State(sim): S,
    Path(channel): Path<String>,
    Query(q): Query<Viewer>,
) -> Response {
    match q.viewer {
        Some(v) => ok(sim.channel_messages(id(&channel), id(&v))),
        None => ok(sim.public_messages(id(&channel))),
    }
}

async fn ephemerals(State(sim): S, Path(user): Path<String>) -> Response {
    ok(sim.ephemerals(id(&user)))
}

async fn message(State(sim): S, Path(m): Path<String>) -> Response {
    match sim.message(id(&m)) {
        Some(m) => ok(m),
        None => err(StatusCode::NOT_FOUND, "no such message"),
    }
}

async fn interaction(State(sim): S, Path(i): Path<String>) -> Response {
    match sim.interaction(id(&i)) {
        Some(r) => ok(r),
        None => err(StatusCode::NOT_FOUND, "no such interaction"),
    }
}

async fn log(State(sim): S) -> Response {
    ok(sim.log())
}

async fn violations(State(sim): S) -> Response {
    let v: Vec<Value> = sim
        .violations()
        .iter()
        .map(|v| json!({"route": v.route, "kind": format!("{:?}", v.kind), "detail": v.detail}))
        .collect();
    ok(v)
}

#[derive(Deserialize)]
struct WaitBody {
    /// `ready`, `response`, `message` or `ephemeral`.
    until: String,
    #[serde(default)]
    interaction: Option<String>,
    #[serde(default)]
    channel: Option<String>,
    #[serde(default)]
    viewer: Option<String>,
    #[serde(default)]
    user: Option<String>,
    /// For messages: text the message must contain.
    #[serde(default)]
    contains: Option<String>,
    #[serde(default = "default_timeout")]
    timeout_ms: u64,
}

fn default_timeout() -> u64 {
    10_000
}

async fn wait(State(sim): S, Json(b): Json<WaitBody>) -> Response {
    let timeout = Duration::from_millis(b.timeout_ms.min(600_000));
    let contains = b.contains.clone().unwrap_or_default();
    let matches = move |m: &crate::Message| m.text().contains(&contains);
    match b.until.as_str() {
        "ready" => match sim.wait_ready(timeout).await {
            Ok(()) => ok(json!({"ready": true})),
            Err(e) => sim_err(e),
        },
        "response" => {
            let handle = crate::Handle {
                id: b.interaction.as_deref().map_or(0, id),
                token: String::new(),
                delivered: true,
            };
            match sim.wait_response(&handle, timeout).await {
                Ok(r) => ok(r),
                Err(e) => sim_err(e),
            }
        }
        "message" => {
            let (Some(channel), Some(viewer)) = (&b.channel, &b.viewer) else {
                return err(
                    StatusCode::BAD_REQUEST,
                    "`channel` and `viewer` are required",
                );
            };
            match sim
                .wait_message(id(channel), id(viewer), timeout, matches)
                .await
            {
                Ok(m) => ok(m),
                Err(e) => sim_err(e),
            }
        }
        "ephemeral" => {
            let Some(user) = &b.user else {
                return err(StatusCode::BAD_REQUEST, "`user` is required");
            };
            match sim.wait_ephemeral(id(user), timeout, matches).await {
                Ok(m) => ok(m),
                Err(e) => sim_err(e),
            }
        }
        other => err(
            StatusCode::BAD_REQUEST,
            format!("unknown condition {other:?}"),
        ),
    }
}

async fn fault(State(sim): S, Json(rule): Json<FaultRule>) -> Response {
    sim.inject(rule);
    ok(json!({}))
}

#[derive(Deserialize)]
struct LatencyBody {
    /// Round-trip time in ms; 0 is loopback.
    ms: u64,
}

async fn latency(State(sim): S, Json(b): Json<LatencyBody>) -> Response {
    sim.set_latency(std::time::Duration::from_millis(b.ms));
    ok(json!({}))
}

#[derive(Deserialize)]
struct GatewayBody {
    /// `close`, `reconnect`, `invalidate`, `drop` or `duplicate`.
    action: String,
    #[serde(default)]
    code: Option<u16>,
    #[serde(default)]
    resumable: Option<bool>,
    #[serde(default)]
    n: Option<u32>,
    /// `close` only this shard (all when left out).
    #[serde(default)]
    shard: Option<u32>,
}

async fn gateway(State(sim): S, Json(b): Json<GatewayBody>) -> Response {
    let done = match b.action.as_str() {
        "close" => match b.shard {
            Some(shard) => sim.gateway_close_shard(shard, b.code.unwrap_or(4000)),
            None => sim.gateway_close(b.code.unwrap_or(4000)),
        },
        "reconnect" => sim.gateway_reconnect(),
        "invalidate" => sim.gateway_invalidate(b.resumable.unwrap_or(false)),
        "drop" => {
            sim.drop_next_dispatches(b.n.unwrap_or(1));
            true
        }
        "duplicate" => {
            sim.duplicate_next_dispatches(b.n.unwrap_or(1));
            true
        }
        other => return err(StatusCode::BAD_REQUEST, format!("unknown action {other:?}")),
    };
    ok(json!({ "done": done }))
}

/// The gateway's shards: who is connected, identifies per shard, and the sharding in force.
async fn shards(State(sim): S) -> Response {
    let (connected, total) = sim.connected_shards();
    let (per_shard, paced) = sim.identifies_per_shard();
    let sharding = sim.shared.gateway.sharding.lock().clone();
    ok(json!({
        "total": total,
        "connected": connected,
        "identifies": per_shard.iter().map(|(k, v)| (k.to_string(), json!(v))).collect::<serde_json::Map<String, Value>>(),
        "identifies_total": sim.gateway_sessions().0,
        "paced": paced,
        "recommended": sharding.recommended,
        "max_concurrency": sharding.max_concurrency,
        "max_guilds_per_session": sharding.max_guilds_per_session,
        "identify_window_ms": sharding.identify_window.as_millis() as u64,
        "daily_identifies": sharding.daily_identifies,
    }))
}

#[derive(Deserialize)]
struct ShardingBody {
    recommended: Option<u32>,
    max_concurrency: Option<u32>,
    max_guilds_per_session: Option<usize>,
    identify_window_ms: Option<u64>,
    daily_identifies: Option<u64>,
}

/// Changes the sharding from now on; fields left out keep their value.
async fn set_sharding(State(sim): S, Json(b): Json<ShardingBody>) -> Response {
    let mut s = sim.shared.gateway.sharding.lock().clone();
    if let Some(v) = b.recommended {
        s.recommended = v.max(1);
    }
    if let Some(v) = b.max_concurrency {
        s.max_concurrency = v.max(1);
    }
    if let Some(v) = b.max_guilds_per_session {
        s.max_guilds_per_session = v;
    }
    if let Some(v) = b.identify_window_ms {
        s.identify_window = Duration::from_millis(v);
    }
    if let Some(v) = b.daily_identifies {
        s.daily_identifies = v;
    }
    sim.set_sharding(s);
    ok(json!({}))
}
