//! Live quizzes on PostgreSQL: `sessions`, `posted_questions`, `answers`, `players`,
//! `session_scores`, `board_totals` and `guild_settings` — the same operations as the SQLite
//! files `sessions.rs`, `answers.rs` and `boards.rs`, which say what each one promises.

use tokio::sync::oneshot;
use tokio_postgres::Row;

use super::writer::Job;

use super::{count, execute, get, id, owned, query, query_opt, PgStore};
use crate::game::live::Answer;
use crate::game::records::{BoardRow, MemberStats};
use crate::game::scoring::Scoring;
use crate::store::boards::{assemble_stats, last_seven_days, StatsLine};
use crate::store::{
    AnswerRow, Inserted, NewSession, PostedQuestion, RevealedQuestion, ScoreRow, SessionRow,
    SessionState, StoreError,
};

const SESSION_COLUMNS: &str = "id, guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at, finished_at, results_message_id";

fn session_row(r: &Row) -> Result<SessionRow, StoreError> {
    let order: String = get(r, 6)?;
    let scoring: String = get(r, 7)?;
    let state: String = get(r, 11)?;
    Ok(SessionRow {
        id: get(r, 0)?,
        guild_id: id(r, 1)?,
        channel_id: id(r, 2)?,
        host_id: id(r, 3)?,
        quiz_id: get(r, 4)?,
        quiz_json: get(r, 5)?,
        order: serde_json::from_str(&order).unwrap_or_default(),
        scoring: Scoring::parse(&scoring).unwrap_or(Scoring::Speed),
        streak_bonus: get(r, 8)?,
        allow_change: get(r, 9)?,
        seconds: get::<i64>(r, 10)? as u32,
        state: SessionState::parse(&state),
        started_at: get(r, 12)?,
        finished_at: get(r, 13)?,
        results_message_id: get::<Option<i64>>(r, 14)?.map(|m| m as u64),
    })
}

fn board_row(r: &Row) -> Result<BoardRow, StoreError> {
    Ok(BoardRow {
        user_id: id(r, 0)?,
        name: get(r, 1)?,
        points: get::<i64>(r, 2)? as u64,
        answered: get::<i64>(r, 3)? as u64,
        correct: get::<i64>(r, 4)? as u64,
        correct_ms: get::<i64>(r, 5)? as u64,
        quizzes: get::<i64>(r, 6)? as u64,
        best_streak: get::<i64>(r, 7)? as u32,
    })
}

fn answer(r: &Row, from: usize) -> Result<Answer, StoreError> {
    Ok(Answer {
        choice: get::<i64>(r, from)? as u16,
        correct: get(r, from + 1)?,
        elapsed_ms: get::<i64>(r, from + 2)? as u64,
        points: get::<i64>(r, from + 3)? as u32,
        at: get(r, from + 4)?,
        typed: get(r, from + 5)?,
    })
}

const BOARD_SELECT: &str = "SELECT b.user_id, COALESCE(p.name, ''), b.points, b.answered, b.correct, b.correct_ms, b.quizzes, b.best_streak
     FROM board_totals b LEFT JOIN players p ON p.guild_id = b.guild_id AND p.user_id = b.user_id";

impl PgStore {
    pub async fn create_session(&self, s: NewSession) -> Result<i64, StoreError> {
        let order = serde_json::to_string(&s.order).unwrap_or_else(|_| "[]".into());
        let result = self
            .write(move |c| async move {
                let row = super::query_one(
                    &c,
                    "INSERT INTO sessions (guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'running', $11) RETURNING id",
                    &[
                        &(s.guild_id as i64),
                        &(s.channel_id as i64),
                        &(s.host_id as i64),
                        &s.quiz_id,
                        &s.quiz_json,
                        &order,
                        &s.scoring.as_str(),
                        &s.streak_bonus,
                        &s.allow_change,
                        &i64::from(s.seconds),
                        &s.started_at,
                    ],
                )
                .await?;
                get::<i64>(&row, 0)
            })
            .await;
        match result {
            Err(StoreError::Conflict) => Err(StoreError::ChannelBusy),
            other => other,
        }
    }

    pub async fn open_question(
        &self,
        session: i64,
        position: usize,
        question_index: usize,
        opened_at: i64,
        deadline_at: i64,
    ) -> Result<(), StoreError> {
        self.change(
            "INSERT INTO posted_questions (session_id, position, question_index, opened_at, deadline_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (session_id, position) DO UPDATE SET opened_at = excluded.opened_at, deadline_at = excluded.deadline_at",
            owned![session, position as i64, question_index as i64, opened_at, deadline_at],
        )
        .await
            .map(drop)
    }

    pub async fn set_question_message(
        &self,
        session: i64,
        position: usize,
        message_id: u64,
    ) -> Result<(), StoreError> {
        self.change(
            "UPDATE posted_questions SET message_id = $3 WHERE session_id = $1 AND position = $2",
            owned![session, position as i64, message_id as i64],
        )
        .await
        .map(drop)
    }

    pub async fn finish_session(
        &self,
        session: i64,
        guild_id: u64,
        state: SessionState,
        finished_at: i64,
        scores: Vec<ScoreRow>,
        boards: Vec<String>,
    ) -> Result<(), StoreError> {
        self.write(move |c| async move {
            let updated = execute(
                &c,
                "UPDATE sessions SET state = $2, finished_at = $3 WHERE id = $1 AND state = 'running'",
                &[&session, &state.as_str(), &finished_at],
            )
            .await?;
            if updated == 0 {
                return Ok(()); // already finished: never count a quiz twice
            }
            // Every player in two statements (10,000 players are 2 round trips, not 20,000).
            let column = |f: &dyn Fn(&ScoreRow) -> i64| -> Vec<i64> { scores.iter().map(f).collect() };
            let users = column(&|s| s.user_id as i64);
            let streaks = column(&|s| i64::from(s.best_streak));
            execute(
                &c,
                "INSERT INTO session_scores (session_id, user_id, rank, points, correct, answered, correct_ms, best_streak)
                 SELECT $1, * FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::bigint[], $7::bigint[], $8::bigint[])
                 ON CONFLICT (session_id, user_id) DO UPDATE SET rank = excluded.rank, points = excluded.points,
                   correct = excluded.correct, answered = excluded.answered, correct_ms = excluded.correct_ms,
                   best_streak = excluded.best_streak",
                &[
                    &session,
                    &users,
                    &column(&|s| s.rank as i64),
                    &column(&|s| s.points as i64),
                    &column(&|s| i64::from(s.correct)),
                    &column(&|s| i64::from(s.answered)),
                    &column(&|s| s.correct_ms as i64),
                    &streaks,
                ],
            )
            .await?;
            execute(
                &c,
                "INSERT INTO board_totals (guild_id, board, user_id, quizzes, best_streak)
                 SELECT $1, b.board, s.user_id, 1, s.best_streak
                 FROM unnest($2::bigint[], $3::bigint[]) AS s(user_id, best_streak) CROSS JOIN unnest($4::text[]) AS b(board)
                 ON CONFLICT (guild_id, board, user_id) DO UPDATE SET quizzes = board_totals.quizzes + 1,
                   best_streak = GREATEST(board_totals.best_streak, excluded.best_streak)",
                &[&(guild_id as i64), &users, &streaks, &boards],
            )
            .await?;
            Ok(())
        })
        .await
    }

    pub async fn set_results_message(
        &self,
        session: i64,
        message_id: u64,
    ) -> Result<(), StoreError> {
        self.change(
            "UPDATE sessions SET results_message_id = $2 WHERE id = $1",
            owned![session, message_id as i64],
        )
        .await
        .map(drop)
    }

    pub async fn session(&self, id: i64) -> Result<Option<SessionRow>, StoreError> {
        let c = self.reader().await?;
        let sql = format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE id = $1");
        query_opt(&c, &sql, &[&id])
            .await?
            .as_ref()
            .map(session_row)
            .transpose()
    }

    pub async fn running_sessions(&self) -> Result<Vec<SessionRow>, StoreError> {
        let c = self.reader().await?;
        let sql =
            format!("SELECT {SESSION_COLUMNS} FROM sessions WHERE state = 'running' ORDER BY id");
        query(&c, &sql, &[])
            .await?
            .iter()
            .map(session_row)
            .collect()
    }

    pub async fn results_owed(&self, since: i64) -> Result<Vec<SessionRow>, StoreError> {
        let c = self.reader().await?;
        let sql = format!(
            "SELECT {SESSION_COLUMNS} FROM sessions
             WHERE state <> 'running' AND results_message_id IS NULL AND finished_at >= $1 ORDER BY id"
        );
        query(&c, &sql, &[&since])
            .await?
            .iter()
            .map(session_row)
            .collect()
    }

    pub async fn posted_questions(&self, session: i64) -> Result<Vec<PostedQuestion>, StoreError> {
        let c = self.reader().await?;
        let rows = query(
            &c,
            "SELECT position, question_index, message_id, opened_at, deadline_at, revealed_at
             FROM posted_questions WHERE session_id = $1 ORDER BY position",
            &[&session],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(PostedQuestion {
                    position: get::<i64>(r, 0)? as usize,
                    question_index: get::<i64>(r, 1)? as usize,
                    message_id: get::<Option<i64>>(r, 2)?.map(|m| m as u64),
                    opened_at: get(r, 3)?,
                    deadline_at: get(r, 4)?,
                    revealed_at: get(r, 5)?,
                })
            })
            .collect()
    }

    pub async fn session_players(&self, session: i64) -> Result<usize, StoreError> {
        let c = self.reader().await?;
        let n = count(
            &c,
            "SELECT COUNT(*) FROM session_scores WHERE session_id = $1",
            &[&session],
        )
        .await?;
        Ok(n as usize)
    }

    pub async fn session_score(
        &self,
        session: i64,
        user: u64,
    ) -> Result<Option<ScoreRow>, StoreError> {
        let c = self.reader().await?;
        let row = query_opt(
            &c,
            "SELECT user_id, rank, points, correct, answered, correct_ms, best_streak
             FROM session_scores WHERE session_id = $1 AND user_id = $2",
            &[&session, &(user as i64)],
        )
        .await?;
        row.map(|r| {
            Ok(ScoreRow {
                user_id: id(&r, 0)?,
                rank: get::<i64>(&r, 1)? as usize,
                points: get::<i64>(&r, 2)? as u64,
                correct: get::<i64>(&r, 3)? as u32,
                answered: get::<i64>(&r, 4)? as u32,
                correct_ms: get::<i64>(&r, 5)? as u64,
                best_streak: get::<i64>(&r, 6)? as u32,
            })
        })
        .transpose()
    }

    /// Stores an answer (and the player's name) in the writer's next transaction, with the
    /// other answers waiting then.
    pub async fn insert_answer(&self, a: AnswerRow, replace: bool) -> Result<Inserted, StoreError> {
        let (done, outcome) = oneshot::channel();
        self.writer
            .send(Job::Answer {
                answer: a,
                replace,
                done,
            })
            .map_err(|_| StoreError::Closed)?;
        outcome.await.map_err(|_| StoreError::Closed)?
    }

    pub async fn session_answers(&self, session: i64) -> Result<Vec<AnswerRow>, StoreError> {
        let c = self.reader().await?;
        let rows = query(
            &c,
            "SELECT a.position, a.user_id, s.guild_id, COALESCE(p.name, ''), a.choice, a.correct, a.elapsed_ms, a.points, a.answered_at, a.typed
             FROM answers a JOIN sessions s ON s.id = a.session_id
             LEFT JOIN players p ON p.guild_id = s.guild_id AND p.user_id = a.user_id
             WHERE a.session_id = $1 ORDER BY a.position, a.answered_at",
            &[&session],
        )
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AnswerRow {
                    message_id: None,
                    session_id: session,
                    position: get::<i64>(r, 0)? as usize,
                    user_id: id(r, 1)?,
                    guild_id: id(r, 2)?,
                    name: get(r, 3)?,
                    answer: answer(r, 4)?,
                })
            })
            .collect()
    }

    pub async fn answers_of(
        &self,
        session: i64,
        user: u64,
    ) -> Result<Vec<(usize, Answer)>, StoreError> {
        let c = self.reader().await?;
        let rows = query(
            &c,
            "SELECT position, choice, correct, elapsed_ms, points, answered_at, typed FROM answers
             WHERE session_id = $1 AND user_id = $2 ORDER BY position",
            &[&session, &(user as i64)],
        )
        .await?;
        rows.iter()
            .map(|r| Ok((get::<i64>(r, 0)? as usize, answer(r, 1)?)))
            .collect()
    }

    pub async fn answer_count(&self, session: i64, position: usize) -> Result<u64, StoreError> {
        let c = self.reader().await?;
        let n = count(
            &c,
            "SELECT COUNT(*) FROM answers WHERE session_id = $1 AND position = $2",
            &[&session, &(position as i64)],
        )
        .await?;
        Ok(n as u64)
    }

    pub async fn reveal(
        &self,
        session: i64,
        position: usize,
        guild_id: u64,
        boards: Vec<String>,
        now: i64,
        question: Option<RevealedQuestion>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| async move {
            let position = position as i64;
            let guild = guild_id as i64;
            let marked = execute(
                &c,
                "UPDATE posted_questions SET revealed_at = $3 WHERE session_id = $1 AND position = $2 AND revealed_at IS NULL",
                &[&session, &position, &now],
            )
            .await?;
            if marked == 0 {
                return Ok(false);
            }
            execute(
                &c,
                "INSERT INTO board_totals (guild_id, board, user_id, points, answered, correct, correct_ms)
                 SELECT $1, board, a.user_id, a.points, 1, a.correct::int, CASE WHEN a.correct THEN a.elapsed_ms ELSE 0 END
                 FROM answers a CROSS JOIN unnest($2::text[]) AS board
                 WHERE a.session_id = $3 AND a.position = $4
                 ON CONFLICT (guild_id, board, user_id) DO UPDATE SET
                   points = board_totals.points + excluded.points, answered = board_totals.answered + 1,
                   correct = board_totals.correct + excluded.correct, correct_ms = board_totals.correct_ms + excluded.correct_ms",
                &[&guild, &boards, &session, &position],
            )
            .await?;
            if let Some(q) = &question {
                let key = q.question.key();
                let json = serde_json::to_string(&q.question).unwrap_or_default();
                execute(
                    &c,
                    "INSERT INTO mistakes (guild_id, user_id, quiz_id, question_key, quiz_title, question_json, wrong_at)
                     SELECT $1, user_id, $2, $3, $4, $5, answered_at FROM answers
                     WHERE session_id = $6 AND position = $7 AND NOT correct
                     ON CONFLICT (guild_id, user_id, quiz_id, question_key) DO UPDATE SET
                       wrong_at = excluded.wrong_at, quiz_title = excluded.quiz_title, question_json = excluded.question_json",
                    &[&guild, &q.quiz_id, &key, &q.quiz_title, &json, &session, &position],
                )
                .await?;
                execute(
                    &c,
                    // The right answers' players as an array computed once: as a join or
                    // `IN (SELECT …)`, on tables autovacuum had not analysed yet, the planner
                    // compared every mistake with every answer (11 s for 10,000 answers).
                    "DELETE FROM mistakes WHERE guild_id = $1 AND quiz_id = $2 AND question_key = $3
                       AND user_id = ANY (ARRAY(SELECT user_id FROM answers WHERE session_id = $4 AND position = $5 AND correct))",
                    &[&guild, &q.quiz_id, &key, &session, &position],
                )
                .await?;
            }
            Ok(true)
        })
        .await
    }

    pub async fn leaderboard(
        &self,
        guild_id: u64,
        board: String,
        limit: usize,
    ) -> Result<Vec<BoardRow>, StoreError> {
        let c = self.reader().await?;
        let sql = format!(
            "{BOARD_SELECT} WHERE b.guild_id = $1 AND b.board = $2
             ORDER BY b.points DESC, b.correct_ms ASC, b.user_id ASC LIMIT $3"
        );
        query(&c, &sql, &[&(guild_id as i64), &board, &(limit as i64)])
            .await?
            .iter()
            .map(board_row)
            .collect()
    }

    pub async fn board_entry(
        &self,
        guild_id: u64,
        board: String,
        user: u64,
    ) -> Result<Option<(usize, BoardRow)>, StoreError> {
        let c = self.reader().await?;
        let sql =
            format!("{BOARD_SELECT} WHERE b.guild_id = $1 AND b.board = $2 AND b.user_id = $3");
        let guild = guild_id as i64;
        let Some(mine) = query_opt(&c, &sql, &[&guild, &board, &(user as i64)]).await? else {
            return Ok(None);
        };
        let mine = board_row(&mine)?;
        let ahead = count(
            &c,
            "SELECT COUNT(*) FROM board_totals WHERE guild_id = $1 AND board = $2 AND (points > $3
               OR (points = $3 AND (correct_ms < $4 OR (correct_ms = $4 AND user_id < $5))))",
            &[
                &guild,
                &board,
                &(mine.points as i64),
                &(mine.correct_ms as i64),
                &(user as i64),
            ],
        )
        .await?;
        Ok(Some((ahead as usize + 1, mine)))
    }

    pub async fn member_stats(
        &self,
        guild_id: u64,
        user: u64,
        now: i64,
        tz: chrono_tz::Tz,
    ) -> Result<Option<MemberStats>, StoreError> {
        let days = last_seven_days(now, tz);
        let ranked = self.board_entry(guild_id, "all".into(), user).await?;
        let mut wanted: Vec<String> = vec!["all".into(), "p:all".into()];
        for day in &days {
            wanted.push(day.clone());
            wanted.push(format!("p:{day}"));
        }
        let c = self.reader().await?;
        let rows = query(
            &c,
            "SELECT b.board, COALESCE(p.name, ''), b.answered, b.correct, b.best_streak, b.quizzes
             FROM board_totals b LEFT JOIN players p ON p.guild_id = b.guild_id AND p.user_id = b.user_id
             WHERE b.guild_id = $1 AND b.user_id = $2 AND b.board = ANY($3)",
            &[&(guild_id as i64), &(user as i64), &wanted],
        )
        .await?;
        let mut lines = std::collections::HashMap::new();
        for r in &rows {
            let board: String = get(r, 0)?;
            lines.insert(
                board,
                StatsLine {
                    name: get(r, 1)?,
                    answered: get::<i64>(r, 2)? as u64,
                    correct: get::<i64>(r, 3)? as u64,
                    best_streak: get::<i64>(r, 4)? as u32,
                    quizzes: get::<i64>(r, 5)? as u64,
                },
            );
        }
        assemble_stats(ranked, &days, |board: &str| {
            Ok::<_, StoreError>(lines.remove(board))
        })
    }

    pub async fn set_guild_timezone(
        &self,
        guild_id: u64,
        tz: chrono_tz::Tz,
    ) -> Result<(), StoreError> {
        let name = tz.name().to_string();
        self.change(
            "INSERT INTO guild_settings (guild_id, timezone) VALUES ($1, $2)
                 ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
            owned![guild_id as i64, name],
        )
        .await
        .map(drop)
    }

    pub async fn guild_timezone(&self, guild_id: u64) -> Result<chrono_tz::Tz, StoreError> {
        let c = self.reader().await?;
        let row = query_opt(
            &c,
            "SELECT timezone FROM guild_settings WHERE guild_id = $1",
            &[&(guild_id as i64)],
        )
        .await?;
        let name: Option<String> = row.map(|r| get(&r, 0)).transpose()?;
        Ok(name.and_then(|n| n.parse().ok()).unwrap_or(chrono_tz::UTC))
    }
}
