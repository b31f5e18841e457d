//! `schedules` and `schedule_runs`: daily posts, and each occurrence claimed once. Claiming an
//! occurrence (and, for an assignment, creating it) is one transaction that the primary key
//! lets succeed only once — so an occurrence is never posted twice, whatever restarts.

use std::collections::HashMap;

use rusqlite::{params, Row};

use super::assignments::{self, NewAssignment};
use super::{SqliteStore, StoreError};
use crate::game::records::{ScheduleMode, ScheduleRow};

#[derive(Debug, Clone)]
pub struct NewSchedule {
    pub guild_id: u64,
    pub channel_id: u64,
    pub host_id: u64,
    pub target: String,
    /// `HH:MM`, validated.
    pub local_time: String,
    /// An IANA name, validated.
    pub timezone: String,
    pub mode: ScheduleMode,
    pub due_minutes: i64,
    pub created_at: i64,
}

/// How claiming an occurrence went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Ours to post; with the assignment created for it, in assignment mode.
    Claimed { assignment: Option<i64> },
    /// Claimed before (by an earlier tick or before a restart): do nothing.
    Taken,
}

const COLUMNS: &str = "id, guild_id, channel_id, host_id, target, local_time, timezone, mode, due_minutes, created_at";

fn row(r: &Row<'_>) -> rusqlite::Result<ScheduleRow> {
    Ok(ScheduleRow {
        id: r.get(0)?,
        guild_id: r.get::<_, i64>(1)? as u64,
        channel_id: r.get::<_, i64>(2)? as u64,
        host_id: r.get::<_, i64>(3)? as u64,
        target: r.get(4)?,
        local_time: r.get(5)?,
        timezone: r.get(6)?,
        mode: ScheduleMode::parse(&r.get::<_, String>(7)?),
        due_minutes: r.get(8)?,
        created_at: r.get(9)?,
    })
}

impl SqliteStore {
    pub async fn add_schedule(&self, s: NewSchedule) -> Result<i64, StoreError> {
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO schedules (guild_id, channel_id, host_id, target, local_time, timezone, mode, due_minutes, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute(params![
                s.guild_id as i64,
                s.channel_id as i64,
                s.host_id as i64,
                s.target,
                s.local_time,
                s.timezone,
                s.mode.as_str(),
                s.due_minutes,
                s.created_at
            ])?;
            Ok(conn.last_insert_rowid())
        })
        .await
    }

    /// A server's schedules (all servers' with `None`), oldest first; removed ones are gone.
    pub async fn schedules(&self, guild: Option<u64>) -> Result<Vec<ScheduleRow>, StoreError> {
        self.read(move |conn| {
            let sql = format!(
                "SELECT {COLUMNS} FROM schedules WHERE removed_at IS NULL AND (?1 IS NULL OR guild_id = ?1) ORDER BY id"
            );
            let mut stmt = conn.prepare_cached(&sql)?;
            let rows = stmt.query_map([guild.map(|g| g as i64)], row)?;
            rows.collect()
        })
        .await
    }

    /// Removes a server's schedule; false when it has none by that number.
    pub async fn remove_schedule(&self, guild: u64, id: i64, now: i64) -> Result<bool, StoreError> {
        self.write(move |conn| {
            let n = conn
                .prepare_cached(
                    "UPDATE schedules SET removed_at = ?3 WHERE id = ?1 AND guild_id = ?2 AND removed_at IS NULL",
                )?
                .execute(params![id, guild as i64, now])?;
            Ok(n == 1)
        })
        .await
    }

    /// How many times each quiz has been posted by this server's schedules.
    pub async fn series_uses(&self, guild: u64) -> Result<HashMap<String, u32>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT quiz_id, COUNT(*) FROM schedule_runs WHERE guild_id = ?1 AND quiz_id IS NOT NULL GROUP BY quiz_id",
            )?;
            let rows = stmt.query_map([guild as i64], |r| Ok((r.get(0)?, r.get::<_, i64>(1)? as u32)))?;
            rows.collect()
        })
        .await
    }

    /// Whether an occurrence has been claimed already.
    pub async fn occurrence_claimed(&self, schedule: i64, at: i64) -> Result<bool, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT COUNT(*) FROM schedule_runs WHERE schedule_id = ?1 AND occurrence_at = ?2",
            )?
            .query_row(params![schedule, at], |r| r.get::<_, i64>(0))
            .map(|n| n > 0)
        })
        .await
    }

    /// Claims an occurrence of a schedule — and creates its assignment — once. `outcome` says
    /// what was decided ("posted", or why nothing was).
    pub async fn claim_occurrence(
        &self,
        schedule: &ScheduleRow,
        at: i64,
        quiz_id: Option<String>,
        outcome: &str,
        now: i64,
        assignment: Option<NewAssignment>,
    ) -> Result<Claim, StoreError> {
        let (id, guild, outcome) = (schedule.id, schedule.guild_id, outcome.to_string());
        self.write(move |conn| {
            let inserted = conn
                .prepare_cached(
                    "INSERT INTO schedule_runs (schedule_id, occurrence_at, guild_id, quiz_id, claimed_at, outcome)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING",
                )?
                .execute(params![id, at, guild as i64, quiz_id, now, outcome])?;
            if inserted == 0 {
                return Ok(Claim::Taken);
            }
            let assignment = match &assignment {
                Some(a) => Some(assignments::insert(conn, a)?),
                None => None,
            };
            Ok(Claim::Claimed { assignment })
        })
        .await
    }
}
