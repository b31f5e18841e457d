//! `runs` and `run_answers`: self-paced runs — assignments, practice and review. Every step is
//! one transaction: the run's progress is read, the pure [`Progress`] decides, and the answer,
//! the new progress, the boards and the member's mistakes are written together. An answer is
//! shown as taken only after that commit.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::boards::{keys_for, practice_keys, Board};
use super::mistakes::{self, ReviewItem};
use super::{assignments, quiz_json, SqliteStore, StoreError};
use crate::game::run::{Progress, RunKind, RunRefusal, Taken};
use crate::quiz::{Pick, Quiz};

#[derive(Debug, Clone)]
pub struct RunRow {
    pub id: i64,
    pub kind: RunKind,
    pub guild_id: u64,
    pub user_id: u64,
    pub assignment_id: Option<i64>,
    pub quiz_id: String,
    /// The quiz played: the run's own, or its assignment's.
    pub quiz_json: String,
    /// Review: which mistake each position re-takes.
    pub review_keys: Vec<ReviewItem>,
    pub progress: Progress,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    /// The assignment's due time, for assignment runs.
    pub due_at: Option<i64>,
}

impl RunRow {
    pub fn quiz(&self) -> Result<Quiz, StoreError> {
        quiz_json::decode(&self.quiz_json)
    }
}

const COLUMNS: &str = "r.id, r.kind, r.guild_id, r.user_id, r.assignment_id, r.quiz_id, COALESCE(r.quiz_json, a.quiz_json, ''), r.review_keys, r.questions, r.answered, r.correct, r.streak, r.best_streak, r.started_at, r.finished_at, a.due_at";

fn row(r: &Row<'_>) -> rusqlite::Result<RunRow> {
    let keys: Option<String> = r.get(7)?;
    Ok(RunRow {
        id: r.get(0)?,
        kind: RunKind::parse(&r.get::<_, String>(1)?).unwrap_or(RunKind::Practice),
        guild_id: r.get::<_, i64>(2)? as u64,
        user_id: r.get::<_, i64>(3)? as u64,
        assignment_id: r.get(4)?,
        quiz_id: r.get(5)?,
        quiz_json: r.get(6)?,
        review_keys: keys
            .and_then(|k| serde_json::from_str(&k).ok())
            .unwrap_or_default(),
        progress: Progress {
            questions: r.get::<_, i64>(8)? as usize,
            answered: r.get::<_, i64>(9)? as usize,
            correct: r.get(10)?,
            streak: r.get(11)?,
            best_streak: r.get(12)?,
        },
        started_at: r.get(13)?,
        finished_at: r.get(14)?,
        due_at: r.get(15)?,
    })
}

fn select(
    conn: &Connection,
    clause: &str,
    p: impl rusqlite::Params,
) -> rusqlite::Result<Option<RunRow>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM runs r LEFT JOIN assignments a ON a.id = r.assignment_id WHERE {clause}"
    );
    conn.prepare_cached(&sql)?.query_row(p, row).optional()
}

fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<RunRow>> {
    select(conn, "r.id = ?1", [id])
}

/// What pressing Start on an assignment gives.
#[derive(Debug, Clone)]
pub enum AssignmentStart {
    /// A new run, or the member's run so far (to go on where they left).
    Run { run: RunRow, resumed: bool },
    /// The due time has passed; nothing was created.
    Closed { due_at: i64, run: Option<RunRow> },
    /// No such assignment, or one in another server.
    Unknown,
}

/// One answer to a run's question, as the click carried it.
#[derive(Debug, Clone)]
pub struct RunAnswer {
    pub run_id: i64,
    pub user_id: u64,
    pub name: String,
    pub position: usize,
    pub pick: Pick,
    /// The text of a typed answer (judged here, against the question as the run keeps it).
    pub typed: Option<String>,
    pub now: i64,
    /// The server's timezone: which day, week and month the answer counts toward.
    pub tz: chrono_tz::Tz,
}

#[derive(Debug, Clone)]
pub enum RunAnswerOutcome {
    Taken {
        run: RunRow,
        taken: Taken,
    },
    Refused {
        run: RunRow,
        refusal: RunRefusal,
    },
    /// Somebody else's run (a forged button).
    NotYours,
    Unknown,
}

/// A run about to be created.
struct NewRun<'a> {
    kind: RunKind,
    guild: u64,
    user: u64,
    assignment: Option<i64>,
    quiz_id: &'a str,
    quiz_json: Option<&'a str>,
    review_keys: Option<String>,
    questions: usize,
    now: i64,
}

fn new_run(conn: &Connection, r: NewRun<'_>) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO runs (kind, guild_id, user_id, assignment_id, quiz_id, quiz_json, review_keys, questions, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        r.kind.as_str(),
        r.guild as i64,
        r.user as i64,
        r.assignment,
        r.quiz_id,
        r.quiz_json,
        r.review_keys,
        r.questions as i64,
        r.now
    ])?;
    Ok(conn.last_insert_rowid())
}

/// Adds one answer to boards, once per key.
fn add_to_boards(
    conn: &Connection,
    guild: u64,
    user: u64,
    keys: &[String],
    points: u32,
    correct: bool,
) -> rusqlite::Result<()> {
    let mut add = conn.prepare_cached(
        "INSERT INTO board_totals (guild_id, board, user_id, points, answered, correct) VALUES (?1, ?2, ?3, ?4, 1, ?5)
         ON CONFLICT (guild_id, board, user_id) DO UPDATE SET
           points = points + excluded.points, answered = answered + 1, correct = correct + excluded.correct",
    )?;
    for k in keys {
        add.execute(params![guild as i64, k, user as i64, points, correct])?;
    }
    Ok(())
}

/// A completed run: one more quiz done, and its best streak, on each board.
fn finish_on_boards(
    conn: &Connection,
    guild: u64,
    user: u64,
    keys: &[String],
    best_streak: u32,
) -> rusqlite::Result<()> {
    let mut done = conn.prepare_cached(
        "INSERT INTO board_totals (guild_id, board, user_id, quizzes, best_streak) VALUES (?1, ?2, ?3, 1, ?4)
         ON CONFLICT (guild_id, board, user_id) DO UPDATE SET quizzes = quizzes + 1, best_streak = max(best_streak, excluded.best_streak)",
    )?;
    for k in keys {
        done.execute(params![guild as i64, k, user as i64, best_streak])?;
    }
    Ok(())
}

impl SqliteStore {
    pub async fn run(&self, id: i64) -> Result<Option<RunRow>, StoreError> {
        self.read(move |conn| by_id(conn, id)).await
    }

    /// A run's answers so far: (position, choice as [`Pick::stored`] keeps it, correct).
    pub async fn run_answers(&self, id: i64) -> Result<Vec<(usize, u16, bool)>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT position, choice, correct FROM run_answers WHERE run_id = ?1 ORDER BY position",
            )?;
            let rows = stmt.query_map([id], |r| Ok((r.get::<_, i64>(0)? as usize, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
        .await
    }

    /// Start on an assignment: the member's one run, created on the first press and given back
    /// on every later one; refused after the due time.
    pub async fn start_assignment_run(
        &self,
        assignment: i64,
        guild: u64,
        user: u64,
        now: i64,
    ) -> Result<AssignmentStart, StoreError> {
        self.write(move |conn| {
            let Some(a) = assignments::by_id(conn, assignment)? else {
                return Ok(AssignmentStart::Unknown);
            };
            if a.guild_id != guild {
                return Ok(AssignmentStart::Unknown);
            }
            let existing = select(
                conn,
                "r.assignment_id = ?1 AND r.user_id = ?2",
                params![assignment, user as i64],
            )?;
            let questions = match assignment_start(&a, existing, now) {
                Ok(answer) => return Ok(answer),
                Err(questions) => questions,
            };
            let id = new_run(
                conn,
                NewRun {
                    kind: RunKind::Assignment,
                    guild,
                    user,
                    assignment: Some(assignment),
                    quiz_id: &a.quiz_id,
                    quiz_json: None,
                    review_keys: None,
                    questions,
                    now,
                },
            )?;
            let run = by_id(conn, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            Ok(AssignmentStart::Run {
                run,
                resumed: false,
            })
        })
        .await
    }

    /// A practice run of a quiz: the member's unfinished one of that quiz, or a new one.
    pub async fn start_practice_run(
        &self,
        guild: u64,
        user: u64,
        quiz: &Quiz,
        now: i64,
    ) -> Result<(RunRow, bool), StoreError> {
        let quiz_id = quiz.id.clone();
        let json = quiz_json::encode(quiz)?;
        let questions = quiz.questions.len();
        self.write(move |conn| {
            if let Some(run) = select(
                conn,
                "r.guild_id = ?1 AND r.user_id = ?2 AND r.kind = 'practice' AND r.quiz_id = ?3 AND r.finished_at IS NULL ORDER BY r.id DESC LIMIT 1",
                params![guild as i64, user as i64, quiz_id],
            )? {
                return Ok((run, true));
            }
            let id = new_run(
                conn,
                NewRun {
                    kind: RunKind::Practice,
                    guild,
                    user,
                    assignment: None,
                    quiz_id: &quiz_id,
                    quiz_json: Some(&json),
                    review_keys: None,
                    questions,
                    now,
                },
            )?;
            let run = by_id(conn, id)?.ok_or(rusqlite::Error::QueryReturnedNoRows)?;
            Ok((run, false))
        })
        .await
    }

    /// A review run over the member's open mistakes (oldest first, at most `limit`); `None`
    /// when there is nothing to review.
    pub async fn start_review_run(
        &self,
        guild: u64,
        user: u64,
        limit: usize,
        now: i64,
    ) -> Result<Option<RunRow>, StoreError> {
        self.write(move |conn| {
            let open = mistakes::of_member(conn, guild, user, limit)?;
            if open.is_empty() {
                return Ok(None);
            }
            let quiz = mistakes::review_quiz(&open);
            let keys: Vec<ReviewItem> = open.iter().map(ReviewItem::of).collect();
            let json = quiz_json::encode(&quiz).unwrap_or_default();
            let keys = serde_json::to_string(&keys).unwrap_or_default();
            let id = new_run(
                conn,
                NewRun {
                    kind: RunKind::Review,
                    guild,
                    user,
                    assignment: None,
                    quiz_id: "review",
                    quiz_json: Some(&json),
                    review_keys: Some(keys),
                    questions: quiz.questions.len(),
                    now,
                },
            )?;
            by_id(conn, id)
        })
        .await
    }

    /// Takes one answer of a run, with everything it changes, in one transaction.
    pub async fn answer_run(&self, a: RunAnswer) -> Result<RunAnswerOutcome, StoreError> {
        self.write(move |conn| {
            let Some(run) = by_id(conn, a.run_id)? else {
                return Ok(RunAnswerOutcome::Unknown);
            };
            let assignment_open = match (run.kind, run.assignment_id) {
                (RunKind::Assignment, Some(id)) => conn
                    .prepare_cached("SELECT state = 'open' FROM assignments WHERE id = ?1")?
                    .query_row([id], |r| r.get(0))?,
                _ => true,
            };
            let step = match decide(run, &a, assignment_open) {
                Ok(step) => step,
                Err(outcome) => return Ok(outcome),
            };
            let (run, taken) = (&step.run, step.taken);
            conn.prepare_cached(
                "INSERT INTO run_answers (run_id, position, choice, correct, answered_at, typed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute(params![run.id, a.position as i64, taken.choice, taken.correct, a.now, step.typed])?;
            let progress = run.progress;
            conn.prepare_cached(
                "UPDATE runs SET answered = ?2, correct = ?3, streak = ?4, best_streak = ?5, finished_at = ?6 WHERE id = ?1",
            )?
            .execute(params![
                run.id,
                progress.answered as i64,
                progress.correct,
                progress.streak,
                progress.best_streak,
                run.finished_at
            ])?;
            let (guild, user) = (run.guild_id, run.user_id);
            // Self-paced answers score one point each: there is no clock to race.
            add_to_boards(conn, guild, user, &step.boards, u32::from(taken.correct), taken.correct)?;
            if taken.finished {
                finish_on_boards(conn, guild, user, &step.boards, progress.best_streak)?;
            }
            let (quiz_id, key) = (&step.mistake_quiz, &step.mistake_key);
            match &step.mistake {
                MistakeStep::Clear => mistakes::clear(conn, guild, user, quiz_id, key)?,
                MistakeStep::Touch => mistakes::touch(conn, guild, user, quiz_id, key, a.now)?,
                MistakeStep::Note { title, question } => {
                    mistakes::note(conn, guild, user, quiz_id, key, title, question, a.now)?
                }
            }
            conn.prepare_cached(
                "INSERT INTO players (guild_id, user_id, name, seen_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
            )?
            .execute(params![guild as i64, user as i64, a.name, a.now])?;
            Ok(RunAnswerOutcome::Taken { run: step.run, taken })
        })
        .await
    }
}

/// Start on an assignment, decided from the assignment and the member's run of it so far:
/// the answer, or `Err(questions)` — create a run of that many questions.
pub(super) fn assignment_start(
    a: &crate::store::AssignmentRow,
    existing: Option<RunRow>,
    now: i64,
) -> Result<AssignmentStart, usize> {
    if !a.open || now >= a.due_at {
        return Ok(AssignmentStart::Closed {
            due_at: a.due_at,
            run: existing,
        });
    }
    if let Some(run) = existing {
        return Ok(AssignmentStart::Run { run, resumed: true });
    }
    Err(quiz_json::decode(&a.quiz_json)
        .map(|q| q.questions.len())
        .unwrap_or(0))
}

/// What an answer of a run does to the member's mistakes.
#[derive(Debug, Clone)]
pub(super) enum MistakeStep {
    /// Right: the mistake (if any) is gone.
    Clear,
    /// Wrong again in a review: the mistake stays, now the most recent.
    Touch,
    /// Wrong: noted, with the question as it was asked.
    Note {
        title: String,
        question: Box<crate::quiz::Question>,
    },
}

/// An answer of a run, decided before anything is written (the same for every backend): the
/// run as it is after the answer, what was taken, and where it counts.
#[derive(Debug, Clone)]
pub(super) struct RunStep {
    pub run: RunRow,
    pub taken: Taken,
    /// The typed text, trimmed, as stored.
    pub typed: Option<String>,
    pub boards: Vec<String>,
    pub mistake: MistakeStep,
    pub mistake_quiz: String,
    pub mistake_key: String,
}

/// Judges an answer of `run` (as stored before it). `assignment_open`: for an assignment run,
/// whether the bot has not closed its assignment. An answer that is not taken gives the
/// outcome to reply with (as big as the step: boxing it would buy nothing).
#[allow(clippy::result_large_err)]
pub(super) fn decide(
    mut run: RunRow,
    a: &RunAnswer,
    assignment_open: bool,
) -> Result<RunStep, RunAnswerOutcome> {
    if run.user_id != a.user_id {
        return Err(RunAnswerOutcome::NotYours);
    }
    let Ok(quiz) = quiz_json::decode(&run.quiz_json) else {
        return Err(RunAnswerOutcome::Unknown);
    };
    let Some(question) = quiz.questions.get(a.position) else {
        let refusal = if a.position >= run.progress.questions && run.progress.is_finished() {
            RunRefusal::Finished
        } else {
            RunRefusal::NotYet
        };
        return Err(RunAnswerOutcome::Refused { run, refusal });
    };
    // An assignment closes at its due time, or when the bot closed it.
    let closes_at = match (run.kind, run.assignment_id) {
        (RunKind::Assignment, Some(_)) if assignment_open => Some(run.due_at.unwrap_or(i64::MAX)),
        (RunKind::Assignment, Some(_)) => Some(i64::MIN),
        _ => None,
    };
    let mut progress = run.progress;
    let typed = a.typed.as_deref().map(str::trim);
    let pick = match typed {
        Some(text) if question.is_typed() => Pick::Typed(
            crate::game::typed_answer::matching(text, &question.accepted, question.exact)
                .and_then(|i| u8::try_from(i).ok()),
        ),
        Some(_) => Pick::Set(0), // text for a question with options: refused below
        None => a.pick,
    };
    let taken = match progress.answer(a.position, pick, question, a.now, closes_at) {
        Ok(t) => t,
        Err(refusal) => return Err(RunAnswerOutcome::Refused { run, refusal }),
    };
    let boards: Vec<String> = match run.kind {
        RunKind::Assignment => keys_for(a.now, a.tz, &run.quiz_id),
        RunKind::Practice => practice_keys(&Board::Today.key(a.now, a.tz)),
        RunKind::Review => Vec::new(),
    };
    let (mistake_quiz, mistake_key) = match (run.kind, run.review_keys.get(a.position)) {
        (RunKind::Review, Some(item)) => (item.quiz_id.clone(), item.key.clone()),
        _ => (run.quiz_id.clone(), question.key()),
    };
    let mistake = if taken.correct {
        MistakeStep::Clear
    } else if run.kind == RunKind::Review {
        MistakeStep::Touch
    } else {
        MistakeStep::Note {
            title: quiz.title.clone(),
            question: Box::new(question.clone()),
        }
    };
    let typed = typed.map(str::to_string);
    run.progress = progress;
    if taken.finished {
        run.finished_at = Some(a.now);
    }
    Ok(RunStep {
        run,
        taken,
        typed,
        boards,
        mistake,
        mistake_quiz,
        mistake_key,
    })
}
