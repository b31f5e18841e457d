//! Study groups on PostgreSQL: `assignments`, `runs`, `run_answers`, `mistakes`, `schedules`
//! and `schedule_runs` — the operations of the SQLite files of the same names, which say what
//! each one promises. What an answer of a run does is decided by the same function for both
//! backends (`runs::decide`); here it is only written down.

use std::collections::HashMap;

use tokio_postgres::Row;

use super::{count, execute, get, id, owned, query, query_one, query_opt, Conn, PgStore};
use crate::game::records::{AssignmentResults, ScheduleMode, ScheduleRow};
use crate::game::run::{Progress, RunKind};
use crate::quiz::Quiz;
use crate::store::assignments::assemble_results;
use crate::store::mistakes::{review_quiz, Mistake};
use crate::store::runs::{assignment_start, decide, MistakeStep};
use crate::store::{
    quiz_json, AssignmentRow, AssignmentStart, Claim, NewAssignment, NewSchedule, ReviewItem,
    RunAnswer, RunAnswerOutcome, RunRow, StoreError,
};

const ASSIGNMENT_COLUMNS: &str = "id, guild_id, channel_id, host_id, quiz_id, quiz_json, created_at, due_at, message_id, schedule_id, state, results_message_id";

fn assignment_row(r: &Row) -> Result<AssignmentRow, StoreError> {
    Ok(AssignmentRow {
        id: get(r, 0)?,
        guild_id: id(r, 1)?,
        channel_id: id(r, 2)?,
        host_id: id(r, 3)?,
        quiz_id: get(r, 4)?,
        quiz_json: get(r, 5)?,
        created_at: get(r, 6)?,
        due_at: get(r, 7)?,
        message_id: get::<Option<i64>>(r, 8)?.map(|m| m as u64),
        schedule_id: get(r, 9)?,
        open: get::<String>(r, 10)? == "open",
        results_message_id: get::<Option<i64>>(r, 11)?.map(|m| m as u64),
    })
}

async fn assignment_by_id(
    c: &deadpool_postgres::ClientWrapper,
    id: i64,
) -> Result<Option<AssignmentRow>, StoreError> {
    let sql = format!("SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE id = $1");
    query_opt(c, &sql, &[&id])
        .await?
        .as_ref()
        .map(assignment_row)
        .transpose()
}

async fn insert_assignment(c: &Conn, a: &NewAssignment) -> Result<i64, StoreError> {
    let row = query_one(
        c,
        "INSERT INTO assignments (guild_id, channel_id, host_id, quiz_id, quiz_json, created_at, due_at, schedule_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        &[
            &(a.guild_id as i64),
            &(a.channel_id as i64),
            &(a.host_id as i64),
            &a.quiz_id,
            &a.quiz_json,
            &a.created_at,
            &a.due_at,
            &a.schedule_id,
        ],
    )
    .await?;
    get(&row, 0)
}

const RUN_COLUMNS: &str = "r.id, r.kind, r.guild_id, r.user_id, r.assignment_id, r.quiz_id, COALESCE(r.quiz_json, a.quiz_json, ''), r.review_keys, r.questions, r.answered, r.correct, r.streak, r.best_streak, r.started_at, r.finished_at, a.due_at";

fn run_row(r: &Row) -> Result<RunRow, StoreError> {
    let keys: Option<String> = get(r, 7)?;
    Ok(RunRow {
        id: get(r, 0)?,
        kind: RunKind::parse(&get::<String>(r, 1)?).unwrap_or(RunKind::Practice),
        guild_id: id(r, 2)?,
        user_id: id(r, 3)?,
        assignment_id: get(r, 4)?,
        quiz_id: get(r, 5)?,
        quiz_json: get(r, 6)?,
        review_keys: keys
            .and_then(|k| serde_json::from_str(&k).ok())
            .unwrap_or_default(),
        progress: Progress {
            questions: get::<i64>(r, 8)? as usize,
            answered: get::<i64>(r, 9)? as usize,
            correct: get::<i64>(r, 10)? as u32,
            streak: get::<i64>(r, 11)? as u32,
            best_streak: get::<i64>(r, 12)? as u32,
        },
        started_at: get(r, 13)?,
        finished_at: get(r, 14)?,
        due_at: get(r, 15)?,
    })
}

async fn run_where(
    c: &deadpool_postgres::ClientWrapper,
    clause: &str,
    p: super::Params<'_>,
) -> Result<Option<RunRow>, StoreError> {
    let sql = format!(
        "SELECT {RUN_COLUMNS} FROM runs r LEFT JOIN assignments a ON a.id = r.assignment_id WHERE {clause}"
    );
    query_opt(c, &sql, p)
        .await?
        .as_ref()
        .map(run_row)
        .transpose()
}

async fn run_by_id(
    c: &deadpool_postgres::ClientWrapper,
    id: i64,
) -> Result<Option<RunRow>, StoreError> {
    run_where(c, "r.id = $1", &[&id]).await
}

/// Inserts a run and reads it back as [`RunRow`].
#[allow(clippy::too_many_arguments)]
async fn new_run(
    c: &Conn,
    kind: RunKind,
    guild: u64,
    user: u64,
    assignment: Option<i64>,
    quiz_id: &str,
    quiz_json: Option<&str>,
    review_keys: Option<String>,
    questions: usize,
    now: i64,
) -> Result<RunRow, StoreError> {
    let row = query_one(
        c,
        "INSERT INTO runs (kind, guild_id, user_id, assignment_id, quiz_id, quiz_json, review_keys, questions, started_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        &[
            &kind.as_str(),
            &(guild as i64),
            &(user as i64),
            &assignment,
            &quiz_id,
            &quiz_json,
            &review_keys,
            &(questions as i64),
            &now,
        ],
    )
    .await?;
    let id: i64 = get(&row, 0)?;
    run_by_id(c, id)
        .await?
        .ok_or_else(|| StoreError::Database("a run just created cannot be read".into()))
}

const SCHEDULE_COLUMNS: &str = "id, guild_id, channel_id, host_id, target, local_time, timezone, mode, due_minutes, created_at";

fn schedule_row(r: &Row) -> Result<ScheduleRow, StoreError> {
    Ok(ScheduleRow {
        id: get(r, 0)?,
        guild_id: id(r, 1)?,
        channel_id: id(r, 2)?,
        host_id: id(r, 3)?,
        target: get(r, 4)?,
        local_time: get(r, 5)?,
        timezone: get(r, 6)?,
        mode: ScheduleMode::parse(&get::<String>(r, 7)?),
        due_minutes: get(r, 8)?,
        created_at: get(r, 9)?,
    })
}

impl PgStore {
    pub async fn create_assignment(&self, a: NewAssignment) -> Result<i64, StoreError> {
        self.write(move |c| async move { insert_assignment(&c, &a).await })
            .await
    }

    pub async fn set_assignment_message(&self, id: i64, message: u64) -> Result<(), StoreError> {
        self.change(
            "UPDATE assignments SET message_id = $2 WHERE id = $1",
            owned![id, message as i64],
        )
        .await
        .map(drop)
    }

    pub async fn assignment(&self, id: i64) -> Result<Option<AssignmentRow>, StoreError> {
        let c = self.reader().await?;
        assignment_by_id(&c, id).await
    }

    pub async fn due_assignments(&self, now: i64) -> Result<Vec<AssignmentRow>, StoreError> {
        let c = self.reader().await?;
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments WHERE state = 'open' AND due_at <= $1 ORDER BY due_at, id"
        );
        query(&c, &sql, &[&now])
            .await?
            .iter()
            .map(assignment_row)
            .collect()
    }

    pub async fn results_pending(&self) -> Result<Vec<AssignmentRow>, StoreError> {
        let c = self.reader().await?;
        let sql = format!(
            "SELECT {ASSIGNMENT_COLUMNS} FROM assignments
             WHERE state = 'closed' AND results_message_id IS NULL AND results_attempts < 5 ORDER BY id"
        );
        query(&c, &sql, &[])
            .await?
            .iter()
            .map(assignment_row)
            .collect()
    }

    pub async fn close_assignment(&self, id: i64) -> Result<bool, StoreError> {
        self.change(
            "UPDATE assignments SET state = 'closed' WHERE id = $1 AND state = 'open'",
            owned![id],
        )
        .await
        .map(|n| n == 1)
    }

    pub async fn abandon_assignment(&self, id: i64) -> Result<(), StoreError> {
        self.change(
            "UPDATE assignments SET state = 'closed', results_attempts = 5 WHERE id = $1",
            owned![id],
        )
        .await
        .map(drop)
    }

    pub async fn results_posted(&self, id: i64, message: Option<u64>) -> Result<(), StoreError> {
        self.change(
            "UPDATE assignments SET results_attempts = results_attempts + 1,
                   results_message_id = COALESCE($2, results_message_id) WHERE id = $1",
            owned![id, message.map(|m| m as i64)],
        )
        .await
        .map(drop)
    }

    pub async fn assignment_results(
        &self,
        id: i64,
        questions: usize,
    ) -> Result<AssignmentResults, StoreError> {
        let c = self.reader().await?;
        let runs = query(
            &c,
            "SELECT r.user_id, COALESCE(p.name, ''), r.correct, r.finished_at
             FROM runs r LEFT JOIN players p ON p.guild_id = r.guild_id AND p.user_id = r.user_id
             WHERE r.assignment_id = $1",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                super::id(r, 0)?,
                get(r, 1)?,
                get::<i64>(r, 2)? as u32,
                get(r, 3)?,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        let positions = query(
            &c,
            "SELECT a.position, COUNT(*), SUM(a.correct::int)::bigint FROM run_answers a JOIN runs r ON r.id = a.run_id
             WHERE r.assignment_id = $1 GROUP BY a.position",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                get::<i64>(r, 0)? as usize,
                get::<i64>(r, 1)? as u64,
                get::<i64>(r, 2)? as u64,
            ))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(assemble_results(runs, positions, questions))
    }

    pub async fn run(&self, id: i64) -> Result<Option<RunRow>, StoreError> {
        let c = self.reader().await?;
        run_by_id(&c, id).await
    }

    pub async fn run_answers(&self, id: i64) -> Result<Vec<(usize, u16, bool)>, StoreError> {
        let c = self.reader().await?;
        query(
            &c,
            "SELECT position, choice, correct FROM run_answers WHERE run_id = $1 ORDER BY position",
            &[&id],
        )
        .await?
        .iter()
        .map(|r| {
            Ok((
                get::<i64>(r, 0)? as usize,
                get::<i64>(r, 1)? as u16,
                get(r, 2)?,
            ))
        })
        .collect()
    }

    pub async fn start_assignment_run(
        &self,
        assignment: i64,
        guild: u64,
        user: u64,
        now: i64,
    ) -> Result<AssignmentStart, StoreError> {
        self.write(move |c| async move {
            let Some(a) = assignment_by_id(&c, assignment).await? else {
                return Ok(AssignmentStart::Unknown);
            };
            if a.guild_id != guild {
                return Ok(AssignmentStart::Unknown);
            }
            let existing = run_where(
                &c,
                "r.assignment_id = $1 AND r.user_id = $2",
                &[&assignment, &(user as i64)],
            )
            .await?;
            let questions = match assignment_start(&a, existing, now) {
                Ok(answer) => return Ok(answer),
                Err(questions) => questions,
            };
            let run = new_run(
                &c,
                RunKind::Assignment,
                guild,
                user,
                Some(assignment),
                &a.quiz_id,
                None,
                None,
                questions,
                now,
            )
            .await?;
            Ok(AssignmentStart::Run {
                run,
                resumed: false,
            })
        })
        .await
    }

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
        self.write(move |c| async move {
            if let Some(run) = run_where(
                &c,
                "r.guild_id = $1 AND r.user_id = $2 AND r.kind = 'practice' AND r.quiz_id = $3 AND r.finished_at IS NULL ORDER BY r.id DESC LIMIT 1",
                &[&(guild as i64), &(user as i64), &quiz_id],
            )
            .await?
            {
                return Ok((run, true));
            }
            let run = new_run(
                &c,
                RunKind::Practice,
                guild,
                user,
                None,
                &quiz_id,
                Some(&json),
                None,
                questions,
                now,
            )
            .await?;
            Ok((run, false))
        })
        .await
    }

    pub async fn start_review_run(
        &self,
        guild: u64,
        user: u64,
        limit: usize,
        now: i64,
    ) -> Result<Option<RunRow>, StoreError> {
        self.write(move |c| async move {
            let open = mistakes_of(&c, guild, user, limit).await?;
            if open.is_empty() {
                return Ok(None);
            }
            let quiz = review_quiz(&open);
            let keys: Vec<ReviewItem> = open.iter().map(ReviewItem::of).collect();
            let json = quiz_json::encode(&quiz).unwrap_or_default();
            let keys = serde_json::to_string(&keys).unwrap_or_default();
            let run = new_run(
                &c,
                RunKind::Review,
                guild,
                user,
                None,
                "review",
                Some(&json),
                Some(keys),
                quiz.questions.len(),
                now,
            )
            .await?;
            Ok(Some(run))
        })
        .await
    }

    pub async fn answer_run(&self, a: RunAnswer) -> Result<RunAnswerOutcome, StoreError> {
        self.write(move |c| async move {
            let Some(run) = run_by_id(&c, a.run_id).await? else {
                return Ok(RunAnswerOutcome::Unknown);
            };
            let assignment_open = match (run.kind, run.assignment_id) {
                (RunKind::Assignment, Some(id)) => {
                    let row = query_one(
                        &c,
                        "SELECT state = 'open' FROM assignments WHERE id = $1",
                        &[&id],
                    )
                    .await?;
                    get::<bool>(&row, 0)?
                }
                _ => true,
            };
            let step = match decide(run, &a, assignment_open) {
                Ok(step) => step,
                Err(outcome) => return Ok(outcome),
            };
            let (run, taken) = (&step.run, step.taken);
            let (guild, user) = (run.guild_id as i64, run.user_id as i64);
            execute(
                &c,
                "INSERT INTO run_answers (run_id, position, choice, correct, answered_at, typed) VALUES ($1, $2, $3, $4, $5, $6)",
                &[&run.id, &(a.position as i64), &i64::from(taken.choice), &taken.correct, &a.now, &step.typed],
            )
            .await?;
            let p = run.progress;
            execute(
                &c,
                "UPDATE runs SET answered = $2, correct = $3, streak = $4, best_streak = $5, finished_at = $6 WHERE id = $1",
                &[
                    &run.id,
                    &(p.answered as i64),
                    &i64::from(p.correct),
                    &i64::from(p.streak),
                    &i64::from(p.best_streak),
                    &run.finished_at,
                ],
            )
            .await?;
            // Self-paced answers score one point each: there is no clock to race.
            let correct = i64::from(taken.correct);
            execute(
                &c,
                "INSERT INTO board_totals (guild_id, board, user_id, points, answered, correct)
                 SELECT $1, board, $3, $4, 1, $4 FROM unnest($2::text[]) AS board
                 ON CONFLICT (guild_id, board, user_id) DO UPDATE SET
                   points = board_totals.points + excluded.points, answered = board_totals.answered + 1,
                   correct = board_totals.correct + excluded.correct",
                &[&guild, &step.boards, &user, &correct],
            )
            .await?;
            if taken.finished {
                execute(
                    &c,
                    "INSERT INTO board_totals (guild_id, board, user_id, quizzes, best_streak)
                     SELECT $1, board, $3, 1, $4 FROM unnest($2::text[]) AS board
                     ON CONFLICT (guild_id, board, user_id) DO UPDATE SET quizzes = board_totals.quizzes + 1,
                       best_streak = GREATEST(board_totals.best_streak, excluded.best_streak)",
                    &[&guild, &step.boards, &user, &i64::from(p.best_streak)],
                )
                .await?;
            }
            let (quiz_id, key) = (&step.mistake_quiz, &step.mistake_key);
            match &step.mistake {
                MistakeStep::Clear => {
                    execute(
                        &c,
                        "DELETE FROM mistakes WHERE guild_id = $1 AND user_id = $2 AND quiz_id = $3 AND question_key = $4",
                        &[&guild, &user, quiz_id, key],
                    )
                    .await?;
                }
                MistakeStep::Touch => {
                    execute(
                        &c,
                        "UPDATE mistakes SET wrong_at = $5 WHERE guild_id = $1 AND user_id = $2 AND quiz_id = $3 AND question_key = $4",
                        &[&guild, &user, quiz_id, key, &a.now],
                    )
                    .await?;
                }
                MistakeStep::Note { title, question } => {
                    let json = serde_json::to_string(question).unwrap_or_default();
                    execute(
                        &c,
                        "INSERT INTO mistakes (guild_id, user_id, quiz_id, question_key, quiz_title, question_json, wrong_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7)
                         ON CONFLICT (guild_id, user_id, quiz_id, question_key) DO UPDATE SET
                           wrong_at = excluded.wrong_at, quiz_title = excluded.quiz_title, question_json = excluded.question_json",
                        &[&guild, &user, quiz_id, key, title, &json, &a.now],
                    )
                    .await?;
                }
            }
            execute(
                &c,
                "INSERT INTO players (guild_id, user_id, name, seen_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
                &[&guild, &user, &a.name, &a.now],
            )
            .await?;
            Ok(RunAnswerOutcome::Taken { run: step.run, taken })
        })
        .await
    }

    pub async fn mistake_count(&self, guild: u64, user: u64) -> Result<u64, StoreError> {
        let c = self.reader().await?;
        let n = count(
            &c,
            "SELECT COUNT(*) FROM mistakes WHERE guild_id = $1 AND user_id = $2",
            &[&(guild as i64), &(user as i64)],
        )
        .await?;
        Ok(n as u64)
    }

    pub async fn add_schedule(&self, s: NewSchedule) -> Result<i64, StoreError> {
        self.write(move |c| async move {
            let row = query_one(
                &c,
                "INSERT INTO schedules (guild_id, channel_id, host_id, target, local_time, timezone, mode, due_minutes, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                &[
                    &(s.guild_id as i64),
                    &(s.channel_id as i64),
                    &(s.host_id as i64),
                    &s.target,
                    &s.local_time,
                    &s.timezone,
                    &s.mode.as_str(),
                    &s.due_minutes,
                    &s.created_at,
                ],
            )
            .await?;
            get(&row, 0)
        })
        .await
    }

    pub async fn schedules(&self, guild: Option<u64>) -> Result<Vec<ScheduleRow>, StoreError> {
        let c = self.reader().await?;
        let sql = format!(
            "SELECT {SCHEDULE_COLUMNS} FROM schedules
             WHERE removed_at IS NULL AND ($1::bigint IS NULL OR guild_id = $1) ORDER BY id"
        );
        query(&c, &sql, &[&guild.map(|g| g as i64)])
            .await?
            .iter()
            .map(schedule_row)
            .collect()
    }

    pub async fn remove_schedule(&self, guild: u64, id: i64, now: i64) -> Result<bool, StoreError> {
        self.change(
            "UPDATE schedules SET removed_at = $3 WHERE id = $1 AND guild_id = $2 AND removed_at IS NULL",
            owned![id, guild as i64, now],
        )
        .await
            .map(|n| n == 1)
    }

    pub async fn series_uses(&self, guild: u64) -> Result<HashMap<String, u32>, StoreError> {
        let c = self.reader().await?;
        query(
            &c,
            "SELECT quiz_id, COUNT(*) FROM schedule_runs WHERE guild_id = $1 AND quiz_id IS NOT NULL GROUP BY quiz_id",
            &[&(guild as i64)],
        )
        .await?
        .iter()
        .map(|r| Ok((get(r, 0)?, get::<i64>(r, 1)? as u32)))
        .collect()
    }

    pub async fn occurrence_claimed(&self, schedule: i64, at: i64) -> Result<bool, StoreError> {
        let c = self.reader().await?;
        let n = count(
            &c,
            "SELECT COUNT(*) FROM schedule_runs WHERE schedule_id = $1 AND occurrence_at = $2",
            &[&schedule, &at],
        )
        .await?;
        Ok(n > 0)
    }

    /// The row is the claim: of processes that tick at once, one inserts it and posts; the
    /// others wait on its key, find it and do nothing.
    pub async fn claim_occurrence(
        &self,
        schedule: &ScheduleRow,
        at: i64,
        quiz_id: Option<String>,
        outcome: &str,
        now: i64,
        assignment: Option<NewAssignment>,
    ) -> Result<Claim, StoreError> {
        let (id, guild, outcome) = (schedule.id, schedule.guild_id as i64, outcome.to_string());
        self.write(move |c| async move {
            let inserted = execute(
                &c,
                "INSERT INTO schedule_runs (schedule_id, occurrence_at, guild_id, quiz_id, claimed_at, outcome)
                 VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
                &[&id, &at, &guild, &quiz_id, &now, &outcome],
            )
            .await?;
            if inserted == 0 {
                return Ok(Claim::Taken);
            }
            let assignment = match &assignment {
                Some(a) => Some(insert_assignment(&c, a).await?),
                None => None,
            };
            Ok(Claim::Claimed { assignment })
        })
        .await
    }
}

/// A member's open mistakes, oldest first (as SQLite's `mistakes::of_member`).
async fn mistakes_of(
    c: &Conn,
    guild: u64,
    user: u64,
    limit: usize,
) -> Result<Vec<Mistake>, StoreError> {
    let rows = query(
        c,
        "SELECT quiz_id, question_key, quiz_title, question_json, wrong_at FROM mistakes
         WHERE guild_id = $1 AND user_id = $2 ORDER BY wrong_at, quiz_id, question_key LIMIT $3",
        &[&(guild as i64), &(user as i64), &(limit as i64)],
    )
    .await?;
    let mut out = Vec::new();
    for r in &rows {
        let json: String = get(r, 3)?;
        // A question that no longer reads is skipped rather than failing the whole review.
        if let Ok(question) = serde_json::from_str(&json) {
            out.push(Mistake {
                quiz_id: get(r, 0)?,
                question_key: get(r, 1)?,
                quiz_title: get(r, 2)?,
                question,
                wrong_at: get(r, 4)?,
            });
        }
    }
    Ok(out)
}
