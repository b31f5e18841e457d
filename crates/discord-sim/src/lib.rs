//! discord-sim: a Discord of our own on 127.0.0.1 that the real, unmodified serenity 0.12.5
//! client and poise connect to, so tests, benchmarks and rehearsals run a bot exactly as it runs
//! against Discord.
//!
//! - [`gateway`]: Gateway v10 over WebSocket (Hello, Identify, READY, GUILD_CREATE, heartbeats,
//!   Resume, op 7 / op 9 / closes on demand, zlib frames).
//! - [`rest`]: REST v10 — start-up routes, commands, channel messages, interaction callbacks,
//!   webhooks; logging, faults, auth, rate limits and judgement in one pipeline.
//! - [`judge`]: Discord's OpenAPI schemas, its limits, and `allowed_mentions`.
//! - [`world`]: guilds, channels, roles, members, messages, interactions.
//! - [`driver`] (methods on [`Sim`]): what a test does — run commands, click buttons, wait,
//!   read channels as a member sees them, inject faults.
//! - [`control`]: the same driver operations as JSON over HTTP under `/_sim/`.
//! - [`tls`]: HTTPS with a generated certificate, so serenity's own rate limiter is in the loop.

pub mod control;
pub mod driver;
pub mod faults;
pub mod gateway;
mod ids;
pub mod judge;
pub mod log;
pub mod payloads;
pub mod ratelimit;
pub mod rest;
pub mod snapshot;
pub mod time;
pub mod tls;
pub mod world;

use std::net::SocketAddr;
use std::sync::atomic::AtomicU64;
use std::sync::Arc;

use anyhow::Context;
use axum::extract::{DefaultBodyLimit, State, WebSocketUpgrade};
use axum::response::Response;
use parking_lot::Mutex;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use driver::{Arg, SimError};
pub use faults::{Fault, FaultRule};
pub use gateway::{shard_of, Sharding};
pub use ratelimit::{Limit, RateLimitConfig};
pub use snapshot::{Button, Embed, Field, Handle, InteractionRecord, Message};
pub use world::permissions;
pub use world::{Violation, ViolationKind};

/// How to start a simulator.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// The bot token the simulator accepts.
    pub token: String,
    pub bot_name: String,
    /// Also serve REST over HTTPS as `discord.com` (see [`tls`]).
    pub tls: bool,
    pub rate_limits: RateLimitConfig,
    /// Port of the plain HTTP + WebSocket listener; 0 picks a free one.
    pub port: u16,
    /// A network between the bot and this Discord: every REST call and gateway event takes
    /// this long in each direction is half of it (see [`Sim::set_latency`]). 0: loopback.
    pub latency_ms: u64,
    /// Shard count recommended, identify buckets, guilds per session, identify budget.
    pub sharding: gateway::Sharding,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            token: "sim-token".to_string(),
            bot_name: "quizbot".to_string(),
            tls: false,
            rate_limits: RateLimitConfig::default(),
            port: 0,
            latency_ms: 0,
            sharding: gateway::Sharding::default(),
        }
    }
}

/// State shared by the listeners, the gateway and the driver.
pub struct Shared {
    pub world: Mutex<world::World>,
    pub gateway: gateway::Gateway,
    pub rate: ratelimit::RateLimiter,
    /// 429s answered because a bucket was empty (not injected ones).
    pub rate_limited: AtomicU64,
    /// Interactions that got an initial response in time.
    pub responded: AtomicU64,
    pub faults: faults::Faults,
    pub log: log::Log,
    /// Round-trip time in ms (see [`SimConfig::latency_ms`]).
    latency_ms: AtomicU64,
    changes: watch::Sender<u64>,
    addr: SocketAddr,
}

impl Shared {
    /// Wakes everyone waiting for a condition: something changed.
    pub fn changed(&self) {
        self.changes.send_modify(|v| *v = v.wrapping_add(1));
    }

    pub fn gateway_url(&self) -> String {
        format!("ws://{}", self.addr)
    }

    pub fn subscribe(&self) -> watch::Receiver<u64> {
        self.changes.subscribe()
    }

    /// Half the round trip: how long a request takes to reach Discord, or an answer or an
    /// event to reach the bot.
    pub fn one_way(&self) -> std::time::Duration {
        std::time::Duration::from_micros(
            self.latency_ms.load(std::sync::atomic::Ordering::Relaxed) * 500,
        )
    }
}

/// A running simulator. Cheap to clone; the listeners stop when the last clone is dropped or
/// [`Sim::shutdown`] is called.
#[derive(Clone)]
pub struct Sim {
    pub(crate) shared: Arc<Shared>,
    tls: Option<Arc<TlsInfo>>,
    tasks: Arc<Tasks>,
}

struct TlsInfo {
    addr: SocketAddr,
    cert_pem: String,
}

struct Tasks(Mutex<Vec<JoinHandle<()>>>);

impl Drop for Tasks {
    fn drop(&mut self) {
        for t in self.0.lock().drain(..) {
            t.abort();
        }
    }
}

/// `/`: the gateway when the request asks for a WebSocket upgrade, REST otherwise.
async fn ws_or_rest(State(shared): State<Arc<Shared>>, req: axum::extract::Request) -> Response {
    use axum::extract::FromRequestParts;
    use axum::response::IntoResponse;
    let wants_ws = req
        .headers()
        .get("upgrade")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let (mut parts, body) = req.into_parts();
    if wants_ws {
        return match WebSocketUpgrade::from_request_parts(&mut parts, &shared).await {
            Ok(ws) => ws
                .max_message_size(64 << 20)
                .on_upgrade(move |socket| gateway::connection(shared, socket)),
            Err(rejection) => rejection.into_response(),
        };
    }
    let bytes = axum::body::to_bytes(body, 32 << 20)
        .await
        .unwrap_or_default();
    rest::handle(shared, parts.method, parts.uri, parts.headers, bytes).await
}

async fn rest_fallback(
    State(shared): State<Arc<Shared>>,
    method: axum::http::Method,
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> Response {
    rest::handle(shared, method, uri, headers, body).await
}

impl Sim {
    /// Binds the listeners on 127.0.0.1 and starts serving.
    pub async fn start(config: SimConfig) -> anyhow::Result<Sim> {
        let listener = TcpListener::bind(("127.0.0.1", config.port))
            .await
            .context("bind the simulator's port")?;
        let addr = listener.local_addr()?;
        let mut world = world::World::new(&config.bot_name, &config.token);
        world.base_url = format!("http://{addr}");
        let (changes, _) = watch::channel(0);
        let shared = Arc::new(Shared {
            world: Mutex::new(world),
            gateway: gateway::Gateway::with_sharding(config.sharding.clone()),
            rate: ratelimit::RateLimiter::new(config.rate_limits.clone()),
            rate_limited: AtomicU64::new(0),
            responded: AtomicU64::new(0),
            faults: faults::Faults::default(),
            log: log::Log::new(),
            latency_ms: AtomicU64::new(config.latency_ms),
            changes,
            addr,
        });
        let app = axum::Router::new()
            .route("/", axum::routing::any(ws_or_rest))
            .fallback(rest_fallback)
            .layer(DefaultBodyLimit::max(32 << 20))
            .with_state(Arc::clone(&shared));

        let mut tasks = Vec::new();
        let plain_app = app.clone();
        tasks.push(tokio::spawn(async move {
            if let Err(e) = axum::serve(listener, plain_app).await {
                tracing::error!(error = %e, "discord-sim: the HTTP listener stopped");
            }
        }));
        let tls = if config.tls {
            let cert = tls::certificate()?;
            let tls_listener = TcpListener::bind(("127.0.0.1", 0)).await?;
            let tls_addr = tls_listener.local_addr()?;
            let cert_pem = cert.cert_pem.clone();
            tasks.push(tokio::spawn(async move {
                if let Err(e) = tls::serve(tls_listener, &cert, app).await {
                    tracing::error!(error = %e, "discord-sim: the HTTPS listener stopped");
                }
            }));
            Some(Arc::new(TlsInfo {
                addr: tls_addr,
                cert_pem,
            }))
        } else {
            None
        };
        Ok(Sim {
            shared,
            tls,
            tasks: Arc::new(Tasks(Mutex::new(tasks))),
        })
    }

    /// `http://127.0.0.1:PORT`: the base URL to give serenity as its proxy (proxy mode).
    pub fn api_url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    /// TLS mode: a reqwest client for which `https://discord.com` is this simulator.
    pub fn tls_client(&self) -> Option<reqwest::Client> {
        let tls = self.tls.as_ref()?;
        tls::client(tls.addr, &tls.cert_pem).ok()
    }

    /// TLS mode: the address of the HTTPS listener and its certificate (PEM).
    pub fn tls_endpoint(&self) -> Option<(SocketAddr, String)> {
        self.tls.as_ref().map(|t| (t.addr, t.cert_pem.clone()))
    }

    pub fn token(&self) -> String {
        self.shared.world.lock().app.token.clone()
    }

    /// Puts a network of this round-trip time between the bot and the simulator: each REST
    /// call waits half of it before it is handled and half before its answer leaves, and each
    /// gateway event reaches the bot half of it after it happened. Discord's 3-second
    /// interaction deadline counts from the click, as Discord's does, so an acknowledgement
    /// spends a whole round trip of it on the way. Real Discord answers in tens to hundreds of
    /// ms; 0 (the default) is loopback.
    pub fn set_latency(&self, round_trip: std::time::Duration) {
        self.shared.latency_ms.store(
            round_trip.as_millis() as u64,
            std::sync::atomic::Ordering::Relaxed,
        );
    }

    /// Stops serving.
    pub fn shutdown(&self) {
        for t in self.tasks.0.lock().drain(..) {
            t.abort();
        }
    }
}
