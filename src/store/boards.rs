//! `board_totals`: leaderboards per server, by period and per quiz. Totals are added once per
//! question, when it is revealed, in the same transaction that marks it revealed — so a
//! restart can never count a question twice.

use chrono::{Datelike, TimeZone};
use rusqlite::{params, OptionalExtension};

use super::mistakes::{self, RevealedQuestion};
use super::{SqliteStore, StoreError};
use crate::game::records::{BoardRow, MemberStats};

/// Which leaderboard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Board {
    Today,
    Week,
    Month,
    All,
}

impl Board {
    pub fn parse(s: &str) -> Option<Board> {
        match s.trim().to_ascii_lowercase().as_str() {
            "today" | "day" => Some(Board::Today),
            "week" => Some(Board::Week),
            "month" => Some(Board::Month),
            "all" | "all-time" | "alltime" => Some(Board::All),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Board::Today => "today",
            Board::Week => "this week",
            Board::Month => "this month",
            Board::All => "all time",
        }
    }

    /// The board's key at `now_ms` in the server's timezone: `d:2026-11-28`, `w:2026-W48`,
    /// `m:2026-11` or `all`.
    pub fn key(self, now_ms: i64, tz: chrono_tz::Tz) -> String {
        let local = tz
            .timestamp_millis_opt(now_ms)
            .single()
            .unwrap_or_else(|| tz.timestamp_millis_opt(0).unwrap());
        match self {
            Board::Today => format!("d:{}", local.format("%Y-%m-%d")),
            Board::Week => {
                let w = local.iso_week();
                format!("w:{}-W{:02}", w.year(), w.week())
            }
            Board::Month => format!("m:{}", local.format("%Y-%m")),
            Board::All => "all".to_string(),
        }
    }
}

/// Every board a result at `now_ms` counts toward: the periods and the quiz's own.
pub fn keys_for(now_ms: i64, tz: chrono_tz::Tz, quiz_id: &str) -> Vec<String> {
    let mut keys: Vec<String> = [Board::All, Board::Today, Board::Week, Board::Month]
        .iter()
        .map(|b| b.key(now_ms, tz))
        .collect();
    keys.push(quiz_key(quiz_id));
    keys
}

pub fn quiz_key(quiz_id: &str) -> String {
    format!("q:{quiz_id}")
}

/// Where practice answers count: not on any leaderboard, only in `/stats` (all time and the
/// day, given as its board key `d:2026-12-01`).
pub fn practice_keys(day: &str) -> Vec<String> {
    vec!["p:all".to_string(), format!("p:{day}")]
}

/// One board's line of a member, as `/stats` reads it.
pub(super) struct StatsLine {
    pub name: String,
    pub answered: u64,
    pub correct: u64,
    pub best_streak: u32,
    pub quizzes: u64,
}

/// The boards of the last seven days (the server's calendar days, ending with today; not
/// 24-hour steps: some days are 23 or 25 h), oldest first.
pub(super) fn last_seven_days(now: i64, tz: chrono_tz::Tz) -> Vec<String> {
    let today = tz
        .timestamp_millis_opt(now)
        .single()
        .map_or_else(chrono::NaiveDate::default, |t| t.date_naive());
    (0..7)
        .rev()
        .map(|back| {
            format!(
                "d:{}",
                (today - chrono::Duration::days(back)).format("%Y-%m-%d")
            )
        })
        .collect()
}

/// `/stats` from a member's lines (`read` gives the line of a board, if any): live and
/// practice added up, the rank and points of the all-time board, and the days with answers.
pub(super) fn assemble_stats<E>(
    ranked: Option<(usize, BoardRow)>,
    days: &[String],
    mut read: impl FnMut(&str) -> Result<Option<StatsLine>, E>,
) -> Result<Option<MemberStats>, E> {
    let (live, practice) = (read("all")?, read("p:all")?);
    if live.is_none() && practice.is_none() {
        return Ok(None);
    }
    let mut stats = MemberStats::default();
    for line in live.into_iter().chain(practice) {
        if stats.name.is_empty() {
            stats.name = line.name;
        }
        stats.answered += line.answered;
        stats.correct += line.correct;
        stats.best_streak = stats.best_streak.max(line.best_streak);
        stats.quizzes += line.quizzes;
    }
    if let Some((rank, row)) = ranked {
        stats.rank = Some(rank);
        stats.points = row.points;
    }
    for day in days {
        let (a, b) = (read(day)?, read(&format!("p:{day}"))?);
        let (answered, correct) = a
            .into_iter()
            .chain(b)
            .fold((0, 0), |(x, y), r| (x + r.answered, y + r.correct));
        if answered > 0 {
            stats
                .last_days
                .push((day.trim_start_matches("d:").to_string(), answered, correct));
        }
    }
    Ok(Some(stats))
}

fn row(r: &rusqlite::Row<'_>) -> rusqlite::Result<BoardRow> {
    Ok(BoardRow {
        user_id: r.get::<_, i64>(0)? as u64,
        name: r.get(1)?,
        points: r.get::<_, i64>(2)? as u64,
        answered: r.get::<_, i64>(3)? as u64,
        correct: r.get::<_, i64>(4)? as u64,
        correct_ms: r.get::<_, i64>(5)? as u64,
        quizzes: r.get::<_, i64>(6)? as u64,
        best_streak: r.get(7)?,
    })
}

impl SqliteStore {
    /// Marks a question revealed and adds its answers to every board — once: a question
    /// already revealed adds nothing. Returns whether it was added now.
    pub async fn reveal(
        &self,
        session: i64,
        position: usize,
        guild_id: u64,
        boards: Vec<String>,
        now: i64,
        question: Option<RevealedQuestion>,
    ) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let marked = conn
                .prepare_cached(
                    "UPDATE posted_questions SET revealed_at = ?3 WHERE session_id = ?1 AND position = ?2 AND revealed_at IS NULL",
                )?
                .execute(params![session, position as i64, now])?;
            if marked == 0 {
                return Ok(false);
            }
            let mut add = conn.prepare_cached(
                "INSERT INTO board_totals (guild_id, board, user_id, points, answered, correct, correct_ms)
                 SELECT ?1, ?2, user_id, points, 1, correct, CASE WHEN correct THEN elapsed_ms ELSE 0 END
                 FROM answers WHERE session_id = ?3 AND position = ?4 AND true
                 ON CONFLICT (guild_id, board, user_id) DO UPDATE SET
                   points = points + excluded.points, answered = answered + 1,
                   correct = correct + excluded.correct, correct_ms = correct_ms + excluded.correct_ms",
            )?;
            for b in &boards {
                add.execute(params![guild_id as i64, b, session, position as i64])?;
            }
            if let Some(q) = &question {
                mistakes::from_live_answers(conn, guild_id, session, position, q)?;
            }
            Ok(true)
        })
        .await
    }

    /// The top `limit` of a board, best first (points, then less time on correct answers).
    pub async fn leaderboard(
        &self,
        guild_id: u64,
        board: String,
        limit: usize,
    ) -> Result<Vec<BoardRow>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT b.user_id, COALESCE(p.name, ''), b.points, b.answered, b.correct, b.correct_ms, b.quizzes, b.best_streak
                 FROM board_totals b LEFT JOIN players p ON p.guild_id = b.guild_id AND p.user_id = b.user_id
                 WHERE b.guild_id = ?1 AND b.board = ?2
                 ORDER BY b.points DESC, b.correct_ms ASC, b.user_id ASC LIMIT ?3",
            )?;
            let rows = stmt.query_map(params![guild_id as i64, board, limit as i64], row)?;
            rows.collect()
        })
        .await
    }

    /// A player's line on a board and their rank in it.
    pub async fn board_entry(
        &self,
        guild_id: u64,
        board: String,
        user: u64,
    ) -> Result<Option<(usize, BoardRow)>, StoreError> {
        self.read(move |conn| {
            let mine = conn
                .prepare_cached(
                    "SELECT b.user_id, COALESCE(p.name, ''), b.points, b.answered, b.correct, b.correct_ms, b.quizzes, b.best_streak
                     FROM board_totals b LEFT JOIN players p ON p.guild_id = b.guild_id AND p.user_id = b.user_id
                     WHERE b.guild_id = ?1 AND b.board = ?2 AND b.user_id = ?3",
                )?
                .query_row(params![guild_id as i64, board, user as i64], row)
                .optional()?;
            let Some(mine) = mine else {
                return Ok(None);
            };
            let ahead: i64 = conn
                .prepare_cached(
                    "SELECT COUNT(*) FROM board_totals WHERE guild_id = ?1 AND board = ?2 AND (points > ?3
                       OR (points = ?3 AND (correct_ms < ?4 OR (correct_ms = ?4 AND user_id < ?5))))",
                )?
                .query_row(
                    params![guild_id as i64, board, mine.points as i64, mine.correct_ms as i64, user as i64],
                    |r| r.get(0),
                )?;
            Ok(Some((ahead as usize + 1, mine)))
        })
        .await
    }

    /// `/stats` for a member: everything but review, all time and over the last seven days
    /// (the server's days, ending with today).
    pub async fn member_stats(
        &self,
        guild_id: u64,
        user: u64,
        now: i64,
        tz: chrono_tz::Tz,
    ) -> Result<Option<MemberStats>, StoreError> {
        let days = last_seven_days(now, tz);
        let ranked = self.board_entry(guild_id, "all".into(), user).await?;
        self.read(move |conn| {
            let mut one = conn.prepare_cached(
                "SELECT COALESCE(p.name, ''), b.answered, b.correct, b.best_streak, b.quizzes
                 FROM board_totals b LEFT JOIN players p ON p.guild_id = b.guild_id AND p.user_id = b.user_id
                 WHERE b.guild_id = ?1 AND b.board = ?2 AND b.user_id = ?3",
            )?;
            assemble_stats(ranked, &days, |board: &str| {
                one.query_row(params![guild_id as i64, board, user as i64], |r| {
                    Ok(StatsLine {
                        name: r.get(0)?,
                        answered: r.get::<_, i64>(1)? as u64,
                        correct: r.get::<_, i64>(2)? as u64,
                        best_streak: r.get(3)?,
                        quizzes: r.get::<_, i64>(4)? as u64,
                    })
                })
                .optional()
            })
        })
        .await
    }

    /// Sets the server's timezone (an IANA name, already validated).
    pub async fn set_guild_timezone(
        &self,
        guild_id: u64,
        tz: chrono_tz::Tz,
    ) -> Result<(), StoreError> {
        let name = tz.name().to_string();
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO guild_settings (guild_id, timezone) VALUES (?1, ?2)
                 ON CONFLICT (guild_id) DO UPDATE SET timezone = excluded.timezone",
            )?
            .execute(params![guild_id as i64, name])?;
            Ok(())
        })
        .await
    }

    /// The server's timezone for leaderboard periods (UTC unless set).
    pub async fn guild_timezone(&self, guild_id: u64) -> Result<chrono_tz::Tz, StoreError> {
        let name: Option<String> = self
            .read(move |conn| {
                conn.prepare_cached("SELECT timezone FROM guild_settings WHERE guild_id = ?1")?
                    .query_row([guild_id as i64], |r| r.get(0))
                    .optional()
            })
            .await?;
        Ok(name.and_then(|n| n.parse().ok()).unwrap_or(chrono_tz::UTC))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn board_keys_follow_the_server_timezone() {
        // 2026-11-28 23:30 UTC is already the 29th in Berlin.
        let t = 1_795_908_600_000;
        assert_eq!(Board::Today.key(t, chrono_tz::UTC), "d:2026-11-28");
        assert_eq!(
            Board::Today.key(t, chrono_tz::Europe::Berlin),
            "d:2026-11-29"
        );
        assert_eq!(Board::Week.key(t, chrono_tz::UTC), "w:2026-W48");
        assert_eq!(Board::Month.key(t, chrono_tz::UTC), "m:2026-11");
        assert_eq!(keys_for(t, chrono_tz::UTC, "x").last().unwrap(), "q:x");
    }
}
