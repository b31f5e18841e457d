//! Uploaded quizzes, their pictures, and the processes' heartbeats on PostgreSQL — the
//! operations of the SQLite files `quizzes.rs` and `heartbeats.rs`.

use super::{execute, get, owned, query, query_opt, PgStore};
use crate::store::{GuildQuiz, StoreError};

impl PgStore {
    #[allow(clippy::too_many_arguments)]
    pub async fn save_guild_quiz(
        &self,
        guild_id: u64,
        quiz_id: String,
        filename: String,
        source: Vec<u8>,
        title: String,
        questions: usize,
        uploaded_by: u64,
        at: i64,
        pictures: Vec<(String, std::sync::Arc<[u8]>)>,
    ) -> Result<bool, StoreError> {
        self.write(move |c| async move {
            // In the same transaction as the quiz: a stored quiz never names a picture that
            // is not stored.
            for (hash, bytes) in &pictures {
                execute(
                    &c,
                    "INSERT INTO pictures (hash, bytes) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[hash, &&bytes[..]],
                )
                .await?;
            }
            // `xmax <> 0`: the row was there and this statement updated it.
            let row = super::query_one(
                &c,
                "INSERT INTO guild_quizzes (guild_id, quiz_id, filename, source, title, questions, uploaded_by, uploaded_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                 ON CONFLICT (guild_id, quiz_id) DO UPDATE SET filename = excluded.filename, source = excluded.source,
                   title = excluded.title, questions = excluded.questions, uploaded_by = excluded.uploaded_by,
                   uploaded_at = excluded.uploaded_at
                 RETURNING xmax <> 0",
                &[
                    &(guild_id as i64),
                    &quiz_id,
                    &filename,
                    &source,
                    &title,
                    &(questions as i64),
                    &(uploaded_by as i64),
                    &at,
                ],
            )
            .await?;
            get::<bool>(&row, 0)
        })
        .await
    }

    pub async fn guild_quizzes(&self, guild_id: u64) -> Result<Vec<GuildQuiz>, StoreError> {
        let c = self.reader().await?;
        query(
            &c,
            "SELECT quiz_id, filename, title, questions FROM guild_quizzes WHERE guild_id = $1 ORDER BY quiz_id",
            &[&(guild_id as i64)],
        )
        .await?
        .iter()
        .map(|r| {
            Ok(GuildQuiz {
                quiz_id: get(r, 0)?,
                filename: get(r, 1)?,
                title: get(r, 2)?,
                questions: get::<i64>(r, 3)? as usize,
            })
        })
        .collect()
    }

    pub async fn guild_quiz_source(
        &self,
        guild_id: u64,
        quiz_id: String,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        let c = self.reader().await?;
        let row = query_opt(
            &c,
            "SELECT filename, source FROM guild_quizzes WHERE guild_id = $1 AND quiz_id = $2",
            &[&(guild_id as i64), &quiz_id],
        )
        .await?;
        row.map(|r| Ok((get(&r, 0)?, get(&r, 1)?))).transpose()
    }

    pub async fn picture(&self, hash: String) -> Result<Option<Vec<u8>>, StoreError> {
        let c = self.reader().await?;
        let row = query_opt(&c, "SELECT bytes FROM pictures WHERE hash = $1", &[&hash]).await?;
        row.map(|r| get(&r, 0)).transpose()
    }

    pub async fn heartbeat(&self, process: &str, shards: &str, now: i64) -> Result<(), StoreError> {
        let (process, shards) = (process.to_string(), shards.to_string());
        self.change(
            "INSERT INTO process_heartbeats (process, shards, at) VALUES ($1, $2, $3)
                 ON CONFLICT (process) DO UPDATE SET shards = excluded.shards, at = excluded.at",
            owned![process, shards, now],
        )
        .await
        .map(drop)
    }

    pub async fn heartbeats(&self) -> Result<Vec<(String, String, i64)>, StoreError> {
        let c = self.reader().await?;
        query(
            &c,
            "SELECT process, shards, at FROM process_heartbeats ORDER BY at DESC",
            &[],
        )
        .await?
        .iter()
        .map(|r| Ok((get(r, 0)?, get(r, 1)?, get(r, 2)?)))
        .collect()
    }
}
