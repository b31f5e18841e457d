//! Live quizzes, one use case per function: [`start`] (or [`prepare`] then [`Prepared::go`], for
//! a caller that posts the intro itself), [`host_command`] for `/quiz next|stop`, [`answer::click`]
//! and [`answer::my_results`] for the buttons, and [`pause_all`] at shutdown. Each quiz runs in
//! a task of its own (`task.rs`); clicks do not go through it.

pub mod answer;
mod task;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::mpsc;
use tracing::Instrument;

pub use super::handle::{HostCommand, HostNotice, LiveHandle};
use crate::game::live::{shuffled, LiveSession, Opened, Settings};
use crate::game::scoring::{Rules, Scoring};
use crate::quiz::Quiz;
use crate::render::live as live_view;
use crate::render::view::MessageView;
use crate::runtime::app::App;
use crate::store::{quiz_json, NewSession, StoreError};

/// Where a new quiz is played, and from which point (restart recovery starts mid-way).
pub struct Start {
    pub session: LiveSession,
    pub guild: u64,
    pub channel: u64,
    pub quiz_id: String,
    /// Unix ms when the quiz was started (as stored).
    pub started_at: i64,
    /// Wait this long before opening the first (or next) question.
    pub delay: Duration,
    /// Restart recovery: the open question's position, its message, and its timing.
    pub resume: Option<(usize, Option<u64>, Opened)>,
    pub host_notice: Option<HostNotice>,
}

/// A live quiz to begin, from `/quiz start` or a schedule; `None` settings take the
/// configured defaults.
pub struct Launch {
    pub guild: u64,
    pub channel: u64,
    pub host: u64,
    pub quiz: Arc<Quiz>,
    pub seconds: Option<u32>,
    pub scoring: Option<Scoring>,
    pub shuffle: bool,
    pub host_notice: Option<HostNotice>,
}

/// A live quiz recorded and ready: post its intro, then [`Prepared::go`].
pub struct Prepared {
    pub session: i64,
    pub intro: MessageView,
    start: Start,
}

/// Records a new live quiz in its channel ([`StoreError::ChannelBusy`] if one runs there).
pub async fn prepare(app: &App, l: Launch) -> Result<Prepared, StoreError> {
    if app.live.in_channel(l.channel).is_some() {
        return Err(StoreError::ChannelBusy);
    }
    let cfg = &app.config.live;
    let seconds = l.seconds.unwrap_or(cfg.seconds);
    let scoring = l.scoring.unwrap_or(cfg.scoring);
    let now = app.now();
    let n = l.quiz.questions.len();
    let order = if l.shuffle {
        shuffled(n, now as u64 ^ l.channel)
    } else {
        (0..n).collect()
    };
    let settings = Settings {
        seconds,
        rules: Rules {
            scoring,
            streak_bonus: cfg.streak_bonus,
        },
        allow_change: cfg.allow_answer_change,
    };
    let session = app
        .store
        .create_session(NewSession {
            guild_id: l.guild,
            channel_id: l.channel,
            host_id: l.host,
            quiz_id: l.quiz.id.clone(),
            quiz_json: quiz_json::encode(&l.quiz)?,
            order: order.clone(),
            scoring,
            streak_bonus: settings.rules.streak_bonus,
            allow_change: settings.allow_change,
            seconds,
            started_at: now,
        })
        .await?;
    let first_at = now + cfg.start_delay.as_millis() as i64;
    let intro = live_view::intro(&l.quiz, order.len(), seconds, scoring, first_at);
    tracing::info!(session, quiz = %l.quiz.id, guild = l.guild, channel = l.channel, "live quiz started");
    Ok(Prepared {
        session,
        intro,
        start: Start {
            session: LiveSession::new(session, Arc::clone(&l.quiz), order, settings),
            guild: l.guild,
            channel: l.channel,
            quiz_id: l.quiz.id.clone(),
            started_at: now,
            delay: cfg.start_delay,
            resume: None,
            host_notice: l.host_notice,
        },
    })
}

impl Prepared {
    /// Starts the quiz's task. It waits `live.start_delay` before its first question, so an
    /// intro posted right after this still comes first.
    pub fn go(self, app: Arc<App>) -> Option<Arc<LiveHandle>> {
        let session = self.session;
        let started = spawn(app, self.start);
        if started.is_none() {
            tracing::warn!(session, "a second quiz raced into the channel");
        }
        started
    }
}

/// Registers the quiz and starts its task. Returns `None` when the channel already has one.
pub fn spawn(app: Arc<App>, start: Start) -> Option<Arc<LiveHandle>> {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = Arc::new(LiveHandle {
        session: start.session.id,
        guild: start.guild,
        channel: start.channel,
        quiz_id: start.quiz_id,
        started_at: start.started_at,
        state: Mutex::new(start.session),
        commands: tx,
        messages: Mutex::new(HashMap::new()),
        host_notice: start.host_notice,
        unrevealed: Mutex::new(Vec::new()),
        task: Mutex::new(None),
    });
    if let Some((position, Some(message), _)) = start.resume {
        handle.messages.lock().insert(position, message);
    }
    if !app.live.insert(Arc::clone(&handle)) {
        return None;
    }
    let span = tracing::info_span!("quiz", session = handle.session, channel = handle.channel);
    let task = Arc::clone(&handle);
    let join = tokio::spawn(
        async move { task::drive(app, task, rx, start.delay, start.resume).await }.instrument(span),
    );
    *handle.task.lock() = Some(join);
    Some(handle)
}

/// Pauses every running quiz for a shutdown and waits (up to `within`) for each to post its
/// notice. Nothing is finished: after the restart they resume.
pub async fn pause_all(app: &App, within: Duration) {
    let handles = app.live.all();
    let mut tasks = Vec::new();
    for h in &handles {
        h.command(HostCommand::Pause);
        if let Some(t) = h.task.lock().take() {
            tasks.push(t);
        }
    }
    let _ = tokio::time::timeout(within, futures_util::future::join_all(tasks)).await;
}

/// How `/quiz start` went.
#[derive(Debug)]
pub enum Started {
    /// Recorded, registered and its task running: the intro to show.
    Running { session: i64, intro: MessageView },
    /// A live quiz is already running in the channel.
    ChannelBusy,
}

/// `/quiz start`: records the quiz, registers it and starts its task, and returns the intro
/// for the caller to show. Registered before anyone sees the intro: a host who sends
/// `/quiz stop` as soon as it appears must find the quiz.
pub async fn start(app: &Arc<App>, l: Launch) -> Result<Started, StoreError> {
    let prepared = match prepare(app, l).await {
        Ok(p) => p,
        Err(StoreError::ChannelBusy) => return Ok(Started::ChannelBusy),
        Err(e) => return Err(e),
    };
    let (session, intro) = (prepared.session, prepared.intro.clone());
    match prepared.go(Arc::clone(app)) {
        Some(_) => Ok(Started::Running { session, intro }),
        None => Ok(Started::ChannelBusy),
    }
}

/// `/quiz next` and `/quiz stop`: hands the command to the quiz running in `channel`; false
/// when none runs there.
pub fn host_command(app: &App, channel: u64, command: HostCommand) -> bool {
    app.live
        .in_channel(channel)
        .is_some_and(|h| h.command(command))
}
