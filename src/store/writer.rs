//! The one writer: a thread that owns the write connection and commits in groups. Every job
//! waiting when a transaction starts goes into it (each under its own savepoint, so one failing
//! job does not undo the others); the jobs hear back only after COMMIT returned. A burst of
//! 10,000 answers is a handful of transactions, and an answer is acknowledged only once it is
//! on disk.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use rusqlite::Connection;
use tokio::sync::{mpsc, oneshot};

use super::StoreError;

/// Work for the writer: runs inside the shared transaction.
pub type WriteFn = Box<dyn FnOnce(&Connection) -> rusqlite::Result<()> + Send>;

pub struct Job {
    pub run: WriteFn,
    pub done: oneshot::Sender<Result<(), StoreError>>,
}

/// Most jobs in one transaction; a bound on how long the first waits for the last.
const MAX_BATCH: usize = 4096;

/// Under load (the last transaction had company), wait this long for more jobs before
/// committing: a millisecond of latency buys transactions of dozens of jobs instead of one or
/// two, which is most of the writer's cost at thousands of answers per second.
const LINGER: Duration = Duration::from_millis(1);

/// The database file as it was opened: if the path stops naming it (deleted, or replaced by
/// another file), commits would go into a file nobody will open again.
pub struct FileIdentity {
    path: PathBuf,
    #[cfg(unix)]
    id: Option<(u64, u64)>,
}

impl FileIdentity {
    pub fn of(path: &Path) -> FileIdentity {
        FileIdentity {
            path: path.to_path_buf(),
            #[cfg(unix)]
            id: Self::read(path),
        }
    }

    #[cfg(unix)]
    fn read(path: &Path) -> Option<(u64, u64)> {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
    }

    /// Why the path no longer names the file that was opened, if it does not.
    fn changed(&self) -> Option<StoreError> {
        #[cfg(unix)]
        {
            let now = Self::read(&self.path);
            if self.id.is_some() && now != self.id {
                return Some(StoreError::Gone(self.path.display().to_string()));
            }
        }
        None
    }
}

/// Runs until every sender is gone, then returns (after committing what it has).
pub fn run(
    mut conn: Connection,
    mut jobs: mpsc::UnboundedReceiver<Job>,
    file: FileIdentity,
    last_commit: &AtomicI64,
) {
    let mut batch: Vec<Job> = Vec::with_capacity(256);
    let mut busy = false;
    while let Some(first) = jobs.blocking_recv() {
        batch.push(first);
        if busy {
            std::thread::sleep(LINGER);
        }
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        busy = batch.len() > 1;
        // One stat per transaction: a deleted or replaced database stops acknowledging.
        if let Some(why) = file.changed() {
            tracing::error!(error = %why, jobs = batch.len(), "store: refusing to write");
            for job in batch.drain(..) {
                let _ = job.done.send(Err(why.clone()));
            }
            continue;
        }
        if !commit(&mut conn, &mut batch, last_commit) {
            metrics::counter!("quizbot_commit_failures_total").increment(1);
        }
    }
}

/// Runs one of the savepoint statements, prepared once.
fn savepoint(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.execute([]).map(|_| ())
}

/// How long a transaction waits for another process that holds the write lock (processes
/// sharing one database: `discord.shard_range`), beyond the connection's busy timeout.
const BUSY_PATIENCE: Duration = Duration::from_secs(30);

/// `BEGIN IMMEDIATE`, tried again while another process holds the write lock: nothing of the
/// batch has run yet, so waiting longer loses nothing and doubles nothing.
fn begin(conn: &Connection) -> rusqlite::Result<()> {
    let started = std::time::Instant::now();
    loop {
        match conn.execute_batch("BEGIN IMMEDIATE") {
            Err(rusqlite::Error::SqliteFailure(e, _))
                if e.code == rusqlite::ErrorCode::DatabaseBusy
                    && started.elapsed() < BUSY_PATIENCE =>
            {
                tracing::warn!(
                    waited_ms = started.elapsed().as_millis() as u64,
                    "store: another process holds the write lock; waiting"
                );
            }
            other => return other,
        }
    }
}

/// One transaction for the batch; whether it committed. A commit is noted in `last_commit`
/// (and the metrics) before any job hears of it, so whoever was told "stored" sees it there.
fn commit(conn: &mut Connection, batch: &mut Vec<Job>, last_commit: &AtomicI64) -> bool {
    let (size, started) = (batch.len(), std::time::Instant::now());
    if let Err(e) = begin(conn) {
        let why = StoreError::from(e);
        tracing::error!(error = %why, jobs = size, "store: cannot begin a transaction");
        for job in batch.drain(..) {
            let _ = job.done.send(Err(why.clone()));
        }
        return false;
    }
    let mut outcomes: Vec<Result<(), StoreError>> = Vec::with_capacity(size);
    let mut pending: Vec<oneshot::Sender<Result<(), StoreError>>> = Vec::with_capacity(size);
    for job in batch.drain(..) {
        let outcome = savepoint(conn, "SAVEPOINT job")
            .and_then(|()| (job.run)(conn))
            .and_then(|()| savepoint(conn, "RELEASE job"));
        let outcome = match outcome {
            Ok(()) => Ok(()),
            Err(e) => {
                let _ = savepoint(conn, "ROLLBACK TO job")
                    .and_then(|()| savepoint(conn, "RELEASE job"));
                Err(StoreError::from(e))
            }
        };
        outcomes.push(outcome);
        pending.push(job.done);
    }
    let committed = conn.execute_batch("COMMIT");
    if let Err(e) = committed {
        let why = StoreError::from(e);
        tracing::error!(error = %why, jobs = size, "store: commit failed; nothing of this batch was stored");
        let _ = conn.execute_batch("ROLLBACK");
        for done in pending {
            let _ = done.send(Err(why.clone()));
        }
        return false;
    }
    tracing::trace!(jobs = size, "store: committed");
    metrics::histogram!("quizbot_commit_batch_size").record(size as f64);
    metrics::histogram!("quizbot_commit_seconds").record(started.elapsed().as_secs_f64());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    last_commit.store(now, Ordering::Relaxed);
    for (done, outcome) in pending.into_iter().zip(outcomes) {
        let _ = done.send(outcome);
    }
    true
}
