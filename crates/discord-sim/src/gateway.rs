//! Gateway v10 over WebSocket: Hello, Identify (bad token → 4004), READY then GUILD_CREATE per
//! guild, heartbeats, Resume with the dispatches missed in between, and on demand op 7, op 9
//! and closes with any code. Large dispatches go out as zlib-compressed binary frames when
//! Identify asked for compression (one whole zlib stream per frame, as serenity inflates them).
//!
//! One bot, one shard: dispatches go to the session that identified last.

use std::collections::{HashMap, VecDeque};
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

#[derive(Default)]
pub struct Gateway {
    sessions: Mutex<HashMap<String, Session>>,
    current: Mutex<Option<String>>,
    next_id: AtomicU64,
    plan: Mutex<Plan>,
    /// Identifies and resumes so far, for tests of reconnects.
    pub identifies: AtomicU64,
    pub resumes: AtomicU64,
}

impl Gateway {
    /// Sends a dispatch to the bot's session; returns its sequence number, or `None` when
    /// no bot has identified (or the dispatch was dropped on purpose).
    pub fn dispatch(&self, t: &str, d: &Value) -> Option<u64> {
        self.dispatch_raw(t, &d.to_string())
    }

    /// [`Self::dispatch`] with the data already serialized.
    pub fn dispatch_raw(&self, t: &str, data: &str) -> Option<u64> {
        let current = self.current.lock().clone()?;
        let mut sessions = self.sessions.lock();
        let session = sessions.get_mut(&current)?;
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

    /// Whether a bot is connected right now (identified or resumed, socket open).
    pub fn connected(&self) -> bool {
        let Some(current) = self.current.lock().clone() else {
            return false;
        };
        self.sessions
            .lock()
            .get(&current)
            .is_some_and(|s| s.conn.is_some())
    }

    fn send_control(&self, out: impl FnOnce() -> Out) -> bool {
        let Some(current) = self.current.lock().clone() else {
            return false;
        };
        let sessions = self.sessions.lock();
        match sessions.get(&current).and_then(|s| s.conn.as_ref()) {
            Some(conn) => conn.tx.send(out()).is_ok(),
            None => false,
        }
    }

    /// Closes the bot's connection with `code`. Codes that end a session on Discord
    /// (4004, 4006, 4007, 4009, 4010–4014) make it non-resumable here too.
    pub fn close(&self, code: u16) -> bool {
        if matches!(code, 4004 | 4006 | 4007 | 4009 | 4010..=4014) {
            self.set_resumable(false);
        }
        self.send_control(|| Out::Close(code, format!("closed by the simulator ({code})")))
    }

    /// Drops the bot's connection without a close frame, as a network failure would; the
    /// client sees close code 1006 and resumes.
    pub fn abort(&self) -> bool {
        self.send_control(|| Out::Abort)
    }

    /// Sends op 7 Reconnect: the bot should reconnect and resume.
    pub fn reconnect(&self) -> bool {
        self.send_control(|| control_frame(7, Value::Null))
    }

    /// Sends op 9 Invalid Session; `resumable` is its `d`.
    pub fn invalidate(&self, resumable: bool) -> bool {
        if !resumable {
            self.set_resumable(false);
        }
        self.send_control(|| control_frame(9, json!(resumable)))
    }

    fn set_resumable(&self, resumable: bool) {
        if let Some(current) = self.current.lock().clone() {
            if let Some(s) = self.sessions.lock().get_mut(&current) {
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
                Some(id) => session_id = Some(id),
                None => {
                    let _ = tx.send(Out::Close(4004, "Authentication failed".into()));
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

fn identify(
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
    let wants_compression = d.get("compress").and_then(Value::as_bool).unwrap_or(false);
    compress.store(wants_compression, Ordering::Relaxed);
    let gw = &shared.gateway;
    let id = format!(
        "sim-session-{conn_id:04}-{}",
        shared.world.lock().ids.next()
    );
    gw.sessions.lock().insert(
        id.clone(),
        Session {
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
    *gw.current.lock() = Some(id.clone());
    gw.identifies.fetch_add(1, Ordering::Relaxed);
    let (ready, guilds) = {
        let world = shared.world.lock();
        let ready = payloads::ready(&world, &id, &shared.gateway_url());
        let guilds: Vec<Value> = world
            .guilds
            .values()
            .map(|g| payloads::guild_create(&world, g))
            .collect();
        (ready, guilds)
    };
    gw.dispatch("READY", &ready);
    for g in &guilds {
        gw.dispatch("GUILD_CREATE", g);
    }
    shared.changed();
    Some(id)
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
    {
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
    }
    *gw.current.lock() = Some(id.clone());
    gw.resumes.fetch_add(1, Ordering::Relaxed);
    gw.dispatch("RESUMED", &json!({}));
    shared.changed();
    Some(id)
}

fn zlib(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    // Writing to a Vec cannot fail.
    let _ = enc.write_all(bytes);
    enc.finish().unwrap_or_default()
}
