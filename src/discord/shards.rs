//! Starting the shards this process runs, and stopping for the gateway closes that no
//! reconnect can cure.
//!
//! serenity 0.12 reconnects for ever after 4010 (invalid shard) and 4011 (sharding required),
//! spending the bot's daily budget of 1,000 identifies; only 4004, 4013 and 4014 make
//! `Client::start` return. It reports the other two only in its log, so [`CloseWatch`], a
//! tracing layer, watches serenity's own error events for them and [`fatal_close`] resolves
//! with the reason; `quizbot run` then stops with exit code 1. The text it matches is
//! serenity 0.12.5's (pinned in Cargo.lock); tests/shards.rs fails if an upgrade changes it.

use std::ops::Range;
use std::sync::LazyLock;

use poise::serenity_prelude as serenity;
use tokio::sync::watch;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::Context;

use crate::game::shards::{Ownership, ShardCount, ShardPlan};

/// Why the shards cannot run as configured: a sentence for the operator.
#[derive(Debug, thiserror::Error)]
pub enum ShardError {
    #[error("Discord rejected the token")]
    Token,
    #[error("{0}")]
    Refused(String),
}

/// What `GET /gateway/bot` said, and what this process will run.
#[derive(Debug, Clone, Copy)]
pub struct Started {
    pub ownership: Ownership,
    pub recommended: u32,
    pub max_concurrency: u64,
}

/// Asks Discord how many shards it wants (`GET /gateway/bot`) and checks the plan against
/// it: fewer shards than recommended would be closed with 4011, and more shards to start
/// than identifies left today would leave some down for hours.
pub async fn plan(http: &serenity::Http, plan: ShardPlan) -> Result<Started, ShardError> {
    let gateway = http.get_bot_gateway().await.map_err(|e| {
        let unauthorized = matches!(
            &e,
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r))
                if r.status_code.as_u16() == 401
        );
        if unauthorized {
            ShardError::Token
        } else {
            ShardError::Refused(format!(
                "cannot ask Discord how many shards to run (GET /gateway/bot): {e}"
            ))
        }
    })?;
    let recommended = gateway.shards.max(1);
    if let ShardCount::Fixed(n) = plan.count {
        if recommended > n {
            return Err(ShardError::Refused(format!(
                "Discord recommends {recommended} shards for this bot, but discord.shards = {n}: \
                 its shards would hold more servers than Discord allows (gateway close 4011). Set \
                 discord.shards = {recommended} (or \"auto\"), re-split discord.shard_range over \
                 the processes, and start them again"
            )));
        }
    }
    let ownership = plan.resolve(recommended);
    let limit = gateway.session_start_limit;
    let starting = u64::from(ownership.last - ownership.first + 1);
    if limit.remaining < starting {
        return Err(ShardError::Refused(format!(
            "Discord allows {} more gateway connections today and {starting} shards would \
             start; the allowance ({} a day) renews in {} minutes",
            limit.remaining,
            limit.total,
            limit.reset_after.div_ceil(60_000)
        )));
    }
    Ok(Started {
        ownership,
        recommended,
        max_concurrency: limit.max_concurrency.max(1),
    })
}

/// serenity's `start_shard_range` takes a `Range` whose end it treats as *inclusive*
/// (`start_connection(range.start, range.end, total)` boots `end - start + 1` shards): the
/// range to pass for `first..=last` is `first..last`. Passing `first..last + 1` would start
/// one shard too many, owned by another process.
pub fn serenity_range(o: Ownership) -> (Range<u32>, u32) {
    (o.first..o.last, o.total)
}

/// Connects the shards this process runs. serenity boots them one per 5 s, which keeps
/// within any `max_concurrency` Discord gives (it allows that many per 5 s).
pub async fn start(client: &mut serenity::Client, o: Ownership) -> Result<(), serenity::Error> {
    let (range, total) = serenity_range(o);
    client.start_shard_range(range, total).await
}

static FATAL: LazyLock<watch::Sender<Option<String>>> = LazyLock::new(|| watch::channel(None).0);

/// Resolves with the reason once a shard was closed with 4010 or 4011.
pub async fn fatal_close() -> String {
    let mut rx = FATAL.subscribe();
    let reason = match rx.wait_for(Option::is_some).await {
        Ok(reason) => reason.clone(),
        // The sender is static: it never goes away.
        Err(_) => None,
    };
    match reason {
        Some(r) => r,
        None => std::future::pending().await,
    }
}

/// The reason for a serenity log line that reports a fatal close, if it is one.
fn classify(line: &str) -> Option<String> {
    if line.contains("OverloadedShard") || line.contains("Shard has too many guilds") {
        return Some(
            "Discord closed a shard with 4011 (sharding required): the bot is in more servers \
             than its shards may hold (2,500 each). Set discord.shards = \"auto\" or a larger \
             count, re-split discord.shard_range over the processes, and start again"
                .into(),
        );
    }
    if line.contains("InvalidShardData") || line.contains("Sent invalid shard data") {
        return Some(
            "Discord closed a shard with 4010 (invalid shard): it does not accept this shard id \
             or count. Check discord.shards and discord.shard_range (ids run from 0 to shards - 1) \
             and start again"
                .into(),
        );
    }
    None
}

/// A tracing layer over serenity's warnings and errors (see the module's note). It is added
/// beside the log output with its own filter, so it works whatever `RUST_LOG` says.
pub struct CloseWatch;

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for CloseWatch {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        let mut line = Message(String::new());
        event.record(&mut line);
        if let Some(reason) = classify(&line.0) {
            FATAL.send_if_modified(|v| {
                let first = v.is_none();
                if first {
                    *v = Some(reason);
                }
                first
            });
        }
    }
}

impl CloseWatch {
    /// The events the layer wants: serenity's, at warning level or above.
    pub fn filter() -> tracing_subscriber::filter::Targets {
        tracing_subscriber::filter::Targets::new().with_target("serenity", tracing::Level::WARN)
    }
}

struct Message(String);

impl Visit for Message {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            self.0 = format!("{value:?}");
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            self.0 = value.to_string();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_range_given_to_serenity_starts_exactly_the_owned_shards() {
        let o = ShardPlan::new(ShardCount::Fixed(4), Some("2-3"))
            .unwrap()
            .resolve(4);
        let (range, total) = serenity_range(o);
        // serenity boots start..=end: two shards, 2 and 3.
        assert_eq!((range.start, range.end, total), (2, 3, 4));
        assert_eq!(range.end - range.start + 1, 2);
        let one = ShardPlan::default().resolve(1);
        assert_eq!(serenity_range(one), (0..0, 1));
    }

    #[test]
    fn serenity_lines_for_4010_and_4011_are_recognised_and_others_not() {
        assert!(
            classify("Shard handler received err: Gateway(OverloadedShard)")
                .unwrap()
                .contains("4011")
        );
        assert!(
            classify("Shard handler received err: Gateway(InvalidShardData)")
                .unwrap()
                .contains("4010")
        );
        assert!(classify("Shard handler received err: Gateway(Closed(None))").is_none());
    }
}
