//! Many servers on four shards: `cargo bench --bench shards` (release).
//!
//! The bot is the real `quizbot run` in its own process (`shards = 4`, all four in it),
//! connected through `discord.api_proxy` to the simulator hosted here. Two scenes:
//!
//! 1. **Load**: G servers spread over 4 shards; Q of them run a live quiz at once, P players
//!    each answering every question (the clicks of a question spread over two seconds, then the
//!    hosts press `/quiz next`). Every click must be acknowledged ("Locked in") after its commit:
//!    the stored answers are counted against the acknowledgements. Prints ack p50/p99/max, the
//!    bot's CPU seconds and peak RSS, and its memory per idle server (RSS at rest with G servers
//!    against a bot with 10).
//! 2. **Start-up**: S servers on 4 shards: time from the process's start to every shard READY,
//!    and to every server's GUILD_CREATE taken in (its RSS settled).
//!
//! Environment: SHARDS_GUILDS (default 2000), SHARDS_QUIZZES (200), SHARDS_PLAYERS (20),
//! SHARDS_QUESTIONS (3), SHARDS_STARTUP_GUILDS (10000). Figures: docs/performance.md, "Shards".

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use discord_sim::driver::GuildSetup;
use discord_sim::{Sharding, Sim, SimConfig};

mod support;
use support::{cpu_seconds, peak_rss_mb, rss_mb};

const SHARDS: u32 = 4;
const WAIT: Duration = Duration::from_secs(180);

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    let guilds = env("SHARDS_GUILDS", 2000);
    let quizzes = env("SHARDS_QUIZZES", 200).min(guilds);
    let players = env("SHARDS_PLAYERS", 20);
    let questions = env("SHARDS_QUESTIONS", 3).clamp(1, 20);
    let startup = env("SHARDS_STARTUP_GUILDS", 10_000);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "shards: release build, {} CPUs, {SHARDS} shards in one process",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    let small = rt.block_on(idle_rss(10));
    rt.block_on(load(guilds, quizzes, players, questions, small));
    rt.block_on(start_up(startup, small));
}

fn quizzes_dir(dir: &Path, questions: usize) {
    let q = dir.join("quizzes");
    std::fs::create_dir_all(&q).unwrap();
    let mut toml = String::from("title = \"Shards bench\"\nquestion_seconds = 600\n");
    for i in 0..questions {
        toml.push_str(&format!(
            "\n[[questions]]\nprompt = \"Question {} of the bench: which option is right?\"\noptions = [\"first\", \"second\", \"third\", \"fourth\"]\nanswer = \"b\"\nexplanation = \"The second option is right.\"\n",
            i + 1
        ));
    }
    std::fs::write(q.join("bench.toml"), toml).unwrap();
}

fn spawn_bot(sim: &Sim, dir: &Path) -> Process {
    let config = dir.join("quizbot.toml");
    std::fs::write(
        &config,
        "[discord]\nshards = 4\n[live]\nstart_delay_seconds = 0.2\npause_seconds = 0.5\n",
    )
    .unwrap();
    Process(
        Command::new(env!("CARGO_BIN_EXE_quizbot"))
            .args(["--config", config.to_str().unwrap(), "run"])
            .env("DISCORD_TOKEN", sim.token())
            .env("QUIZBOT_API_PROXY", sim.api_url())
            .env("QUIZBOT_DATABASE", dir.join("quizbot.sqlite3"))
            .env("QUIZBOT_QUIZZES_DIR", dir.join("quizzes"))
            .env("RUST_LOG", "error")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the bot"),
    )
}

async fn four_shard_sim() -> Sim {
    Sim::start(SimConfig {
        sharding: Sharding {
            recommended: SHARDS,
            max_concurrency: SHARDS,
            ..Sharding::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

/// Waits for all shards connected and every guild's roles taken in (the process idle).
async fn connected(sim: &Sim) -> Duration {
    let t0 = Instant::now();
    sim.wait_until(WAIT, "all shards", |s| {
        (s.connected_shards().0.len() == SHARDS as usize).then_some(())
    })
    .await
    .unwrap();
    sim.wait_ready(WAIT).await.unwrap();
    t0.elapsed()
}

/// RSS at rest of a bot with `n` idle servers.
async fn idle_rss(n: usize) -> f64 {
    let sim = four_shard_sim().await;
    for i in 0..n {
        sim.setup_guild_on_shard(&format!("g{i}"), i as u32 % SHARDS, SHARDS, &["quiz"], 20);
    }
    let dir = tempfile::tempdir().unwrap();
    quizzes_dir(dir.path(), 1);
    let bot = spawn_bot(&sim, dir.path());
    connected(&sim).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    rss_mb(bot.0.id())
}

async fn load(guilds: usize, quizzes: usize, players: usize, questions: usize, small_rss: f64) {
    let sim = four_shard_sim().await;
    let setups: Vec<GuildSetup> = (0..guilds)
        .map(|i| {
            sim.setup_guild_on_shard(
                &format!("g{i}"),
                i as u32 % SHARDS,
                SHARDS,
                &["quiz"],
                players,
            )
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    quizzes_dir(dir.path(), questions);
    let bot = spawn_bot(&sim, dir.path());
    let pid = bot.0.id();
    connected(&sim).await;
    tokio::time::sleep(Duration::from_secs(3)).await;
    let idle = rss_mb(pid);
    let per_guild_kb = (idle - small_rss) * 1024.0 / (guilds - 10).max(1) as f64;
    println!(
        "idle: {guilds} servers, RSS {idle:.1} MB (10 servers: {small_rss:.1} MB) → {per_guild_kb:.1} KB per idle server"
    );

    let playing = &setups[..quizzes];
    let cpu0 = cpu_seconds(pid);
    let t0 = Instant::now();
    for g in playing {
        sim.command(
            g.owner,
            g.channels[0],
            "quiz start",
            &[("quiz", "bench".into())],
        )
        .unwrap();
    }
    let mut clicks = 0usize;
    for q in 0..questions {
        let title = format!("Question {} of {questions}", q + 1);
        let mut posted = Vec::with_capacity(quizzes);
        for g in playing {
            let m = sim
                .wait_message(g.channels[0], g.owner, WAIT, |m| {
                    m.embeds
                        .first()
                        .is_some_and(|e| e.title.starts_with(&title))
                })
                .await
                .unwrap_or_else(|e| panic!("{title} in {}: {e}", g.guild));
            posted.push(m);
        }
        // Every player of every quiz clicks, spread over two seconds.
        let total = quizzes * players;
        let start = Instant::now();
        let mut sent = 0;
        while sent < total {
            let due =
                ((start.elapsed().as_secs_f64() / 2.0 * total as f64) as usize + 1).min(total);
            while sent < due {
                let (quiz, player) = (sent % quizzes, sent / quizzes);
                let m = &posted[quiz];
                let id = m
                    .buttons()
                    .nth(sent % 4)
                    .and_then(|b| b.custom_id.clone())
                    .unwrap();
                sim.click(playing[quiz].members[player], m.id, &id).unwrap();
                sent += 1;
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        clicks += total;
        sim.wait_until(WAIT, "every click answered", |s| {
            let answered = s
                .interactions()
                .into_iter()
                .filter(|r| r.kind == 3 && r.response_kind.is_some())
                .count();
            (answered >= clicks).then_some(())
        })
        .await
        .unwrap();
        for g in playing {
            sim.command(g.owner, g.channels[0], "quiz next", &[])
                .unwrap();
        }
    }
    for g in playing {
        sim.wait_message(g.channels[0], g.owner, WAIT, |m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("🏆 Results"))
        })
        .await
        .unwrap();
    }
    let elapsed = t0.elapsed();
    let cpu = cpu_seconds(pid) - cpu0;
    let records: Vec<_> = sim
        .interactions()
        .into_iter()
        .filter(|r| r.kind == 3)
        .collect();
    let locked = records
        .iter()
        .filter(|r| {
            r.original
                .as_ref()
                .is_some_and(|m| m.content.starts_with("Locked in"))
        })
        .count();
    let late = records.iter().filter(|r| r.late).count();
    let mut lat: Vec<f64> = records.iter().filter_map(|r| r.latency_ms).collect();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        lat.get(((lat.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let stored: i64 = rusqlite::Connection::open(dir.path().join("quizbot.sqlite3"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    let peak = peak_rss_mb(pid);
    println!(
        "load: {quizzes} quizzes × {players} players × {questions} questions = {clicks} clicks on {guilds} servers / {SHARDS} shards"
    );
    println!(
        "  acknowledged \"Locked in\": {locked}/{clicks}, stored answers {stored}, late {late}; ack p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.99),
        lat.last().copied().unwrap_or(f64::NAN)
    );
    println!(
        "  whole run {:.1} s, bot CPU {cpu:.1} s ({:.0} % of one core), peak RSS {peak:.1} MB, violations {}",
        elapsed.as_secs_f64(),
        cpu / elapsed.as_secs_f64() * 100.0,
        sim.violations().len()
    );
    assert_eq!(locked, clicks, "every click acknowledged");
    assert_eq!(
        stored as usize, clicks,
        "every acknowledged answer stored once"
    );
}

async fn start_up(guilds: usize, small_rss: f64) {
    let sim = four_shard_sim().await;
    for i in 0..guilds {
        sim.setup_guild_on_shard(&format!("g{i}"), i as u32 % SHARDS, SHARDS, &["general"], 0);
    }
    let dir = tempfile::tempdir().unwrap();
    quizzes_dir(dir.path(), 1);
    let t0 = Instant::now();
    let bot = spawn_bot(&sim, dir.path());
    sim.wait_until(WAIT, "all shards READY", |s| {
        (s.connected_shards().0.len() == SHARDS as usize).then_some(())
    })
    .await
    .unwrap();
    let ready = t0.elapsed();
    sim.wait_ready(WAIT).await.unwrap();
    let registered = t0.elapsed();
    tokio::time::sleep(Duration::from_secs(3)).await;
    let (rss, peak) = (rss_mb(bot.0.id()), peak_rss_mb(bot.0.id()));
    println!(
        "start-up: {guilds} servers on {SHARDS} shards: every shard READY {:.1} s after the process started (serenity boots one shard per 5 s), commands registered at {:.1} s; RSS at rest {rss:.1} MB (peak {peak:.1}), {:.1} KB per idle server over the 10-server bot",
        ready.as_secs_f64(),
        registered.as_secs_f64(),
        (rss - small_rss) * 1024.0 / (guilds - 10).max(1) as f64
    );
}
