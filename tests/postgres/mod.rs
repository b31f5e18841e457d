//! A new, empty PostgreSQL database per test, on the server `QUIZBOT_TEST_POSTGRES` names (an
//! admin URL; `.ci/postgres start` prints one). Without it the PostgreSQL half of a test is
//! skipped with a message — except under CI, where it must run.

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

pub const ENV: &str = "QUIZBOT_TEST_POSTGRES";

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The admin URL, or `None` after saying why the test is skipped.
pub fn admin_url(test: &str) -> Option<String> {
    match std::env::var(ENV) {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("CI").is_err(),
                "{ENV} is not set: CI must run the PostgreSQL tests (.ci/run starts a server)"
            );
            eprintln!(
                "skipping the PostgreSQL part of {test}: set {ENV} (eval \"$(bash .ci/postgres start)\")"
            );
            None
        }
    }
}

/// The URL of a new database made for `test`, or `None` when PostgreSQL tests are off.
pub async fn fresh_database(test: &str) -> Option<String> {
    let admin = admin_url(test)?;
    let name = format!(
        "qb_{}_{}_{}",
        test.chars()
            .map(|c| if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            })
            .take(30)
            .collect::<String>(),
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    );
    let (client, connection) = tokio_postgres::connect(&admin, tokio_postgres::NoTls)
        .await
        .unwrap_or_else(|e| panic!("cannot reach {ENV}={admin}: {e}"));
    let task = tokio::spawn(connection);
    client
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .await
        .unwrap();
    drop(client);
    let _ = task.await;
    let (base, _) = admin
        .rsplit_once('/')
        .expect("the admin URL names a database");
    Some(format!("{base}/{name}"))
}

/// Runs one SQL query on `url` and gives back the first column of every row as i64.
pub async fn numbers(url: &str, sql: &str) -> Vec<i64> {
    let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls)
        .await
        .unwrap();
    let task = tokio::spawn(connection);
    let rows = client.query(sql, &[]).await.unwrap();
    drop(client);
    let _ = task.await;
    rows.iter().map(|r| r.get::<_, i64>(0)).collect()
}
