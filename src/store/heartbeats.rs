//! A row per running bot process, written every few seconds (see migration 5).

use rusqlite::params;

use super::{SqliteStore, StoreError};

impl SqliteStore {
    /// Notes that `process` (running `shards`) is alive at `now`.
    pub async fn heartbeat(&self, process: &str, shards: &str, now: i64) -> Result<(), StoreError> {
        let (process, shards) = (process.to_string(), shards.to_string());
        self.write(move |conn| {
            conn.prepare_cached(
                "INSERT INTO process_heartbeats (process, shards, at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (process) DO UPDATE SET shards = excluded.shards, at = excluded.at",
            )?
            .execute(params![process, shards, now])
            .map(|_| ())
        })
        .await
    }

    /// Every process's last heartbeat: (process, shards, ms), newest first.
    pub async fn heartbeats(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        self.read(|conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT process, shards, at FROM process_heartbeats ORDER BY at DESC",
            )?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect()
        })
        .await
    }
}
