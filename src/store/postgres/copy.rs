//! `quizbot migrate-db`: everything of a SQLite database copied into PostgreSQL, in one
//! PostgreSQL transaction (an interrupted copy leaves nothing behind), table by table in the
//! order references need, 5,000 rows per statement. Rows whose key is there already are left
//! as they are, so a second run copies nothing and changes nothing; a PostgreSQL database that
//! holds data from somewhere else is refused rather than mixed with it.

use std::path::Path;

use rusqlite::types::ValueRef;
use tokio_postgres::types::ToSql;

use super::schema::TABLES;
use super::PgStore;
use crate::store::StoreError;

/// Rows per INSERT: one array parameter per column, so the statement stays small.
const CHUNK: usize = 5000;

/// One table's figures after the copy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Copied {
    pub table: &'static str,
    /// Rows in the SQLite file.
    pub source: u64,
    /// Rows this run inserted (0 on a second run).
    pub inserted: u64,
    /// Rows in PostgreSQL afterwards.
    pub target: u64,
}

/// A column's values, typed as PostgreSQL wants them.
enum Column {
    Int(Vec<Option<i64>>),
    Bool(Vec<Option<bool>>),
    Text(Vec<Option<String>>),
    Bytes(Vec<Option<Vec<u8>>>),
}

impl Column {
    fn new(pg_type: &str) -> Result<Column, StoreError> {
        Ok(match pg_type {
            "bigint" | "integer" => Column::Int(Vec::new()),
            "boolean" => Column::Bool(Vec::new()),
            "text" => Column::Text(Vec::new()),
            "bytea" => Column::Bytes(Vec::new()),
            other => {
                return Err(StoreError::Database(format!(
                    "migrate-db does not know the column type {other}"
                )))
            }
        })
    }

    fn sql_type(&self) -> &'static str {
        match self {
            Column::Int(_) => "bigint[]",
            Column::Bool(_) => "boolean[]",
            Column::Text(_) => "text[]",
            Column::Bytes(_) => "bytea[]",
        }
    }

    /// Adds a SQLite value; `Err` names what did not fit.
    fn push(&mut self, v: ValueRef<'_>) -> Result<(), String> {
        let text = |b: &[u8]| String::from_utf8(b.to_vec()).map_err(|e| e.to_string());
        match (self, v) {
            (Column::Int(c), ValueRef::Null) => c.push(None),
            (Column::Int(c), ValueRef::Integer(i)) => c.push(Some(i)),
            (Column::Bool(c), ValueRef::Null) => c.push(None),
            (Column::Bool(c), ValueRef::Integer(i)) => c.push(Some(i != 0)),
            (Column::Text(c), ValueRef::Null) => c.push(None),
            (Column::Text(c), ValueRef::Text(t) | ValueRef::Blob(t)) => c.push(Some(text(t)?)),
            (Column::Bytes(c), ValueRef::Null) => c.push(None),
            (Column::Bytes(c), ValueRef::Blob(b) | ValueRef::Text(b)) => c.push(Some(b.to_vec())),
            (_, other) => return Err(format!("unexpected value {other:?}")),
        }
        Ok(())
    }

    fn clear(&mut self) {
        match self {
            Column::Int(c) => c.clear(),
            Column::Bool(c) => c.clear(),
            Column::Text(c) => c.clear(),
            Column::Bytes(c) => c.clear(),
        }
    }

    fn param(&self) -> &(dyn ToSql + Sync) {
        match self {
            Column::Int(c) => c,
            Column::Bool(c) => c,
            Column::Text(c) => c,
            Column::Bytes(c) => c,
        }
    }
}

/// Copies the SQLite database at `from` (which must not be in use: the caller holds its
/// lock) into `to`; the figures per table, checked: every row of the file is in PostgreSQL.
pub async fn copy_from_sqlite(from: &Path, to: &PgStore) -> Result<Vec<Copied>, StoreError> {
    // Brought to this version's schema first, as `quizbot run` would.
    crate::store::SqliteStore::open(from)?.checkpoint().await?;
    let source =
        rusqlite::Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .map_err(StoreError::from)?;
    let mut target = to.reader().await?;
    let tx = target.transaction().await?;
    refuse_foreign_data(&tx, from).await?;
    let mut figures = Vec::new();
    for &table in TABLES {
        let columns = tx
            .query(
                "SELECT column_name::text, data_type::text FROM information_schema.columns
                 WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
                &[&table],
            )
            .await?;
        let names: Vec<String> = columns.iter().map(|r| r.get(0)).collect();
        let mut data: Vec<Column> = columns
            .iter()
            .map(|r| Column::new(r.get::<_, String>(1).as_str()))
            .collect::<Result<_, _>>()?;
        let list = names.join(", ");
        let arrays: Vec<String> = data
            .iter()
            .enumerate()
            .map(|(i, c)| format!("${}::{}", i + 1, c.sql_type()))
            .collect();
        let insert = format!(
            "INSERT INTO {table} ({list}) SELECT * FROM unnest({}) ON CONFLICT DO NOTHING",
            arrays.join(", ")
        );
        let insert = tx.prepare(&insert).await?;
        let mut stmt = source
            .prepare(&format!("SELECT {list} FROM {table}"))
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        let (mut read, mut inserted, mut pending) = (0u64, 0u64, 0usize);
        loop {
            let row = rows.next().map_err(StoreError::from)?;
            if let Some(row) = row {
                for (i, column) in data.iter_mut().enumerate() {
                    let value = row.get_ref(i).map_err(StoreError::from)?;
                    column.push(value).map_err(|why| {
                        StoreError::Database(format!("{table}.{}: {why}", names[i]))
                    })?;
                }
                read += 1;
                pending += 1;
            }
            if pending > 0 && (pending == CHUNK || row.is_none()) {
                let params: Vec<&(dyn ToSql + Sync)> = data.iter().map(Column::param).collect();
                inserted += tx.execute(&insert, &params).await?;
                data.iter_mut().for_each(Column::clear);
                pending = 0;
            }
            if row.is_none() {
                break;
            }
        }
        let target_rows: i64 = tx
            .query_one(&format!("SELECT COUNT(*) FROM {table}"), &[])
            .await?
            .get(0);
        figures.push(Copied {
            table,
            source: read,
            inserted,
            target: target_rows as u64,
        });
    }
    // New ids continue after the copied ones.
    for table in ["sessions", "assignments", "runs", "schedules"] {
        tx.execute(
            &format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            ),
            &[],
        )
        .await?;
    }
    tx.execute(
        "INSERT INTO quizbot_imports (source) VALUES ($1) ON CONFLICT DO NOTHING",
        &[&source_name(from)],
    )
    .await?;
    if let Some(short) = figures.iter().find(|f| f.target < f.source) {
        return Err(StoreError::Database(format!(
            "after the copy {} holds {} rows in PostgreSQL but {} in the file; nothing was committed",
            short.table, short.target, short.source
        )));
    }
    tx.commit().await?;
    Ok(figures)
}

/// The name a source is recorded under: its full path.
fn source_name(from: &Path) -> String {
    std::fs::canonicalize(from)
        .unwrap_or_else(|_| from.to_path_buf())
        .display()
        .to_string()
}

/// A database that holds rows, none of them copied from this file, is somebody's live data:
/// copying into it could leave rows of both under one key.
async fn refuse_foreign_data(
    tx: &tokio_postgres::Transaction<'_>,
    from: &Path,
) -> Result<(), StoreError> {
    let before: i64 = tx
        .query_one(
            "SELECT COUNT(*) FROM quizbot_imports WHERE source = $1",
            &[&source_name(from)],
        )
        .await?
        .get(0);
    if before > 0 {
        return Ok(());
    }
    let mut holds = Vec::new();
    for &table in TABLES {
        let some: bool = tx
            .query_one(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), &[])
            .await?
            .get(0);
        if some && table != "process_heartbeats" {
            holds.push(table);
        }
    }
    if holds.is_empty() {
        return Ok(());
    }
    Err(StoreError::Database(format!(
        "the PostgreSQL database already holds data ({}) that was not copied from {}; \
         migrate-db copies into an empty database only (create a new one, or drop its tables)",
        holds.join(", "),
        from.display()
    )))
}
