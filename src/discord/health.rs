//! The gateway side of `/healthz` and the metrics: which of this process's shards are
//! connected now, and each one's heartbeat latency, read from serenity's shard manager.

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;

use crate::runtime::app::App;

/// How often the shard manager is read.
const EVERY: Duration = Duration::from_secs(1);

/// Keeps `app.gateway` and the shard gauges current until the bot shuts down. serenity keeps
/// a runner per live shard with its stage and latency; a shard being restarted has none
/// (then it counts as down).
pub fn watch_shards(
    app: Arc<App>,
    manager: Arc<serenity::ShardManager>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        while !app.draining() {
            ticks.tick().await;
            let runners: Vec<(u32, bool, Option<Duration>)> = {
                let runners = manager.runners.lock().await;
                app.ownership()
                    .shards()
                    .map(|s| {
                        let info = runners.get(&serenity::ShardId(s));
                        let up =
                            info.is_some_and(|i| i.stage == serenity::ConnectionStage::Connected);
                        (s, up, info.and_then(|i| i.latency))
                    })
                    .collect()
            };
            let mut gateway = app.gateway.lock();
            for (shard, up, latency) in runners {
                gateway.entry(shard).or_default().connected = up;
                let label = shard.to_string();
                metrics::gauge!("quizbot_shard_connected", "shard" => label.clone())
                    .set(f64::from(u8::from(up)));
                if let Some(l) = latency {
                    metrics::gauge!("quizbot_gateway_latency_seconds", "shard" => label)
                        .set(l.as_secs_f64());
                }
            }
        }
    })
}
