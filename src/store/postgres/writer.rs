//! The PostgreSQL writer: one task per process that commits in groups, as the SQLite writer
//! does (`src/store/writer.rs`). Every job waiting when a transaction starts goes into it,
//! each under its own savepoint (one failing job does not undo the others), and the jobs hear
//! back only after COMMIT returned. Answers waiting next to each other in the batch are one
//! step: a few statements for all of them, whatever their number.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;
use futures_util::future::BoxFuture;
use tokio::sync::{mpsc, oneshot};

use super::answers::insert_many;
use super::{pool_error, Conn, StoreError};
use crate::store::{AnswerRow, Inserted};

pub(super) type WriteFn =
    Box<dyn FnOnce(Conn) -> BoxFuture<'static, Result<(), StoreError>> + Send>;

pub(super) enum Job {
    /// Any write: a function given the connection inside the transaction.
    Run {
        run: WriteFn,
        done: oneshot::Sender<Result<(), StoreError>>,
    },
    /// An answer: answers that wait together are written together, a few statements for
    /// the lot (`answers::insert_many`), which is what lets a burst of 10,000 clicks commit
    /// in seconds' less.
    Answer {
        answer: AnswerRow,
        replace: bool,
        done: oneshot::Sender<Result<Inserted, StoreError>>,
    },
}

/// An answer in the batch: the row, whether it may replace an earlier one, and who waits.
type Waiting = (
    AnswerRow,
    bool,
    oneshot::Sender<Result<Inserted, StoreError>>,
);

/// What a job hears once the transaction is over.
enum Reply {
    Run(
        oneshot::Sender<Result<(), StoreError>>,
        Result<(), StoreError>,
    ),
    Answer(
        oneshot::Sender<Result<Inserted, StoreError>>,
        Result<Inserted, StoreError>,
    ),
}

impl Reply {
    /// Sends the outcome, or `failed` when the transaction did not commit.
    fn send(self, failed: Option<&StoreError>) {
        match self {
            Reply::Run(done, outcome) => {
                let _ = done.send(failed.map_or(outcome, |why| Err(why.clone())));
            }
            Reply::Answer(done, outcome) => {
                let _ = done.send(failed.map_or(outcome, |why| Err(why.clone())));
            }
        }
    }
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
        match job {
            Job::Run { done, .. } => {
                let _ = done.send(Err(why.clone()));
            }
            Job::Answer { done, .. } => {
                let _ = done.send(Err(why.clone()));
            }
        }
    }
}

/// Runs `step` under a savepoint: undone alone when it fails. `Err` when the transaction
/// itself is gone (nothing of the batch can commit).
async fn savepoint<T>(
    conn: &Conn,
    step: impl std::future::Future<Output = Result<T, StoreError>>,
) -> Result<Result<T, StoreError>, StoreError> {
    conn.batch_execute("SAVEPOINT job").await?;
    let outcome = step.await;
    let close = if outcome.is_ok() {
        "RELEASE job"
    } else {
        "ROLLBACK TO job; RELEASE job"
    };
    conn.batch_execute(close).await?;
    Ok(outcome)
}

/// A run of answers waiting next to each other: together, or — when that fails (an answer
/// for a session that is not there) — one by one, so that only the bad one fails. `Err` when
/// the transaction itself is gone; every answer of the group has its reply either way.
async fn answers(
    conn: &Conn,
    group: Vec<Waiting>,
    replies: &mut Vec<Reply>,
) -> Result<(), StoreError> {
    let rows: Vec<(&AnswerRow, bool)> = group.iter().map(|(a, r, _)| (a, *r)).collect();
    let together = savepoint(conn, insert_many(conn, &rows)).await;
    drop(rows);
    match together {
        Ok(Ok(outcomes)) => {
            for ((_, _, done), outcome) in group.into_iter().zip(outcomes) {
                replies.push(Reply::Answer(done, Ok(outcome)));
            }
            Ok(())
        }
        Ok(Err(why)) if group.len() == 1 => {
            for (_, _, done) in group {
                replies.push(Reply::Answer(done, Err(why.clone())));
            }
            Ok(())
        }
        Ok(Err(_)) => {
            let mut broken = None;
            for (answer, replace, done) in group {
                if let Some(why) = &broken {
                    replies.push(Reply::Answer(done, Err(StoreError::clone(why))));
                    continue;
                }
                let one = [(&answer, replace)];
                match savepoint(conn, insert_many(conn, &one)).await {
                    Ok(outcome) => replies.push(Reply::Answer(done, outcome.map(|o| o[0]))),
                    Err(why) => {
                        replies.push(Reply::Answer(done, Err(why.clone())));
                        broken = Some(why);
                    }
                }
            }
            broken.map_or(Ok(()), Err)
        }
        Err(why) => {
            for (_, _, done) in group {
                replies.push(Reply::Answer(done, Err(why.clone())));
            }
            Err(why)
        }
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
    if let Err(e) = conn.batch_execute("BEGIN").await {
        let why = StoreError::from(e);
        tracing::error!(error = %why, jobs = size, "store: cannot begin a transaction");
        fail(batch, &why);
        return false;
    }
    let mut replies: Vec<Reply> = Vec::with_capacity(size);
    let mut broken: Option<StoreError> = None;
    let mut jobs = std::mem::take(batch).into_iter().peekable();
    while let Some(job) = jobs.next() {
        if let Some(why) = &broken {
            fail(&mut vec![job], why);
            continue;
        }
        let step = match job {
            Job::Run { run, done } => match savepoint(&conn, run(Arc::clone(&conn))).await {
                Ok(outcome) => {
                    replies.push(Reply::Run(done, outcome));
                    Ok(())
                }
                Err(e) => {
                    replies.push(Reply::Run(done, Err(e.clone())));
                    Err(e)
                }
            },
            Job::Answer {
                answer,
                replace,
                done,
            } => {
                let mut group = vec![(answer, replace, done)];
                while let Some(Job::Answer { .. }) = jobs.peek() {
                    if let Some(Job::Answer {
                        answer,
                        replace,
                        done,
                    }) = jobs.next()
                    {
                        group.push((answer, replace, done));
                    }
                }
                answers(&conn, group, &mut replies).await
            }
        };
        if let Err(e) = step {
            // The connection or the transaction is gone: nothing of the batch will commit.
            broken = Some(e);
        }
    }
    let committed = match broken {
        Some(why) => Err(why),
        None => conn.batch_execute("COMMIT").await.map_err(StoreError::from),
    };
    if let Err(why) = committed {
        tracing::error!(error = %why, jobs = size, "store: commit failed; nothing of this batch was stored");
        let _ = conn.batch_execute("ROLLBACK").await;
        for reply in replies {
            reply.send(Some(&why));
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
    for reply in replies {
        reply.send(None);
    }
    true
}
