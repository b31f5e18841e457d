//! The task of one live quiz: opens each question, edits the answered count at most every
//! couple of seconds, reveals at the deadline (or on `/quiz next`), posts standings, pauses,
//! and at the end posts the results.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;

use super::{HostCommand, LiveHandle};
use crate::game::live::{LiveSession, Opened, Phase};
use crate::render::live::{self as live_view, ResultsInput};
use crate::render::notices;
use crate::render::question::{self as card, Card, RevealStats};
use crate::render::view::{Files, MessageView};
use crate::runtime::app::App;
use crate::runtime::handle::Unrevealed;
use crate::runtime::outbox::{nonce, Outbox};
use crate::store::{keys_for, RevealedQuestion, ScoreRow, SessionState};

const PAUSED: &str = "⏸ Quiz paused: the bot is restarting. It will pick up where it left off in a moment — answers already locked in are kept.";

/// Waits `d`, unless the host sends a command first (returned).
async fn wait(rx: &mut mpsc::UnboundedReceiver<HostCommand>, d: Duration) -> Option<HostCommand> {
    tokio::select! {
        _ = tokio::time::sleep(d) => None,
        cmd = rx.recv() => Some(cmd.unwrap_or(HostCommand::Stop)),
    }
}

/// Awaits a send while still hearing the host: `Stop` and `Pause` abandon it (`Err`), because
/// a call Discord is slow to answer (up to a minute of retries) must not keep a stopped quiz
/// going; `Next` is remembered in `next` for when the send is done. An abandoned post may
/// still appear if Discord had it; its buttons then answer that the quiz is over.
async fn heard<T>(
    rx: &mut mpsc::UnboundedReceiver<HostCommand>,
    next: &mut bool,
    send: impl std::future::Future<Output = T>,
) -> Result<T, HostCommand> {
    tokio::pin!(send);
    loop {
        tokio::select! {
            biased;
            out = &mut send => return Ok(out),
            cmd = rx.recv() => match cmd.unwrap_or(HostCommand::Stop) {
                HostCommand::Next => *next = true,
                other => return Err(other),
            },
        }
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

/// A question on screen: where it is, its timing, and the answered count its message shows
/// (`None` after a restart: unknown, so the first count tick refreshes it).
struct OnScreen {
    position: usize,
    opened: Opened,
    shown: Option<u64>,
}

/// How a question's time ended.
enum Closed {
    /// The deadline passed, or the host asked for the next question.
    InTime,
    Stop,
    Pause,
}

pub(super) async fn drive(
    app: Arc<App>,
    h: Arc<LiveHandle>,
    mut rx: mpsc::UnboundedReceiver<HostCommand>,
    delay: Duration,
    resume: Option<(usize, Option<u64>, Opened)>,
) {
    let outbox = app.outbox();
    let mut on_screen = resume.map(|(position, _, opened)| OnScreen {
        position,
        opened,
        shown: None,
    });
    if on_screen.is_none() {
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
    // `/quiz next` heard while a send was pending: acted on once it is done.
    let mut next = false;
    loop {
        // Open the next question (or pick up the one that was open before a restart).
        let q = match on_screen.take() {
            Some(q) => q,
            None => match heard(&mut rx, &mut next, open_next(&app, &h, &*outbox)).await {
                Ok(Ok(Some(q))) => q,
                Ok(Ok(None)) => break,
                Ok(Err(why)) => {
                    finish(&app, &h, &*outbox, SessionState::Failed, Some(why)).await;
                    return;
                }
                Err(HostCommand::Pause) => return pause(&app, &h, &*outbox).await,
                Err(_) => {
                    // Stopped while the question was being posted: it was opened (a click on
                    // a copy Discord did make counts), so it is revealed like any other.
                    reveal(&app, &h, &*outbox).await;
                    stopped = true;
                    break;
                }
            },
        };
        tracing::info!(
            position = q.position,
            deadline = q.opened.deadline,
            "question open"
        );
        let after = q.position + 1;
        let closed = if std::mem::take(&mut next) {
            Closed::InTime
        } else {
            until_closed(&app, &h, &*outbox, &mut rx, q).await
        };
        match closed {
            Closed::InTime => {}
            Closed::Stop => stopped = true,
            Closed::Pause => return pause(&app, &h, &*outbox).await,
        }
        reveal(&app, &h, &*outbox).await;
        let last = h.state.lock().next_position().is_none();
        if stopped || last {
            break;
        }
        match heard(&mut rx, &mut next, post_standings(&h, &*outbox, after)).await {
            Ok(()) => {}
            Err(HostCommand::Pause) => return pause(&app, &h, &*outbox).await,
            Err(_) => {
                stopped = true;
                break;
            }
        }
        let pause_for = if std::mem::take(&mut next) {
            Duration::ZERO
        } else {
            app.config.live.pause
        };
        match wait(&mut rx, pause_for).await {
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

/// Opens the next question: recorded first (so a restart knows it was asked), then posted.
/// `Ok(None)` when every question was asked; `Err` with the reason when the quiz cannot go on
/// (the host is told privately).
async fn open_next(
    app: &App,
    h: &LiveHandle,
    outbox: &dyn Outbox,
) -> Result<Option<OnScreen>, String> {
    let now = app.now();
    let Some((position, opened)) = h.state.lock().open_next(now) else {
        return Ok(None);
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
        return Err(format!("The quiz stopped: the database failed ({e})."));
    }
    let Some(view) = question_view(&h.state.lock(), position, opened, 0) else {
        return Ok(None);
    };
    match outbox
        .post_once(
            h.channel,
            view,
            nonce('q', &[h.session, h.started_at, position as i64]),
        )
        .await
    {
        Ok(message) => {
            h.messages.lock().insert(position, message);
            if let Err(e) = app
                .store
                .set_question_message(h.session, position, message)
                .await
            {
                tracing::warn!(error = %e, "cannot record the question's message id");
            }
            let opened = fresh_time_for_a_late_post(
                app,
                h,
                outbox,
                position,
                question_index,
                message,
                opened,
            )
            .await;
            Ok(Some(OnScreen {
                position,
                opened,
                shown: Some(0),
            }))
        }
        Err(e) => {
            tracing::error!(error = %e, position, "cannot post the question; ending the quiz");
            let why = format!(
                "The quiz stopped: I could not post question {} ({e}).",
                position + 1
            );
            tell_host(app, h, outbox, &why).await;
            Err(why)
        }
    }
}

/// A post that reached the channel this late (Discord rate-limiting it, a retry after a
/// timeout) gets the question's whole time again from now; earlier, its countdown ran while
/// nobody could see it.
const LATE_POST_MS: i64 = 2_000;

/// Re-opens a question whose post took longer than [`LATE_POST_MS`] (unless someone already
/// answered it), records the new deadline and edits the countdown on its message. Returns the
/// timing the question runs by.
async fn fresh_time_for_a_late_post(
    app: &App,
    h: &LiveHandle,
    outbox: &dyn Outbox,
    position: usize,
    question_index: usize,
    message: u64,
    opened: Opened,
) -> Opened {
    let now = app.now();
    if now - opened.at <= LATE_POST_MS {
        return opened;
    }
    let Some(fresh) = h.state.lock().reopen(position, now) else {
        return opened;
    };
    tracing::info!(
        position,
        late_ms = now - opened.at,
        "the question appeared late; its time starts now"
    );
    if let Err(e) = app
        .store
        .open_question(
            h.session,
            position,
            question_index,
            fresh.at,
            fresh.deadline,
        )
        .await
    {
        // A restart then keeps the first deadline: earlier, never later, than this one.
        tracing::warn!(error = %e, "cannot record the question's new deadline");
    }
    // The message has its pictures; an edit that carried them again would upload them again.
    let view =
        question_view(&h.state.lock(), position, fresh, 0).map(|v| v.with_files(Files::Keep));
    if let Some(view) = view {
        if let Err(e) = outbox.edit(h.channel, message, view).await {
            tracing::warn!(error = %e, "cannot update the question's countdown");
        }
    }
    fresh
}

/// Until the question's deadline, or the host's command: keeps the answered count on its
/// message up to date, at most once per `live.count_interval`. Its timers end with it.
async fn until_closed(
    app: &App,
    h: &LiveHandle,
    outbox: &dyn Outbox,
    rx: &mut mpsc::UnboundedReceiver<HostCommand>,
    q: OnScreen,
) -> Closed {
    let OnScreen {
        position,
        opened,
        mut shown,
    } = q;
    let mut tick = tokio::time::interval(app.config.live.count_interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tick.tick().await;
    loop {
        let remaining = (opened.deadline - app.now()).max(0) as u64;
        if remaining == 0 {
            return Closed::InTime;
        }
        tokio::select! {
            // Short naps rather than one long sleep: the clock may be moved from outside.
            _ = tokio::time::sleep(Duration::from_millis(remaining.min(250))) => {}
            cmd = rx.recv() => {
                return match cmd {
                    Some(HostCommand::Next) => Closed::InTime,
                    Some(HostCommand::Pause) => Closed::Pause,
                    _ => Closed::Stop,
                };
            }
            _ = tick.tick() => {
                let (count, view) = {
                    let s = h.state.lock();
                    let count = s.answered_count(position);
                    let changed = shown != Some(count);
                    (
                        count,
                        changed
                            .then(|| question_view(&s, position, opened, count))
                            .flatten()
                            .map(|v| v.with_files(Files::Keep)),
                    )
                };
                if let (Some(view), Some(message)) = (view, h.message_at(position)) {
                    shown = Some(count);
                    // Given up at the deadline or the host's word: a slow count edit must
                    // not hold back the reveal.
                    tokio::select! {
                        biased;
                        cmd = rx.recv() => {
                            return match cmd {
                                Some(HostCommand::Next) => Closed::InTime,
                                Some(HostCommand::Pause) => Closed::Pause,
                                _ => Closed::Stop,
                            };
                        }
                        _ = deadline_passed(app, opened.deadline) => return Closed::InTime,
                        r = outbox.edit(h.channel, message, view) => {
                            if let Err(e) = r {
                                tracing::warn!(error = %e, "cannot update the answered count");
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Resolves once the app's clock is past `deadline` (checked in short naps: the clock may be
/// moved from outside, as in tests).
async fn deadline_passed(app: &App, deadline: i64) {
    while app.now() < deadline {
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// The top five after a reveal of question `after` (1-based).
async fn post_standings(h: &LiveHandle, outbox: &dyn Outbox, after: usize) {
    let view = {
        let s = h.state.lock();
        let scoring = live_view::shown_scoring(s.settings.rules.scoring, &s.quiz);
        live_view::standings(&s.standings(), after, s.len(), scoring)
    };
    if let Err(e) = outbox
        .post_once(
            h.channel,
            view,
            nonce('s', &[h.session, h.started_at, after as i64]),
        )
        .await
    {
        tracing::warn!(error = %e, "cannot post the standings");
    }
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
                    correct: r.correct,
                    wrong: r.wrong.clone(),
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
        if let Err(e) = outbox.edit(h.channel, message, view.clone()).await {
            tracing::error!(error = %e, position, "cannot reveal the answer on the question; trying again in the background");
            keep_trying_reveal(app.outbox(), h.channel, message, view);
        }
    }
    let at = app.now();
    write_reveals(
        app,
        h,
        Some(Unrevealed {
            position,
            asked,
            at,
        }),
    )
    .await;
}

/// How often, and how many times, a reveal Discord kept refusing is tried again: ten minutes.
const REVEAL_RETRY_EVERY: Duration = Duration::from_secs(5);
const REVEAL_RETRIES: u32 = 120;

/// A reveal Discord kept refusing (a long rate limit, an outage) is tried again in the
/// background, so that a question does not keep its live buttons for ever after its deadline
/// while the quiz goes on.
fn keep_trying_reveal(outbox: Arc<dyn Outbox>, channel: u64, message: u64, view: MessageView) {
    tokio::spawn(async move {
        for attempt in 1..=REVEAL_RETRIES {
            tokio::time::sleep(REVEAL_RETRY_EVERY).await;
            if outbox.edit(channel, message, view.clone()).await.is_ok() {
                tracing::info!(message, attempt, "the reveal landed after all");
                return;
            }
        }
        tracing::error!(message, "gave up revealing the answer on the question");
    });
}

/// Adds revealed questions to the leaderboards: `new`, and any whose write failed before (a
/// full disk). What still fails is kept for the next try.
async fn write_reveals(app: &App, h: &LiveHandle, new: Option<Unrevealed>) {
    let mut todo = std::mem::take(&mut *h.unrevealed.lock());
    todo.extend(new);
    if todo.is_empty() {
        return;
    }
    let tz = app
        .store
        .guild_timezone(h.guild)
        .await
        .unwrap_or(chrono_tz::UTC);
    let mut failed = Vec::new();
    for u in todo {
        let keys = keys_for(u.at, tz, &h.quiz_id);
        let written = app
            .store
            .reveal(
                h.session,
                u.position,
                h.guild,
                keys,
                u.at,
                Some(u.asked.clone()),
            )
            .await;
        match written {
            Ok(_) => tracing::info!(position = u.position, "revealed"),
            Err(e) => {
                tracing::error!(error = %e, position = u.position, "cannot add the question to the leaderboards; will try again");
                failed.push(u);
            }
        }
    }
    h.unrevealed.lock().extend(failed);
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
    } else {
        write_reveals(app, h, None).await;
    }
    if !h.unrevealed.lock().is_empty() {
        tracing::error!("the quiz ends with questions missing from the leaderboards (the database refused them)");
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
    match outbox
        .post_once(h.channel, view, nonce('r', &[h.session, h.started_at]))
        .await
    {
        Ok(message) => {
            let _ = app.store.set_results_message(h.session, message).await;
        }
        Err(e) => tracing::error!(error = %e, "cannot post the results"),
    }
    tracing::info!(players = standings.len(), "quiz over");
}
