//! Shards as serenity meets them: READY echoes the shard, each guild's events reach only the
//! session of its shard, an out-of-range shard id is closed with 4010, an overfull session
//! with 4011, and identifies that come too fast for their bucket get op 9.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use common::{http, Mode, WAIT};
use discord_sim::log::Entry;
use discord_sim::{shard_of, Sharding, Sim, SimConfig};
use parking_lot::Mutex;
use poise::serenity_prelude as serenity;

/// What each shard of a client heard.
#[derive(Default)]
struct Heard {
    /// shard id → `[id, count]` from its READY.
    ready: BTreeMap<u32, [u32; 2]>,
    /// shard id → guild ids of its GUILD_CREATEs.
    guilds: BTreeMap<u32, Vec<u64>>,
    /// shard id → guild ids of its GUILD_ROLE_CREATEs.
    roles: BTreeMap<u32, Vec<u64>>,
}

struct Recorder(Arc<Mutex<Heard>>);

#[serenity::async_trait]
impl serenity::EventHandler for Recorder {
    async fn ready(&self, ctx: serenity::Context, ready: serenity::Ready) {
        if let Some(info) = ready.shard {
            self.0
                .lock()
                .ready
                .insert(ctx.shard_id.0, [info.id.0, info.total]);
        }
    }

    async fn guild_create(
        &self,
        ctx: serenity::Context,
        guild: serenity::Guild,
        _is_new: Option<bool>,
    ) {
        let mut heard = self.0.lock();
        heard
            .guilds
            .entry(ctx.shard_id.0)
            .or_default()
            .push(guild.id.get());
    }

    async fn guild_role_create(&self, ctx: serenity::Context, role: serenity::Role) {
        let mut heard = self.0.lock();
        heard
            .roles
            .entry(ctx.shard_id.0)
            .or_default()
            .push(role.guild_id.get());
    }
}

async fn sim_with(sharding: Sharding) -> Sim {
    Sim::start(SimConfig {
        sharding,
        ..SimConfig::default()
    })
    .await
    .expect("start the simulator")
}

/// A serenity client that records what it hears, running shards `first..=last` of `total`
/// (`start_shard_range`'s end is inclusive).
async fn client(sim: &Sim, first: u32, last: u32, total: u32) -> Arc<Mutex<Heard>> {
    let heard = Arc::new(Mutex::new(Heard::default()));
    let mut client = serenity::ClientBuilder::new_with_http(
        http(sim, Mode::Proxy),
        serenity::GatewayIntents::GUILDS,
    )
    .event_handler(Recorder(Arc::clone(&heard)))
    .await
    .expect("client");
    tokio::spawn(async move {
        let _ = client.start_shard_range(first..last, total).await;
    });
    heard
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_clients_split_four_shards_and_hear_only_their_guilds() {
    let sim = sim_with(Sharding {
        recommended: 4,
        max_concurrency: 4,
        ..Sharding::default()
    })
    .await;
    let guilds: Vec<u64> = (0..8)
        .map(|i| sim.add_guild_on_shard(&format!("g{i}"), i % 4, 4))
        .collect();
    let low = client(&sim, 0, 1, 4).await;
    let high = client(&sim, 2, 3, 4).await;
    sim.wait_until(WAIT, "four shards connected", |s| {
        (s.connected_shards() == (vec![0, 1, 2, 3], 4)).then_some(())
    })
    .await
    .unwrap();
    sim.wait_until(WAIT, "every guild delivered", |_| {
        let n = |h: &Arc<Mutex<Heard>>| h.lock().guilds.values().map(Vec::len).sum::<usize>();
        (n(&low) + n(&high) == 8).then_some(())
    })
    .await
    .unwrap();
    for (heard, shards) in [(&low, [0, 1]), (&high, [2, 3])] {
        let heard = heard.lock();
        assert_eq!(
            heard.ready.keys().copied().collect::<Vec<_>>(),
            shards.to_vec()
        );
        for (shard, info) in &heard.ready {
            assert_eq!(*info, [*shard, 4], "READY echoes the shard");
        }
        for (shard, ids) in &heard.guilds {
            assert_eq!(ids.len(), 2, "two guilds per shard");
            assert!(ids.iter().all(|g| shard_of(*g, 4) == *shard));
        }
    }
    // A role created in a guild of shard 3 reaches shard 3 of the second client only.
    sim.add_role(guilds[3], "Quiz Host", 0);
    sim.wait_until(WAIT, "the role event", |_| {
        (!high.lock().roles.is_empty()).then_some(())
    })
    .await
    .unwrap();
    assert_eq!(high.lock().roles.get(&3), Some(&vec![guilds[3]]));
    assert!(low.lock().roles.is_empty());
    let (per_shard, paced) = sim.identifies_per_shard();
    assert_eq!(per_shard, BTreeMap::from([(0, 1), (1, 1), (2, 1), (3, 1)]));
    assert_eq!(paced, 0, "four buckets: nobody identified too fast");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_id_out_of_range_is_closed_with_4010() {
    let sim = sim_with(Sharding::default()).await;
    sim.add_guild("g");
    let _heard = client(&sim, 2, 2, 2).await;
    sim.wait_until(WAIT, "close 4010", |s| {
        s.log()
            .iter()
            .any(|l| l.entry == Entry::GatewayClose { code: 4010 })
            .then_some(())
    })
    .await
    .unwrap();
    assert_eq!(sim.gateway_sessions().0, 0, "no session was created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_session_with_too_many_guilds_is_closed_with_4011() {
    let sim = sim_with(Sharding {
        max_guilds_per_session: 2,
        ..Sharding::default()
    })
    .await;
    for i in 0..3 {
        sim.add_guild(&format!("g{i}"));
    }
    let _heard = client(&sim, 0, 0, 1).await;
    sim.wait_until(WAIT, "close 4011", |s| {
        s.log()
            .iter()
            .any(|l| l.entry == Entry::GatewayClose { code: 4011 })
            .then_some(())
    })
    .await
    .unwrap();
    assert!(!sim.bot_connected());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identifies_too_fast_for_their_bucket_get_op_9_and_retry() {
    // One bucket: shards 0 and 1 of two clients started together cannot both identify at once.
    let sim = sim_with(Sharding {
        recommended: 2,
        max_concurrency: 1,
        identify_window: Duration::from_secs(2),
        ..Sharding::default()
    })
    .await;
    sim.add_guild_on_shard("a", 0, 2);
    sim.add_guild_on_shard("b", 1, 2);
    let _a = client(&sim, 0, 0, 2).await;
    let _b = client(&sim, 1, 1, 2).await;
    sim.wait_until(Duration::from_secs(60), "both shards connected", |s| {
        (s.connected_shards().0 == vec![0, 1]).then_some(())
    })
    .await
    .unwrap();
    let (per_shard, paced) = sim.identifies_per_shard();
    assert!(paced >= 1, "the second identify came too fast");
    assert_eq!(per_shard.values().sum::<u64>(), 2, "{per_shard:?}");
    assert!(sim.log().iter().any(|l| l.entry
        == Entry::GatewaySend {
            op: 9,
            t: None,
            s: None,
            compressed: false
        }));
}
