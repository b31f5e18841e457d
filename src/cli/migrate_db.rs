//! `quizbot migrate-db --from data/quizbot.sqlite3 --to postgres://…`: moves a SQLite
//! database into PostgreSQL (docs/operations.md, "Moving to PostgreSQL"). The bot must be
//! stopped: the file's lock is taken for the copy. Prints what each table holds on both sides.

use std::path::PathBuf;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::store::{copy_from_sqlite, redact, DatabaseLock, PgStore};

/// Ok(true) when everything was copied and checked.
pub async fn run(
    config_path: Option<&std::path::Path>,
    from: Option<PathBuf>,
    to: Option<String>,
    out: &mut impl std::io::Write,
) -> std::io::Result<bool> {
    let fail = |e: &dyn std::fmt::Display| {
        eprintln!("quizbot migrate-db: {e}");
        Ok(false)
    };
    let config = match Config::load(config_path, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let from = from.unwrap_or(config.database);
    let Some(to) = to.or(config.database_url) else {
        return fail(&"say where to copy to: --to postgres://user:password@host/database (or set database.url)");
    };
    if !from.is_file() {
        return fail(&format!("{} is not a file", from.display()));
    }
    // No bot may write the file while it is copied.
    let _lock = match DatabaseLock::acquire(&from, SystemClock.now_ms()) {
        Ok(lock) => lock,
        Err(e) => return fail(&e),
    };
    let target = match PgStore::connect(&to).await {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    let figures = match copy_from_sqlite(&from, &target).await {
        Ok(f) => f,
        Err(e) => return fail(&e),
    };
    writeln!(out, "Copied {} into {}:", from.display(), redact(&to))?;
    writeln!(
        out,
        "  {:<20} {:>10} {:>10} {:>10}",
        "table", "sqlite", "copied", "postgres"
    )?;
    for f in &figures {
        writeln!(
            out,
            "  {:<20} {:>10} {:>10} {:>10}",
            f.table, f.source, f.inserted, f.target
        )?;
    }
    let copied: u64 = figures.iter().map(|f| f.inserted).sum();
    writeln!(
        out,
        "Checked: every row of the file is in PostgreSQL ({copied} copied now). Set database.url \
         (QUIZBOT_DATABASE_URL) and start the bot."
    )?;
    Ok(true)
}
