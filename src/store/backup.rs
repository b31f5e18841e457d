//! Backups while the bot runs. Copying the `.sqlite3` file is not a backup: in WAL mode the
//! latest commits live in the `-wal` file until a checkpoint moves them over, so a copy of the
//! main file alone can be empty or torn. `VACUUM INTO` writes a consistent snapshot of the whole
//! database into a new file inside one read transaction, so the bot keeps writing meanwhile.
//! (SQLite's page-by-page backup API restarts whenever the source is written, which on a quiz
//! night is all the time.)

use std::path::{Path, PathBuf};

use rusqlite::{Connection, OpenFlags};

use super::{migrations, StoreError};

/// What [`backup`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackedUp {
    pub bytes: u64,
    pub schema_version: i64,
}

/// Writes a snapshot of `database` to `target`, a new file (never overwritten), readable by
/// this user only; checked with `integrity_check` before it takes its name.
pub fn backup(database: &Path, target: &Path) -> Result<BackedUp, StoreError> {
    let err = |why: String| StoreError::Open {
        path: database.to_path_buf(),
        why,
    };
    if !database.is_file() {
        return Err(err("there is no database there".into()));
    }
    if target.exists() {
        return Err(err(format!(
            "{} exists already; a backup never overwrites a file, choose a new name",
            target.display()
        )));
    }
    let mut partial = target.as_os_str().to_owned();
    partial.push(".partial");
    let partial = PathBuf::from(partial);
    let _ = std::fs::remove_file(&partial);
    let Some(partial_name) = partial.to_str() else {
        return Err(err(format!("{} is not a UTF-8 path", target.display())));
    };
    let source = Connection::open_with_flags(database, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| err(e.to_string()))?;
    source
        .busy_timeout(std::time::Duration::from_secs(10))
        .map_err(|e| err(e.to_string()))?;
    let written = source.execute("VACUUM INTO ?1", [partial_name]);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(err(format!("cannot write {}: {e}", target.display())));
    }
    let checked = check(&partial);
    let checked = checked.and_then(|version| {
        restrict(&partial)?;
        std::fs::rename(&partial, target).map_err(|e| e.to_string())?;
        Ok(version)
    });
    match checked {
        Ok(schema_version) => Ok(BackedUp {
            bytes: std::fs::metadata(target).map_or(0, |m| m.len()),
            schema_version,
        }),
        Err(why) => {
            let _ = std::fs::remove_file(&partial);
            Err(err(format!("the backup failed its check: {why}")))
        }
    }
}

/// The copy's schema version, once SQLite finds nothing wrong with it.
fn check(copy: &Path) -> Result<i64, String> {
    let conn = Connection::open_with_flags(copy, OpenFlags::SQLITE_OPEN_READ_ONLY)
        .map_err(|e| e.to_string())?;
    let verdict: String = conn
        .pragma_query_value(None, "integrity_check", |r| r.get(0))
        .map_err(|e| e.to_string())?;
    if verdict != "ok" {
        return Err(verdict);
    }
    migrations::version(&conn).map_err(|e| e.to_string())
}

fn restrict(path: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| e.to_string())?;
    }
    let _ = path;
    Ok(())
}
