//! The quizzes a server can play: the bundled ones (`quizzes/`, checked at start-up) and the
//! server's own uploads (stored in SQLite, parsed once and cached).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use parking_lot::Mutex;

use crate::quiz::images::PictureBytes;
use crate::quiz::{self, archive, Checked, Format, Quiz};
use crate::store::{Store, StoreError};

pub struct Library {
    bundled: BTreeMap<String, Arc<Quiz>>,
    /// The image files of the bundled quizzes, read at start-up.
    bundled_pictures: PictureBytes,
    /// Pictures of uploaded quizzes read back from the store, up to [`PICTURE_CACHE_BYTES`].
    pictures: Mutex<PictureCache>,
    uploads: Mutex<HashMap<(u64, String), Arc<Quiz>>>,
    store: Store,
    /// One quiz file is read at a time, off the async runtime: reading a 10 MiB file takes
    /// about a second of CPU and up to a couple of hundred megabytes, and a burst of uploads
    /// should neither stall the bot nor add up.
    reading: tokio::sync::Semaphore,
}

/// Pictures read back from the store, and how many bytes they hold.
#[derive(Default)]
struct PictureCache {
    bytes: usize,
    by_hash: HashMap<String, Arc<[u8]>>,
}

/// A successful upload.
pub struct Uploaded {
    pub quiz: Arc<Quiz>,
    pub replaced: bool,
    /// Warnings, rendered (the quiz works, but the author may want to look).
    pub warnings: String,
    /// Questions read from the file but left out (each has a warning).
    pub left_out: usize,
}

/// How many bytes of uploaded quizzes' pictures stay in memory between messages; past it the
/// cache starts afresh (a picture is read again from SQLite, about a millisecond a megabyte).
const PICTURE_CACHE_BYTES: usize = 64 * 1024 * 1024;

/// What an upload is: one quiz file, or a `.zip` with a quiz and its images.
#[derive(Debug, Clone, Copy)]
enum Kind {
    File(Format),
    Archive,
}

impl Kind {
    fn of(filename: &str) -> Option<Kind> {
        let path = Path::new(filename);
        if archive::is_archive(path) {
            return Some(Kind::Archive);
        }
        Format::from_path(path).map(Kind::File)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl Library {
    /// Loads every valid quiz under `dir`; invalid ones are logged with their problems and left
    /// out. A missing folder is an empty library.
    pub fn load(dir: &Path, store: Store) -> Library {
        let mut bundled = BTreeMap::new();
        let mut bundled_pictures = PictureBytes::new();
        let mut paths = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            paths.extend(entries.filter_map(|e| e.ok().map(|e| e.path())));
        } else {
            tracing::warn!(dir = %dir.display(), "no quizzes folder; only uploaded quizzes are available");
        }
        paths.sort();
        for path in paths {
            // A README.txt or a data .csv beside the quizzes is not one.
            if !quiz::looks_like_quiz(&path) {
                continue;
            }
            let checked = quiz::check_file(&path, &crate::render::preflight::DiscordFit);
            if !checked.diagnostics.is_empty() && checked.quiz.is_some() {
                tracing::warn!(
                    file = %path.display(),
                    warnings = %checked.render(&path.display().to_string(), 5),
                    "bundled quiz has warnings"
                );
            }
            match checked.quiz {
                Some(q) => {
                    bundled_pictures.extend(checked.images);
                    bundled.insert(q.id.clone(), Arc::new(q));
                }
                None => tracing::warn!(
                    file = %path.display(),
                    problems = %checked.render(&path.display().to_string(), 5),
                    "bundled quiz left out"
                ),
            }
        }
        tracing::info!(quizzes = bundled.len(), dir = %dir.display(), "bundled quizzes loaded");
        Library {
            bundled,
            bundled_pictures,
            pictures: Mutex::new(PictureCache::default()),
            uploads: Mutex::new(HashMap::new()),
            store,
            reading: tokio::sync::Semaphore::new(1),
        }
    }

    /// Checks a file's bytes on a blocking thread, one file at a time; gives the bytes back, and
    /// for an archive the quiz file's path in it.
    async fn check(
        &self,
        id: &str,
        kind: Kind,
        bytes: Vec<u8>,
    ) -> (Checked, Vec<u8>, Option<String>) {
        // The semaphore is never closed, so acquiring it cannot fail.
        let _permit = self.reading.acquire().await.ok();
        let id = id.to_string();
        let read = tokio::task::spawn_blocking(move || {
            let fit = &crate::render::preflight::DiscordFit;
            let (checked, inner) = match kind {
                Kind::File(format) => (quiz::check_bytes(&id, format, &bytes, fit), None),
                Kind::Archive => quiz::check_archive(&id, &bytes, fit),
            };
            (checked, bytes, inner)
        })
        .await;
        match read {
            Ok(done) => done,
            // The readers never panic (property-tested); should one, the file is refused.
            Err(e) => {
                tracing::error!(error = %e, "reading a quiz file failed");
                (
                    quiz::Checked::internal_failure("reading this file failed; please report it"),
                    Vec::new(),
                    None,
                )
            }
        }
    }

    /// A quiz by id for a server, whole (a game takes its questions with
    /// [`Quiz::drawn`]): its own upload first, then the bundled one.
    pub async fn get(&self, guild: u64, id: &str) -> Result<Option<Arc<Quiz>>, StoreError> {
        if let Some(q) = self.uploads.lock().get(&(guild, id.to_string())) {
            return Ok(Some(Arc::clone(q)));
        }
        if let Some((filename, bytes)) = self.store.guild_quiz_source(guild, id.to_string()).await?
        {
            let kind = Kind::of(&filename).unwrap_or(Kind::File(Format::Markdown));
            if let Some(q) = self.check(id, kind, bytes).await.0.quiz {
                let q = Arc::new(q);
                self.uploads
                    .lock()
                    .insert((guild, id.to_string()), Arc::clone(&q));
                return Ok(Some(q));
            }
        }
        Ok(self.bundled.get(id).cloned())
    }

    /// (id, title, questions) of the bundled quizzes, and of the server's uploads.
    pub async fn list(
        &self,
        guild: u64,
    ) -> Result<(Vec<(String, String, usize)>, Vec<(String, String, usize)>), StoreError> {
        let bundled = self
            .bundled
            .values()
            .map(|q| (q.id.clone(), q.title.clone(), q.questions.len()))
            .collect();
        let uploaded = self
            .store
            .guild_quizzes(guild)
            .await?
            .into_iter()
            .map(|q| (q.quiz_id, q.title, q.questions))
            .collect();
        Ok((bundled, uploaded))
    }

    /// Every quiz id a server can play (its uploads and the bundled ones), without repeats.
    pub async fn ids(&self, guild: u64) -> Result<Vec<String>, StoreError> {
        let (bundled, uploaded) = self.list(guild).await?;
        let mut ids: Vec<String> = uploaded.into_iter().chain(bundled).map(|q| q.0).collect();
        ids.sort();
        ids.dedup();
        Ok(ids)
    }

    /// Up to 25 (id, title) matching what was typed, for autocomplete.
    pub async fn search(&self, guild: u64, typed: &str) -> Vec<(String, String)> {
        let typed = typed.to_lowercase();
        let (bundled, uploaded) = self.list(guild).await.unwrap_or_default();
        let mut seen = std::collections::HashSet::new();
        uploaded
            .into_iter()
            .chain(bundled)
            .filter(|(id, title, _)| {
                id.to_lowercase().contains(&typed) || title.to_lowercase().contains(&typed)
            })
            .filter(|(id, _, _)| seen.insert(id.clone()))
            .take(25)
            .map(|(id, title, _)| (id, title))
            .collect()
    }

    /// Checks an uploaded file and stores it for the server; problems come back rendered
    /// compiler style, with line numbers.
    pub async fn upload(
        &self,
        guild: u64,
        user: u64,
        filename: &str,
        bytes: Vec<u8>,
        now: i64,
    ) -> Result<Uploaded, UploadError> {
        let path = Path::new(filename);
        let Some(kind) = Kind::of(filename) else {
            return Err(UploadError::Invalid(format!(
                "{filename}: not a quiz format quizbot reads — upload a {} file, or a .zip with one of them and its images",
                quiz::FORMATS_EXPLAINED
            )));
        };
        let id = quiz::quiz_id(path);
        if !valid_id(&id) {
            return Err(UploadError::Invalid(format!(
                "{filename}: the quiz id comes from the file name; use letters, digits, `-` and `_` only (at most 64)"
            )));
        }
        let (checked, bytes, inner) = self.check(&id, kind, bytes).await;
        // Problems point into the quiz file: `night.zip/quiz.md:12:3`.
        let shown = match &inner {
            Some(inner) => format!("{filename}/{inner}"),
            None => filename.to_string(),
        };
        let Some(q) = checked.quiz.clone() else {
            return Err(UploadError::Invalid(checked.render(&shown, 20)));
        };
        let pictures: Vec<(String, Arc<[u8]>)> = checked
            .images
            .iter()
            .map(|(hash, bytes)| (hash.clone(), Arc::clone(bytes)))
            .collect();
        let q = Arc::new(q);
        let replaced = self
            .store
            .save_guild_quiz(
                guild,
                id.clone(),
                filename.to_string(),
                bytes,
                q.title.clone(),
                q.questions.len(),
                user,
                now,
                pictures,
            )
            .await?;
        self.uploads.lock().insert((guild, id), Arc::clone(&q));
        Ok(Uploaded {
            quiz: q,
            replaced,
            warnings: checked.render(&shown, 10),
            left_out: checked.left_out.len(),
        })
    }
}

impl Library {
    /// The bytes of a picture a question names ([`quiz::Picture::hash`]): a bundled quiz's,
    /// or an uploaded one's from the store. `None` when no quiz has it (any more).
    pub async fn picture(&self, hash: &str) -> Option<Arc<[u8]>> {
        if let Some(bytes) = self.bundled_pictures.get(hash) {
            return Some(Arc::clone(bytes));
        }
        if let Some(bytes) = self.pictures.lock().by_hash.get(hash) {
            return Some(Arc::clone(bytes));
        }
        let bytes: Arc<[u8]> = match self.store.picture(hash.to_string()).await {
            Ok(Some(b)) => Arc::from(b),
            Ok(None) => return None,
            Err(e) => {
                tracing::warn!(error = %e, "reading a picture failed");
                return None;
            }
        };
        let mut cache = self.pictures.lock();
        if cache.bytes + bytes.len() > PICTURE_CACHE_BYTES {
            *cache = PictureCache::default();
        }
        cache.bytes += bytes.len();
        cache.by_hash.insert(hash.to_string(), Arc::clone(&bytes));
        Some(bytes)
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')
}
