//! What every handler and task shares: handles, not logic.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::clock::Clock;
use crate::config::Config;
use crate::library::Library;
use crate::runtime::registry::Registry;
use crate::store::Store;

pub struct App {
    pub config: Config,
    pub store: Store,
    pub library: Library,
    pub live: Registry,
    pub clock: Arc<dyn Clock>,
    /// Role names per server, from the gateway (the host role is configured by name).
    pub roles: Mutex<HashMap<u64, HashMap<u64, String>>>,
}

impl App {
    pub fn new(config: Config, store: Store, library: Library, clock: Arc<dyn Clock>) -> Arc<App> {
        Arc::new(App {
            config,
            store,
            library,
            live: Registry::default(),
            clock,
            roles: Mutex::new(HashMap::new()),
        })
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
