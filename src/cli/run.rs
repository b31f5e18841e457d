//! `quizbot run` (the default command): configuration, database, quizzes, then Discord.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::clock::{Clock, SystemClock};
use crate::config::Config;
use crate::discord::{self, Endpoint};
use crate::library::Library;
use crate::runtime::app::App;
use crate::store::{DatabaseLock, Location, PgStore, Store};

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("quizbot: {message}");
    ExitCode::from(1)
}

/// Whether a serenity error means Discord refused the token.
pub fn token_rejected(e: &serenity::Error) -> bool {
    match e {
        serenity::Error::Gateway(serenity::GatewayError::InvalidAuthentication) => true,
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            r.status_code.as_u16() == 401
        }
        _ => false,
    }
}

const TOKEN_REJECTED: &str =
    "Discord rejected the token (gateway close 4004 / HTTP 401). Check DISCORD_TOKEN: it is the \
     bot token from the Bot page of your application, not the client secret";

pub async fn run(config_path: Option<&Path>) -> ExitCode {
    let config = match Config::load(config_path, |k| std::env::var(k).ok()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    super::logging::init(&config.log_filter);
    super::limits::raise_open_files();
    tracing::debug!(config = ?config, "configuration");
    let Some(token) = config.token.clone() else {
        return fail(
            "DISCORD_TOKEN is not set. Create a bot at https://discord.com/developers/applications, \
             copy its token and run: DISCORD_TOKEN=… quizbot run (or try `quizbot rehearse` without one)",
        );
    };
    let (store, _lock) = match open_store(&config).await {
        Ok(opened) => opened,
        Err(e) => return fail(e),
    };
    let library = Library::load(&config.quizzes_dir, store.clone());
    let endpoint = match &config.api_proxy {
        Some(url) => {
            tracing::info!(proxy = %url, "REST goes through the proxy; serenity's rate limiter is off");
            Endpoint::Proxy(url.clone())
        }
        None => Endpoint::Discord,
    };
    let plan = config.shards;
    let metrics_listen = config.metrics_listen;
    // Installed before anything counts, so that nothing is missed.
    let recorder = metrics_listen.and_then(|_| super::serve_metrics::install());
    let app = App::new(config, store, library, Arc::new(SystemClock));
    // Before Discord: a port that is taken stops the start at once. `/healthz` says 503 until
    // the shards are up.
    if let (Some(addr), Some(handle)) = (metrics_listen, recorder) {
        match super::serve_metrics::serve(addr, Arc::clone(&app), handle).await {
            Ok(bound) => tracing::info!(%bound, "serving /metrics and /healthz"),
            Err(e) => {
                return fail(format!(
                    "cannot serve metrics on {addr} (metrics.listen): {e}"
                ))
            }
        }
    }
    let mut client = match discord::client(Arc::clone(&app), &token, endpoint).await {
        Ok(c) => c,
        Err(e) => return fail(format!("cannot set up the Discord client: {e}")),
    };
    let started = match discord::shards::plan(&client.http, plan).await {
        Ok(s) => s,
        Err(discord::shards::ShardError::Token) => return fail(TOKEN_REJECTED),
        Err(e) => return fail(e),
    };
    app.set_ownership(started.ownership);
    tracing::info!(
        shards = %started.ownership,
        recommended = started.recommended,
        max_concurrency = started.max_concurrency,
        "starting the shards this process runs"
    );
    let shards = Arc::clone(&client.shard_manager);
    discord::health::watch_shards(Arc::clone(&app), Arc::clone(&shards));
    super::serve_metrics::heartbeat(Arc::clone(&app));
    let app_for_shutdown = Arc::clone(&app);
    tokio::select! {
        result = discord::shards::start(&mut client, started.ownership) => match result {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if token_rejected(&e) => fail(TOKEN_REJECTED),
            Err(serenity::Error::Gateway(
                serenity::GatewayError::InvalidGatewayIntents
                | serenity::GatewayError::DisallowedGatewayIntents,
            )) => fail(
                "Discord closed the gateway with 4013/4014: the bot asked for gateway intents it \
                 may not use. quizbot needs only the Guilds intent; check that this binary and \
                 the application in the Developer Portal belong together",
            ),
            Err(e) => fail(format!("Discord connection ended: {e}")),
        },
        reason = discord::shards::fatal_close() => {
            tracing::error!(reason = %reason, "stopping: a shard cannot run as configured");
            shutdown(&app_for_shutdown, &shards).await;
            fail(reason)
        }
        signal = shutdown_signal() => {
            tracing::info!(signal, "shutting down: pausing live quizzes");
            shutdown(&app_for_shutdown, &shards).await;
            ExitCode::SUCCESS
        }
    }
}

/// The database `[database]` names, with what holds it for this process: the SQLite file's
/// lock (a second bot on the file stops here, naming us; with a shard range, one whose range
/// overlaps ours, or a bot that runs every shard), or on PostgreSQL the advisory locks of our
/// shards.
async fn open_store(config: &Config) -> Result<(Store, Held), String> {
    let now = SystemClock.now_ms();
    let Some(url) = &config.database_url else {
        let lock = match config.shards.range {
            None => DatabaseLock::acquire(&config.database, now),
            Some(range) => DatabaseLock::acquire_shards(&config.database, range, now),
        }
        .map_err(|e| e.to_string())?;
        let store = Store::connect(&Location::File(config.database.clone()))
            .await
            .map_err(|e| e.to_string())?;
        return Ok((store, Held::File(lock)));
    };
    let store = PgStore::connect(url).await.map_err(|e| e.to_string())?;
    let shards = store
        .hold_shards(config.shards.range)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(database = %store.url(), "using PostgreSQL");
    Ok((Store::from(store), Held::Server(shards)))
}

/// Kept until the process ends: what stops a second bot from running our shards.
#[allow(dead_code)] // held for its Drop
enum Held {
    File(DatabaseLock),
    Server(crate::store::ShardLocks),
}

/// SIGTERM (docker stop, systemd) or SIGINT (Ctrl-C).
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let (Ok(mut term), Ok(mut int)) = (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) else {
            let _ = tokio::signal::ctrl_c().await;
            return "interrupt";
        };
        tokio::select! {
            _ = term.recv() => "SIGTERM",
            _ = int.recv() => "SIGINT",
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "interrupt"
    }
}

/// A clean stop within about five seconds: no new answers, every accepted one committed,
/// "quiz paused" where quizzes run (they resume after the restart), then disconnect.
pub async fn shutdown(app: &App, shards: &Arc<serenity::ShardManager>) {
    app.start_draining();
    crate::runtime::live::pause_all(app, std::time::Duration::from_secs(3)).await;
    // The writer commits in order: once the checkpoint's empty job is through, everything
    // before it is; then the WAL is folded into the database file.
    if let Err(e) = app.store.checkpoint().await {
        tracing::error!(error = %e, "the last writes could not be committed or checkpointed");
    }
    let _ = tokio::time::timeout(std::time::Duration::from_secs(1), shards.shutdown_all()).await;
    tracing::info!("stopped");
}
