//! `answers` and `players`: what each player clicked, and their name as the interaction
//! carried it.

use rusqlite::params;

use super::{SqliteStore, StoreError};
use crate::game::live::Answer;

/// One answer as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerRow {
    pub session_id: i64,
    pub position: usize,
    pub user_id: u64,
    pub guild_id: u64,
    pub name: String,
    pub answer: Answer,
    /// The question message the click came from: recorded with the answer when the question's
    /// own record of it has not landed yet (a crash in between must not lose it).
    pub message_id: Option<u64>,
}

/// What storing an answer did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    /// Committed (or, with `replace`, committed over the player's earlier answer).
    Stored,
    /// The player had answered this question already: the primary key refused the second.
    AlreadyAnswered,
}

impl SqliteStore {
    /// Stores an answer (and the player's current name). With `replace`, a changed answer
    /// overwrites the first; otherwise a second answer is refused by the primary key.
    pub async fn insert_answer(&self, a: AnswerRow, replace: bool) -> Result<Inserted, StoreError> {
        let stored = self.write(move |conn| {
            let sql = if replace {
                "INSERT INTO answers (session_id, position, user_id, choice, correct, elapsed_ms, points, answered_at, typed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (session_id, position, user_id) DO UPDATE SET choice = excluded.choice, correct = excluded.correct,
                   elapsed_ms = excluded.elapsed_ms, points = excluded.points, answered_at = excluded.answered_at, typed = excluded.typed"
            } else {
                "INSERT INTO answers (session_id, position, user_id, choice, correct, elapsed_ms, points, answered_at, typed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
            };
            conn.prepare_cached(sql)?.execute(params![
                a.session_id,
                a.position as i64,
                a.user_id as i64,
                a.answer.choice,
                a.answer.correct,
                a.answer.elapsed_ms as i64,
                a.answer.points,
                a.answer.at,
                a.answer.typed,
            ])?;
            conn.prepare_cached(
                "INSERT INTO players (guild_id, user_id, name, seen_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (guild_id, user_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at",
            )?
            .execute(params![a.guild_id as i64, a.user_id as i64, a.name, a.answer.at])?;
            if let Some(message) = a.message_id {
                conn.prepare_cached(
                    "UPDATE posted_questions SET message_id = ?3 WHERE session_id = ?1 AND position = ?2 AND message_id IS NULL",
                )?
                .execute(params![a.session_id, a.position as i64, message as i64])?;
            }
            Ok(())
        })
        .await;
        match stored {
            Ok(()) => Ok(Inserted::Stored),
            Err(StoreError::Conflict) => Ok(Inserted::AlreadyAnswered),
            Err(e) => Err(e),
        }
    }

    /// Every answer of a session with the player's name: for restart recovery.
    pub async fn session_answers(&self, session: i64) -> Result<Vec<AnswerRow>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT a.position, a.user_id, s.guild_id, COALESCE(p.name, ''), a.choice, a.correct, a.elapsed_ms, a.points, a.answered_at, a.typed
                 FROM answers a JOIN sessions s ON s.id = a.session_id
                 LEFT JOIN players p ON p.guild_id = s.guild_id AND p.user_id = a.user_id
                 WHERE a.session_id = ?1 ORDER BY a.position, a.answered_at",
            )?;
            let rows = stmt.query_map([session], |r| {
                Ok(AnswerRow {
                    message_id: None,
                    session_id: session,
                    position: r.get::<_, i64>(0)? as usize,
                    user_id: r.get::<_, i64>(1)? as u64,
                    guild_id: r.get::<_, i64>(2)? as u64,
                    name: r.get(3)?,
                    answer: Answer {
                        choice: r.get(4)?,
                        correct: r.get(5)?,
                        elapsed_ms: r.get::<_, i64>(6)? as u64,
                        points: r.get(7)?,
                        at: r.get(8)?,
                        typed: r.get(9)?,
                    },
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// One player's answers in a session, by position.
    pub async fn answers_of(
        &self,
        session: i64,
        user: u64,
    ) -> Result<Vec<(usize, Answer)>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT position, choice, correct, elapsed_ms, points, answered_at, typed FROM answers
                 WHERE session_id = ?1 AND user_id = ?2 ORDER BY position",
            )?;
            let rows = stmt.query_map(params![session, user as i64], |r| {
                Ok((
                    r.get::<_, i64>(0)? as usize,
                    Answer {
                        choice: r.get(1)?,
                        correct: r.get(2)?,
                        elapsed_ms: r.get::<_, i64>(3)? as u64,
                        points: r.get(4)?,
                        at: r.get(5)?,
                        typed: r.get(6)?,
                    },
                ))
            })?;
            rows.collect()
        })
        .await
    }

    /// How many answers are stored for a question (tests and recovery checks).
    pub async fn answer_count(&self, session: i64, position: usize) -> Result<u64, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT COUNT(*) FROM answers WHERE session_id = ?1 AND position = ?2",
            )?
            .query_row(params![session, position as i64], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
        })
        .await
    }
}
