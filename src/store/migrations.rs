//! The schema, as an append-only list of migrations tracked with `PRAGMA user_version`: a
//! database at version N gets migrations N+1… applied in one transaction each. Never edit a
//! migration that has shipped; add a new one.

use rusqlite::Connection;

pub const MIGRATIONS: &[&str] = &[
    // 1: live quizzes, uploads, players, answers and leaderboards.
    r#"
    CREATE TABLE guild_quizzes (
        guild_id    INTEGER NOT NULL,
        quiz_id     TEXT    NOT NULL,
        filename    TEXT    NOT NULL,
        source      BLOB    NOT NULL,
        title       TEXT    NOT NULL,
        questions   INTEGER NOT NULL,
        uploaded_by INTEGER NOT NULL,
        uploaded_at INTEGER NOT NULL,
        PRIMARY KEY (guild_id, quiz_id)
    ) WITHOUT ROWID;

    CREATE TABLE sessions (
        id                 INTEGER PRIMARY KEY,
        guild_id           INTEGER NOT NULL,
        channel_id         INTEGER NOT NULL,
        host_id            INTEGER NOT NULL,
        quiz_id            TEXT    NOT NULL,
        quiz_json          TEXT    NOT NULL,
        question_order     TEXT    NOT NULL,
        scoring            TEXT    NOT NULL,
        streak_bonus       INTEGER NOT NULL,
        allow_change       INTEGER NOT NULL,
        seconds            INTEGER NOT NULL,
        state              TEXT    NOT NULL CHECK (state IN ('running', 'finished', 'stopped', 'failed')),
        started_at         INTEGER NOT NULL,
        finished_at        INTEGER,
        results_message_id INTEGER
    );
    -- One live quiz per channel, enforced by the database itself.
    CREATE UNIQUE INDEX sessions_one_running_per_channel ON sessions (channel_id) WHERE state = 'running';

    CREATE TABLE posted_questions (
        session_id     INTEGER NOT NULL REFERENCES sessions (id),
        position       INTEGER NOT NULL,
        question_index INTEGER NOT NULL,
        message_id     INTEGER,
        opened_at      INTEGER NOT NULL,
        deadline_at    INTEGER NOT NULL,
        revealed_at    INTEGER,
        PRIMARY KEY (session_id, position)
    ) WITHOUT ROWID;

    -- Names as the interactions carried them: never one REST lookup per player.
    CREATE TABLE players (
        guild_id INTEGER NOT NULL,
        user_id  INTEGER NOT NULL,
        name     TEXT    NOT NULL,
        seen_at  INTEGER NOT NULL,
        PRIMARY KEY (guild_id, user_id)
    ) WITHOUT ROWID;

    -- One answer per player per question: the primary key is the UNIQUE constraint.
    CREATE TABLE answers (
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        position    INTEGER NOT NULL,
        user_id     INTEGER NOT NULL,
        choice      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        elapsed_ms  INTEGER NOT NULL,
        points      INTEGER NOT NULL,
        answered_at INTEGER NOT NULL,
        PRIMARY KEY (session_id, position, user_id)
    ) WITHOUT ROWID;

    -- Per-player totals per board: 'all', 'd:2026-11-28', 'w:2026-W48', 'm:2026-11',
    -- 'q:<quiz id>'. Kept up to date at each reveal and finish, so a leaderboard is one indexed
    -- range read whatever the number of answers.
    CREATE TABLE board_totals (
        guild_id    INTEGER NOT NULL,
        board       TEXT    NOT NULL,
        user_id     INTEGER NOT NULL,
        points      INTEGER NOT NULL DEFAULT 0,
        answered    INTEGER NOT NULL DEFAULT 0,
        correct     INTEGER NOT NULL DEFAULT 0,
        correct_ms  INTEGER NOT NULL DEFAULT 0,
        quizzes     INTEGER NOT NULL DEFAULT 0,
        best_streak INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (guild_id, board, user_id)
    ) WITHOUT ROWID;
    CREATE INDEX board_rank ON board_totals (guild_id, board, points DESC, correct_ms, user_id);

    CREATE TABLE session_scores (
        session_id  INTEGER NOT NULL REFERENCES sessions (id),
        user_id     INTEGER NOT NULL,
        rank        INTEGER NOT NULL,
        points      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        answered    INTEGER NOT NULL,
        correct_ms  INTEGER NOT NULL,
        best_streak INTEGER NOT NULL,
        PRIMARY KEY (session_id, user_id)
    ) WITHOUT ROWID;

    CREATE TABLE guild_settings (
        guild_id INTEGER PRIMARY KEY,
        timezone TEXT NOT NULL DEFAULT 'UTC'
    );
    "#,
    // 2: study groups — assignments, self-paced runs (assignment, practice, review), mistakes
    // to review, daily schedules and what they posted.
    r#"
    CREATE TABLE assignments (
        id                 INTEGER PRIMARY KEY,
        guild_id           INTEGER NOT NULL,
        channel_id         INTEGER NOT NULL,
        host_id            INTEGER NOT NULL,
        quiz_id            TEXT    NOT NULL,
        -- The quiz as assigned: a later upload never changes a running assignment.
        quiz_json          TEXT    NOT NULL,
        created_at         INTEGER NOT NULL,
        due_at             INTEGER NOT NULL,
        message_id         INTEGER,
        schedule_id        INTEGER,
        state              TEXT    NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed')),
        results_message_id INTEGER,
        -- Tries at posting the results after closing: retried (a few times) until one lands.
        results_attempts   INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX assignments_open_by_due ON assignments (due_at) WHERE state = 'open';

    CREATE TABLE runs (
        id            INTEGER PRIMARY KEY,
        kind          TEXT    NOT NULL CHECK (kind IN ('assignment', 'practice', 'review')),
        guild_id      INTEGER NOT NULL,
        user_id       INTEGER NOT NULL,
        assignment_id INTEGER REFERENCES assignments (id),
        quiz_id       TEXT    NOT NULL,
        -- Practice and review: what is played (a review's questions come from several quizzes).
        -- Assignment runs play their assignment's quiz.
        quiz_json     TEXT,
        -- Review: the mistake each position re-takes, as [[quiz id, question key], ...].
        review_keys   TEXT,
        questions     INTEGER NOT NULL,
        answered      INTEGER NOT NULL DEFAULT 0,
        correct       INTEGER NOT NULL DEFAULT 0,
        streak        INTEGER NOT NULL DEFAULT 0,
        best_streak   INTEGER NOT NULL DEFAULT 0,
        started_at    INTEGER NOT NULL,
        finished_at   INTEGER
    );
    -- One run per member per assignment, enforced by the database itself.
    CREATE UNIQUE INDEX runs_one_per_member_per_assignment ON runs (assignment_id, user_id)
        WHERE assignment_id IS NOT NULL;
    CREATE INDEX runs_of_member ON runs (guild_id, user_id, kind, quiz_id);

    CREATE TABLE run_answers (
        run_id      INTEGER NOT NULL REFERENCES runs (id),
        position    INTEGER NOT NULL,
        choice      INTEGER NOT NULL,
        correct     INTEGER NOT NULL,
        answered_at INTEGER NOT NULL,
        PRIMARY KEY (run_id, position)
    ) WITHOUT ROWID;

    -- Questions a member answered wrong (live, assignment or practice) and has not answered
    -- right since: what /review offers. The question is kept as it was asked.
    CREATE TABLE mistakes (
        guild_id      INTEGER NOT NULL,
        user_id       INTEGER NOT NULL,
        quiz_id       TEXT    NOT NULL,
        question_key  TEXT    NOT NULL,
        quiz_title    TEXT    NOT NULL,
        question_json TEXT    NOT NULL,
        wrong_at      INTEGER NOT NULL,
        PRIMARY KEY (guild_id, user_id, quiz_id, question_key)
    ) WITHOUT ROWID;

    CREATE TABLE schedules (
        id          INTEGER PRIMARY KEY,
        guild_id    INTEGER NOT NULL,
        channel_id  INTEGER NOT NULL,
        host_id     INTEGER NOT NULL,
        -- A quiz id, or a glob over quiz ids (a series such as `day-*`).
        target      TEXT    NOT NULL,
        local_time  TEXT    NOT NULL,
        timezone    TEXT    NOT NULL,
        mode        TEXT    NOT NULL CHECK (mode IN ('assignment', 'live')),
        due_minutes INTEGER NOT NULL,
        created_at  INTEGER NOT NULL,
        removed_at  INTEGER
    );

    -- Each occurrence of a schedule, claimed before anything is posted: the primary key makes
    -- a second post of the same occurrence impossible, even across a crash.
    CREATE TABLE schedule_runs (
        schedule_id   INTEGER NOT NULL REFERENCES schedules (id),
        occurrence_at INTEGER NOT NULL,
        guild_id      INTEGER NOT NULL,
        quiz_id       TEXT,
        claimed_at    INTEGER NOT NULL,
        outcome       TEXT    NOT NULL,
        PRIMARY KEY (schedule_id, occurrence_at)
    ) WITHOUT ROWID;
    CREATE INDEX schedule_runs_by_guild_quiz ON schedule_runs (guild_id, quiz_id);
    "#,
    // 3: typed answers keep their text (the reveal names the common wrong ones; `choice` holds
    // which accepted answer matched, or 65535 for none).
    r#"
    ALTER TABLE answers ADD COLUMN typed TEXT;
    ALTER TABLE run_answers ADD COLUMN typed TEXT;
    "#,
    // 4: the image files of uploaded quizzes, by the SHA-256 of their bytes (hex): a question
    // names its pictures by hash, so a game of an older version of a quiz still finds its
    // pictures after the quiz was replaced, and a picture two quizzes share is kept once.
    r#"
    CREATE TABLE pictures (
        hash  TEXT PRIMARY KEY,
        bytes BLOB NOT NULL
    ) WITHOUT ROWID;
    "#,
    // 5: each running bot process notes it is alive (its shards, the time): the health check
    // proves the database takes writes even when nobody plays, and an operator can see which
    // processes share the database.
    r#"
    CREATE TABLE process_heartbeats (
        process TEXT PRIMARY KEY,
        shards  TEXT    NOT NULL,
        at      INTEGER NOT NULL
    ) WITHOUT ROWID;
    "#,
];

/// The schema version of a database.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Brings the schema up to date; returns the version it is at.
///
/// Each step runs in an IMMEDIATE transaction that reads the version again once it holds the
/// write lock: two processes started together on a new file would otherwise both see version
/// 0 and the second would fail with "table … already exists". The one that waits (busy
/// timeout) finds the step done and goes on.
pub fn migrate(conn: &mut Connection) -> rusqlite::Result<usize> {
    loop {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let current = version(&tx)?.max(0) as usize;
        let Some(sql) = MIGRATIONS.get(current) else {
            tx.commit()?;
            return Ok(MIGRATIONS.len().max(current));
        };
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", current as i64 + 1)?;
        tx.commit()?;
    }
}

/// The tables of `conn` (not SQLite's own), with their columns, by name.
fn tables(conn: &Connection) -> rusqlite::Result<std::collections::BTreeMap<String, Vec<String>>> {
    let names: Vec<String> = conn
        .prepare(
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = std::collections::BTreeMap::new();
    for name in names {
        let columns = conn
            .prepare("SELECT name FROM pragma_table_info(?1)")?
            .query_map([&name], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        out.insert(name, columns);
    }
    Ok(out)
}

/// Before anything is written: a file with tables but no schema version belongs to another
/// program, and is left alone (the reason, for the operator).
pub fn refuse_foreign(conn: &Connection) -> Result<(), String> {
    if version(conn).map_err(|e| e.to_string())? != 0 {
        return Ok(());
    }
    let found = tables(conn).map_err(|e| e.to_string())?;
    if found.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = found.keys().map(String::as_str).take(5).collect();
    Err(format!(
        "it is not a quizbot database (it holds tables quizbot never made: {}); quizbot leaves it \
         as it is — point QUIZBOT_DATABASE (database.path) at a new file",
        names.join(", ")
    ))
}

/// After migrating: every table and column this version's migrations make is there. A file
/// that says it is at this version but lacks one was damaged or edited by hand.
pub fn check_shape(conn: &Connection) -> Result<(), String> {
    let mut expected = Connection::open_in_memory().map_err(|e| e.to_string())?;
    migrate(&mut expected).map_err(|e| e.to_string())?;
    let want = tables(&expected).map_err(|e| e.to_string())?;
    let have = tables(conn).map_err(|e| e.to_string())?;
    for (table, columns) in &want {
        let Some(present) = have.get(table) else {
            return Err(format!(
                "it lacks the table `{table}` that schema version {} has; restore a backup \
                 (quizbot backup) or start from a new file",
                MIGRATIONS.len()
            ));
        };
        if let Some(missing) = columns.iter().find(|c| !present.contains(c)) {
            return Err(format!(
                "its table `{table}` lacks the column `{missing}` that schema version {} has; \
                 restore a backup (quizbot backup) or start from a new file",
                MIGRATIONS.len()
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrate_twice_is_a_no_op() {
        let mut conn = Connection::open_in_memory().unwrap();
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len());
        assert_eq!(migrate(&mut conn).unwrap(), MIGRATIONS.len());
        let version: i64 = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .unwrap();
        assert_eq!(version as usize, MIGRATIONS.len());
    }

    /// Processes started together on one new file: every one migrates, none fails, and the
    /// schema is made once.
    #[test]
    fn connections_racing_on_a_new_file_all_migrate() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("race.sqlite3");
        let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let (path, barrier) = (path.clone(), barrier.clone());
                std::thread::spawn(move || {
                    // Together from the start, as processes started at once are; an error is
                    // returned, never panicked on before the barrier (which would leave the
                    // others waiting for ever).
                    barrier.wait();
                    let mut conn = Connection::open(&path)?;
                    conn.busy_timeout(std::time::Duration::from_secs(10))?;
                    super::super::sqlite::switch_to_wal(&conn)?;
                    migrate(&mut conn)
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().unwrap().unwrap(), MIGRATIONS.len());
        }
        let conn = Connection::open(&path).unwrap();
        assert_eq!(version(&conn).unwrap() as usize, MIGRATIONS.len());
        check_shape(&conn).unwrap();
    }

    #[test]
    fn one_answer_per_player_per_question_is_enforced_by_sqlite() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        conn.execute_batch(
            "INSERT INTO sessions (id, guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at)
             VALUES (1, 1, 1, 1, 'q', '{}', '[]', 'speed', 1, 0, 20, 'running', 0);",
        )
        .unwrap();
        let insert = "INSERT INTO answers (session_id, position, user_id, choice, correct, elapsed_ms, points, answered_at) VALUES (1, 0, 7, ?1, 0, 0, 0, 0)";
        conn.execute(insert, [1]).unwrap();
        assert!(
            conn.execute(insert, [2]).is_err(),
            "a second answer is refused"
        );
    }

    #[test]
    fn one_running_session_per_channel_is_enforced_by_sqlite() {
        let mut conn = Connection::open_in_memory().unwrap();
        migrate(&mut conn).unwrap();
        let insert = "INSERT INTO sessions (guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at)
                      VALUES (1, 5, 1, 'q', '{}', '[]', 'speed', 1, 0, 20, ?1, 0)";
        conn.execute(insert, ["running"]).unwrap();
        assert!(conn.execute(insert, ["running"]).is_err());
        conn.execute(insert, ["finished"]).unwrap();
    }
}
