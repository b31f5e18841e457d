//! What every handler and task shares: handles, not logic.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::clock::Clock;
use crate::config::Config;
use crate::library::Library;
use crate::runtime::registry::Registry;
use crate::store::Store;

/// See [`App::replies`].
pub const MAX_REPLIES_IN_FLIGHT: usize = 32;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub library: Library,
    pub live: Registry,
    pub clock: Arc<dyn Clock>,
    /// Role names per server, from the gateway (the host role is configured by name).
    pub roles: Mutex<HashMap<u64, HashMap<u64, String>>>,
    /// Interaction replies in flight at once. Acks finish in groups (one per commit); without a
    /// bound, each concurrent request opens its own connection (hundreds in a 10,000-click
    /// burst, each with its buffers). A few dozen reused connections carry the same rate.
    pub replies: tokio::sync::Semaphore,
    /// Set when the bot is shutting down: clicks are refused (not recorded) from then on.
    draining: std::sync::atomic::AtomicBool,
    /// Interactions already handled, so that one delivered twice is acted on once.
    seen: Mutex<Seen>,
    /// Wakes and counts the study-group scheduler.
    pub scheduler: crate::runtime::scheduler::Signal,
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
        })
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
