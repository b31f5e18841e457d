//! The SQLite store: answers committed before they are acknowledged, one per player per
//! question, totals added once per question, leaderboards and ranks, and start-up checks.

use quizbot::game::live::Answer;
use quizbot::game::scoring::Scoring;
use quizbot::store::{
    AnswerRow, Board, Inserted, NewSession, ScoreRow, SessionState, Store, StoreError,
};

fn new_session(channel: u64) -> NewSession {
    NewSession {
        guild_id: 1,
        channel_id: channel,
        host_id: 9,
        quiz_id: "q".into(),
        quiz_json: "{}".into(),
        order: vec![0, 1],
        scoring: Scoring::Speed,
        streak_bonus: true,
        allow_change: false,
        seconds: 20,
        started_at: 1_000,
    }
}

fn answer(session: i64, position: usize, user: u64, correct: bool, points: u32) -> AnswerRow {
    AnswerRow {
        session_id: session,
        position,
        user_id: user,
        guild_id: 1,
        name: format!("player{user}"),
        message_id: None,
        answer: Answer {
            choice: if correct { 1 } else { 0 },
            at: 2_000,
            elapsed_ms: 1_000 + user,
            correct,
            points,
            typed: None,
        },
    }
}

#[tokio::test]
async fn a_burst_of_answers_is_committed_and_each_player_answers_once() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let s = store.create_session(new_session(5)).await.unwrap();
    store.open_question(s, 0, 0, 1_000, 21_000).await.unwrap();
    let mut tasks = Vec::new();
    for user in 0..2_000u64 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            store
                .insert_answer(answer(s, 0, user, user % 2 == 0, 900), false)
                .await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), Ok(Inserted::Stored));
    }
    assert_eq!(store.answer_count(s, 0).await.unwrap(), 2_000);
    let again = store.insert_answer(answer(s, 0, 7, true, 900), false).await;
    assert_eq!(
        again,
        Ok(Inserted::AlreadyAnswered),
        "a second answer is refused"
    );
    // With changes allowed, the answer is replaced, still once.
    store
        .insert_answer(answer(s, 0, 7, true, 950), true)
        .await
        .unwrap();
    assert_eq!(store.answer_count(s, 0).await.unwrap(), 2_000);
}

#[tokio::test]
async fn one_running_session_per_channel() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    store.create_session(new_session(5)).await.unwrap();
    assert_eq!(
        store.create_session(new_session(5)).await,
        Err(StoreError::ChannelBusy)
    );
    store
        .create_session(new_session(6))
        .await
        .expect("another channel is free");
}

#[tokio::test]
async fn totals_are_added_once_per_question_and_ranked() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let s = store.create_session(new_session(5)).await.unwrap();
    store.open_question(s, 0, 0, 1_000, 21_000).await.unwrap();
    for (user, correct, points) in [(1, true, 900), (2, true, 950), (3, false, 0)] {
        store
            .insert_answer(answer(s, 0, user, correct, points), false)
            .await
            .unwrap();
    }
    let boards = vec!["all".to_string(), "q:q".to_string()];
    assert!(store
        .reveal(s, 0, 1, boards.clone(), 30_000, None)
        .await
        .unwrap());
    assert!(
        !store
            .reveal(s, 0, 1, boards.clone(), 31_000, None)
            .await
            .unwrap(),
        "never twice"
    );
    let top = store.leaderboard(1, "all".into(), 10).await.unwrap();
    let order: Vec<(u64, u64, String)> = top
        .iter()
        .map(|r| (r.user_id, r.points, r.name.clone()))
        .collect();
    assert_eq!(
        order,
        [
            (2, 950, "player2".into()),
            (1, 900, "player1".into()),
            (3, 0, "player3".into())
        ]
    );
    let (rank, mine) = store
        .board_entry(1, "all".into(), 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rank, mine.answered, mine.correct), (2, 1, 1));
    assert_eq!(store.board_entry(1, "all".into(), 99).await.unwrap(), None);

    let scores = vec![ScoreRow {
        user_id: 2,
        rank: 1,
        points: 950,
        correct: 1,
        answered: 1,
        correct_ms: 1_002,
        best_streak: 1,
    }];
    store
        .finish_session(
            s,
            1,
            SessionState::Finished,
            40_000,
            scores.clone(),
            boards.clone(),
        )
        .await
        .unwrap();
    store
        .finish_session(s, 1, SessionState::Finished, 41_000, scores, boards)
        .await
        .unwrap();
    let (_, two) = store
        .board_entry(1, "q:q".into(), 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (two.quizzes, two.best_streak),
        (1, 1),
        "a finished quiz is counted once"
    );
    assert_eq!(
        store.session(s).await.unwrap().unwrap().state,
        SessionState::Finished
    );
    assert!(store.running_sessions().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_leaderboard_query_is_one_indexed_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(&dir.path().join("db.sqlite3")).unwrap();
    let plan: Vec<String> = store
        .read(|conn| {
            let mut stmt = conn.prepare(
                "EXPLAIN QUERY PLAN SELECT user_id FROM board_totals WHERE guild_id = 1 AND board = 'all'
                 ORDER BY points DESC, correct_ms ASC, user_id ASC LIMIT 10",
            )?;
            let rows = stmt.query_map([], |r| r.get::<_, String>(3))?;
            rows.collect()
        })
        .await
        .unwrap();
    let plan = plan.join(" / ");
    assert!(plan.contains("board_rank"), "{plan}");
    assert!(!plan.contains("TEMP B-TREE"), "no sort: {plan}");
    let _ = Board::All;
}

#[test]
fn an_unwritable_database_path_is_refused_at_start_up() {
    // A path whose folder is a regular file cannot be created, even by root.
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-folder");
    std::fs::write(&blocker, b"x").unwrap();
    match Store::open(&blocker.join("db.sqlite3")) {
        Err(StoreError::Open { why, .. }) => assert!(why.starts_with("cannot create"), "{why}"),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn a_database_from_a_newer_quizbot_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    drop(Store::open(&path).unwrap());
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 999).unwrap();
    drop(conn);
    match Store::open(&path) {
        Err(StoreError::Open { why, .. }) => assert!(why.contains("newer quizbot"), "{why}"),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

#[test]
fn a_corrupt_database_is_refused_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("db.sqlite3");
    std::fs::write(
        &path,
        b"this is not a database, just text that is long enough to look like a header",
    )
    .unwrap();
    match Store::open(&path) {
        Err(StoreError::Open { why, .. }) => assert!(
            why.contains("not a database") || why.contains("damaged"),
            "{why}"
        ),
        other => panic!("{:?}", other.map(|_| ())),
    }
}

/// What SQLite says becomes a typed error: a key that exists is a `Conflict` (never found by
/// reading the message), a damaged file `Corrupt`, anything else stays a database error.
#[test]
fn sqlite_errors_are_typed_by_their_codes() {
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch("CREATE TABLE t (k INTEGER PRIMARY KEY, u TEXT UNIQUE, n TEXT NOT NULL)")
        .unwrap();
    conn.execute("INSERT INTO t VALUES (1, 'a', 'x')", [])
        .unwrap();
    let key = conn
        .execute("INSERT INTO t VALUES (1, 'b', 'x')", [])
        .unwrap_err();
    assert_eq!(StoreError::from(key), StoreError::Conflict);
    let unique = conn
        .execute("INSERT INTO t VALUES (2, 'a', 'x')", [])
        .unwrap_err();
    assert_eq!(StoreError::from(unique), StoreError::Conflict);
    let not_null = conn
        .execute("INSERT INTO t VALUES (3, 'c', NULL)", [])
        .unwrap_err();
    assert!(matches!(StoreError::from(not_null), StoreError::Sqlite(_)));

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.sqlite3");
    std::fs::write(&path, vec![b'x'; 8192]).unwrap();
    let garbage = rusqlite::Connection::open(&path).unwrap();
    let read = garbage
        .query_row("SELECT COUNT(*) FROM sqlite_master", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap_err();
    assert!(matches!(StoreError::from(read), StoreError::Corrupt(_)));
}

/// Answers, names and interaction data are nobody else's on a shared machine: a new database,
/// its WAL files and its folder are this user's only. An existing file keeps its permissions.
#[cfg(unix)]
#[test]
fn a_new_database_and_its_folder_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("data").join("quizbot.sqlite3");
    let store = Store::open(&db).unwrap();
    assert_eq!(mode(db.parent().unwrap()), 0o700);
    assert_eq!(mode(&db), 0o600);
    for side in ["-wal", "-shm"] {
        let p = std::path::PathBuf::from(format!("{}{side}", db.display()));
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    drop(store);

    let shared = dir.path().join("shared.sqlite3");
    std::fs::write(&shared, b"").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o640)).unwrap();
    drop(Store::open(&shared).unwrap());
    assert_eq!(mode(&shared), 0o640, "the operator's choice is kept");
}

/// `quizbot backup` while the bot has the database open and its latest commits are still in
/// the WAL: the backup holds them (a copy of the main file alone does not), is checked, private,
/// and never overwrites a file.
#[tokio::test]
async fn a_backup_taken_while_the_bot_runs_holds_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quizbot.sqlite3");
    let store = Store::open(&db).unwrap();
    for channel in 1..=3 {
        store.create_session(new_session(channel)).await.unwrap();
    }
    let sessions = |path: &std::path::Path| -> Result<i64, String> {
        rusqlite::Connection::open(path)
            .and_then(|c| c.query_row("SELECT COUNT(*) FROM sessions", [], |r| r.get(0)))
            .map_err(|e| e.to_string())
    };
    let copy = dir.path().join("copied.sqlite3");
    std::fs::copy(&db, &copy).unwrap();
    assert_ne!(sessions(&copy), Ok(3), "cp of the main file misses the WAL");

    let target = dir.path().join("backup.sqlite3");
    let backup = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_quizbot"))
            .current_dir(dir.path())
            .env_remove("QUIZBOT_CONFIG")
            .env("QUIZBOT_DATABASE", &db)
            .arg("backup")
            .arg(&target)
            .output()
            .unwrap()
    };
    let out = backup();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.starts_with("Backed up ") && stdout.contains("schema version"),
        "{stdout}"
    );
    assert_eq!(sessions(&target), Ok(3));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&target).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The bot goes on writing; a second backup to the same name is refused.
    store.create_session(new_session(4)).await.unwrap();
    let again = backup();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    assert_eq!(sessions(&target), Ok(3), "the first backup is untouched");
}

/// Another program's SQLite file given as the database: refused with one clear line, and left
/// exactly as it was (not migrated in place, not even switched to WAL).
#[test]
fn another_programs_database_is_refused_and_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("notes.sqlite3");
    let other = rusqlite::Connection::open(&db).unwrap();
    other
        .execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('keep me');")
        .unwrap();
    drop(other);
    let before = std::fs::read(&db).unwrap();
    let err = Store::open(&db).err().expect("refused").to_string();
    assert!(
        err.contains("is not a quizbot database") && err.contains("notes"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "byte for byte");
}

/// A quizbot database that lacks a table (or a column) its schema version has: refused, named.
#[test]
fn a_database_missing_a_table_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quizbot.sqlite3");
    drop(Store::open(&db).unwrap());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("DROP TABLE mistakes;")
        .unwrap();
    let err = Store::open(&db).err().expect("refused").to_string();
    assert!(err.contains("lacks the table `mistakes`"), "{err}");

    let db2 = dir.path().join("quizbot2.sqlite3");
    drop(Store::open(&db2).unwrap());
    rusqlite::Connection::open(&db2)
        .unwrap()
        .execute_batch("ALTER TABLE players DROP COLUMN seen_at;")
        .unwrap();
    let err = Store::open(&db2).err().expect("refused").to_string();
    assert!(
        err.contains("table `players` lacks the column `seen_at`"),
        "{err}"
    );
}
