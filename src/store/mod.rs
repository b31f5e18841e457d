//! The database behind a seam: [`Contract`] lists every operation the bot needs, and
//! [`Store`] is a cheap handle to whichever backend `[database]` chose — SQLite
//! ([`SqliteStore`], the default: a file, nothing to install) or PostgreSQL ([`PgStore`], one
//! database for shard processes on several machines). docs/storage.md says how each keeps
//! the guarantees.
//!
//! Types shared by both backends live with the SQLite queries of their tables (`answers.rs`,
//! `sessions.rs`, …); `postgres/` holds the same operations for PostgreSQL.

mod answers;
mod assignments;
mod backup;
mod boards;
mod contract;
mod heartbeats;
mod lock;
pub mod migrations;
mod mistakes;
mod postgres;
pub mod quiz_json;
mod quizzes;
mod runs;
mod schedules;
mod sessions;
mod sqlite;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use answers::{AnswerRow, Inserted};
pub use assignments::{AssignmentRow, NewAssignment};
pub use backup::{backup, BackedUp};
pub use boards::{keys_for, practice_keys, quiz_key, Board};
pub use contract::{Backend, Contract};
pub use lock::{lock_path, DatabaseLock};
pub use mistakes::{Mistake, RevealedQuestion, ReviewItem};
pub use postgres::{copy_from_sqlite, redact, Copied, PgStore, ShardLocks};
pub use quizzes::GuildQuiz;
pub use runs::{AssignmentStart, RunAnswer, RunAnswerOutcome, RunRow};
pub use schedules::{Claim, NewSchedule};
pub use sessions::{NewSession, PostedQuestion, ScoreRow, SessionRow, SessionState};
pub use sqlite::SqliteStore;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    #[error("cannot use the database at {path}: {why}")]
    Open { path: PathBuf, why: String },
    #[error("database error: {0}")]
    Database(String),
    /// The PostgreSQL server cannot be reached or refused us (`database.url`).
    #[error("cannot use the database {url}: {why}")]
    Connect { url: String, why: String },
    /// A row with this key exists already (a UNIQUE or PRIMARY KEY constraint).
    #[error("that is stored already")]
    Conflict,
    /// The database file is damaged or is not a database.
    #[error("the database file is damaged: {0}")]
    Corrupt(String),
    /// A value kept as JSON (a stored quiz) could not be written or read.
    #[error("a stored value cannot be read: {0}")]
    Encoding(String),
    #[error("the database is busy (locked by another process?)")]
    Busy,
    #[error("the disk is full")]
    Full,
    #[error("the database has stopped")]
    Closed,
    /// The database file was deleted or replaced while the bot ran (`writer.rs`).
    #[error("the database file {0} was removed or replaced while the bot ran; restart the bot")]
    Gone(String),
    #[error("a live quiz is already running in this channel")]
    ChannelBusy,
    /// Another process holds the database's lock (`lock.rs`).
    #[error(
        "the database {} is in use by another bot process ({holder}); stop that one first, or \
         give this one a database of its own (QUIZBOT_DATABASE)",
        database.display()
    )]
    InUse { database: PathBuf, holder: String },
}

/// A cheap, cloneable handle to the database, whichever backend it is: the runtime calls the
/// [`Contract`]'s operations through it.
#[derive(Clone)]
pub struct Store(Arc<dyn Contract>);

impl std::ops::Deref for Store {
    type Target = dyn Contract;
    fn deref(&self) -> &dyn Contract {
        &*self.0
    }
}

impl From<SqliteStore> for Store {
    fn from(s: SqliteStore) -> Store {
        Store(Arc::new(s))
    }
}

impl From<PgStore> for Store {
    fn from(s: PgStore) -> Store {
        Store(Arc::new(s))
    }
}

/// Where the data lives, as `[database]` says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A SQLite file (`database.path`).
    File(PathBuf),
    /// A PostgreSQL server (`database.url`, `postgres://…`).
    Server(String),
}

impl Store {
    /// Opens (creating it if needed) and migrates a SQLite database file.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        SqliteStore::open(path).map(Store::from)
    }

    /// Opens the database `location` names, migrating it; errors name what to fix.
    pub async fn connect(location: &Location) -> Result<Store, StoreError> {
        match location {
            Location::File(path) => {
                let path = path.clone();
                tokio::task::spawn_blocking(move || Store::open(&path))
                    .await
                    .map_err(|_| StoreError::Closed)?
            }
            Location::Server(url) => PgStore::connect(url).await.map(Store::from),
        }
    }
}
