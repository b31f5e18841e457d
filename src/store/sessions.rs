//! `sessions`, `posted_questions`, `session_scores`: a live quiz from start to results.

use rusqlite::{params, Connection, OptionalExtension, Row};

use super::{SqliteStore, StoreError};
use crate::game::scoring::Scoring;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SessionState {
    Running,
    Finished,
    /// Ended early by `/quiz stop`.
    Stopped,
    /// Could not go on (Discord kept refusing); results so far are kept.
    Failed,
}

impl SessionState {
    pub(crate) fn as_str(&self) -> &'static str {
        match self {
            SessionState::Running => "running",
            SessionState::Finished => "finished",
            SessionState::Stopped => "stopped",
            SessionState::Failed => "failed",
        }
    }

    pub(crate) fn parse(s: &str) -> SessionState {
        match s {
            "running" => SessionState::Running,
            "finished" => SessionState::Finished,
            "stopped" => SessionState::Stopped,
            _ => SessionState::Failed,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub guild_id: u64,
    pub channel_id: u64,
    pub host_id: u64,
    pub quiz_id: String,
    /// The quiz as played, so results and restarts never depend on a later upload.
    pub quiz_json: String,
    pub order: Vec<usize>,
    pub scoring: Scoring,
    pub streak_bonus: bool,
    pub allow_change: bool,
    pub seconds: u32,
    pub started_at: i64,
}

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: i64,
    pub guild_id: u64,
    pub channel_id: u64,
    pub host_id: u64,
    pub quiz_id: String,
    pub quiz_json: String,
    pub order: Vec<usize>,
    pub scoring: Scoring,
    pub streak_bonus: bool,
    pub allow_change: bool,
    pub seconds: u32,
    pub state: SessionState,
    pub started_at: i64,
    pub finished_at: Option<i64>,
    pub results_message_id: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostedQuestion {
    pub position: usize,
    pub question_index: usize,
    pub message_id: Option<u64>,
    pub opened_at: i64,
    pub deadline_at: i64,
    pub revealed_at: Option<i64>,
}

/// A player's final line in a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreRow {
    pub user_id: u64,
    pub rank: usize,
    pub points: u64,
    pub correct: u32,
    pub answered: u32,
    pub correct_ms: u64,
    pub best_streak: u32,
}

const SESSION_COLUMNS: &str = "id, guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at, finished_at, results_message_id";

fn session_row(r: &Row<'_>) -> rusqlite::Result<SessionRow> {
    let order: String = r.get(6)?;
    let scoring: String = r.get(7)?;
    Ok(SessionRow {
        id: r.get(0)?,
        guild_id: r.get::<_, i64>(1)? as u64,
        channel_id: r.get::<_, i64>(2)? as u64,
        host_id: r.get::<_, i64>(3)? as u64,
        quiz_id: r.get(4)?,
        quiz_json: r.get(5)?,
        order: serde_json::from_str(&order).unwrap_or_default(),
        scoring: Scoring::parse(&scoring).unwrap_or(Scoring::Speed),
        streak_bonus: r.get(8)?,
        allow_change: r.get(9)?,
        seconds: r.get(10)?,
        state: SessionState::parse(&r.get::<_, String>(11)?),
        started_at: r.get(12)?,
        finished_at: r.get(13)?,
        results_message_id: r.get::<_, Option<i64>>(14)?.map(|m| m as u64),
    })
}

fn sessions_where(
    conn: &Connection,
    clause: &str,
    param: i64,
) -> rusqlite::Result<Vec<SessionRow>> {
    let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE {clause} ORDER BY id");
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = stmt.query_map([param], session_row)?;
    rows.collect()
}

impl SqliteStore {
    /// Records a new running session; [`StoreError::ChannelBusy`] when the channel has one.
    pub async fn create_session(&self, s: NewSession) -> Result<i64, StoreError> {
        let result = self
            .write(move |conn| {
                conn.prepare_cached(
                    "INSERT INTO sessions (guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'running', ?11)",
                )?
                .execute(params![
                    s.guild_id as i64,
                    s.channel_id as i64,
                    s.host_id as i64,
                    s.quiz_id,
                    s.quiz_json,
                    serde_json::to_string(&s.order).unwrap_or_else(|_| "[]".into()),
                    s.scoring.as_str(),
                    s.streak_bonus,
                    s.allow_change,
                    s.seconds,
                    s.started_at,
                ])?;
                Ok(conn.last_insert_rowid())
            })
            .await;
        match result {
            // The index that allows one running session per channel.
            Err(StoreError::Conflict) => Err(StoreError::ChannelBusy),
            other => other,
        }
    }

    /// A question was opened: when, and until when.
    pub async fn open_question(
        &self,
        session: i64,
        position: usize,
        question_index: usize,
        opened_at: i64,
        deadline_at: i64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO posted_questions (session_id, position, question_index, opened_at, deadline_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (session_id, position) DO UPDATE SET opened_at = excluded.opened_at, deadline_at = excluded.deadline_at",
            )?
            .execute(params![session, position as i64, question_index as i64, opened_at, deadline_at])?;
            Ok(())
        })
        .await
    }

    pub async fn set_question_message(
        &self,
        session: i64,
        position: usize,
        message_id: u64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("UPDATE posted_questions SET message_id = ?3 WHERE session_id = ?1 AND position = ?2")?
                .execute(params![session, position as i64, message_id as i64])?;
            Ok(())
        })
        .await
    }

    /// Ends a session in one transaction: final scores, quizzes played and best streaks on
    /// every board, and the state.
    pub async fn finish_session(
        &self,
        session: i64,
        guild_id: u64,
        state: SessionState,
        finished_at: i64,
        scores: Vec<ScoreRow>,
        boards: Vec<String>,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            let updated = conn
                .prepare_cached("UPDATE sessions SET state = ?2, finished_at = ?3 WHERE id = ?1 AND state = 'running'")?
                .execute(params![session, state.as_str(), finished_at])?;
            if updated == 0 {
                return Ok(()); // already finished: never count a quiz twice
            }
            let mut score = conn.prepare_cached(
                "INSERT OR REPLACE INTO session_scores (session_id, user_id, rank, points, correct, answered, correct_ms, best_streak)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?;
            let mut board = conn.prepare_cached(
                "INSERT INTO board_totals (guild_id, board, user_id, quizzes, best_streak) VALUES (?1, ?2, ?3, 1, ?4)
                 ON CONFLICT (guild_id, board, user_id) DO UPDATE SET quizzes = quizzes + 1, best_streak = max(best_streak, excluded.best_streak)",
            )?;
            for s in &scores {
                score.execute(params![
                    session,
                    s.user_id as i64,
                    s.rank as i64,
                    s.points as i64,
                    s.correct,
                    s.answered,
                    s.correct_ms as i64,
                    s.best_streak
                ])?;
                for b in &boards {
                    board.execute(params![guild_id as i64, b, s.user_id as i64, s.best_streak])?;
                }
            }
            Ok(())
        })
        .await
    }

    pub async fn set_results_message(
        &self,
        session: i64,
        message_id: u64,
    ) -> Result<(), StoreError> {
        self.write(move |conn| {
            conn.prepare_cached("UPDATE sessions SET results_message_id = ?2 WHERE id = ?1")?
                .execute(params![session, message_id as i64])?;
            Ok(())
        })
        .await
    }

    pub async fn session(&self, id: i64) -> Result<Option<SessionRow>, StoreError> {
        self.read(move |conn| {
            let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = ?1");
            conn.prepare_cached(&sql)?
                .query_row([id], session_row)
                .optional()
        })
        .await
    }

    /// Sessions that were running when the bot stopped.
    pub async fn running_sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        self.read(|conn| sessions_where(conn, "state = 'running' AND ?1 = ?1", 0))
            .await
    }

    /// Quizzes that ended at `since` or later whose results message was never recorded (a crash
    /// just after the final commit, or Discord refusing the post): their results are owed.
    pub async fn results_owed(&self, since: i64) -> Result<Vec<SessionRow>, StoreError> {
        self.read(move |conn| {
            sessions_where(
                conn,
                "state <> 'running' AND results_message_id IS NULL AND finished_at >= ?1",
                since,
            )
        })
        .await
    }

    pub async fn posted_questions(&self, session: i64) -> Result<Vec<PostedQuestion>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT position, question_index, message_id, opened_at, deadline_at, revealed_at
                 FROM posted_questions WHERE session_id = ?1 ORDER BY position",
            )?;
            let rows = stmt.query_map([session], |r| {
                Ok(PostedQuestion {
                    position: r.get::<_, i64>(0)? as usize,
                    question_index: r.get::<_, i64>(1)? as usize,
                    message_id: r.get::<_, Option<i64>>(2)?.map(|m| m as u64),
                    opened_at: r.get(3)?,
                    deadline_at: r.get(4)?,
                    revealed_at: r.get(5)?,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// How many players a finished session had.
    pub async fn session_players(&self, session: i64) -> Result<usize, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached("SELECT COUNT(*) FROM session_scores WHERE session_id = ?1")?
                .query_row([session], |r| r.get::<_, i64>(0))
                .map(|n| n as usize)
        })
        .await
    }

    /// A player's final line in a finished session.
    pub async fn session_score(
        &self,
        session: i64,
        user: u64,
    ) -> Result<Option<ScoreRow>, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT user_id, rank, points, correct, answered, correct_ms, best_streak
                 FROM session_scores WHERE session_id = ?1 AND user_id = ?2",
            )?
            .query_row(params![session, user as i64], |r| {
                Ok(ScoreRow {
                    user_id: r.get::<_, i64>(0)? as u64,
                    rank: r.get::<_, i64>(1)? as usize,
                    points: r.get::<_, i64>(2)? as u64,
                    correct: r.get(3)?,
                    answered: r.get(4)?,
                    correct_ms: r.get::<_, i64>(5)? as u64,
                    best_streak: r.get(6)?,
                })
            })
            .optional()
        })
        .await
    }
}
