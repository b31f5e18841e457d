//! One bot process per database. Two processes on one file would both drive the same quizzes
//! (questions posted twice, two contradicting results), so `quizbot run` holds an exclusive
//! lock on `<database>.lock` for its whole life. The operating system drops the lock when the
//! process ends, however it ends (`kill -9` included): a stale lock never blocks a restart.
//! The holder writes its pid and start time into the file, so the second process can name it.
//!
//! Shard ranges (`discord.shard_range`) split one bot over processes that share the database:
//! each holds `<database>.lock` shared — so a whole bot cannot start beside them — and
//! `<database>.shard-N.lock` exclusively for each shard it runs, so two processes whose
//! ranges overlap cannot both start.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use super::StoreError;

/// Held for as long as the process uses the database.
#[derive(Debug)]
pub struct DatabaseLock {
    _files: Vec<File>,
}

/// `quizbot.sqlite3` → `quizbot.sqlite3.lock`.
pub fn lock_path(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

/// `quizbot.sqlite3` → `quizbot.sqlite3.shard-3.lock`.
fn shard_lock_path(database: &Path, shard: u32) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(format!(".shard-{shard}.lock"));
    PathBuf::from(name)
}

impl DatabaseLock {
    /// Takes the lock, or says who holds it ([`StoreError::InUse`]).
    pub fn acquire(database: &Path, now_ms: i64) -> Result<DatabaseLock, StoreError> {
        let file = lock_one(database, &lock_path(database), true, now_ms)?;
        Ok(DatabaseLock { _files: vec![file] })
    }

    /// The locks of a process that runs shards `first..=last` only (see the module's note).
    pub fn acquire_shards(
        database: &Path,
        (first, last): (u32, u32),
        now_ms: i64,
    ) -> Result<DatabaseLock, StoreError> {
        let mut files = vec![lock_one(database, &lock_path(database), false, now_ms)?];
        for shard in first..=last {
            files.push(lock_one(
                database,
                &shard_lock_path(database, shard),
                true,
                now_ms,
            )?);
        }
        Ok(DatabaseLock { _files: files })
    }
}

/// Locks one file, exclusively or shared, and notes the holder in it.
fn lock_one(
    database: &Path,
    path: &Path,
    exclusive: bool,
    now_ms: i64,
) -> Result<File, StoreError> {
    let err = |why: String| StoreError::Open {
        path: database.to_path_buf(),
        why: format!("cannot lock it with {}: {why}", path.display()),
    };
    let io = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem => {
            format!("its folder is not writable ({e})")
        }
        _ => e.to_string(),
    };
    super::sqlite::create_private_dir(path).map_err(err)?;
    let mut options = OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| err(io(e)))?;
    let locked = if exclusive {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    match locked {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut holder = String::new();
            let _ = file.read_to_string(&mut holder);
            let holder = holder.trim();
            return Err(StoreError::InUse {
                database: database.to_path_buf(),
                holder: if holder.is_empty() {
                    "another process".to_string()
                } else {
                    holder.chars().take(200).collect()
                },
            });
        }
        Err(TryLockError::Error(e)) => return Err(err(io(e))),
    }
    let started = chrono::DateTime::from_timestamp_millis(now_ms).map_or_else(String::new, |t| {
        format!(", started {}", t.format("%Y-%m-%d %H:%M:%S UTC"))
    });
    let who = format!("quizbot pid {}{started}\n", std::process::id());
    // Shared holders all write the note: the last one's stands, which names one of them.
    let written = file
        .set_len(0)
        .and_then(|()| file.rewind())
        .and_then(|()| file.write_all(who.as_bytes()))
        .and_then(|()| file.flush());
    if let Err(e) = written {
        // The lock is what matters; the note only helps the next process name us.
        tracing::warn!(path = %path.display(), error = %e, "cannot note the lock holder");
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_is_refused_and_told_who_holds_it_until_the_first_lets_go() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("data").join("quizbot.sqlite3");
        let first = DatabaseLock::acquire(&db, 1_800_000_000_000).unwrap();
        let second = DatabaseLock::acquire(&db, 1_800_000_000_000).unwrap_err();
        let text = second.to_string();
        assert!(
            text.contains(&format!("quizbot pid {}", std::process::id()))
                && text.contains("started 2027-01-15 08:00:00 UTC")
                && text.contains("quizbot.sqlite3"),
            "{text}"
        );
        drop(first);
        DatabaseLock::acquire(&db, 1_800_000_000_000).expect("free once the first is gone");
        {
            let low = DatabaseLock::acquire_shards(&db, (0, 1), 0).expect("shards 0-1");
            let high = DatabaseLock::acquire_shards(&db, (2, 3), 0).expect("beside them: 2-3");
            assert!(
                DatabaseLock::acquire_shards(&db, (1, 2), 0).is_err(),
                "overlapping ranges"
            );
            assert!(
                DatabaseLock::acquire(&db, 0).is_err(),
                "a whole bot beside shard processes"
            );
            drop((low, high));
        }
        let whole = DatabaseLock::acquire(&db, 0).unwrap();
        assert!(DatabaseLock::acquire_shards(&db, (0, 0), 0).is_err());
        drop(whole);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(lock_path(&db))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }
}
