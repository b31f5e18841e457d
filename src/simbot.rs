//! The real bot, through the real serenity client, against the built-in Discord simulator —
//! in one process. Used by `quizbot rehearse`, the end-to-end tests and the benchmarks.

use std::sync::Arc;
use std::time::Duration;

use discord_sim::Sim;
use poise::serenity_prelude as serenity;

use crate::clock::Clock;
use crate::config::{Config, LiveConfig, Secret};
use crate::discord::{self, Endpoint};
use crate::library::Library;
use crate::runtime::app::App;
use crate::store::{Location, Store};

/// A bot connected to a simulator.
pub struct SimBot {
    pub app: Arc<App>,
    pub shards: Arc<serenity::ShardManager>,
    pub task: tokio::task::JoinHandle<Result<(), serenity::Error>>,
}

impl SimBot {
    /// Runs a scheduler pass that sees the clock as it is now, and waits (up to 30 s) for it.
    pub async fn tick(&self) -> anyhow::Result<()> {
        let target = self.app.scheduler.kick();
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while self.app.scheduler.done() < target {
            if tokio::time::Instant::now() >= deadline {
                anyhow::bail!("the scheduler did not run within 30 s");
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        Ok(())
    }

    pub async fn shutdown(self) {
        // Stops the scheduler (and refuses clicks) as `quizbot run` does on SIGTERM.
        self.app.start_draining();
        self.shards.shutdown_all().await;
        let _ = tokio::time::timeout(Duration::from_secs(5), self.task).await;
    }
}

/// A configuration for a bot that talks to a simulator: the given database and quizzes folder,
/// fast timers.
pub fn config(
    database: std::path::PathBuf,
    quizzes_dir: std::path::PathBuf,
    live: LiveConfig,
) -> Config {
    Config {
        token: Some(Secret::new("sim-token")),
        api_proxy: None,
        dev_guild: None,
        host_role: "Quiz Host".into(),
        request_timeout: crate::config::DEFAULT_REQUEST_TIMEOUT,
        shards: crate::config::ShardPlan::default(),
        metrics_listen: None,
        database,
        database_url: None,
        quizzes_dir,
        live,
        // The scheduler ticks at start-up and when kicked ([`SimBot::tick`]): tests move the
        // clock, then ask for a pass.
        study: crate::config::StudyConfig {
            tick: Duration::from_secs(3600),
            ..crate::config::StudyConfig::default()
        },
        log_filter: "warn".into(),
    }
}

/// Starts the bot against `sim` (TLS mode when the simulator serves HTTPS: serenity's own rate
/// limiter stays on; proxy mode otherwise) and waits until it is connected with its commands
/// registered.
pub async fn start(sim: &Sim, config: Config, clock: Arc<dyn Clock>) -> anyhow::Result<SimBot> {
    let location = match &config.database_url {
        Some(url) => Location::Server(url.clone()),
        None => Location::File(config.database.clone()),
    };
    let store = Store::connect(&location).await?;
    let library = Library::load(&config.quizzes_dir, store.clone());
    let token = Secret::new(sim.token());
    let endpoint = match sim.tls_client() {
        Some(client) => Endpoint::Client(client),
        None => Endpoint::Proxy(sim.api_url()),
    };
    let plan = config.shards;
    let app = App::new(config, store, library, clock);
    let mut client = discord::client(Arc::clone(&app), &token, endpoint).await?;
    // As `quizbot run` does: the shards the plan and the simulator's `/gateway/bot` give.
    let started = discord::shards::plan(&client.http, plan).await?;
    app.set_ownership(started.ownership);
    let shards = Arc::clone(&client.shard_manager);
    let ownership = started.ownership;
    let task = tokio::spawn(async move { discord::shards::start(&mut client, ownership).await });
    // Every shard of this process: serenity boots one per 5 s.
    let timeout = Duration::from_secs(30 + 6 * u64::from(ownership.last - ownership.first));
    sim.wait_until(timeout, "the bot's shards to connect", |s| {
        let (up, _) = s.connected_shards();
        ownership.shards().all(|id| up.contains(&id)).then_some(())
    })
    .await?;
    // With a shard range the simulator counts as ready only once every process is up.
    if ownership.everything() {
        sim.wait_ready(timeout).await?;
    }
    Ok(SimBot { app, shards, task })
}
