//! A running live quiz as the rest of the bot reaches it: its [`LiveHandle`] (state, the host's
//! commands, its messages), and the [`Registry`] of the quizzes running now, by session (for
//! clicks) and by channel (one per channel). Nothing here acts; `live/` does.

use std::collections::HashMap;
use std::sync::Arc;

use parking_lot::Mutex;
use tokio::sync::mpsc;

use crate::game::live::LiveSession;
use crate::store::RevealedQuestion;

/// A revealed question not yet written to the leaderboards.
pub struct Unrevealed {
    pub position: usize,
    pub asked: RevealedQuestion,
    /// Unix ms of the reveal: the boards' day and week are the reveal's, not the retry's.
    pub at: i64,
}

/// What the host can ask of a running quiz.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HostCommand {
    /// Reveal the open question now (or skip the pause) and go on.
    Next,
    /// End the quiz: reveal the open question, post the results so far.
    Stop,
    /// The bot is shutting down: leave everything as it is (the quiz resumes after the restart)
    /// and say so in the channel.
    Pause,
}

/// How to reach the host privately while their `/quiz start` interaction token is valid.
#[derive(Debug, Clone)]
pub struct HostNotice {
    pub token: String,
    /// Unix ms after which the token no longer works (15 minutes after the command).
    pub expires_at: i64,
}

/// A running quiz, shared by its task, the click handler and the host commands.
pub struct LiveHandle {
    pub session: i64,
    pub guild: u64,
    pub channel: u64,
    pub quiz_id: String,
    /// Unix ms when the quiz was started: with the session, what its posts' nonces come from.
    pub started_at: i64,
    pub state: Mutex<LiveSession>,
    pub(super) commands: mpsc::UnboundedSender<HostCommand>,
    /// The message of each posted question, by position.
    pub(super) messages: Mutex<HashMap<usize, u64>>,
    pub(super) host_notice: Option<HostNotice>,
    /// Reveals whose leaderboard write failed (a full disk), tried again at the next reveal and
    /// at the end: the answers are stored, and the boards must come to agree with them.
    pub(super) unrevealed: Mutex<Vec<Unrevealed>>,
    /// The quiz's task, to wait for it when pausing for a shutdown.
    pub(super) task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl LiveHandle {
    /// Sends a host command to the quiz's task; false when it has already ended.
    pub fn command(&self, c: HostCommand) -> bool {
        self.commands.send(c).is_ok()
    }

    pub fn message_at(&self, position: usize) -> Option<u64> {
        self.messages.lock().get(&position).copied()
    }
}

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

    /// Live quizzes running in this process.
    pub fn len(&self) -> usize {
        self.inner.lock().by_session.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
