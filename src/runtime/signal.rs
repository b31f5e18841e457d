//! Wakes the study-group scheduler before its next tick, and counts ticks, so that whoever
//! moved the clock (a test, `quizbot rehearse`) can wait for a pass that saw the new time.

use std::sync::atomic::{AtomicU64, Ordering};

#[derive(Default)]
pub struct Signal {
    kick: tokio::sync::Notify,
    started: AtomicU64,
    done: AtomicU64,
}

impl Signal {
    /// Asks for a tick now; returns the number of the tick that will have seen everything
    /// changed before this call (see [`Signal::done`]).
    pub fn kick(&self) -> u64 {
        let target = self.started.load(Ordering::SeqCst) + 1;
        self.kick.notify_one();
        target
    }

    /// How many ticks have completed.
    pub fn done(&self) -> u64 {
        self.done.load(Ordering::SeqCst)
    }

    /// The scheduler begins a tick.
    pub(super) fn begin(&self) {
        self.started.fetch_add(1, Ordering::SeqCst);
    }

    /// The scheduler completed a tick.
    pub(super) fn end(&self) {
        self.done.fetch_add(1, Ordering::SeqCst);
    }

    /// Resolves at the next [`Signal::kick`] (or at once if one came since the last wait).
    pub(super) async fn kicked(&self) {
        self.kick.notified().await
    }
}
