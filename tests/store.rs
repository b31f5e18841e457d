//! What only the SQLite store does: its query plans, its start-up checks of the file, its
//! error codes, backups and file permissions. What both backends promise is in
//! `tests/store_contract.rs`.

use quizbot::game::scoring::Scoring;
use quizbot::store::{Board, NewSession, SqliteStore, Store, StoreError};

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

#[tokio::test]
async fn the_leaderboard_query_is_one_indexed_read() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("db.sqlite3")).unwrap();
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
    assert!(matches!(
        StoreError::from(not_null),
        StoreError::Database(_)
    ));

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
