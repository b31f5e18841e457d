//! Private, self-paced runs: Start on an assignment, `/quiz practice`, `/review`, and each
//! answer and Next click. Every step is one store transaction; what the member sees is built
//! from what was committed. A run's message is ephemeral and turns from question to feedback
//! to the next question in place (Discord's "update message" response).

use std::sync::Arc;

use crate::game::run::{RunKind, RunRefusal};
use crate::game::when::parse_due;
use crate::quiz::{Pick, Quiz};
use crate::render::study::{self, RunContext};
use crate::render::view::{MessageView, ModalView};
use crate::runtime::app::App;
use crate::runtime::outbox::{nonce, SendError};
use crate::store::{
    quiz_json, AssignmentStart, NewAssignment, RunAnswer, RunAnswerOutcome, RunRow, StoreError,
};

/// How a click is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// A new ephemeral message.
    New(MessageView),
    /// The message the button is on, updated in place.
    Update(MessageView),
    /// A modal to type an answer in (only as the first answer to a button).
    Modal(ModalView),
}

/// A review takes at most this many questions at once (the oldest mistakes first).
pub const REVIEW_QUESTIONS: usize = 25;

fn context<'a>(run: &'a RunRow, quiz: &'a Quiz, position: usize) -> RunContext<'a> {
    RunContext {
        run: run.id,
        kind: run.kind,
        quiz,
        source: run.review_keys.get(position).map(|k| k.title.as_str()),
    }
}

/// The run's current question, or its score once it is done.
fn current(run: &RunRow, quiz: &Quiz, note: Option<&str>) -> MessageView {
    let at = run.progress.answered;
    if run.progress.is_finished() {
        return study::run_done(&context(run, quiz, at), &run.progress, run.due_at);
    }
    study::run_question(&context(run, quiz, at), at, note)
}

/// `/quiz assign` as the host typed it.
pub struct Assignment {
    pub guild: u64,
    pub channel: u64,
    pub host: u64,
    pub quiz: Arc<Quiz>,
    /// When it closes, as typed (`24h`, `18:00`, …); `None` takes `study.due`.
    pub due: Option<String>,
}

/// How `/quiz assign` went.
#[derive(Debug)]
pub enum Assigned {
    /// Recorded and posted in the channel; open until `due_at`.
    Posted { id: i64, due_at: i64 },
    /// The due time could not be read (the reason, for the host).
    BadDue(String),
    /// Discord refused the post: the assignment was abandoned.
    NotPosted(SendError),
}

/// `/quiz assign`: reads the due time in the server's timezone, records the assignment and
/// posts it in the channel.
pub async fn assign(app: &App, a: Assignment) -> Result<Assigned, StoreError> {
    let now = app.now();
    let tz = app.store.guild_timezone(a.guild).await?;
    let due_at = match a.due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => match parse_due(d, now, tz) {
            Ok(at) => at,
            Err(why) => return Ok(Assigned::BadDue(why)),
        },
        None => now + app.config.study.due.as_millis() as i64,
    };
    let id = app
        .store
        .create_assignment(NewAssignment {
            guild_id: a.guild,
            channel_id: a.channel,
            host_id: a.host,
            quiz_id: a.quiz.id.clone(),
            quiz_json: quiz_json::encode(&a.quiz)?,
            created_at: now,
            due_at,
            schedule_id: None,
        })
        .await?;
    Ok(
        match post_assignment(app, id, a.channel, &a.quiz, due_at).await? {
            Ok(_) => {
                tracing::info!(assignment = id, quiz = %a.quiz.id, guild = a.guild, channel = a.channel, due_at, "assignment posted");
                Assigned::Posted { id, due_at }
            }
            Err(e) => Assigned::NotPosted(e),
        },
    )
}

/// Posts a recorded assignment in its channel — a plain channel message, not an interaction
/// reply, so that the bot can still close it at the due time — and records the post, or, when
/// Discord refuses, abandons the assignment: nobody can take it without its post. For
/// `/quiz assign` and the scheduler alike.
pub async fn post_assignment(
    app: &App,
    id: i64,
    channel: u64,
    quiz: &Quiz,
    due_at: i64,
) -> Result<Result<u64, SendError>, StoreError> {
    let posted = app
        .outbox()
        .post_once(
            channel,
            study::assignment_post(quiz, id, due_at, true),
            nonce('a', &[id, due_at]),
        )
        .await;
    match &posted {
        Ok(message) => app.store.set_assignment_message(id, *message).await?,
        Err(e) => {
            tracing::warn!(assignment = id, error = %e, "cannot post an assignment; abandoned");
            app.store.abandon_assignment(id).await?;
        }
    }
    Ok(posted)
}

/// Start pressed on an assignment post.
pub async fn press_start(
    app: &App,
    assignment: i64,
    guild: u64,
    user: u64,
) -> Result<Reply, StoreError> {
    let now = app.now();
    let started = app
        .store
        .start_assignment_run(assignment, guild, user, now)
        .await?;
    Ok(Reply::New(match started {
        AssignmentStart::Run { run, resumed } => {
            let quiz = run.quiz()?;
            let note = (resumed && !run.progress.is_finished()).then(|| {
                format!(
                    "Welcome back — you're on question {} of {}.",
                    run.progress.answered + 1,
                    run.progress.questions
                )
            });
            tracing::info!(run = run.id, assignment, user, resumed, "assignment run");
            current(&run, &quiz, note.as_deref())
        }
        AssignmentStart::Closed { due_at, run } => {
            let quiz = match &run {
                Some(r) => r.quiz()?,
                None => match app.store.assignment(assignment).await? {
                    Some(a) => quiz_json::decode(&a.quiz_json)?,
                    None => return Ok(Reply::New(gone())),
                },
            };
            study::run_closed(&quiz, due_at, run.as_ref().map(|r| &r.progress))
        }
        AssignmentStart::Unknown => {
            tracing::warn!(
                assignment,
                user,
                guild,
                "Start on an unknown or foreign assignment"
            );
            gone()
        }
    }))
}

fn gone() -> MessageView {
    MessageView::text("I can't find that assignment any more; nothing was recorded.")
}

/// `/quiz practice`: the member's unfinished practice of this quiz, or a new one.
pub async fn practice(
    app: &App,
    guild: u64,
    user: u64,
    quiz: Arc<Quiz>,
) -> Result<MessageView, StoreError> {
    let (run, resumed) = app
        .store
        .start_practice_run(guild, user, &quiz, app.now())
        .await?;
    let note = if resumed {
        format!(
            "🧪 Practice, picking up at question {} of {}. It counts toward `/stats` and `/review`, not the server leaderboard.",
            run.progress.answered + 1,
            run.progress.questions
        )
    } else {
        "🧪 Practice run: it counts toward `/stats` and `/review`, not the server leaderboard."
            .to_string()
    };
    Ok(current(&run, &run.quiz()?, Some(&note)))
}

/// `/review`: the member's mistakes, oldest first; a friendly word when there are none.
pub async fn review(app: &App, guild: u64, user: u64) -> Result<MessageView, StoreError> {
    let Some(run) = app
        .store
        .start_review_run(guild, user, REVIEW_QUESTIONS, app.now())
        .await?
    else {
        return Ok(MessageView::text(
            "🎉 Nothing to review: you have no missed questions waiting. Every question you answer wrong — live, in an assignment or in practice — shows up here until you get it right.",
        ));
    };
    let n = run.progress.questions;
    let note = format!(
        "🔁 Reviewing {n} question{} you missed. Get one right and it leaves your review list.",
        if n == 1 { "" } else { "s" }
    );
    Ok(current(&run, &run.quiz()?, Some(&note)))
}

/// What a member gave as the answer to a run's question: an option or a set, or the text of a
/// typed answer (then `pick` is not looked at).
pub struct Given<'a> {
    pub pick: Pick,
    pub typed: Option<&'a str>,
}

/// An answer button of a run (or the box of a typed answer, submitted).
pub async fn answer(
    app: &App,
    run_id: i64,
    position: usize,
    Given { pick, typed }: Given<'_>,
    (guild, user, name): (u64, u64, &str),
) -> Result<Reply, StoreError> {
    let now = app.now();
    let tz = app.store.guild_timezone(guild).await?;
    let outcome = app
        .store
        .answer_run(RunAnswer {
            run_id,
            user_id: user,
            name: name.to_string(),
            position,
            pick,
            typed: typed.map(str::to_string),
            now,
            tz,
        })
        .await?;
    Ok(match outcome {
        RunAnswerOutcome::Taken { run, taken } => {
            let quiz = run.quiz()?;
            tracing::info!(
                run = run.id,
                position,
                correct = taken.correct,
                finished = taken.finished,
                "run answer"
            );
            Reply::Update(study::run_feedback(
                &context(&run, &quiz, position),
                position,
                taken.choice,
                typed,
                &run.progress,
                run.due_at,
            ))
        }
        RunAnswerOutcome::Refused { run, refusal } => refused(app, &run, position, refusal).await?,
        RunAnswerOutcome::NotYours => not_yours(run_id, user),
        RunAnswerOutcome::Unknown => {
            tracing::warn!(run = run_id, user, "answer for an unknown run");
            Reply::New(MessageView::text(
                "I can't find that quiz any more; nothing was recorded.",
            ))
        }
    })
}

async fn refused(
    app: &App,
    run: &RunRow,
    position: usize,
    refusal: RunRefusal,
) -> Result<Reply, StoreError> {
    let quiz = run.quiz()?;
    Ok(match refusal {
        // A double click, or a click on a message that is behind: show what was recorded.
        RunRefusal::AlreadyAnswered => {
            let stored = app.store.run_answers(run.id).await?;
            match stored.iter().find(|(p, _, _)| *p == position) {
                Some((_, choice, _)) => Reply::Update(study::run_feedback(
                    &context(run, &quiz, position),
                    position,
                    *choice,
                    None,
                    &run.progress,
                    run.due_at,
                )),
                None => Reply::Update(current(run, &quiz, None)),
            }
        }
        RunRefusal::Finished => Reply::Update(current(run, &quiz, None)),
        RunRefusal::Closed => Reply::Update(study::run_closed(
            &quiz,
            run.due_at.unwrap_or_default(),
            Some(&run.progress),
        )),
        RunRefusal::NotYet | RunRefusal::NoSuchOption => {
            tracing::warn!(
                run = run.id,
                position,
                ?refusal,
                "refused a forged run button"
            );
            Reply::New(MessageView::text(
                "That isn't an answer I can take; nothing was recorded.",
            ))
        }
    })
}

fn not_yours(run: i64, user: u64) -> Reply {
    tracing::warn!(run, user, "a click on somebody else's run");
    Reply::New(MessageView::text(
        "That quiz belongs to someone else; nothing was recorded. Start your own from the post.",
    ))
}

/// The Next button: the run's next question (or its current one, if the click is behind).
pub async fn next(app: &App, run_id: i64, guild: u64, user: u64) -> Result<Reply, StoreError> {
    let Some(run) = app.store.run(run_id).await? else {
        return Ok(Reply::New(MessageView::text(
            "I can't find that quiz any more.",
        )));
    };
    if run.user_id != user || run.guild_id != guild {
        return Ok(not_yours(run_id, user));
    }
    let quiz = run.quiz()?;
    if run.kind == RunKind::Assignment && !run.progress.is_finished() {
        let open = match run.assignment_id {
            Some(a) => app.store.assignment(a).await?.is_some_and(|a| a.open),
            None => false,
        };
        if !open || run.due_at.is_some_and(|due| app.now() >= due) {
            return Ok(Reply::Update(study::run_closed(
                &quiz,
                run.due_at.unwrap_or_default(),
                Some(&run.progress),
            )));
        }
    }
    Ok(Reply::Update(current(&run, &quiz, None)))
}
