//! `mistakes`: the questions a member answered wrong — in a live quiz, an assignment or a
//! practice — and has not answered right since. A wrong answer adds (or refreshes) the entry, a
//! right one anywhere removes it, in the same transaction as the answer itself.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};

use super::{SqliteStore, StoreError};
use crate::quiz::{Question, Quiz};

#[derive(Debug, Clone)]
pub struct Mistake {
    pub quiz_id: String,
    pub question_key: String,
    pub quiz_title: String,
    pub question: Question,
    pub wrong_at: i64,
}

/// Which mistake a position of a review run re-takes, and where the question came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewItem {
    pub quiz_id: String,
    pub key: String,
    pub title: String,
}

impl ReviewItem {
    pub fn of(m: &Mistake) -> ReviewItem {
        ReviewItem {
            quiz_id: m.quiz_id.clone(),
            key: m.question_key.clone(),
            title: m.quiz_title.clone(),
        }
    }
}

/// A member's open mistakes, oldest first.
pub(super) fn of_member(
    conn: &Connection,
    guild: u64,
    user: u64,
    limit: usize,
) -> rusqlite::Result<Vec<Mistake>> {
    let mut stmt = conn.prepare_cached(
        "SELECT quiz_id, question_key, quiz_title, question_json, wrong_at FROM mistakes
         WHERE guild_id = ?1 AND user_id = ?2 ORDER BY wrong_at, quiz_id, question_key LIMIT ?3",
    )?;
    let rows = stmt.query_map(params![guild as i64, user as i64, limit as i64], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, i64>(4)?,
        ))
    })?;
    let mut out = Vec::new();
    for r in rows {
        let (quiz_id, question_key, quiz_title, json, wrong_at) = r?;
        // A question that no longer reads is skipped rather than failing the whole review.
        if let Ok(question) = serde_json::from_str(&json) {
            out.push(Mistake {
                quiz_id,
                question_key,
                quiz_title,
                question,
                wrong_at,
            });
        }
    }
    Ok(out)
}

/// The questions of a review run, numbered in the order they are asked.
pub fn review_quiz(open: &[Mistake]) -> Quiz {
    Quiz {
        id: "review".into(),
        title: "Review of your mistakes".into(),
        description: String::new(),
        question_seconds: None,
        questions: open
            .iter()
            .enumerate()
            .map(|(i, m)| Question {
                number: i + 1,
                ..m.question.clone()
            })
            .collect(),
        tiers: Vec::new(),
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) fn note(
    conn: &Connection,
    guild: u64,
    user: u64,
    quiz_id: &str,
    key: &str,
    quiz_title: &str,
    question: &Question,
    now: i64,
) -> rusqlite::Result<()> {
    let json = serde_json::to_string(question).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO mistakes (guild_id, user_id, quiz_id, question_key, quiz_title, question_json, wrong_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (guild_id, user_id, quiz_id, question_key) DO UPDATE SET
           wrong_at = excluded.wrong_at, quiz_title = excluded.quiz_title, question_json = excluded.question_json",
    )?
    .execute(params![guild as i64, user as i64, quiz_id, key, quiz_title, json, now])?;
    Ok(())
}

/// Wrong again in a review: the mistake stays, now the most recent.
pub(super) fn touch(
    conn: &Connection,
    guild: u64,
    user: u64,
    quiz_id: &str,
    key: &str,
    now: i64,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "UPDATE mistakes SET wrong_at = ?5 WHERE guild_id = ?1 AND user_id = ?2 AND quiz_id = ?3 AND question_key = ?4",
    )?
    .execute(params![guild as i64, user as i64, quiz_id, key, now])?;
    Ok(())
}

pub(super) fn clear(
    conn: &Connection,
    guild: u64,
    user: u64,
    quiz_id: &str,
    key: &str,
) -> rusqlite::Result<()> {
    conn.prepare_cached(
        "DELETE FROM mistakes WHERE guild_id = ?1 AND user_id = ?2 AND quiz_id = ?3 AND question_key = ?4",
    )?
    .execute(params![guild as i64, user as i64, quiz_id, key])?;
    Ok(())
}

/// The question a live quiz just revealed, for the mistakes of those who answered it.
#[derive(Debug, Clone)]
pub struct RevealedQuestion {
    pub quiz_id: String,
    pub quiz_title: String,
    pub question: Question,
}

/// At a live reveal: wrong answers become mistakes, right ones clear them.
pub(super) fn from_live_answers(
    conn: &Connection,
    guild: u64,
    session: i64,
    position: usize,
    q: &RevealedQuestion,
) -> rusqlite::Result<()> {
    let key = q.question.key();
    let json = serde_json::to_string(&q.question).unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO mistakes (guild_id, user_id, quiz_id, question_key, quiz_title, question_json, wrong_at)
         SELECT ?1, user_id, ?2, ?3, ?4, ?5, answered_at FROM answers
         WHERE session_id = ?6 AND position = ?7 AND NOT correct AND true
         ON CONFLICT (guild_id, user_id, quiz_id, question_key) DO UPDATE SET
           wrong_at = excluded.wrong_at, quiz_title = excluded.quiz_title, question_json = excluded.question_json",
    )?
    .execute(params![guild as i64, q.quiz_id, key, q.quiz_title, json, session, position as i64])?;
    conn.prepare_cached(
        "DELETE FROM mistakes WHERE guild_id = ?1 AND quiz_id = ?2 AND question_key = ?3
           AND user_id IN (SELECT user_id FROM answers WHERE session_id = ?4 AND position = ?5 AND correct)",
    )?
    .execute(params![guild as i64, q.quiz_id, key, session, position as i64])?;
    Ok(())
}

impl SqliteStore {
    /// How many questions a member has to review.
    pub async fn mistake_count(&self, guild: u64, user: u64) -> Result<u64, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT COUNT(*) FROM mistakes WHERE guild_id = ?1 AND user_id = ?2",
            )?
            .query_row(params![guild as i64, user as i64], |r| r.get::<_, i64>(0))
            .map(|n| n as u64)
        })
        .await
    }
}
