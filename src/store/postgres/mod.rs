//! The PostgreSQL implementation of the store contract (`database.url = "postgres://…"`), for
//! shard processes on several machines sharing one database. Through `tokio-postgres` with a
//! `deadpool-postgres` pool; TLS through rustls.
//!
//! It keeps SQLite's guarantees the same way SQLite does: one writer task per process owns a
//! connection and commits in groups — every job waiting when a transaction starts goes into it
//! under its own savepoint, and hears back only after COMMIT ([`writer`]). Reads take a pooled
//! connection of their own. One answer per player per question is the answers table's primary
//! key (`ON CONFLICT DO NOTHING`); a schedule's occurrence is claimed by a row; the schema is
//! an append-only list of migrations, recorded in `quizbot_schema` ([`schema`]).
//!
//! The queries are grouped by table as in the SQLite backend: `live.rs` (sessions, answers,
//! boards), `study.rs` (assignments, runs, mistakes, schedules), `uploads.rs` (quizzes,
//! pictures, heartbeats).

mod answers;
mod copy;
mod live;
mod locks;
pub mod schema;
mod study;
mod tls;
mod uploads;
mod writer;

use std::future::Future;
use std::str::FromStr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::{ClientWrapper, Manager, ManagerConfig, Pool, RecyclingMethod};
use tokio::sync::{mpsc, oneshot};
use tokio_postgres::types::{FromSql, ToSql};
use tokio_postgres::Row;

use super::StoreError;
pub use copy::{copy_from_sqlite, Copied};
pub use locks::ShardLocks;

/// Connections per process: the writer's, and the rest for reads (leaderboards, recovery).
const POOL_SIZE: usize = 8;

/// How long to wait for the server before saying it cannot be reached.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The writer's connection, lent to each job of its transaction in turn.
pub(crate) type Conn = Arc<deadpool_postgres::Object>;

/// A cheap, cloneable handle to a PostgreSQL database.
#[derive(Clone)]
pub struct PgStore {
    pool: Pool,
    writer: mpsc::UnboundedSender<writer::Job>,
    last_commit: Arc<AtomicI64>,
    /// The URL, password hidden: for messages.
    url: Arc<str>,
    /// The URL as given, for connections outside the pool (the shard locks).
    connect_url: Arc<str>,
}

impl From<tokio_postgres::Error> for StoreError {
    fn from(e: tokio_postgres::Error) -> Self {
        use tokio_postgres::error::SqlState;
        let Some(db) = e.as_db_error() else {
            // Not the server's answer: the connection (lost, refused, timed out).
            return StoreError::Database(format!("PostgreSQL connection: {}", chain(&e)));
        };
        let code = db.code();
        if *code == SqlState::UNIQUE_VIOLATION {
            StoreError::Conflict
        } else if *code == SqlState::DISK_FULL {
            StoreError::Full
        } else if *code == SqlState::DATA_CORRUPTED || *code == SqlState::INDEX_CORRUPTED {
            StoreError::Corrupt(db.message().to_string())
        } else {
            StoreError::Database(format!("{} ({})", db.message(), code.code()))
        }
    }
}

/// An error with its causes, for messages: tokio-postgres says "error connecting to server"
/// and keeps the reason in its source.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

fn pool_error(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => StoreError::from(e),
        other => StoreError::Database(format!("PostgreSQL pool: {}", chain(&other))),
    }
}

/// The URL with its password (if any) replaced by `***`: for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, tail) = match rest.find(['/', '?']) {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = match authority.rsplit_once('@') {
        Some((user, host)) => match user.split_once(':') {
            Some((name, _)) => format!("{name}:***@{host}"),
            None => authority.to_string(),
        },
        None => authority.to_string(),
    };
    // `?password=…` in the query string.
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|kv| match kv.split_once('=') {
                    Some(("password", _)) => "password=***".to_string(),
                    _ => kv.to_string(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_string(),
    };
    format!("{scheme}://{authority}{tail}")
}

/// Reads one column, as an error rather than a panic when the type does not match.
pub(super) fn get<'a, T: FromSql<'a>>(row: &'a Row, i: usize) -> Result<T, StoreError> {
    row.try_get(i)
        .map_err(|e| StoreError::Database(format!("reading column {i}: {}", chain(&e))))
}

/// An id (Discord snowflake) as stored: BIGINT holds a u64's bits.
pub(super) fn id(row: &Row, i: usize) -> Result<u64, StoreError> {
    get::<i64>(row, i).map(|v| v as u64)
}

pub(super) type Params<'a> = &'a [&'a (dyn ToSql + Sync)];

/// A statement's parameters, owned: for a statement the writer runs later ([`PgStore::change`]).
pub(super) type Owned = Vec<Box<dyn ToSql + Send + Sync>>;

/// `owned![a, b]`: the [`Owned`] parameters `a`, `b`.
macro_rules! owned {
    ($($v:expr),* $(,)?) => {
        vec![$(Box::new($v) as Box<dyn tokio_postgres::types::ToSql + Send + Sync>),*]
    };
}
pub(super) use owned;

pub(super) async fn execute(
    c: &ClientWrapper,
    sql: &str,
    p: Params<'_>,
) -> Result<u64, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.execute(&stmt, p).await?)
}

pub(super) async fn query(
    c: &ClientWrapper,
    sql: &str,
    p: Params<'_>,
) -> Result<Vec<Row>, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query(&stmt, p).await?)
}

pub(super) async fn query_opt(
    c: &ClientWrapper,
    sql: &str,
    p: Params<'_>,
) -> Result<Option<Row>, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_opt(&stmt, p).await?)
}

pub(super) async fn query_one(
    c: &ClientWrapper,
    sql: &str,
    p: Params<'_>,
) -> Result<Row, StoreError> {
    let stmt = c.prepare_cached(sql).await?;
    Ok(c.query_one(&stmt, p).await?)
}

/// A COUNT(*) or similar single BIGINT.
pub(super) async fn count(c: &ClientWrapper, sql: &str, p: Params<'_>) -> Result<i64, StoreError> {
    let row = query_one(c, sql, p).await?;
    get(&row, 0)
}

impl PgStore {
    /// Connects to the server `url` names, migrates its schema and starts the writer. Errors
    /// name the server (password hidden) and what went wrong.
    pub async fn connect(url: &str) -> Result<PgStore, StoreError> {
        let shown = redact(url);
        let err = |why: String| StoreError::Connect {
            url: shown.clone(),
            why,
        };
        let mut config = tokio_postgres::Config::from_str(url)
            .map_err(|e| err(format!("it is not a PostgreSQL URL: {}", chain(&e))))?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(CONNECT_TIMEOUT);
        }
        if config.get_application_name().is_none() {
            config.application_name("quizbot");
        }
        let tls = tls::connector().map_err(err)?;
        let (mut client, connection) = config
            .connect(tls.clone())
            .await
            .map_err(|e| err(chain(&e)))?;
        let background = tokio::spawn(connection);
        let migrated = schema::migrate(&mut client).await.map_err(err);
        drop(client);
        let _ = background.await;
        migrated?;

        let manager = Manager::from_config(
            config,
            tls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(POOL_SIZE)
            .runtime(deadpool_postgres::Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(CONNECT_TIMEOUT))
            .build()
            .map_err(|e| err(e.to_string()))?;
        let (tx, rx) = mpsc::unbounded_channel();
        let last_commit = Arc::new(AtomicI64::new(0));
        tokio::spawn(writer::run(pool.clone(), rx, Arc::clone(&last_commit)));
        let store = PgStore {
            pool,
            writer: tx,
            last_commit,
            url: shown.clone().into(),
            connect_url: url.into(),
        };
        // Proof that this role may write here, and that the server is not a read-only
        // replica: the lock an INSERT takes, inside the writer's transaction.
        store
            .write(|c| async move {
                c.batch_execute("LOCK TABLE answers IN ROW EXCLUSIVE MODE")
                    .await?;
                Ok(())
            })
            .await
            .map_err(|e| err(format!("not writable: {e}")))?;
        Ok(store)
    }

    /// The server, password hidden.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn last_commit_ms(&self) -> i64 {
        self.last_commit.load(Ordering::Relaxed)
    }

    /// Every write so far committed (PostgreSQL has no file to fold a log into).
    pub async fn checkpoint(&self) -> Result<(), StoreError> {
        self.write(|_| async { Ok(()) }).await
    }

    /// A pooled connection for reads.
    pub(super) async fn reader(&self) -> Result<deadpool_postgres::Object, StoreError> {
        self.pool.get().await.map_err(pool_error)
    }

    /// One statement in the writer's next transaction; how many rows it changed, once
    /// committed.
    pub(super) async fn change(&self, sql: &'static str, params: Owned) -> Result<u64, StoreError> {
        self.write(move |c| async move {
            let refs: Vec<&(dyn ToSql + Sync)> =
                params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
            execute(&c, sql, &refs).await
        })
        .await
    }

    /// Runs `f` inside the writer's next transaction; resolves once it is committed.
    pub(super) async fn write<T, F, Fut>(&self, f: F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: FnOnce(Conn) -> Fut + Send + 'static,
        Fut: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        let (value_tx, value_rx) = oneshot::channel();
        let (done_tx, done_rx) = oneshot::channel();
        let job = writer::Job::Run {
            run: Box::new(move |conn| {
                Box::pin(async move {
                    let value = f(conn).await?;
                    let _ = value_tx.send(value);
                    Ok(())
                })
            }),
            done: done_tx,
        };
        self.writer.send(job).map_err(|_| StoreError::Closed)?;
        done_rx.await.map_err(|_| StoreError::Closed)??;
        value_rx.await.map_err(|_| StoreError::Closed)
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn passwords_never_reach_a_message() {
        assert_eq!(
            redact("postgres://quiz:s3cret@db.example:5432/quizbot?sslmode=require"),
            "postgres://quiz:***@db.example:5432/quizbot?sslmode=require"
        );
        assert_eq!(
            redact("postgresql://quiz@db/quizbot?password=s3cret&sslmode=require"),
            "postgresql://quiz@db/quizbot?password=***&sslmode=require"
        );
        assert_eq!(
            redact("postgres://quiz@%2Ftmp%2Fpg/quizbot"),
            "postgres://quiz@%2Ftmp%2Fpg/quizbot"
        );
    }
}
