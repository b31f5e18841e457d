//! The buttons of a live quiz: an answer (accepted in memory, committed, then acknowledged —
//! or refused), and "My results" of a finished quiz, read from the store.

use crate::game::live::Refusal;
use crate::quiz::Pick;
use crate::render::live::{my_results as my_results_view, MyAnswer, MyResultsInput};
use crate::render::notices;
use crate::render::view::MessageView;
use crate::runtime::app::App;
use crate::store::{quiz_json, AnswerRow, Inserted, SessionState, StoreError};

use super::LiveHandle;

/// A click on an answer button: accepted in memory, committed, then acknowledged — or refused.
pub async fn answer(app: &App, h: &LiveHandle, click: Click<'_>) -> MessageView {
    let Click {
        user,
        name,
        position,
        pick,
        typed,
        message,
    } = click;
    if app.draining() {
        answered("restarting");
        return restarting();
    }
    let now = app.now();
    let (outcome, allow_change) = {
        let mut s = h.state.lock();
        let allow = s.settings.allow_change;
        let outcome = match typed {
            Some(text) => s.answer_typed(user, name, position, text, now),
            None => s.answer(user, name, position, pick, now),
        };
        (outcome, allow)
    };
    let accepted = match outcome {
        Ok(a) => a,
        Err(refusal) => {
            answered(match refusal {
                Refusal::AlreadyAnswered { .. } => "already_answered",
                Refusal::Closed | Refusal::Finished => "too_late",
                Refusal::NotOpen | Refusal::NoSuchOption => "refused",
            });
            return notices::refusal(&refusal);
        }
    };
    // The ack is written now, while the question is at hand, and sent only after the commit.
    let ack = {
        let s = h.state.lock();
        let q = &s.quiz.questions[accepted.question_index];
        notices::locked_in(
            accepted.answer.pick(q).unwrap_or(pick),
            &q.options,
            accepted.answer.typed.as_deref(),
            accepted.previous.is_some(),
        )
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
            answered("stored");
            ack
        }
        Ok(Inserted::AlreadyAnswered) => {
            answered("already_answered");
            h.state.lock().rollback(user, &accepted);
            notices::text("You already answered this question — one answer per question.")
        }
        Err(e) => {
            answered("not_stored");
            h.state.lock().rollback(user, &accepted);
            tracing::warn!(error = %e, user, "answer not stored");
            notices::text("⚠️ Your answer could not be saved — please click again.")
        }
    }
}

/// Counts a live answer by what became of it (docs/operations.md, "Metrics").
fn answered(outcome: &'static str) {
    metrics::counter!("quizbot_answers_total", "outcome" => outcome).increment(1);
}

/// A click on an answer button, as the adapter read it from the interaction.
pub struct Click<'a> {
    pub user: u64,
    /// As the interaction carried it.
    pub name: &'a str,
    pub position: usize,
    /// The option clicked, or the set chosen in a multi-select menu.
    pub pick: Pick,
    /// The text submitted for a typed-answer question (then `pick` is not looked at).
    pub typed: Option<&'a str>,
    /// The message the button is on.
    pub message: Option<u64>,
}

/// A click on an answer button of the live quiz `session`, from a member of `guild`: the
/// running quiz takes it, or it is refused (ended, another server's, unknown).
pub async fn click(
    app: &App,
    session: i64,
    guild: u64,
    answer_click: Click<'_>,
) -> Result<MessageView, StoreError> {
    let user = answer_click.user;
    Ok(match app.live.get(session) {
        Some(h) if h.guild == guild => answer(app, &h, answer_click).await,
        Some(_) => foreign(session, user, guild),
        None => match app.store.session(session).await? {
            Some(row) if row.guild_id != guild => foreign(session, user, guild),
            // Still running in the store but not yet taken up again: a click between the
            // bot's reconnect and the end of restart recovery.
            Some(row) if row.state == SessionState::Running => restarting(),
            Some(_) => notices::refusal(&Refusal::Finished),
            None => {
                tracing::warn!(session, user, guild, "refused a click for an unknown quiz");
                notices::text("This quiz is no longer running; nothing was recorded.")
            }
        },
    })
}

/// The Answer button of a live typed-answer question: the box to type in when the question
/// still takes this member's answer, else why not (nothing is stored either way).
pub async fn open_answer_box(
    app: &App,
    session: i64,
    guild: u64,
    user: u64,
    position: usize,
) -> Result<Result<(), MessageView>, StoreError> {
    Ok(match app.live.get(session) {
        Some(h) if h.guild == guild => {
            let now = app.now();
            h.state
                .lock()
                .may_type(user, position, now)
                .map_err(|r| notices::refusal(&r))
        }
        Some(_) => Err(foreign(session, user, guild)),
        None => match app.store.session(session).await? {
            Some(row) if row.guild_id != guild => Err(foreign(session, user, guild)),
            Some(row) if row.state == SessionState::Running => Err(restarting()),
            Some(_) => Err(notices::refusal(&Refusal::Finished)),
            None => Err(notices::text(
                "This quiz is no longer running; nothing was recorded.",
            )),
        },
    })
}

/// The reply to a click while the bot stops or has just started again: nothing was stored,
/// and the question will take it in a moment.
fn restarting() -> MessageView {
    notices::text(
        "⏸ The bot is restarting: your click was not recorded. Click again in a few seconds — the question stays open.",
    )
}

fn foreign(session: i64, user: u64, guild: u64) -> MessageView {
    tracing::warn!(
        session,
        user,
        guild,
        "refused a click on another server's quiz"
    );
    notices::text("This button belongs to a quiz in another server; nothing was recorded.")
}

/// "My results": a player's private results of a finished live quiz, from what is stored.
pub async fn my_results(
    app: &App,
    session: i64,
    user: u64,
    guild: u64,
) -> Result<MessageView, StoreError> {
    let Some(row) = app.store.session(session).await? else {
        return Ok(notices::text("I can't find that quiz any more."));
    };
    if row.guild_id != guild {
        return Ok(foreign(session, user, guild));
    }
    let quiz = quiz_json::decode(&row.quiz_json)?;
    let posted = app.store.posted_questions(session).await?;
    let mine = app.store.answers_of(session, user).await?;
    if mine.is_empty() {
        return Ok(notices::text(
            "You didn't answer any question of this quiz.",
        ));
    }
    let answers: Vec<MyAnswer> = posted
        .iter()
        .map(|p| {
            let a = mine
                .iter()
                .find(|(pos, _)| *pos == p.position)
                .map(|(_, a)| a);
            MyAnswer {
                question_index: p.question_index,
                choice: a.map(|a| a.choice),
                typed: a.and_then(|a| a.typed.clone()),
                correct: a.is_some_and(|a| a.correct),
            }
        })
        .collect();
    let score = app.store.session_score(session, user).await?;
    let players = app.store.session_players(session).await?;
    Ok(my_results_view(&MyResultsInput {
        quiz: &quiz,
        scoring: row.scoring,
        answers: &answers,
        points: score.as_ref().map_or(0, |s| s.points),
        rank: score.map(|s| (s.rank, players)),
    }))
}
