//! The SQLite implementation of the store contract, through rusqlite (bundled), off the async
//! runtime: one writer thread that commits in groups ([`super::writer`]) and a few reader
//! threads, each owning its connection. The database runs in WAL mode so readers never wait for
//! the writer. Its queries are grouped by table in the files beside this one (`answers.rs`,
//! `sessions.rs`, …), as `impl SqliteStore` blocks of typed async methods.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use parking_lot::Mutex;
use rusqlite::{Connection, OpenFlags};
use tokio::sync::{mpsc, oneshot};

use super::{migrations, writer, StoreError};

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        // SQLite's extended result codes of a violated UNIQUE or PRIMARY KEY constraint; other
        // constraints (NOT NULL, CHECK) are bugs, not conflicts.
        const UNIQUE: i32 = 2067;
        const PRIMARY_KEY: i32 = 1555;
        let extended = match &e {
            rusqlite::Error::SqliteFailure(f, _) => Some(f.extended_code),
            _ => None,
        };
        match e.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Busy,
            Some(ErrorCode::DiskFull) => StoreError::Full,
            Some(ErrorCode::ConstraintViolation)
                if matches!(extended, Some(UNIQUE | PRIMARY_KEY)) =>
            {
                StoreError::Conflict
            }
            Some(ErrorCode::DatabaseCorrupt | ErrorCode::NotADatabase) => {
                StoreError::Corrupt(e.to_string())
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

type ReadFn = Box<dyn FnOnce(&Connection) + Send>;

/// A cheap, cloneable handle to the database.
#[derive(Clone)]
pub struct SqliteStore {
    writer: mpsc::UnboundedSender<writer::Job>,
    readers: mpsc::UnboundedSender<ReadFn>,
    path: Arc<PathBuf>,
    /// Wall-clock ms of the writer's last successful commit (0: none yet).
    last_commit: Arc<std::sync::atomic::AtomicI64>,
}

/// How many reader threads (and connections) to keep.
const READERS: usize = 2;

fn configure(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    // FULL: a commit is on disk before the answer is acknowledged, even across a power cut;
    // group commit keeps that to one fsync per batch.
    conn.pragma_update(None, "synchronous", "FULL")?;
    Ok(())
}

/// Switches the file to WAL (a no-op when it is already), tried again for up to 10 s while
/// another process holds it: two processes opening a new file together (shard processes)
/// can get SQLITE_BUSY here without SQLite's busy handler being called, as it refuses to
/// wait where waiting could deadlock. Returns the journal mode now in force.
pub(super) fn switch_to_wal(conn: &Connection) -> rusqlite::Result<String> {
    let started = std::time::Instant::now();
    loop {
        match conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0)) {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < Duration::from_secs(10) =>
            {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => return other,
        }
    }
}

/// Creates the folder `file` goes in, if missing, readable by this user only (0700): answers,
/// names and interaction data are nobody else's business on a shared machine.
pub(super) fn create_private_dir(file: &Path) -> Result<(), String> {
    let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) else {
        return Ok(());
    };
    if dir.exists() {
        return Ok(());
    }
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| format!("cannot create {}: {e}", dir.display()))
}

/// Creates a new database file readable by this user only (0600) before SQLite opens it;
/// SQLite gives its `-wal` and `-shm` files the same permissions. An existing file keeps its own.
fn create_private_file(path: &Path) -> Result<(), String> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(format!("cannot create it: {e}")),
    }
}

impl SqliteStore {
    /// Opens (creating it and its folder if needed) and migrates the database, and checks that
    /// it can be written: an unwritable, locked or corrupt database is an error here, at
    /// start-up, rather than at the first answer.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        let err = |why: String| StoreError::Open {
            path: path.to_path_buf(),
            why,
        };
        create_private_dir(path).map_err(err)?;
        create_private_file(path).map_err(err)?;
        let mut conn = Connection::open(path).map_err(|e| err(e.to_string()))?;
        configure(&conn).map_err(|e| err(e.to_string()))?;
        // Before the first write (switching to WAL is one): another program's database is left
        // exactly as it was.
        migrations::refuse_foreign(&conn).map_err(err)?;
        let mode = switch_to_wal(&conn).map_err(|e| err(e.to_string()))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(err(format!("cannot switch to WAL mode (got {mode})")));
        }
        let check: String = conn
            .pragma_query_value(None, "quick_check", |r| r.get(0))
            .map_err(|e| err(e.to_string()))?;
        if check != "ok" {
            return Err(err(format!("the file is damaged: {check}")));
        }
        let version = migrations::version(&conn).map_err(|e| err(e.to_string()))?;
        if version > migrations::MIGRATIONS.len() as i64 {
            return Err(err(format!(
                "its schema version {version} was written by a newer quizbot (this one knows {})",
                migrations::MIGRATIONS.len()
            )));
        }
        // SQLite opens a file it may not write read-only, silently: say so now, not at the
        // first answer.
        if conn
            .is_readonly(rusqlite::MAIN_DB)
            .map_err(|e| err(e.to_string()))?
        {
            return Err(err(
                "the file is read-only for this user (check its owner and permissions, and its folder's)".into(),
            ));
        }
        migrations::migrate(&mut conn).map_err(|e| err(e.to_string()))?;
        migrations::check_shape(&conn).map_err(err)?;
        // A real write proves the file is writable, not held by someone else, and that the
        // disk has room.
        conn.execute_batch(
            "BEGIN IMMEDIATE; CREATE TABLE quizbot_write_probe (x); DROP TABLE quizbot_write_probe; COMMIT;",
        )
        .map_err(|e| {
            let _ = conn.execute_batch("ROLLBACK");
            err(format!("not writable: {e}"))
        })?;

        let (write_tx, write_rx) = mpsc::unbounded_channel();
        let last_commit = Arc::new(std::sync::atomic::AtomicI64::new(0));
        std::thread::Builder::new()
            .name("store-writer".into())
            .spawn({
                let file = writer::FileIdentity::of(path);
                let last_commit = Arc::clone(&last_commit);
                move || writer::run(conn, write_rx, file, &last_commit)
            })
            .map_err(|e| err(e.to_string()))?;

        let (read_tx, read_rx) = mpsc::unbounded_channel::<ReadFn>();
        let read_rx = Arc::new(Mutex::new(read_rx));
        for i in 0..READERS {
            let conn = Connection::open_with_flags(
                path,
                OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )
            .map_err(|e| err(e.to_string()))?;
            configure(&conn).map_err(|e| err(e.to_string()))?;
            let rx = Arc::clone(&read_rx);
            std::thread::Builder::new()
                .name(format!("store-reader-{i}"))
                .spawn(move || loop {
                    // One reader takes the next job; the lock is only held while waiting.
                    let job = rx.lock().blocking_recv();
                    match job {
                        Some(job) => job(&conn),
                        None => return,
                    }
                })
                .map_err(|e| err(e.to_string()))?;
        }
        Ok(SqliteStore {
            writer: write_tx,
            readers: read_tx,
            path: Arc::new(path.to_path_buf()),
            last_commit,
        })
    }

    /// When the writer last committed (wall-clock ms; 0 before the first commit): the health
    /// check's proof that the database takes writes.
    pub fn last_commit_ms(&self) -> i64 {
        self.last_commit.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// At a clean shutdown: every write so far committed, then the WAL moved into the main file
    /// and truncated, so the database is one self-contained file again (a copy of it alone is
    /// then whole; a backup is still `quizbot backup`). Best effort: a reader holding a snapshot
    /// makes SQLite stop short, which is logged.
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        self.write(|_| Ok(())).await?;
        let path = Arc::clone(&self.path);
        let (busy, log, moved) = tokio::task::spawn_blocking(move || {
            // Never creates: a database removed meanwhile is not replaced by an empty one.
            let conn = Connection::open_with_flags(&*path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
            conn.busy_timeout(Duration::from_secs(2))?;
            conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, i64>(2)?,
                ))
            })
        })
        .await
        .map_err(|_| StoreError::Closed)??;
        if busy != 0 {
            tracing::warn!(
                log,
                moved,
                "the checkpoint at shutdown stopped short; the WAL stays"
            );
        }
        Ok(())
    }

    /// Runs `f` inside the writer's next transaction; resolves once it is committed.
    pub async fn write<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (value_tx, value_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let job = writer::Job {
            run: Box::new(move |conn| {
                let value = f(conn)?;
                let _ = value_tx.send(value);
                Ok(())
            }),
            done: done_tx,
        };
        self.writer.send(job).map_err(|_| StoreError::Closed)?;
        done_rx.await.map_err(|_| StoreError::Closed)??;
        value_rx.await.map_err(|_| StoreError::Closed)
    }

    /// Runs `f` on a reader connection.
    pub async fn read<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection) -> rusqlite::Result<T> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = oneshot::channel();
        let job: ReadFn = Box::new(move |conn| {
            let _ = tx.send(f(conn).map_err(StoreError::from));
        });
        self.readers.send(job).map_err(|_| StoreError::Closed)?;
        rx.await.map_err(|_| StoreError::Closed)?
    }
}
