//! Gateway v10 over WebSocket: Hello, Identify (bad token → 4004), READY then GUILD_CREATE per
//! guild, heartbeats, Resume with the dispatches missed in between, and on demand op 7, op 9
//! and closes with any code. Large dispatches go out as zlib-compressed binary frames when
//! Identify asked for compression (one whole zlib stream per frame, as serenity inflates them).
//!
//! Shards as Discord runs them: Identify's `shard: [id, count]` is echoed in READY; a guild's
//! GUILD_CREATE and every dispatch about it go to the session of shard
//! `(guild_id >> 22) % count` only, DMs to shard 0; a shard id out of range is closed with
//! 4010, a session that would hold more guilds than [`Sharding::max_guilds_per_session`] with
//! 4011; identifies are paced per bucket (`shard_id % max_concurrency`, one per
//! [`Sharding::identify_window`]) and refused with op 9 when too fast; identifies are counted
//! against a daily budget.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket};
use futures_util::{SinkExt, StreamExt};
use parking_lot::Mutex;
use serde_json::{json, Value};
use tokio::sync::mpsc;

use crate::log::Entry;
use crate::payloads;
use crate::Shared;

/// Frames longer than this go out compressed when the bot asked for compression.
pub const COMPRESS_ABOVE: usize = 2048;
/// Dispatches kept per session for resuming (the oldest are dropped beyond this).
const REPLAY_CAPACITY: usize = 100_000;
pub const HEARTBEAT_INTERVAL_MS: u64 = 41_250;

#[derive(Clone)]
struct Frame {
    /// When the event happened: it reaches the bot one way of the latency later.
    made: tokio::time::Instant,
    text: Arc<str>,
    op: u8,
    t: Option<Arc<str>>,
    s: Option<u64>,
}

enum Out {
    Frame(Frame),
    Close(u16, String),
    /// Drop the TCP connection without a close frame (the client sees 1006).
    Abort,
}

struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<Out>,
}

struct Session {
    /// `[id, count]` from its Identify.
    shard: [u32; 2],
    seq: u64,
    compress: bool,
    resumable: bool,
    buffer: VecDeque<Frame>,
    conn: Option<Conn>,
}

#[derive(Default)]
struct Plan {
    drop_next: u32,
    duplicate_next: u32,
}

/// How this Discord shards the bot: what `GET /gateway/bot` says and what Identify enforces.
#[derive(Debug, Clone)]
pub struct Sharding {
    /// `shards` in `GET /gateway/bot`: the count Discord recommends.
    pub recommended: u32,
    /// `session_start_limit.max_concurrency`: identify buckets (`shard_id % max_concurrency`).
    pub max_concurrency: u32,
    /// A session that would hold more guilds than this is closed with 4011 (Discord: 2,500).
    pub max_guilds_per_session: usize,
    /// One identify per bucket per this long (Discord: 5 s); a faster one gets op 9.
    pub identify_window: Duration,
    /// `session_start_limit.total`: identifies allowed per day (Discord: 1,000).
    pub daily_identifies: u64,
}

impl Default for Sharding {
    fn default() -> Self {
        Sharding {
            recommended: 1,
            max_concurrency: 1,
            max_guilds_per_session: 2500,
            identify_window: Duration::from_secs(5),
            daily_identifies: 1000,
        }
    }
}

/// The shard a guild's events go to; DMs (guild 0) go to shard 0.
pub fn shard_of(guild: u64, total: u32) -> u32 {
    if guild == 0 || total == 0 {
        return 0;
    }
    ((guild >> 22) % u64::from(total)) as u32
}

/// Which session serves each shard, and the shard count the bot identified with.
struct Shards {
    total: u32,
    current: BTreeMap<u32, String>,
}

impl Default for Shards {
    fn default() -> Self {
        Shards {
            total: 1,
            current: BTreeMap::new(),
        }
    }
}

#[derive(Default)]
pub struct Gateway {
    sessions: Mutex<HashMap<String, Session>>,
    shards: Mutex<Shards>,
    next_id: AtomicU64,
    plan: Mutex<Plan>,
    pub sharding: Mutex<Sharding>,
    /// When each identify bucket last let an identify through.
    buckets: Mutex<HashMap<u32, tokio::time::Instant>>,
    /// Identifies accepted per shard id.
    per_shard: Mutex<BTreeMap<u32, u64>>,
    /// Identifies and resumes so far, for tests of reconnects.
    pub identifies: AtomicU64,
    pub resumes: AtomicU64,
    /// Identifies refused with op 9 for coming too fast in their bucket.
    pub paced: AtomicU64,
}

/// The guild a dispatch is about: `guild_id`, or `id` for the guild events themselves.
fn guild_of(t: &str, d: &Value) -> u64 {
    let field = if matches!(t, "GUILD_CREATE" | "GUILD_UPDATE" | "GUILD_DELETE") {
        "id"
    } else {
        "guild_id"
    };
    d.get(field)
        .and_then(|v| v.as_str().and_then(|s| s.parse().ok()).or(v.as_u64()))
        .unwrap_or(0)
}

impl Gateway {
    pub fn with_sharding(sharding: Sharding) -> Gateway {
        Gateway {
            sharding: Mutex::new(sharding),
            ..Gateway::default()
        }
    }

    /// Sends a dispatch to the session of the shard that owns its guild (shard 0 for DMs);
    /// returns its sequence number, or `None` when no bot serves that shard (or the dispatch
    /// was dropped on purpose).
    pub fn dispatch(&self, t: &str, d: &Value) -> Option<u64> {
        self.dispatch_in(guild_of(t, d), t, &d.to_string())
    }

    /// [`Self::dispatch`] with the guild given and the data already serialized.
    pub fn dispatch_in(&self, guild: u64, t: &str, data: &str) -> Option<u64> {
        let session = {
            let shards = self.shards.lock();
            shards.current.get(&shard_of(guild, shards.total))?.clone()
        };
        self.dispatch_to(&session, t, data)
    }

    /// Sends a dispatch on one session.
    fn dispatch_to(&self, session_id: &str, t: &str, data: &str) -> Option<u64> {
        let mut sessions = self.sessions.lock();
        let session = sessions.get_mut(session_id)?;
        {
            let mut plan = self.plan.lock();
            if plan.drop_next > 0 {
                plan.drop_next -= 1;
                tracing::info!(t, "discord-sim: dropping a dispatch on purpose");
                return None;
            }
        }
        session.seq += 1;
        let s = session.seq;
        let frame = Frame {
            made: tokio::time::Instant::now(),
            text: format!(r#"{{"op":0,"s":{s},"t":"{t}","d":{data}}}"#).into(),
            op: 0,
            t: Some(t.into()),
            s: Some(s),
        };
        session.buffer.push_back(frame.clone());
        if session.buffer.len() > REPLAY_CAPACITY {
            session.buffer.pop_front();
        }
        if let Some(conn) = &session.conn {
            let duplicate = {
                let mut plan = self.plan.lock();
                let dup = plan.duplicate_next > 0;
                plan.duplicate_next = plan.duplicate_next.saturating_sub(1);
                dup
            };
            let _ = conn.tx.send(Out::Frame(frame.clone()));
            if duplicate {
                tracing::info!(t, s, "discord-sim: duplicating a dispatch on purpose");
                let _ = conn.tx.send(Out::Frame(frame));
            }
        }
        Some(s)
    }

    /// Whether the bot is connected right now on every shard of the count it identified
    /// with (identified or resumed, socket open).
    pub fn connected(&self) -> bool {
        let total = self.shards.lock().total;
        let up = self.connected_shards();
        up.len() == total as usize && !up.is_empty()
    }

    /// The shard ids with a connected session, and the shard count the bot identified with.
    pub fn connected_shards(&self) -> Vec<u32> {
        let current: Vec<(u32, String)> = self
            .shards
            .lock()
            .current
            .iter()
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        let sessions = self.sessions.lock();
        current
            .into_iter()
            .filter(|(_, id)| sessions.get(id).is_some_and(|s| s.conn.is_some()))
            .map(|(shard, _)| shard)
            .collect()
    }

    /// The shard count of the last identify.
    pub fn shard_total(&self) -> u32 {
        self.shards.lock().total
    }

    /// Identifies accepted per shard id.
    pub fn identifies_per_shard(&self) -> BTreeMap<u32, u64> {
        self.per_shard.lock().clone()
    }

    /// The sessions a control acts on: one shard's, or every shard's.
    fn targets(&self, shard: Option<u32>) -> Vec<String> {
        let shards = self.shards.lock();
        shards
            .current
            .iter()
            .filter(|(k, _)| shard.is_none_or(|s| s == **k))
            .map(|(_, v)| v.clone())
            .collect()
    }

    fn send_control(&self, shard: Option<u32>, out: impl Fn() -> Out) -> bool {
        let targets = self.targets(shard);
        let sessions = self.sessions.lock();
        let mut sent = false;
        for id in targets {
            if let Some(conn) = sessions.get(&id).and_then(|s| s.conn.as_ref()) {
                sent |= conn.tx.send(out()).is_ok();
            }
        }
        sent
    }

    /// Closes the bot's connection (on every shard) with `code`. Codes that end a session on
    /// Discord (4004, 4006, 4007, 4009, 4010–4014) make it non-resumable here too.
    pub fn close(&self, code: u16) -> bool {
        self.close_shard(None, code)
    }

    /// [`Self::close`] on one shard (`Some`) or all.
    pub fn close_shard(&self, shard: Option<u32>, code: u16) -> bool {
        if matches!(code, 4004 | 4006 | 4007 | 4009 | 4010..=4014) {
            self.set_resumable(shard, false);
        }
        self.send_control(shard, || {
            Out::Close(code, format!("closed by the simulator ({code})"))
        })
    }

    /// Drops the bot's connection without a close frame, as a network failure would; the
    /// client sees close code 1006 and resumes.
    pub fn abort(&self) -> bool {
        self.send_control(None, || Out::Abort)
    }

    /// Sends op 7 Reconnect: the bot should reconnect and resume.
    pub fn reconnect(&self) -> bool {
        self.send_control(None, || control_frame(7, Value::Null))
    }

    /// Sends op 9 Invalid Session; `resumable` is its `d`.
    pub fn invalidate(&self, resumable: bool) -> bool {
        if !resumable {
            self.set_resumable(None, false);
        }
        self.send_control(None, || control_frame(9, json!(resumable)))
    }

    fn set_resumable(&self, shard: Option<u32>, resumable: bool) {
        let targets = self.targets(shard);
        let mut sessions = self.sessions.lock();
        for id in targets {
            if let Some(s) = sessions.get_mut(&id) {
                s.resumable = resumable;
            }
        }
    }

    /// The next `n` dispatches are dropped (never delivered).
    pub fn drop_next(&self, n: u32) {
        self.plan.lock().drop_next += n;
    }

    /// The next `n` dispatches are delivered twice.
    pub fn duplicate_next(&self, n: u32) {
        self.plan.lock().duplicate_next += n;
    }
}

fn control_frame(op: u8, d: Value) -> Out {
    Out::Frame(Frame {
        made: tokio::time::Instant::now(),
        text: json!({"op": op, "d": d}).to_string().into(),
        op,
        t: None,
        s: None,
    })
}

/// One WebSocket connection, from Hello to close.
pub async fn connection(shared: Arc<Shared>, socket: WebSocket) {
    let gw = &shared.gateway;
    let conn_id = gw.next_id.fetch_add(1, Ordering::Relaxed);
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    let compress = Arc::new(std::sync::atomic::AtomicBool::new(false));

    // The writer: frames from the session (and control) to the socket, in order.
    let writer_shared = Arc::clone(&shared);
    let writer_compress = Arc::clone(&compress);
    let mut writer = tokio::spawn(async move {
        while let Some(out) = rx.recv().await {
            match out {
                Out::Frame(f) => {
                    // In order, each at its own time: a burst is delayed, not spread out.
                    let one_way = writer_shared.one_way();
                    if !one_way.is_zero() {
                        tokio::time::sleep_until(f.made + one_way).await;
                    }
                    let compressed =
                        writer_compress.load(Ordering::Relaxed) && f.text.len() > COMPRESS_ABOVE;
                    let msg = if compressed {
                        WsMessage::Binary(zlib(f.text.as_bytes()).into())
                    } else {
                        WsMessage::Text(f.text.to_string().into())
                    };
                    writer_shared.log.push(Entry::GatewaySend {
                        op: f.op,
                        t: f.t.as_deref().map(str::to_string),
                        s: f.s,
                        compressed,
                    });
                    if sink.send(msg).await.is_err() {
                        break;
                    }
                }
                Out::Abort => {
                    writer_shared.log.push(Entry::GatewayClose { code: 1006 });
                    break;
                }
                Out::Close(code, reason) => {
                    writer_shared.log.push(Entry::GatewayClose { code });
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame {
                            code,
                            reason: reason.into(),
                        })))
                        .await;
                    break;
                }
            }
        }
    });

    let _ = tx.send(control_frame(
        10,
        json!({"heartbeat_interval": HEARTBEAT_INTERVAL_MS}),
    ));

    let mut session_id: Option<String> = None;
    loop {
        // The writer ends on a close or an abort: then this side stops too, and dropping both
        // halves closes the socket (with no close frame after an abort).
        let next = tokio::select! {
            next = tokio::time::timeout(Duration::from_millis(HEARTBEAT_INTERVAL_MS * 2), stream.next()) => next,
            _ = &mut writer => break,
        };
        let msg = match next {
            Ok(Some(Ok(msg))) => msg,
            Ok(Some(Err(_)) | None) => break,
            Err(_) => {
                // No heartbeat for two intervals: a zombie connection, closed as Discord does.
                let _ = tx.send(Out::Close(4009, "Session timed out".into()));
                break;
            }
        };
        let text = match msg {
            WsMessage::Text(t) => t.to_string(),
            WsMessage::Binary(b) => String::from_utf8_lossy(&b).into_owned(),
            WsMessage::Close(_) => break,
            _ => continue,
        };
        let Ok(frame) = serde_json::from_str::<Value>(&text) else {
            let _ = tx.send(Out::Close(4002, "Decode error".into()));
            break;
        };
        let op = frame.get("op").and_then(Value::as_u64).unwrap_or(u64::MAX) as u8;
        shared.log.push(Entry::GatewayRecv { op });
        match op {
            1 => {
                let acked = frame.get("d").and_then(Value::as_u64);
                if let (Some(id), Some(seq)) = (&session_id, acked) {
                    if let Some(s) = gw.sessions.lock().get_mut(id) {
                        // The bot has everything up to `seq`: no need to replay it.
                        while s.buffer.front().is_some_and(|f| f.s.unwrap_or(0) <= seq) {
                            s.buffer.pop_front();
                        }
                    }
                }
                let _ = tx.send(control_frame(11, Value::Null));
            }
            2 if session_id.is_some() => {
                let _ = tx.send(Out::Close(4005, "Already authenticated".into()));
                break;
            }
            2 => match identify(&shared, &frame, conn_id, &tx, &compress) {
                Identified::Session(id) => session_id = Some(id),
                Identified::TooFast => {
                    let _ = tx.send(control_frame(9, json!(false)));
                }
                Identified::Refused(code, reason) => {
                    let _ = tx.send(Out::Close(code, reason.into()));
                    break;
                }
            },
            6 => match resume(&shared, &frame, conn_id, &tx, &compress) {
                Some(id) => session_id = Some(id),
                None => {
                    let _ = tx.send(control_frame(9, json!(false)));
                }
            },
            _ => {}
        }
    }

    if let Some(id) = &session_id {
        if let Some(s) = gw.sessions.lock().get_mut(id) {
            if s.conn.as_ref().is_some_and(|c| c.id == conn_id) {
                s.conn = None;
            }
        }
    }
    drop(tx);
    if !writer.is_finished() {
        let _ = writer.await;
    }
    shared.changed();
}

fn token_ok(shared: &Shared, given: Option<&str>) -> bool {
    let expected = shared.world.lock().app.token.clone();
    given.is_some_and(|t| t.strip_prefix("Bot ").unwrap_or(t) == expected)
}

/// What an Identify led to.
enum Identified {
    Session(String),
    /// Its bucket already identified within the window: op 9, identify again later.
    TooFast,
    /// Closed with this code.
    Refused(u16, &'static str),
}

fn identify(
    shared: &Arc<Shared>,
    frame: &Value,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Out>,
    compress: &std::sync::atomic::AtomicBool,
) -> Identified {
    let Some(d) = frame.get("d") else {
        return Identified::Refused(4002, "Decode error");
    };
    if !token_ok(shared, d.get("token").and_then(Value::as_str)) {
        return Identified::Refused(4004, "Authentication failed");
    }
    let gw = &shared.gateway;
    let shard = d.get("shard").and_then(Value::as_array);
    let number = |i: usize, default: u64| {
        shard
            .and_then(|a| a.get(i))
            .and_then(Value::as_u64)
            .unwrap_or(default)
    };
    let (shard_id, total) = (number(0, 0), number(1, 1));
    if total == 0 || shard_id >= total || total > u64::from(u32::MAX) {
        return Identified::Refused(4010, "Invalid shard");
    }
    let (shard_id, total) = (shard_id as u32, total as u32);
    let sharding = gw.sharding.lock().clone();
    let held = shared
        .world
        .lock()
        .guilds
        .keys()
        .filter(|g| shard_of(**g, total) == shard_id)
        .count();
    if held > sharding.max_guilds_per_session {
        return Identified::Refused(4011, "Sharding required");
    }
    {
        let bucket = shard_id % sharding.max_concurrency.max(1);
        let now = tokio::time::Instant::now();
        let mut buckets = gw.buckets.lock();
        if buckets
            .get(&bucket)
            .is_some_and(|last| now.duration_since(*last) < sharding.identify_window)
        {
            gw.paced.fetch_add(1, Ordering::Relaxed);
            tracing::info!(
                shard_id,
                bucket,
                "discord-sim: identify too fast for its bucket; op 9"
            );
            return Identified::TooFast;
        }
        buckets.insert(bucket, now);
    }
    let wants_compression = d.get("compress").and_then(Value::as_bool).unwrap_or(false);
    compress.store(wants_compression, Ordering::Relaxed);
    let id = format!(
        "sim-session-{conn_id:04}-{}",
        shared.world.lock().ids.next()
    );
    gw.sessions.lock().insert(
        id.clone(),
        Session {
            shard: [shard_id, total],
            seq: 0,
            compress: wants_compression,
            resumable: true,
            buffer: VecDeque::new(),
            conn: Some(Conn {
                id: conn_id,
                tx: tx.clone(),
            }),
        },
    );
    {
        let mut shards = gw.shards.lock();
        if shards.total != total {
            // A new shard count: the sessions of the old one no longer receive anything.
            shards.current.clear();
            shards.total = total;
        }
        shards.current.insert(shard_id, id.clone());
    }
    gw.identifies.fetch_add(1, Ordering::Relaxed);
    *gw.per_shard.lock().entry(shard_id).or_default() += 1;
    let (ready, guilds) = {
        let world = shared.world.lock();
        let ready = payloads::ready(&world, &id, &shared.gateway_url(), [shard_id, total]);
        let guilds: Vec<String> = world
            .guilds
            .values()
            .filter(|g| shard_of(g.id, total) == shard_id)
            .map(|g| payloads::guild_create(&world, g).to_string())
            .collect();
        (ready, guilds)
    };
    gw.dispatch_to(&id, "READY", &ready.to_string());
    for g in &guilds {
        gw.dispatch_to(&id, "GUILD_CREATE", g);
    }
    shared.changed();
    Identified::Session(id)
}

fn resume(
    shared: &Arc<Shared>,
    frame: &Value,
    conn_id: u64,
    tx: &mpsc::UnboundedSender<Out>,
    compress: &std::sync::atomic::AtomicBool,
) -> Option<String> {
    let d = frame.get("d")?;
    if !token_ok(shared, d.get("token").and_then(Value::as_str)) {
        return None;
    }
    let id = d.get("session_id")?.as_str()?.to_string();
    let seq = d.get("seq").and_then(Value::as_u64).unwrap_or(0);
    let gw = &shared.gateway;
    let [shard, total] = {
        let mut sessions = gw.sessions.lock();
        let session = sessions.get_mut(&id).filter(|s| s.resumable)?;
        compress.store(session.compress, Ordering::Relaxed);
        for f in session.buffer.iter().filter(|f| f.s.unwrap_or(0) > seq) {
            let _ = tx.send(Out::Frame(f.clone()));
        }
        session.conn = Some(Conn {
            id: conn_id,
            tx: tx.clone(),
        });
        session.shard
    };
    {
        let mut shards = gw.shards.lock();
        if shards.total == total {
            shards.current.insert(shard, id.clone());
        }
    }
    gw.resumes.fetch_add(1, Ordering::Relaxed);
    gw.dispatch_to(&id, "RESUMED", "{}");
    shared.changed();
    Some(id)
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}
