//! What every use case and task shares: handles, not logic. The Discord adapter builds one
//! [`App`] and hands it to each call into the runtime.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use parking_lot::Mutex;

use crate::clock::Clock;
use crate::config::Config;
use crate::game::shards::Ownership;
use crate::library::Library;
use crate::store::Store;

use super::handle::Registry;
use super::outbox::{Outbox, SendError};
use super::signal::Signal;

/// See [`App::replies`]. Acks leave at this many divided by Discord's round trip: 1,024 at
/// 150 ms is about 6,800 a second, so a 10,000-click burst is acknowledged well inside the
/// 3-second deadline (docs/performance.md, "Acks at Discord's latency"). 32 allowed 213 a
/// second there, and a third of a 1,000-click burst showed "This interaction failed".
pub const MAX_REPLIES_IN_FLIGHT: usize = 1024;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub library: Library,
    pub live: Registry,
    pub clock: Arc<dyn Clock>,
    /// Role names per server, from the gateway (the host role is configured by name).
    pub roles: Mutex<HashMap<u64, HashMap<u64, String>>>,
    /// Interaction replies in flight at once. Acks finish in groups (one per commit) and each
    /// request in flight holds its own HTTP/1.1 connection (idle ones are reused), so the bound
    /// caps connections and file descriptors; it is sized for real round trips, not loopback
    /// (see [`MAX_REPLIES_IN_FLIGHT`]), and `quizbot run` raises the descriptor limit to fit.
    pub replies: tokio::sync::Semaphore,
    /// Set when the bot is shutting down: clicks are refused (not recorded) from then on.
    draining: std::sync::atomic::AtomicBool,
    /// Interactions already handled, so that one delivered twice is acted on once.
    seen: Mutex<Seen>,
    /// Wakes and counts the study-group scheduler.
    pub scheduler: Signal,
    /// The way out to the channels, set once when the Discord client exists (see
    /// [`App::set_outbox`]).
    outbox: OnceLock<Arc<dyn Outbox>>,
    /// The shards this process runs, set once before it connects; unset: all of them.
    ownership: OnceLock<Ownership>,
    /// Each shard's gateway connection as serenity last reported it: connected or not, and
    /// how many times it has connected (the health check and the metrics read it).
    pub gateway: Mutex<std::collections::BTreeMap<u32, ShardLink>>,
}

/// One shard's gateway connection.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ShardLink {
    pub connected: bool,
    /// Times it reached "connected"; each after the first is a reconnect.
    pub connects: u64,
}

/// A bounded memory of interaction ids (oldest forgotten first).
#[derive(Default)]
struct Seen {
    ids: std::collections::HashSet<u64>,
    order: std::collections::VecDeque<u64>,
}

/// Interactions remembered for duplicate delivery: far more than arrive in the minutes a
/// duplicate can come in.
const SEEN_CAPACITY: usize = 200_000;

impl App {
    pub fn new(config: Config, store: Store, library: Library, clock: Arc<dyn Clock>) -> Arc<App> {
        Arc::new(App {
            config,
            store,
            library,
            live: Registry::default(),
            clock,
            roles: Mutex::new(HashMap::new()),
            replies: tokio::sync::Semaphore::new(MAX_REPLIES_IN_FLIGHT),
            draining: std::sync::atomic::AtomicBool::new(false),
            seen: Mutex::new(Seen::default()),
            scheduler: Default::default(),
            outbox: OnceLock::new(),
            ownership: OnceLock::new(),
            gateway: Mutex::new(std::collections::BTreeMap::new()),
        })
    }

    /// Why the bot is not healthy, if it is not: every shard it runs connected, and the
    /// database took a write within `fresh_ms` of `now`.
    pub fn unhealthy(&self, now: i64, fresh_ms: i64) -> Option<String> {
        let ownership = self.ownership();
        let gateway = self.gateway.lock();
        let down: Vec<String> = ownership
            .shards()
            .filter(|s| !gateway.get(s).is_some_and(|l| l.connected))
            .map(|s| s.to_string())
            .collect();
        drop(gateway);
        if !down.is_empty() {
            return Some(format!("shard {} not connected", down.join(", ")));
        }
        let last = self.store.last_commit_ms();
        if last == 0 || now - last > fresh_ms {
            return Some(match last {
                0 => "the database has taken no write yet".to_string(),
                _ => format!("the database took no write for {} s", (now - last) / 1000),
            });
        }
        None
    }

    /// Sets the shards this process runs; a second call is ignored (false).
    pub fn set_ownership(&self, ownership: Ownership) -> bool {
        self.ownership.set(ownership).is_ok()
    }

    /// The shards this process runs.
    pub fn ownership(&self) -> Ownership {
        self.ownership.get().copied().unwrap_or_default()
    }

    /// Whether this process acts for the server (live quizzes, schedules, deadlines, recovery):
    /// the server is on one of its shards. DMs (`0`) belong to shard 0.
    pub fn owns(&self, guild: u64) -> bool {
        self.ownership.get().is_none_or(|o| o.owns(Some(guild)))
    }

    /// Records an interaction; false if it was seen before (a duplicate delivery). `part`
    /// tells apart the steps one delivery legitimately passes more than once (poise checks a
    /// parent command and then its subcommand).
    pub fn first_delivery(&self, interaction: u64, part: &str) -> bool {
        let key = part
            .bytes()
            .fold(interaction ^ 0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            });
        let mut seen = self.seen.lock();
        if !seen.ids.insert(key) {
            return false;
        }
        seen.order.push_back(key);
        if seen.order.len() > SEEN_CAPACITY {
            if let Some(old) = seen.order.pop_front() {
                seen.ids.remove(&old);
            }
        }
        true
    }

    /// Sets the one outbox every use case posts through; a second call is ignored (false).
    pub fn set_outbox(&self, outbox: Arc<dyn Outbox>) -> bool {
        self.outbox.set(outbox).is_ok()
    }

    /// Where channel messages go. Before [`App::set_outbox`], every send fails with a clear
    /// error (nothing can reach a channel before the client exists).
    pub fn outbox(&self) -> Arc<dyn Outbox> {
        match self.outbox.get() {
            Some(o) => Arc::clone(o),
            None => Arc::new(Unconnected),
        }
    }

    pub fn start_draining(&self) {
        self.draining
            .store(true, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn draining(&self) -> bool {
        self.draining.load(std::sync::atomic::Ordering::SeqCst)
    }

    pub fn now(&self) -> i64 {
        self.clock.now_ms()
    }

    /// The id of the configured host role in a server, if it has one by that name.
    pub fn host_role(&self, guild: u64) -> Option<u64> {
        let wanted = self.config.host_role.to_lowercase();
        self.roles
            .lock()
            .get(&guild)?
            .iter()
            .find(|(_, name)| name.to_lowercase() == wanted)
            .map(|(id, _)| *id)
    }
}

/// The outbox before the Discord client exists.
struct Unconnected;

#[async_trait::async_trait]
impl Outbox for Unconnected {
    async fn post(&self, _: u64, _: crate::render::view::MessageView) -> Result<u64, SendError> {
        Err(SendError::unconnected())
    }
    async fn edit(
        &self,
        _: u64,
        _: u64,
        _: crate::render::view::MessageView,
    ) -> Result<(), SendError> {
        Err(SendError::unconnected())
    }
    async fn whisper(&self, _: &str, _: &str) -> Result<(), SendError> {
        Err(SendError::unconnected())
    }
}
