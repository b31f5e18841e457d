//! `quizbot backup PATH`: a consistent copy of the configured database, safe while the bot
//! runs (docs/reliability.md, "Backups").

use std::path::Path;

use crate::config::Config;
use crate::store::backup;

/// Ok(true) when the backup was written and checked.
pub fn run(
    config_path: Option<&Path>,
    target: &Path,
    out: &mut impl std::io::Write,
) -> std::io::Result<bool> {
    let config = match Config::load(config_path, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("quizbot backup: {e}");
            return Ok(false);
        }
    };
    if let Some(url) = &config.database_url {
        eprintln!(
            "quizbot backup: the database is PostgreSQL ({}); back it up with pg_dump — quizbot \
             backup copies the SQLite file",
            crate::store::redact(url)
        );
        return Ok(false);
    }
    match backup(&config.database, target) {
        Ok(done) => {
            writeln!(
                out,
                "Backed up {} to {} ({} bytes, schema version {}).",
                config.database.display(),
                target.display(),
                done.bytes,
                done.schema_version
            )?;
            Ok(true)
        }
        Err(e) => {
            eprintln!("quizbot backup: {e}");
            Ok(false)
        }
    }
}
