//! One bot per set of shards on a shared PostgreSQL database, as `src/store/lock.rs` does for a
//! SQLite file: a process that runs every shard holds an exclusive advisory lock, a process
//! with a shard range holds that lock shared plus an exclusive one per shard it runs. The
//! locks belong to a connection of their own, kept open for the process's life; PostgreSQL
//! drops them when the process dies (its connection closes), however it dies.

use std::str::FromStr;

use tokio_postgres::Client;

use super::{chain, tls, PgStore};
use crate::store::StoreError;

/// The advisory locks' first key: ours, among whatever else uses the database.
const NAMESPACE: i32 = 0x7162; // "qb"
/// The second key of the whole bot's lock; shard N's is N.
const WHOLE_BOT: i32 = -1;

/// Held for as long as the process runs its shards.
pub struct ShardLocks {
    _client: Client,
    _connection: tokio::task::JoinHandle<()>,
}

impl PgStore {
    /// Takes the locks of a process that runs every shard (`None`) or shards `first..=last`,
    /// or says who holds one ([`StoreError::InUse`], naming the other process).
    pub async fn hold_shards(&self, range: Option<(u32, u32)>) -> Result<ShardLocks, StoreError> {
        let mut config = tokio_postgres::Config::from_str(&self.connect_url)
            .map_err(|e| StoreError::Database(chain(&e)))?;
        let host = std::env::var("HOSTNAME").unwrap_or_else(|_| "?".into());
        let shards = match range {
            None => "all shards".to_string(),
            Some((a, b)) => format!("shards {a}-{b}"),
        };
        let me = format!("quizbot pid {} on {host}, {shards}", std::process::id());
        config.application_name(&me);
        let tls = tls::connector().map_err(StoreError::Database)?;
        let (client, connection) = config.connect(tls).await?;
        let connection = tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!(error = %chain(&e), "the connection holding the shard locks ended");
            }
        });
        let wanted: Vec<(i32, bool)> = match range {
            None => vec![(WHOLE_BOT, true)],
            Some((first, last)) => std::iter::once((WHOLE_BOT, false))
                .chain((first..=last).map(|s| (s as i32, true)))
                .collect(),
        };
        for (key, exclusive) in wanted {
            let sql = if exclusive {
                "SELECT pg_try_advisory_lock($1, $2)"
            } else {
                "SELECT pg_try_advisory_lock_shared($1, $2)"
            };
            let got: bool = client.query_one(sql, &[&NAMESPACE, &key]).await?.get(0);
            if !got {
                let holder = client
                    .query_opt(
                        "SELECT a.application_name FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                         WHERE l.locktype = 'advisory' AND l.classid = $1::int::oid AND l.objid = $2::int::oid
                           AND l.objsubid = 2 AND l.pid <> pg_backend_pid() LIMIT 1",
                        &[&NAMESPACE, &key],
                    )
                    .await?
                    .map(|r| r.get::<_, String>(0))
                    .unwrap_or_else(|| "another process".into());
                return Err(StoreError::InUse {
                    database: std::path::PathBuf::from(&*self.url),
                    holder,
                });
            }
        }
        Ok(ShardLocks {
            _client: client,
            _connection: connection,
        })
    }
}
