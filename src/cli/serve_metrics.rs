//! `[metrics] listen`: Prometheus text at `/metrics` and a health check at `/healthz`, on a
//! listener of their own. The exposition is `metrics-exporter-prometheus`'s; the names and
//! what they mean are in docs/operations.md, "Metrics".

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::runtime::app::App;

/// `/healthz` fails when the database took no write for this long (the bot writes a
/// heartbeat every [`HEARTBEAT`], so an idle bot stays healthy).
pub const WRITE_FRESH: Duration = Duration::from_secs(60);

/// How often each process notes it is alive in the database.
pub const HEARTBEAT: Duration = Duration::from_secs(15);

/// Bucket bounds in seconds: acks must beat Discord's 3 s, commits take milliseconds.
const SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 60.0,
];
const BATCH: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 25.0, 50.0, 100.0, 250.0, 500.0, 1000.0, 4096.0,
];

/// Installs the process-wide recorder; `None` (logged) if one is already installed.
pub fn install() -> Option<PrometheusHandle> {
    let built = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), SECONDS)
        .and_then(|b| {
            b.set_buckets_for_metric(Matcher::Full("quizbot_commit_batch_size".into()), BATCH)
        })
        .map(|b| b.install_recorder());
    match built {
        Ok(Ok(handle)) => {
            describe();
            Some(handle)
        }
        Ok(Err(e)) | Err(e) => {
            tracing::error!(error = %e, "metrics: cannot install the recorder");
            None
        }
    }
}

/// Serves `/metrics` and `/healthz` on `addr` until the process ends; the listener is bound
/// before this returns, so a port that is taken is a start-up error.
pub async fn serve(
    addr: SocketAddr,
    app: Arc<App>,
    handle: PrometheusHandle,
) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let upkeep = handle.clone();
    tokio::spawn(async move {
        // Histograms keep their samples until upkeep folds them in.
        let mut every = tokio::time::interval(Duration::from_secs(5));
        loop {
            every.tick().await;
            upkeep.run_upkeep();
        }
    });
    let router = axum::Router::new()
        .route("/metrics", axum::routing::get(metrics))
        .route("/healthz", axum::routing::get(healthz))
        .with_state((app, handle));
    tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, router).await {
            tracing::error!(error = %e, "metrics: the listener stopped");
        }
    });
    Ok(bound)
}

type S = State<(Arc<App>, PrometheusHandle)>;

async fn metrics(State((app, handle)): S) -> impl IntoResponse {
    metrics::gauge!("quizbot_quizzes_running").set(app.live.len() as f64);
    (
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        handle.render(),
    )
}

async fn healthz(State((app, _)): S) -> impl IntoResponse {
    match app.unhealthy(app.now(), WRITE_FRESH.as_millis() as i64) {
        None => (StatusCode::OK, "ok\n".to_string()),
        Some(why) => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("unhealthy: {why}\n"),
        ),
    }
}

/// Notes this process in the database every [`HEARTBEAT`] (migration 5), which also keeps
/// `/healthz`'s "took a write" true while nobody plays.
pub fn heartbeat(app: Arc<App>) -> tokio::task::JoinHandle<()> {
    let process = format!(
        "{}:{}",
        std::env::var("HOSTNAME").unwrap_or_else(|_| "localhost".into()),
        std::process::id()
    );
    tokio::spawn(async move {
        let mut every = tokio::time::interval(HEARTBEAT);
        while !app.draining() {
            every.tick().await;
            let shards = app.ownership().to_string();
            if let Err(e) = app.store.heartbeat(&process, &shards, app.now()).await {
                tracing::warn!(error = %e, "cannot note this process in the database");
            }
        }
    })
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_gauge!(
        "quizbot_quizzes_running",
        "Live quizzes running in this process"
    );
    describe_counter!(
        "quizbot_clicks_total",
        "Button clicks, menu picks and answer boxes received, by kind"
    );
    describe_counter!("quizbot_answers_total", "Live answers by outcome: stored, already_answered, too_late, refused, not_stored, restarting");
    describe_counter!(
        "quizbot_interaction_responses_total",
        "Interaction responses to clicks, by result (ok, failed)"
    );
    describe_histogram!("quizbot_ack_latency_seconds", Unit::Seconds, "From a click's arrival to its response being accepted by Discord (answers: after their commit)");
    describe_histogram!(
        "quizbot_commit_batch_size",
        "Writes per committed SQLite transaction"
    );
    describe_histogram!(
        "quizbot_commit_seconds",
        Unit::Seconds,
        "Time of one SQLite transaction, BEGIN to COMMIT"
    );
    describe_counter!(
        "quizbot_commit_failures_total",
        "SQLite transactions that did not commit (nothing of them was acknowledged)"
    );
    describe_counter!("quizbot_rest_requests_total", "REST calls for quiz messages and interaction responses, by route and status (ok, an HTTP status, network)");
    describe_counter!(
        "quizbot_rate_limited_total",
        "REST calls answered 429, by route"
    );
    describe_gauge!(
        "quizbot_shard_connected",
        "1 while the shard's gateway connection is up"
    );
    describe_counter!(
        "quizbot_gateway_reconnects_total",
        "Gateway connections after a shard's first, by shard"
    );
    describe_gauge!(
        "quizbot_gateway_latency_seconds",
        Unit::Seconds,
        "Last heartbeat round trip, by shard"
    );
    describe_gauge!(
        "quizbot_scheduler_lag_seconds",
        Unit::Seconds,
        "How late the last scheduler pass started against its plan"
    );
    describe_histogram!(
        "quizbot_schedule_lateness_seconds",
        Unit::Seconds,
        "From a scheduled post falling due to its being made"
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::{Clock, SystemClock};
    use crate::game::shards::{ShardCount, ShardPlan};
    use crate::runtime::app::ShardLink;

    #[tokio::test]
    async fn healthy_needs_every_owned_shard_up_and_a_recent_write() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::simbot::config(
            dir.path().join("q.sqlite3"),
            dir.path().join("quizzes"),
            crate::config::LiveConfig::default(),
        );
        let store = crate::store::Store::open(&config.database).unwrap();
        let library = crate::library::Library::load(&config.quizzes_dir, store.clone());
        let app = App::new(config, store, library, Arc::new(SystemClock));
        let plan = ShardPlan::new(ShardCount::Fixed(4), Some("2-3")).unwrap();
        app.set_ownership(plan.resolve(4));
        let fresh = WRITE_FRESH.as_millis() as i64;
        let now = SystemClock.now_ms();
        let why = app.unhealthy(now, fresh).unwrap();
        assert_eq!(why, "shard 2, 3 not connected");
        let up = ShardLink {
            connected: true,
            connects: 1,
        };
        app.gateway.lock().insert(2, up);
        app.gateway.lock().insert(3, up);
        // Shards 0 and 1 are another process's: their state does not matter here.
        assert_eq!(
            app.unhealthy(now, fresh).as_deref(),
            Some("the database has taken no write yet")
        );
        app.store
            .heartbeat("test", "shards 2-3 of 4", now)
            .await
            .unwrap();
        assert_eq!(app.unhealthy(SystemClock.now_ms(), fresh), None);
        let later = SystemClock.now_ms() + fresh + 5_000;
        assert!(app
            .unhealthy(later, fresh)
            .unwrap()
            .contains("took no write for 6"));
        let rows = app.store.heartbeats().await.unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].1, "shards 2-3 of 4");
    }
}
