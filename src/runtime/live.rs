//! One tokio task per live quiz: opens each question, edits the answered count at most every
//! couple of seconds, reveals at the deadline (or on `/quiz next`), posts standings, pauses,
//! and at the end posts the results. Clicks do not go through the task: they lock the session
//! for a few microseconds, then wait for their commit on their own.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use tokio::sync::mpsc;
use tracing::Instrument;

use super::outbox::Outbox;
use crate::app::App;
use crate::game::live::{shuffled, LiveSession, Opened, Phase, Refusal, Settings};
use crate::game::scoring::{Rules, Scoring};
use crate::quiz::Quiz;
use crate::render::live::{self as live_view, ResultsInput};
use crate::render::notices;
use crate::render::question::{self as card, Card, RevealStats};
use crate::render::view::MessageView;
use crate::store::{
    keys_for, quiz_json, AnswerRow, Inserted, NewSession, RevealedQuestion, ScoreRow, SessionState,
    StoreError,
};

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
    pub state: Mutex<LiveSession>,
    commands: mpsc::UnboundedSender<HostCommand>,
    /// The message of each posted question, by position.
    messages: Mutex<HashMap<usize, u64>>,
    host_notice: Option<HostNotice>,
    /// The quiz's task, to wait for it when pausing for a shutdown.
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
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

/// Where a new quiz is played, and from which point (restart recovery starts mid-way).
pub struct Start {
    pub session: LiveSession,
    pub guild: u64,
    pub channel: u64,
    pub quiz_id: String,
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
            delay: cfg.start_delay,
            resume: None,
            host_notice: l.host_notice,
        },
    })
}

impl Prepared {
    /// Starts the quiz's task (after the intro is out, so that it comes first).
    pub fn go(self, app: Arc<App>, outbox: Arc<dyn Outbox>) -> Option<Arc<LiveHandle>> {
        let session = self.session;
        let started = spawn(app, outbox, self.start);
        if started.is_none() {
            tracing::warn!(session, "a second quiz raced into the channel");
        }
        started
    }
}

/// Registers the quiz and starts its task. Returns `None` when the channel already has one.
pub fn spawn(app: Arc<App>, outbox: Arc<dyn Outbox>, start: Start) -> Option<Arc<LiveHandle>> {
    let (tx, rx) = mpsc::unbounded_channel();
    let handle = Arc::new(LiveHandle {
        session: start.session.id,
        guild: start.guild,
        channel: start.channel,
        quiz_id: start.quiz_id,
        state: Mutex::new(start.session),
        commands: tx,
        messages: Mutex::new(HashMap::new()),
        host_notice: start.host_notice,
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
        async move { drive(app, task, outbox, rx, start.delay, start.resume).await }
            .instrument(span),
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

const PAUSED: &str = "⏸ Quiz paused: the bot is restarting. It will pick up where it left off in a moment — answers already locked in are kept.";

/// Waits `d`, unless the host sends a command first (returned).
async fn wait(rx: &mut mpsc::UnboundedReceiver<HostCommand>, d: Duration) -> Option<HostCommand> {
    tokio::select! {
        _ = tokio::time::sleep(d) => None,
        cmd = rx.recv() => Some(cmd.unwrap_or(HostCommand::Stop)),
    }
}

fn question_view(
    s: &LiveSession,
    position: usize,
    opened: Opened,
    answered: u64,
) -> Option<MessageView> {
    let question = s.question_at(position)?;
    Some(card::question(&Card {
        quiz_title: &s.quiz.title,
        question,
        position: position + 1,
        total: s.len(),
        session: s.id,
        closes_at: opened.deadline.div_euclid(1000),
        answered,
    }))
}

async fn drive(
    app: Arc<App>,
    h: Arc<LiveHandle>,
    outbox: Arc<dyn Outbox>,
    mut rx: mpsc::UnboundedReceiver<HostCommand>,
    delay: Duration,
    mut resume: Option<(usize, Option<u64>, Opened)>,
) {
    if resume.is_none() {
        match wait(&mut rx, delay).await {
            Some(HostCommand::Stop) => {
                let why = "Stopped by the host before the first question.".to_string();
                finish(&app, &h, &*outbox, SessionState::Stopped, Some(why)).await;
                return;
            }
            Some(HostCommand::Pause) => return pause(&app, &h, &*outbox).await,
            _ => {}
        }
    }
    let mut stopped = false;
    loop {
        // Open the next question (or pick up the one that was open before a restart).
        let (position, opened) = match resume.take() {
            Some((position, _, opened)) => (position, opened),
            None => {
                let now = app.now();
                let Some((position, opened)) = h.state.lock().open_next(now) else {
                    break;
                };
                let question_index = h.state.lock().order[position];
                if let Err(e) = app
                    .store
                    .open_question(
                        h.session,
                        position,
                        question_index,
                        opened.at,
                        opened.deadline,
                    )
                    .await
                {
                    tracing::error!(error = %e, position, "cannot record the question; ending the quiz");
                    finish(
                        &app,
                        &h,
                        &*outbox,
                        SessionState::Failed,
                        Some(format!("The quiz stopped: the database failed ({e}).")),
                    )
                    .await;
                    return;
                }
                let view = question_view(&h.state.lock(), position, opened, 0);
                let Some(view) = view else { break };
                match outbox.post(h.channel, view).await {
                    Ok(message) => {
                        h.messages.lock().insert(position, message);
                        if let Err(e) = app
                            .store
                            .set_question_message(h.session, position, message)
                            .await
                        {
                            tracing::warn!(error = %e, "cannot record the question's message id");
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, position, "cannot post the question; ending the quiz");
                        let why = format!(
                            "The quiz stopped: I could not post question {} ({e}).",
                            position + 1
                        );
                        tell_host(&app, &h, &*outbox, &why).await;
                        finish(&app, &h, &*outbox, SessionState::Failed, Some(why)).await;
                        return;
                    }
                }
                (position, opened)
            }
        };
        tracing::info!(position, deadline = opened.deadline, "question open");

        // Until the deadline, or the host's command: keep the answered count up to date.
        let mut shown = h.state.lock().answered_count(position);
        let mut tick = tokio::time::interval(app.config.live.count_interval);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tick.tick().await;
        loop {
            let remaining = (opened.deadline - app.now()).max(0) as u64;
            if remaining == 0 {
                break;
            }
            tokio::select! {
                // Short naps rather than one long sleep: the clock may be moved from outside.
                _ = tokio::time::sleep(Duration::from_millis(remaining.min(250))) => {}
                cmd = rx.recv() => {
                    match cmd {
                        Some(HostCommand::Next) => {}
                        Some(HostCommand::Pause) => return pause(&app, &h, &*outbox).await,
                        _ => stopped = true,
                    }
                    break;
                }
                _ = tick.tick() => {
                    let (count, view) = {
                        let s = h.state.lock();
                        let count = s.answered_count(position);
                        (count, (count != shown).then(|| question_view(&s, position, opened, count)).flatten())
                    };
                    if let (Some(view), Some(message)) = (view, h.message_at(position)) {
                        shown = count;
                        if let Err(e) = outbox.edit(h.channel, message, view).await {
                            tracing::warn!(error = %e, "cannot update the answered count");
                        }
                    }
                }
            }
        }

        reveal(&app, &h, &*outbox).await;
        let last = h.state.lock().next_position().is_none();
        if stopped || last {
            break;
        }
        let view = {
            let s = h.state.lock();
            live_view::standings(
                &s.standings(),
                position + 1,
                s.len(),
                s.settings.rules.scoring,
            )
        };
        if let Err(e) = outbox.post(h.channel, view).await {
            tracing::warn!(error = %e, "cannot post the standings");
        }
        match wait(&mut rx, app.config.live.pause).await {
            Some(HostCommand::Stop) => {
                stopped = true;
                break;
            }
            Some(HostCommand::Pause) => return pause(&app, &h, &*outbox).await,
            _ => {}
        }
    }
    let (state, note) = if stopped {
        let asked = h.state.lock().opened_count();
        (
            SessionState::Stopped,
            Some(format!("Stopped by the host after {asked} question(s).")),
        )
    } else {
        (SessionState::Finished, None)
    };
    finish(&app, &h, &*outbox, state, note).await;
}

/// Leaves the quiz as it is for the restart and says so in the channel.
async fn pause(app: &App, h: &LiveHandle, outbox: &dyn Outbox) {
    if let Err(e) = outbox.post(h.channel, notices::text(PAUSED)).await {
        tracing::warn!(error = %e, "cannot post the pause notice");
    }
    app.live.remove(h.session);
    tracing::info!("paused for a restart");
}

/// Tells the host privately (through their `/quiz start` interaction, while its token lasts)
/// why the quiz could not go on; the channel may be exactly what is failing.
async fn tell_host(app: &App, h: &LiveHandle, outbox: &dyn Outbox, why: &str) {
    let Some(notice) = &h.host_notice else {
        return;
    };
    if app.now() >= notice.expires_at {
        return;
    }
    if let Err(e) = outbox.whisper(&notice.token, why).await {
        tracing::warn!(error = %e, "cannot tell the host");
    }
}

/// Closes the open question: the reveal on its message, its answers added to the boards.
async fn reveal(app: &App, h: &LiveHandle, outbox: &dyn Outbox) {
    let revealed = {
        let mut s = h.state.lock();
        s.close().and_then(|r| {
            let opened = s.opened_at(r.position)?;
            let question = s.question_at(r.position)?;
            let view = card::reveal(
                &Card {
                    quiz_title: &s.quiz.title,
                    question,
                    position: r.position + 1,
                    total: s.len(),
                    session: s.id,
                    closes_at: opened.deadline.div_euclid(1000),
                    answered: r.answered,
                },
                &RevealStats {
                    counts: r.counts.clone(),
                    fastest: r.fastest.as_ref().map(|(_, name, ms)| (name.clone(), *ms)),
                },
            );
            // Wrong answers become mistakes to review, right ones clear them.
            let asked = RevealedQuestion {
                quiz_id: h.quiz_id.clone(),
                quiz_title: s.quiz.title.clone(),
                question: question.clone(),
            };
            Some((r.position, view, asked))
        })
    };
    let Some((position, view, asked)) = revealed else {
        return;
    };
    if let Some(message) = h.message_at(position) {
        if let Err(e) = outbox.edit(h.channel, message, view).await {
            tracing::error!(error = %e, position, "cannot reveal the answer on the question");
        }
    }
    let now = app.now();
    let tz = app
        .store
        .guild_timezone(h.guild)
        .await
        .unwrap_or(chrono_tz::UTC);
    match app
        .store
        .reveal(
            h.session,
            position,
            h.guild,
            keys_for(now, tz, &h.quiz_id),
            now,
            Some(asked),
        )
        .await
    {
        Ok(_) => tracing::info!(position, "revealed"),
        Err(e) => {
            tracing::error!(error = %e, position, "cannot add the question to the leaderboards")
        }
    }
}

/// Ends the quiz: final scores stored, results posted, the channel free again.
async fn finish(
    app: &App,
    h: &LiveHandle,
    outbox: &dyn Outbox,
    state: SessionState,
    note: Option<String>,
) {
    if matches!(h.state.lock().phase(), Phase::Open { .. }) {
        reveal(app, h, outbox).await;
    }
    let (standings, hardest, quiz, scoring) = {
        let mut s = h.state.lock();
        s.finish();
        (
            s.standings(),
            s.hardest(),
            Arc::clone(&s.quiz),
            s.settings.rules.scoring,
        )
    };
    let now = app.now();
    let tz = app
        .store
        .guild_timezone(h.guild)
        .await
        .unwrap_or(chrono_tz::UTC);
    let scores = standings
        .iter()
        .map(|s| ScoreRow {
            user_id: s.user,
            rank: s.rank,
            points: s.totals.points,
            correct: s.totals.correct,
            answered: s.totals.answered,
            correct_ms: s.totals.correct_ms,
            best_streak: s.totals.best_streak,
        })
        .collect();
    if let Err(e) = app
        .store
        .finish_session(
            h.session,
            h.guild,
            state,
            now,
            scores,
            keys_for(now, tz, &h.quiz_id),
        )
        .await
    {
        tracing::error!(error = %e, "cannot store the final scores");
    }
    // The channel is free as soon as the scores are stored: a host who sees the results and
    // starts the next quiz at once must not be told one is still running.
    app.live.remove(h.session);
    let view = live_view::results(&ResultsInput {
        quiz: &quiz,
        session: h.session,
        standings: &standings,
        scoring,
        hardest,
        ended_early: note.as_deref(),
    });
    match outbox.post(h.channel, view).await {
        Ok(message) => {
            let _ = app.store.set_results_message(h.session, message).await;
        }
        Err(e) => tracing::error!(error = %e, "cannot post the results"),
    }
    tracing::info!(players = standings.len(), "quiz over");
}

/// A click on an answer button: accepted in memory, committed, then acknowledged — or refused.
pub async fn answer(app: &App, h: &LiveHandle, click: Click<'_>) -> MessageView {
    let Click {
        user,
        name,
        position,
        choice,
        message,
    } = click;
    if app.draining() {
        return notices::text(
            "⏸ The bot is restarting: your click was not recorded. Click again in a few seconds — the question stays open.",
        );
    }
    let now = app.now();
    let (outcome, allow_change) = {
        let mut s = h.state.lock();
        let allow = s.settings.allow_change;
        (s.answer(user, name, position, choice, now), allow)
    };
    let accepted = match outcome {
        Ok(a) => a,
        Err(refusal) => return notices::refusal(&refusal),
    };
    let option = {
        let s = h.state.lock();
        s.quiz.questions[accepted.question_index].options[usize::from(choice)].clone()
    };
    let row = AnswerRow {
        session_id: h.session,
        position: accepted.position,
        user_id: user,
        guild_id: h.guild,
        name: name.to_string(),
        answer: accepted.answer.clone(),
        message_id: message,
    };
    if let Some(m) = message {
        h.messages.lock().entry(accepted.position).or_insert(m);
    }
    match app.store.insert_answer(row, allow_change).await {
        Ok(Inserted::Stored) => {
            notices::locked_in(usize::from(choice), &option, accepted.previous.is_some())
        }
        Ok(Inserted::AlreadyAnswered) => {
            h.state.lock().rollback(user, &accepted);
            notices::text("You already answered this question — one answer per question.")
        }
        Err(e) => {
            h.state.lock().rollback(user, &accepted);
            tracing::warn!(error = %e, user, "answer not stored");
            notices::text("⚠️ Your answer could not be saved — please click again.")
        }
    }
}

/// A click on an answer button, as the adapter read it from the interaction.
pub struct Click<'a> {
    pub user: u64,
    /// As the interaction carried it.
    pub name: &'a str,
    pub position: usize,
    pub choice: u8,
    /// The message the button is on.
    pub message: Option<u64>,
}

/// Why a click on a quiz that is not running now is refused.
pub fn refusal_for_ended() -> MessageView {
    notices::refusal(&Refusal::Finished)
}
