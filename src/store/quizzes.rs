//! `guild_quizzes`: quizzes uploaded to one server with `/quiz upload`.

use rusqlite::{params, OptionalExtension};

use super::{SqliteStore, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuildQuiz {
    pub quiz_id: String,
    pub filename: String,
    pub title: String,
    pub questions: usize,
}

impl SqliteStore {
    /// Adds or replaces a server's quiz; returns true when it replaced one.
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
        self.write(move |conn| {
            // In the same transaction as the quiz: a stored quiz never names a picture that
            // is not stored.
            for (hash, bytes) in &pictures {
                conn.prepare_cached("INSERT OR IGNORE INTO pictures (hash, bytes) VALUES (?1, ?2)")?
                    .execute(params![hash, &bytes[..]])?;
            }
            let existed: bool = conn
                .prepare_cached("SELECT 1 FROM guild_quizzes WHERE guild_id = ?1 AND quiz_id = ?2")?
                .query_row(params![guild_id as i64, quiz_id], |_| Ok(()))
                .optional()?
                .is_some();
            conn.prepare_cached(
                "INSERT OR REPLACE INTO guild_quizzes (guild_id, quiz_id, filename, source, title, questions, uploaded_by, uploaded_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            )?
            .execute(params![guild_id as i64, quiz_id, filename, source, title, questions as i64, uploaded_by as i64, at])?;
            Ok(existed)
        })
        .await
    }

    pub async fn guild_quizzes(&self, guild_id: u64) -> Result<Vec<GuildQuiz>, StoreError> {
        self.read(move |conn| {
            let mut stmt = conn.prepare_cached(
                "SELECT quiz_id, filename, title, questions FROM guild_quizzes WHERE guild_id = ?1 ORDER BY quiz_id",
            )?;
            let rows = stmt.query_map([guild_id as i64], |r| {
                Ok(GuildQuiz {
                    quiz_id: r.get(0)?,
                    filename: r.get(1)?,
                    title: r.get(2)?,
                    questions: r.get::<_, i64>(3)? as usize,
                })
            })?;
            rows.collect()
        })
        .await
    }

    /// The uploaded file of a server's quiz: its name and bytes.
    pub async fn guild_quiz_source(
        &self,
        guild_id: u64,
        quiz_id: String,
    ) -> Result<Option<(String, Vec<u8>)>, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached(
                "SELECT filename, source FROM guild_quizzes WHERE guild_id = ?1 AND quiz_id = ?2",
            )?
            .query_row(params![guild_id as i64, quiz_id], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .optional()
        })
        .await
    }

    /// The bytes of a picture an uploaded quiz stored, by its hash.
    pub async fn picture(&self, hash: String) -> Result<Option<Vec<u8>>, StoreError> {
        self.read(move |conn| {
            conn.prepare_cached("SELECT bytes FROM pictures WHERE hash = ?1")?
                .query_row([hash], |r| r.get(0))
                .optional()
        })
        .await
    }
}
