//! Restart recovery: every quiz that was running when the bot stopped — crashed, killed or
//! paused for a restart — goes on from where it was. Questions are replayed from SQLite (open,
//! its stored answers, close if it was revealed), which rebuilds the scores exactly; the open
//! question keeps its deadline (or is revealed at once when that has passed). Buttons posted
//! before the restart keep working: their ids carry all they need. A quiz that ended just
//! before the crash, whose results were never recorded as posted, gets them posted now — with
//! the same nonce, so a post that did reach Discord is not made twice.

use std::sync::Arc;
use std::time::Duration;

use super::live::{spawn, Start};
use crate::game::live::{LiveSession, Opened, Settings};
use crate::game::scoring::Rules;
use crate::quiz::Quiz;
use crate::render::live::{self as live_view, ResultsInput};
use crate::runtime::app::App;
use crate::runtime::outbox::nonce;
use crate::store::{quiz_json, SessionRow, SessionState, StoreError};

/// Before the next question after a restart, as after a reveal.
const RESUME_DELAY: Duration = Duration::from_secs(3);

/// Restarts every running quiz and posts the results still owed; returns how many quizzes
/// were resumed.
pub async fn recover(app: &Arc<App>) -> Result<usize, StoreError> {
    let mut resumed = 0;
    // Only this process's servers: another process (other shards) resumes its own.
    let owned = |row: &SessionRow| app.owns(row.guild_id);
    for row in app
        .store
        .running_sessions()
        .await?
        .into_iter()
        .filter(owned)
    {
        let Some((session, resume)) = replay(app, &row).await? else {
            continue;
        };
        tracing::info!(
            session = row.id,
            channel = row.channel_id,
            open = resume.map(|r| r.0),
            "resuming a live quiz after a restart"
        );
        let started = spawn(
            Arc::clone(app),
            Start {
                session,
                guild: row.guild_id,
                channel: row.channel_id,
                quiz_id: row.quiz_id.clone(),
                started_at: row.started_at,
                delay: RESUME_DELAY,
                resume,
                host_notice: None,
            },
        );
        if started.is_some() {
            resumed += 1;
        }
    }
    let since = app.now() - RESULTS_OWED_FOR.as_millis() as i64;
    for row in app
        .store
        .results_owed(since)
        .await?
        .into_iter()
        .filter(owned)
    {
        post_owed_results(app, &row).await?;
    }
    Ok(resumed)
}

/// Results owed longer than this are not posted after a restart: the players have gone.
const RESULTS_OWED_FOR: Duration = Duration::from_secs(30 * 60);

/// The session as its stored questions and answers rebuild it, with the question still open
/// (position, message, timing), if one is; `None` when its quiz cannot be read.
async fn replay(
    app: &App,
    row: &SessionRow,
) -> Result<Option<(LiveSession, Option<(usize, Option<u64>, Opened)>)>, StoreError> {
    let quiz: Quiz = match quiz_json::decode(&row.quiz_json) {
        Ok(q) => q,
        Err(e) => {
            tracing::error!(session = row.id, error = %e, "cannot read the quiz of a session; left as it is");
            return Ok(None);
        }
    };
    let settings = Settings {
        seconds: row.seconds,
        rules: Rules {
            scoring: row.scoring,
            streak_bonus: row.streak_bonus,
        },
        allow_change: row.allow_change,
    };
    let mut session = LiveSession::new(row.id, Arc::new(quiz), row.order.clone(), settings);
    let posted = app.store.posted_questions(row.id).await?;
    let answers = app.store.session_answers(row.id).await?;
    let mut resume = None;
    for p in &posted {
        // A question recorded but never shown (the crash came before its message was posted)
        // is simply opened again, with a fresh deadline.
        if p.message_id.is_none() && p.revealed_at.is_none() {
            break;
        }
        let opened = Opened {
            at: p.opened_at,
            deadline: p.deadline_at,
        };
        if !session.restore_open(p.position, opened) {
            tracing::warn!(
                session = row.id,
                position = p.position,
                "stored questions out of order; stopping the replay here"
            );
            break;
        }
        for a in answers.iter().filter(|a| a.position == p.position) {
            session.restore_answer(a.user_id, &a.name, p.position, a.answer.clone());
        }
        if p.revealed_at.is_some() {
            session.close();
        } else {
            resume = Some((p.position, p.message_id, opened));
        }
    }
    Ok(Some((session, resume)))
}

/// Posts the results of a quiz that ended before the restart, as its task would have.
async fn post_owed_results(app: &App, row: &SessionRow) -> Result<(), StoreError> {
    let Some((mut session, _)) = replay(app, row).await? else {
        return Ok(());
    };
    session.close();
    session.finish();
    let asked = session.opened_count();
    let note = match row.state {
        SessionState::Stopped => Some(format!("Stopped by the host after {asked} question(s).")),
        SessionState::Failed => Some("The quiz stopped early.".to_string()),
        _ => None,
    };
    let view = live_view::results(&ResultsInput {
        quiz: &session.quiz,
        session: row.id,
        standings: &session.standings(),
        scoring: row.scoring,
        hardest: session.hardest(),
        ended_early: note.as_deref(),
    });
    let posted = app
        .outbox()
        .post_once(row.channel_id, view, nonce('r', &[row.id, row.started_at]))
        .await;
    match posted {
        Ok(message) => {
            app.store.set_results_message(row.id, message).await?;
            tracing::info!(
                session = row.id,
                "posted the results owed from before the restart"
            );
        }
        Err(e) => {
            tracing::warn!(session = row.id, error = %e, "cannot post the results owed from before the restart")
        }
    }
    Ok(())
}
