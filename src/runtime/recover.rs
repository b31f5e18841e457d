//! Restart recovery: every quiz that was running when the bot stopped — crashed, killed or
//! paused for a restart — goes on from where it was. Questions are replayed from SQLite (open,
//! its stored answers, close if it was revealed), which rebuilds the scores exactly; the open
//! question keeps its deadline (or is revealed at once when that has passed). Buttons posted
//! before the restart keep working: their ids carry all they need.

use std::sync::Arc;
use std::time::Duration;

use super::live::{spawn, Start};
use crate::game::live::{LiveSession, Opened, Settings};
use crate::game::scoring::Rules;
use crate::quiz::Quiz;
use crate::runtime::app::App;
use crate::store::{quiz_json, StoreError};

/// Before the next question after a restart, as after a reveal.
const RESUME_DELAY: Duration = Duration::from_secs(3);

/// Restarts every running quiz; returns how many.
pub async fn recover(app: &Arc<App>) -> Result<usize, StoreError> {
    let mut resumed = 0;
    for row in app.store.running_sessions().await? {
        let quiz: Quiz = match quiz_json::decode(&row.quiz_json) {
            Ok(q) => q,
            Err(e) => {
                tracing::error!(session = row.id, error = %e, "cannot read the quiz of a running session; left as it is");
                continue;
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
        tracing::info!(
            session = row.id,
            channel = row.channel_id,
            answers = answers.len(),
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
    Ok(resumed)
}
