//! `assignments`: self-paced quizzes posted in a channel with a Start button, open until their
//! due time; then closed and their results posted once.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{SqliteStore, StoreError};
use crate::game::records::{AssignmentResults, Finisher};

#[derive(Debug, Clone)]
pub struct NewAssignment {
    pub guild_id: u64,
    pub channel_id: u64,
    pub host_id: u64,
    pub quiz_id: String,
    pub quiz_json: String,
    pub created_at: i64,
    pub due_at: i64,
    pub schedule_id: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct AssignmentRow {
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub host_id: u64,
    pub quiz_id: String,
    pub quiz_json: String,
    pub created_at: i64,
    pub due_at: i64,
    pub message_id: Option<u64>,
    pub schedule_id: Option<i64>,
    pub open: bool,
    pub results_message_id: Option<u64>,
}

const COLUMNS: &str = "id, guild_id, channel_id, host_id, quiz_id, quiz_json, created_at, due_at, message_id, schedule_id, state, results_message_id";

fn row(r: &Row<'_>) -> rusqlite::Result<AssignmentRow> {
    Ok(AssignmentRow {
        id: r.get(0)?,
        guild_id: r.get::<_, i64>(1)? as u64,
        channel_id: r.get::<_, i64>(2)? as u64,
        host_id: r.get::<_, i64>(3)? as u64,
        quiz_id: r.get(4)?,
        quiz_json: r.get(5)?,
        created_at: r.get(6)?,
        due_at: r.get(7)?,
        message_id: r.get::<_, Option<i64>>(8)?.map(|m| m as u64),
        schedule_id: r.get(9)?,
        open: r.get::<_, String>(10)? == "open",
        results_message_id: r.get::<_, Option<i64>>(11)?.map(|m| m as u64),
    })
}

/// Inserts an assignment inside the caller's transaction.
pub(super) fn insert(conn: &Connection, a: &NewAssignment) -> rusqlite::Result<i64> {
    conn.prepare_cached(
        "INSERT INTO assignments (guild_id, channel_id, host_id, quiz_id, quiz_json, created_at, due_at, schedule_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        a.guild_id as i64,
        a.channel_id as i64,
        a.host_id as i64,
        a.quiz_id,
        a.quiz_json,
        a.created_at,
        a.due_at,
        a.schedule_id
    ])?;
    Ok(conn.last_insert_rowid())
}

pub(super) fn by_id(conn: &Connection, id: i64) -> rusqlite::Result<Option<AssignmentRow>> {
    let sql = format!("SELECT {COLUMNS} FROM assignments WHERE id = ?1");
    conn.prepare_cached(&sql)?.query_row([id], row).optional()
}

impl SqliteStore {
    pub async fn create_assignment(&self, a: NewAssignment) -> Result<i64, StoreError> {
        self.write(move |conn| insert(conn, &a)).await
    }

    pub async fn set_assignment_message(&self, id: i64, message: u64) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("UPDATE assignments SET message_id = ?2 WHERE id = ?1")?
                .execute(params![id, message as i64])?;
            Ok(())
        })
        .await
    }

    pub async fn assignment(&self, id: i64) -> Result<Option<AssignmentRow>, StoreError> {
        self.read(move |conn| by_id(conn, id)).await
    }

    /// Open assignments whose due time has come.
    pub async fn due_assignments(&self, now: i64) -> Result<Vec<AssignmentRow>, StoreError> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM assignments WHERE state = 'open' AND due_at <= ?1 ORDER BY due_at, id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([now], row)?;
            rows.collect()
        })
        .await
    }

    /// Closed assignments whose results have not been posted yet (a failed post, or a crash
    /// in between), with a few tries left.
    pub async fn results_pending(&self) -> Result<Vec<AssignmentRow>, StoreError> {
        self.read(|conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM assignments WHERE state = 'closed' AND results_message_id IS NULL AND results_attempts < 5 ORDER BY id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([], row)?;
            rows.collect()
        })
        .await
    }

    /// Closes an open assignment; false when it was closed already (by an earlier tick).
    pub async fn close_assignment(&self, id: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE assignments SET state = 'closed' WHERE id = ?1 AND state = 'open'",
                )?
                .execute([id])?;
            Ok(n == 1)
        })
        .await
    }

    /// An assignment whose post never made it: closed, with no results to post.
    pub async fn abandon_assignment(&self, id: i64) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE assignments SET state = 'closed', results_attempts = 5 WHERE id = ?1",
            )?
            .execute([id])?;
            Ok(())
        })
        .await
    }

    /// Records an attempt at posting the results, and the message when it landed.
    pub async fn results_posted(&self, id: i64, message: Option<u64>) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "UPDATE assignments SET results_attempts = results_attempts + 1,
                   results_message_id = COALESCE(?2, results_message_id) WHERE id = ?1",
            )?
            .execute(params![id, message.map(|m| m as i64)])?;
            Ok(())
        })
        .await
    }

    /// Who finished (with their scores), who did not, and how each question went.
    pub async fn assignment_results(
        &self,
        id: i64,
        questions: usize,
    ) -> Result<AssignmentResults, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT r.user_id, COALESCE(p.name, ''), r.correct, r.finished_at
                 FROM runs r LEFT JOIN players p ON p.guild_id = r.guild_id AND p.user_id = r.user_id
                 WHERE r.assignment_id = ?1",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)? as u64,
                    r.get::<_, String>(1)?,
                    r.get::<_, u32>(2)?,
                    r.get::<_, Option<i64>>(3)?,
                ))
            })?;
            let runs = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            let mut stmt = conn.prepare_cached(
                "SELECT a.position, COUNT(*), SUM(a.correct) FROM run_answers a JOIN runs r ON r.id = a.run_id
                 WHERE r.assignment_id = ?1 GROUP BY a.position",
            )?;
            let rows = stmt.query_map([id], |r| {
                Ok((
                    r.get::<_, i64>(0)? as usize,
                    r.get::<_, i64>(1)? as u64,
                    r.get::<_, i64>(2)? as u64,
                ))
            })?;
            let positions = rows.collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(assemble_results(runs, positions, questions))
        })
        .await
    }
}

/// An assignment's results from its runs — (member, name, correct, finished at) — and its
/// answers per position — (position, answered, correct).
pub(super) fn assemble_results(
    runs: Vec<(u64, String, u32, Option<i64>)>,
    positions: Vec<(usize, u64, u64)>,
    questions: usize,
) -> AssignmentResults {
    let mut finished = Vec::new();
    let mut unfinished = 0;
    for (user_id, name, correct, finished_at) in runs {
        match finished_at {
            Some(finished_at) => finished.push(Finisher {
                user_id,
                name,
                correct,
                finished_at,
            }),
            None => unfinished += 1,
        }
    }
    finished.sort_by(|a, b| {
        b.correct
            .cmp(&a.correct)
            .then(a.finished_at.cmp(&b.finished_at))
            .then(a.user_id.cmp(&b.user_id))
    });
    let mut per_question = vec![(0u64, 0u64); questions];
    for (position, answered, correct) in positions {
        if let Some(slot) = per_question.get_mut(position) {
            *slot = (answered, correct);
        }
    }
    AssignmentResults {
        finished,
        unfinished,
        per_question,
    }
}
