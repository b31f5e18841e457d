//! How many button interactions per second the simulator dispatches and accepts callbacks for,
//! with a trivial serenity bot (no framework, no work: an ephemeral "ok" per click).
//! Run: `cargo bench -p discord-sim --bench throughput` (release). Prints a table.

use std::sync::Arc;
use std::time::{Duration, Instant};

use discord_sim::{Sim, SimConfig};
use serenity::all::{
    ChannelId, Context, CreateActionRow, CreateAllowedMentions, CreateButton,
    CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage, EventHandler,
    GatewayIntents, HttpBuilder, Interaction,
};

struct Ack;

#[serenity::async_trait]
impl EventHandler for Ack {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Component(c) = interaction {
            let reply = CreateInteractionResponseMessage::new()
                .content("ok")
                .ephemeral(true);
            let _ = c
                .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
                .await;
        }
    }
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

async fn run(players: usize) {
    let sim = Sim::start(SimConfig::default()).await.expect("sim");
    let setup = sim.setup_guild("Bench", &["quiz"], players);
    let http = HttpBuilder::new(sim.token())
        .proxy(sim.api_url())
        .ratelimiter_disabled(true)
        .default_allowed_mentions(CreateAllowedMentions::new())
        .build();
    let mut client = serenity::all::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(Ack)
        .await
        .expect("client");
    let http = Arc::clone(&client.http);
    let _bot = tokio::spawn(async move {
        let _ = client.start().await;
    });
    sim.wait_until(Duration::from_secs(20), "the bot", |s| {
        s.bot_connected().then_some(())
    })
    .await
    .expect("bot connects");

    let buttons = (0..4)
        .map(|i| CreateButton::new(format!("b{i}")).label(format!("{i}")))
        .collect();
    let message = ChannelId::new(setup.channels[0])
        .send_message(
            &http,
            CreateMessage::new()
                .content("Q")
                .components(vec![CreateActionRow::Buttons(buttons)]),
        )
        .await
        .expect("post");

    let start = Instant::now();
    let mut handles = Vec::with_capacity(players);
    for (i, member) in setup.members.iter().enumerate() {
        handles.push(
            sim.click(*member, message.id.get(), &format!("b{}", i % 4))
                .expect("click"),
        );
    }
    let dispatched = start.elapsed();
    sim.wait_until(Duration::from_secs(120), "every callback", |s| {
        (s.responded_count() >= players as u64).then_some(())
    })
    .await
    .expect("all answered");
    let answered = start.elapsed();
    let mut latencies: Vec<f64> = sim
        .interactions()
        .iter()
        .filter_map(|r| r.latency_ms)
        .collect();
    latencies.sort_by(f64::total_cmp);
    println!(
        "{players:>7} {:>12.0} {:>12.0} {:>9.1} {:>9.1} {:>9.1} {:>6}",
        players as f64 / dispatched.as_secs_f64(),
        players as f64 / answered.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        latencies.last().copied().unwrap_or(f64::NAN),
        sim.violations().len(),
    );
    sim.shutdown();
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    println!("clicks fired back to back at one message; a trivial serenity bot answers each");
    println!("(ephemeral type 4). Rates are per second over the whole burst; latency is");
    println!("dispatch → callback at the simulator, in ms. Same process, 2 worker threads.\n");
    println!(
        "{:>7} {:>12} {:>12} {:>9} {:>9} {:>9} {:>6}",
        "clicks", "dispatched/s", "answered/s", "p50", "p99", "max", "viol."
    );
    for players in [1_000, 5_000, 10_000] {
        runtime.block_on(run(players));
    }
}
