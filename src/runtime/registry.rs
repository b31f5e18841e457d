//! The live quizzes running now: by session id (for clicks) and by channel (one per channel).

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;

use super::live::LiveHandle;

#[derive(Default)]
pub struct Registry {
    inner: Mutex<Inner>,
}

#[derive(Default)]
struct Inner {
    by_session: HashMap<i64, Arc<LiveHandle>>,
    by_channel: HashMap<u64, i64>,
}

impl Registry {
    /// Adds a quiz; false when its channel already has one.
    pub fn insert(&self, handle: Arc<LiveHandle>) -> bool {
        let mut inner = self.inner.lock();
        if inner.by_channel.contains_key(&handle.channel) {
            return false;
        }
        inner.by_channel.insert(handle.channel, handle.session);
        inner.by_session.insert(handle.session, handle);
        true
    }

    pub fn remove(&self, session: i64) {
        let mut inner = self.inner.lock();
        if let Some(h) = inner.by_session.remove(&session) {
            inner.by_channel.remove(&h.channel);
        }
    }

    pub fn get(&self, session: i64) -> Option<Arc<LiveHandle>> {
        self.inner.lock().by_session.get(&session).cloned()
    }

    pub fn in_channel(&self, channel: u64) -> Option<Arc<LiveHandle>> {
        let inner = self.inner.lock();
        inner
            .by_channel
            .get(&channel)
            .and_then(|s| inner.by_session.get(s))
            .cloned()
    }

    pub fn all(&self) -> Vec<Arc<LiveHandle>> {
        self.inner.lock().by_session.values().cloned().collect()
    }
}
