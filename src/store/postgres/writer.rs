//! The PostgreSQL writer: one task per process that commits in groups, as the SQLite writer
//! does (`src/store/writer.rs`). Every job waiting when a transaction starts goes into it,
//! each under its own savepoint (one failing job does not undo the others), and the jobs hear
//! back only after COMMIT returned. The savepoint statements ride with the next statement in
//! one round trip, so a job costs its own statements and one more.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use super::{pool_error, StoreError};

/// The writer's connection, lent to each job of the transaction in turn.
pub(crate) type Conn = Arc<deadpool_postgres::Object>;

pub(super) type WriteFn =
    Box<dyn FnOnce(Conn) -> BoxFuture<'static, Result<(), StoreError>> + Send>;

pub(super) struct Job {
    pub run: WriteFn,
    pub done: oneshot::Sender<Result<(), StoreError>>,
}

/// Most jobs in one transaction.
const MAX_BATCH: usize = 4096;

/// Under load, wait this long for more jobs before starting a transaction (as SQLite's).
const LINGER: Duration = Duration::from_millis(1);

/// Runs until every sender is gone.
pub(super) async fn run(pool: Pool, mut jobs: mpsc::UnboundedReceiver<Job>, last: Arc<AtomicI64>) {
    let mut batch: Vec<Job> = Vec::with_capacity(256);
    let mut busy = false;
    while let Some(first) = jobs.recv().await {
        batch.push(first);
        if busy {
            tokio::time::sleep(LINGER).await;
        }
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        busy = batch.len() > 1;
        if !commit(&pool, &mut batch, &last).await {
            metrics::counter!("quizbot_commit_failures_total").increment(1);
        }
    }
}

fn fail(batch: &mut Vec<Job>, why: &StoreError) {
    for job in batch.drain(..) {
        let _ = job.done.send(Err(why.clone()));
    }
}

/// One transaction for the batch; whether it committed.
async fn commit(pool: &Pool, batch: &mut Vec<Job>, last: &AtomicI64) -> bool {
    let (size, started) = (batch.len(), std::time::Instant::now());
    let conn: Conn = match pool.get().await {
        Ok(c) => Arc::new(c),
        Err(e) => {
            let why = pool_error(e);
            tracing::error!(error = %why, jobs = size, "store: cannot reach PostgreSQL");
            fail(batch, &why);
            return false;
        }
    };
    if let Err(e) = conn.batch_execute("BEGIN; SAVEPOINT job").await {
        let why = StoreError::from(e);
        tracing::error!(error = %why, jobs = size, "store: cannot begin a transaction");
        fail(batch, &why);
        return false;
    }
    let mut outcomes: Vec<Result<(), StoreError>> = Vec::with_capacity(size);
    let mut pending = Vec::with_capacity(size);
    let mut broken: Option<StoreError> = None;
    let jobs: Vec<Job> = std::mem::take(batch);
    let last_index = jobs.len() - 1;
    for (i, job) in jobs.into_iter().enumerate() {
        pending.push(job.done);
        if let Some(why) = &broken {
            outcomes.push(Err(why.clone()));
            continue;
        }
        let outcome = (job.run)(Arc::clone(&conn)).await;
        // Between jobs: end this one's savepoint and open the next one's in one round trip.
        let next = if i == last_index {
            ""
        } else {
            "; SAVEPOINT job"
        };
        let closed = match &outcome {
            Ok(()) => conn.batch_execute(&format!("RELEASE job{next}")).await,
            Err(_) => {
                conn.batch_execute(&format!("ROLLBACK TO job; RELEASE job{next}"))
                    .await
            }
        };
        if let Err(e) = closed {
            // The connection or the transaction is gone: nothing of the batch will commit.
            broken = Some(StoreError::from(e));
        }
        outcomes.push(outcome);
    }
    let committed = match broken {
        Some(why) => Err(why),
        None => conn.batch_execute("COMMIT").await.map_err(StoreError::from),
    };
    if let Err(why) = committed {
        tracing::error!(error = %why, jobs = size, "store: commit failed; nothing of this batch was stored");
        let _ = conn.batch_execute("ROLLBACK").await;
        for done in pending {
            let _ = done.send(Err(why.clone()));
        }
        return false;
    }
    metrics::histogram!("quizbot_commit_batch_size").record(size as f64);
    metrics::histogram!("quizbot_commit_seconds").record(started.elapsed().as_secs_f64());
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    last.store(now, Ordering::Relaxed);
    drop(conn);
    for (done, outcome) in pending.into_iter().zip(outcomes) {
        let _ = done.send(outcome);
    }
    true
}
