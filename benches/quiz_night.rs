//! Quiz-night scale: P players all click within one second on one question.
//!
//! `cargo bench --bench quiz_night` (release). The bot is the real `quizbot run` in its own
//! process, connected through `discord.api_proxy` to the simulator hosted here; the floor is the
//! same burst against a minimal serenity bot that only acknowledges (this program re-executed).
//! Prints a table per run and medians; see docs/performance.md.
//!
//! Environment: QUIZ_NIGHT_PLAYERS (default "1000,5000,10000"), QUIZ_NIGHT_RUNS (default 5),
//! QUIZ_NIGHT_ANSWERS (leaderboard seed size, default 1000000; 0 skips it),
//! QUIZ_NIGHT_LATENCY_MS (round trips to simulate between the bots and the simulator, default
//! "0"; e.g. "0,50,100,150" — Discord answers in tens to hundreds of ms, loopback in µs),
//! QUIZ_NIGHT_SHAPES (which questions burst, default "buttons,multi,typed": letter buttons, a
//! multi-select question answered in its select menu, and a typed answer — the Answer button
//! opens a modal, and the submitted text is what is acknowledged and timed),
//! QUIZ_NIGHT_DATABASES (default "sqlite"; "sqlite,postgres" runs the bot on each, in the same
//! run, and the leaderboard on each; PostgreSQL needs QUIZBOT_TEST_POSTGRES, an admin URL —
//! `eval "$(bash .ci/postgres start)"` — and gets a new database per run).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use discord_sim::log::Entry;

#[path = "../tests/postgres/mod.rs"]
mod postgres;
mod support;
use discord_sim::{Sim, SimConfig};
use poise::serenity_prelude as serenity;
use support::{cpu_seconds, peak_rss_mb};

const FLOOR_ENV: &str = "QUIZ_NIGHT_FLOOR_BOT";

fn main() {
    if std::env::var(FLOOR_ENV).is_ok() {
        floor_bot();
        return;
    }
    let players: Vec<usize> = std::env::var("QUIZ_NIGHT_PLAYERS")
        .unwrap_or_else(|_| "1000,5000,10000".into())
        .split(',')
        .filter_map(|p| p.trim().parse().ok())
        .collect();
    let runs: usize = std::env::var("QUIZ_NIGHT_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let answers: usize = std::env::var("QUIZ_NIGHT_ANSWERS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(1_000_000);
    let shapes: Vec<Shape> = std::env::var("QUIZ_NIGHT_SHAPES")
        .unwrap_or_else(|_| "buttons,multi,typed".into())
        .split(',')
        .filter_map(|s| match s.trim() {
            "buttons" => Some(Shape::Buttons),
            "multi" => Some(Shape::Multi),
            "typed" => Some(Shape::Typed),
            _ => None,
        })
        .collect();
    let latencies: Vec<u64> = std::env::var("QUIZ_NIGHT_LATENCY_MS")
        .unwrap_or_else(|_| "0".into())
        .split(',')
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    let databases: Vec<Database> = std::env::var("QUIZ_NIGHT_DATABASES")
        .unwrap_or_else(|_| "sqlite".into())
        .split(',')
        .filter_map(|d| match d.trim() {
            "sqlite" => Some(Database::Sqlite),
            "postgres" => Some(Database::Postgres),
            _ => None,
        })
        .collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    println!(
        "quiz night: {runs} run(s) per size, release build, this machine: {} CPUs",
        num_cpus()
    );
    for &shape in &shapes {
        for &latency in &latencies {
            for &p in &players {
                for &db in &databases {
                    let mut bot_runs = Vec::new();
                    let mut floor_runs = Vec::new();
                    for run in 0..runs {
                        let b = rt.block_on(burst(p, Kind::Bot, shape, latency, db));
                        println!(
                            "{shape:?} {db:?} L={latency:>3} ms P={p:>6} run {} bot   {}",
                            run + 1,
                            b.line()
                        );
                        bot_runs.push(b);
                        let f = rt.block_on(burst(p, Kind::Floor, shape, latency, db));
                        println!(
                            "{shape:?} {db:?} L={latency:>3} ms P={p:>6} run {} floor {}",
                            run + 1,
                            f.line()
                        );
                        floor_runs.push(f);
                    }
                    println!("\n{shape:?} on {db:?}:");
                    summary(p, latency, &bot_runs, &floor_runs);
                }
            }
        }
    }
    if answers > 0 {
        for &db in &databases {
            rt.block_on(leaderboard(answers, db));
        }
    }
}

fn num_cpus() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The question the players answer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Shape {
    /// Letter buttons: one option each.
    Buttons,
    /// A multi-select question: each player picks a set in the select menu.
    Multi,
    /// A typed answer: each player presses Answer and submits the box it opens.
    Typed,
}

impl Shape {
    fn quiz_id(self) -> &'static str {
        match self {
            Shape::Buttons => "bench",
            Shape::Multi => "bench-multi",
            Shape::Typed => "bench-typed",
        }
    }
}

/// Where the bot keeps its data.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Database {
    Sqlite,
    Postgres,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Bot,
    Floor,
}

#[derive(Debug, Clone, Default)]
struct Run {
    sent: usize,
    acked: usize,
    late: usize,
    p50: f64,
    p99: f64,
    max: f64,
    committed: usize,
    cpu_s: f64,
    /// CPU of this process (the simulator and the click driver) over the same span.
    sim_cpu_s: f64,
    peak_rss_mb: f64,
    other_rest: usize,
    message_429s: usize,
    count_edits: usize,
    min_edit_gap_ms: f64,
    reveal_ms: f64,
    results_ms: f64,
    results_chars: usize,
    violations: usize,
}

impl Run {
    fn line(&self) -> String {
        format!(
            "acked {}/{} late {} p50 {:.1} p99 {:.1} max {:.1} ms | committed {} | cpu {:.2} s ({:.3} s/1k, simulator {:.2} s) rss {:.1} MB | other REST {} 429s {} edits {} (min gap {:.0} ms) | reveal {:.0} ms results {:.0} ms ({} chars) | violations {}",
            self.acked, self.sent, self.late, self.p50, self.p99, self.max, self.committed, self.cpu_s,
            self.cpu_s * 1000.0 / self.sent.max(1) as f64, self.sim_cpu_s, self.peak_rss_mb, self.other_rest, self.message_429s,
            self.count_edits, self.min_edit_gap_ms, self.reveal_ms, self.results_ms, self.results_chars, self.violations
        )
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn summary(p: usize, latency: u64, bot: &[Run], floor: &[Run]) {
    let m = |runs: &[Run], f: fn(&Run) -> f64| median(runs.iter().map(f).collect());
    let bot_p99 = m(bot, |r| r.p99);
    let floor_p99 = m(floor, |r| r.p99);
    println!("\n| L ms | P | acked / sent | late | lost | p50 ms | p99 ms | max ms | floor p99 ms | p99 / floor | committed | CPU s per 1k | peak RSS MB | other REST | 429s | count edits | reveal ms | results ms |");
    println!("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    println!(
        "| {latency} | {p} | {:.0} / {p} | {:.0} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.2} | {:.0} | {:.3} | {:.1} | {:.0} | {:.0} | {:.0} | {:.0} | {:.0} |\n",
        m(bot, |r| r.acked as f64),
        m(bot, |r| r.late as f64),
        m(bot, |r| (r.sent - r.committed) as f64),
        m(bot, |r| r.p50),
        bot_p99,
        m(bot, |r| r.max),
        floor_p99,
        bot_p99 / floor_p99,
        m(bot, |r| r.committed as f64),
        m(bot, |r| r.cpu_s * 1000.0 / r.sent.max(1) as f64),
        m(bot, |r| r.peak_rss_mb),
        m(bot, |r| r.other_rest as f64),
        m(bot, |r| r.message_429s as f64),
        m(bot, |r| r.count_edits as f64),
        m(bot, |r| r.reveal_ms),
        m(bot, |r| r.results_ms),
    );
    println!(
        "floor medians: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms, CPU {:.3} s per 1k, peak RSS {:.1} MB; simulator CPU during the bot's burst {:.2} s\n",
        m(floor, |r| r.p50),
        floor_p99,
        m(floor, |r| r.max),
        m(floor, |r| r.cpu_s * 1000.0 / r.sent.max(1) as f64),
        m(floor, |r| r.peak_rss_mb),
        m(bot, |r| r.sim_cpu_s)
    );
}

struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn bench_dir(dir: &Path) -> PathBuf {
    let quizzes = dir.join("quizzes");
    std::fs::create_dir_all(&quizzes).unwrap();
    // One question, as long as the seed's first one: what the clicks carry matters.
    std::fs::write(
        quizzes.join("bench.toml"),
        r#"title = "Day 42 Quiz: Attention Mechanisms Deep Dive"
question_seconds = 600

[[questions]]
prompt = "What is the key difference between self-attention and cross-attention?"
options = [
  "Self-attention uses different weight matrices for Q, K, V",
  "Cross-attention allows positions in one sequence to attend to positions in another sequence",
  "Self-attention is only used in encoders, cross-attention only in decoders",
  "Cross-attention requires positional encoding, self-attention does not",
]
answer = "b"
explanation = "Cross-attention enables alignment between different sequences (e.g., source and target in translation), where queries come from one sequence and keys/values from another."
"#,
    )
    .unwrap();
    std::fs::write(
        quizzes.join("bench-multi.toml"),
        r#"title = "Day 42 Quiz: Attention Mechanisms Deep Dive"
question_seconds = 600

[[questions]]
prompt = "Which of these are true of multi-head attention? Select all that apply."
options = [
  "Each head learns its own Q, K and V projections",
  "The heads' outputs are concatenated and projected",
  "Every head must attend to the same positions",
  "It removes the need for positional encoding",
]
answers = ["a", "b"]
explanation = "Heads project separately and attend to different positions; their outputs are concatenated and projected back to the model's width."
"#,
    )
    .unwrap();
    std::fs::write(
        quizzes.join("bench-typed.toml"),
        r#"title = "Day 42 Quiz: Attention Mechanisms Deep Dive"
question_seconds = 600

[[questions]]
prompt = "Which function turns attention scores into weights that sum to one?"
accepted = ["softmax", "the softmax function"]
explanation = "Softmax exponentiates each score and divides by the sum, so the weights are positive and add up to one."
"#,
    )
    .unwrap();
    let config = dir.join("quizbot.toml");
    std::fs::write(
        &config,
        "[live]\nstart_delay_seconds = 0.2\npause_seconds = 1\n",
    )
    .unwrap();
    config
}

async fn burst(
    players: usize,
    kind: Kind,
    shape: Shape,
    latency_ms: u64,
    database: Database,
) -> Run {
    let sim = Sim::start(SimConfig {
        latency_ms,
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let setup = sim.setup_guild("Quiz Night", &["quiz"], players);
    let channel = setup.channels[0];
    let dir = tempfile::tempdir().unwrap();
    let config = bench_dir(dir.path());
    let db = dir.path().join("quizbot.sqlite3");
    let url = match (kind, database) {
        (Kind::Bot, Database::Postgres) => Some(
            postgres::fresh_database("quiz_night")
                .await
                .expect("QUIZBOT_TEST_POSTGRES names the server"),
        ),
        _ => None,
    };
    let mut command = match kind {
        Kind::Bot => {
            let mut c = Command::new(env!("CARGO_BIN_EXE_quizbot"));
            c.args(["--config", config.to_str().unwrap(), "run"])
                .env("QUIZBOT_DATABASE", &db)
                .env("QUIZBOT_QUIZZES_DIR", dir.path().join("quizzes"));
            if let Some(url) = &url {
                c.env("QUIZBOT_DATABASE_URL", url);
            }
            c
        }
        Kind::Floor => {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.env(FLOOR_ENV, "1");
            c
        }
    };
    command
        .env("DISCORD_TOKEN", sim.token())
        .env("QUIZBOT_API_PROXY", sim.api_url())
        .env("RUST_LOG", "error")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let child = Process(command.spawn().expect("start the bot"));
    let pid = child.0.id();
    let wait = Duration::from_secs(60);

    let message = match kind {
        Kind::Bot => {
            sim.wait_ready(wait).await.expect("the bot connects");
            let h = sim
                .command(
                    setup.owner,
                    channel,
                    "quiz start",
                    &[("quiz", shape.quiz_id().into())],
                )
                .unwrap();
            sim.wait_response(&h, wait).await.unwrap();
            sim.wait_message(channel, setup.owner, wait, |m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.starts_with("Question 1"))
            })
            .await
            .unwrap()
        }
        Kind::Floor => {
            sim.wait_until(wait, "the floor bot", |s| s.bot_connected().then_some(()))
                .await
                .unwrap();
            let http = serenity::HttpBuilder::new(sim.token())
                .proxy(sim.api_url())
                .ratelimiter_disabled(true)
                .default_allowed_mentions(serenity::CreateAllowedMentions::new())
                .build();
            // The very question message the bot posts, so that every click carries the same
            // payload (serenity decodes the whole message with each click).
            let quiz = quizbot::quiz::check_file(
                &dir.path().join(format!("quizzes/{}.toml", shape.quiz_id())),
                &quizbot::render::preflight::DiscordFit,
            )
            .quiz
            .unwrap();
            let view = quizbot::render::question::question(&quizbot::render::question::Card {
                quiz_title: &quiz.title,
                question: &quiz.questions[0],
                position: 1,
                total: 1,
                session: 1,
                closes_at: 1_800_000_000,
                answered: 0,
            });
            let m = serenity::ChannelId::new(channel)
                .send_message(
                    &http,
                    quizbot::discord::convert::create_message(view, Vec::new()),
                )
                .await
                .unwrap();
            sim.message(m.id.get()).unwrap()
        }
    };
    let ids: Vec<String> = message
        .buttons()
        .filter_map(|b| b.custom_id.clone())
        .chain(message.selects.iter().map(|s| s.custom_id.clone()))
        .collect();
    // The sets picked in the menu, in turn: right, one short, one too many, another.
    const SETS: [&[&str]; 4] = [&["0", "1"], &["0"], &["0", "1", "2"], &["2", "3"]];
    // Typed answers, in turn: right, right with a slip, wrong, right in other words.
    const TYPED: [&str; 4] = ["Softmax", "sofmax", "sigmoid", "the softmax function"];
    // A typed answer is two interactions: the press (answered with a modal) and the submit.
    let per_player = if shape == Shape::Typed { 2 } else { 1 };
    // What is acknowledged after a commit: a click or a choice (3), a submitted box (5).
    let answer_kind = if shape == Shape::Typed { 5 } else { 3 };
    let log_start = sim.log().len();
    let cpu_before = cpu_seconds(pid);
    let sim_cpu_before = cpu_seconds(std::process::id());
    let responded_before = sim.responded_count();

    // P clicks spread evenly over one second.
    let start = Instant::now();
    let mut sent = 0;
    while sent < players {
        let due = ((start.elapsed().as_secs_f64() * players as f64) as usize + 1).min(players);
        while sent < due {
            let member = setup.members[sent];
            match shape {
                Shape::Buttons => {
                    sim.click(member, message.id, &ids[sent % ids.len()])
                        .expect("click");
                }
                Shape::Multi => {
                    sim.select(member, message.id, &ids[0], SETS[sent % SETS.len()])
                        .expect("select");
                }
                Shape::Typed => {
                    // Press Answer; type into the box as soon as it opens (a person takes a
                    // few seconds, which only spreads the submissions out).
                    let pressed = sim.click(member, message.id, &ids[0]).expect("press");
                    let (sim, text) = (sim.clone(), TYPED[sent % TYPED.len()]);
                    tokio::spawn(async move {
                        if sim
                            .wait_response(&pressed, Duration::from_secs(60))
                            .await
                            .is_ok()
                        {
                            let _ = sim.submit_modal(member, &pressed, &[("answer", text)]);
                        }
                    });
                }
            }
            sent += 1;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let target = responded_before + (players * per_player) as u64;
    let _ = sim
        .wait_until(Duration::from_secs(120), "every ack", |s| {
            (s.responded_count() >= target).then_some(())
        })
        .await;
    // Let a last count edit land, then measure.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let cpu_s = cpu_seconds(pid) - cpu_before;
    let sim_cpu_s = cpu_seconds(std::process::id()) - sim_cpu_before;

    let clicks: Vec<_> = sim
        .interactions()
        .into_iter()
        .filter(|r| r.kind == answer_kind)
        .collect();
    let mut latencies: Vec<f64> = clicks
        .iter()
        .filter(|r| !r.late)
        .filter_map(|r| r.latency_ms)
        .collect();
    latencies.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * p).round() as usize)
            .copied()
            .unwrap_or(f64::NAN)
    };
    let log = sim.log();
    let during = &log[log_start..];
    let question_path = format!("/channels/{channel}/messages/{}", message.id);
    let mut other_rest = 0;
    let mut message_429s = 0;
    let mut edit_times = Vec::new();
    for l in during {
        if let Entry::Rest {
            method,
            path,
            status,
            ..
        } = &l.entry
        {
            if !path.starts_with("/interactions/") {
                other_rest += 1;
                if path.starts_with("/channels/") && *status == 429 {
                    message_429s += 1;
                }
                if method == "PATCH" && *path == question_path {
                    edit_times.push(l.at_ms);
                }
            }
        }
    }
    let min_edit_gap_ms = edit_times
        .windows(2)
        .map(|w| w[1] - w[0])
        .fold(f64::INFINITY, f64::min);
    let mut run = Run {
        sent: players,
        acked: clicks
            .iter()
            .filter(|r| r.response_kind.is_some() && !r.late)
            .count(),
        late: clicks.iter().filter(|r| r.late).count(),
        p50: pct(0.5),
        p99: pct(0.99),
        max: latencies.last().copied().unwrap_or(f64::NAN),
        committed: players,
        cpu_s,
        sim_cpu_s,
        peak_rss_mb: peak_rss_mb(pid),
        other_rest,
        message_429s,
        count_edits: edit_times.len(),
        min_edit_gap_ms,
        ..Run::default()
    };
    if kind == Kind::Bot {
        run.committed = match &url {
            Some(url) => postgres::numbers(url, "SELECT COUNT(*) FROM answers").await[0] as usize,
            None => rusqlite::Connection::open(&db)
                .and_then(|c| {
                    c.query_row("SELECT COUNT(*) FROM answers", [], |r| r.get::<_, i64>(0))
                })
                .map_or(0, |n| n as usize),
        };
        // Question end → reveal edit, and the results message for P players.
        let t0 = Instant::now();
        sim.command(setup.owner, channel, "quiz next", &[]).unwrap();
        sim.wait_until(wait, "the reveal", |s| {
            s.message(message.id)
                .filter(|m| m.buttons().all(|b| b.disabled) && m.selects.iter().all(|s| s.disabled))
                .map(|_| ())
        })
        .await
        .unwrap();
        run.reveal_ms = t0.elapsed().as_secs_f64() * 1000.0;
        let results = sim
            .wait_message(channel, setup.owner, wait, |m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.starts_with("🏆 Results"))
            })
            .await
            .unwrap();
        run.results_ms = t0.elapsed().as_secs_f64() * 1000.0;
        run.results_chars = results.embeds[0].description.chars().count();
        run.peak_rss_mb = peak_rss_mb(pid);
    }
    run.violations = sim.violations().len();
    drop(child);
    sim.shutdown();
    run
}

/// The floor: a serenity bot that acknowledges every click with an ephemeral "ok", nothing else.
fn floor_bot() {
    struct Ack;
    #[serenity::async_trait]
    impl serenity::EventHandler for Ack {
        async fn interaction_create(
            &self,
            ctx: serenity::Context,
            interaction: serenity::Interaction,
        ) {
            let reply = serenity::CreateInteractionResponse::Message(
                serenity::CreateInteractionResponseMessage::new()
                    .content("ok")
                    .ephemeral(true),
            );
            match interaction {
                // The Answer button of a typed question: the same box the bot opens.
                serenity::Interaction::Component(c) if c.data.custom_id.starts_with("t:") => {
                    let modal = quizbot::discord::convert::modal(
                        &quizbot::render::question::answer_modal("tm:1:0".into(), "Question 1"),
                    );
                    let _ = c
                        .create_response(
                            &ctx.http,
                            serenity::CreateInteractionResponse::Modal(modal),
                        )
                        .await;
                }
                serenity::Interaction::Component(c) => {
                    let _ = c.create_response(&ctx.http, reply).await;
                }
                serenity::Interaction::Modal(m) => {
                    let _ = m.create_response(&ctx.http, reply).await;
                }
                _ => {}
            }
        }
    }
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let token = std::env::var("DISCORD_TOKEN").unwrap();
        let proxy = std::env::var("QUIZBOT_API_PROXY").unwrap();
        let http = serenity::HttpBuilder::new(token)
            .proxy(proxy)
            .ratelimiter_disabled(true)
            .default_allowed_mentions(serenity::CreateAllowedMentions::new())
            .build();
        let mut client =
            serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
                .event_handler(Ack)
                .await
                .unwrap();
        let _ = client.start().await;
    });
}

/// `/leaderboard` with `answers` answers stored: the store's own queries, timed. The data is
/// seeded into SQLite; for PostgreSQL it is then moved there by `migrate-db`'s copy (timed).
async fn leaderboard(answers: usize, database: Database) {
    use quizbot::store::Store;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.sqlite3");
    drop(Store::open(&path).unwrap());
    let players = 20_000usize;
    let per_session = 10 * 50; // 10 questions × 50 players
    let sessions = answers.div_ceil(per_session);
    let seeded = Instant::now();
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        conn.pragma_update(None, "synchronous", "OFF").unwrap();
        let tx = conn.transaction().unwrap();
        let mut x: u64 = 42;
        let mut rnd = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        {
            let mut session = tx.prepare("INSERT INTO sessions (id, guild_id, channel_id, host_id, quiz_id, quiz_json, question_order, scoring, streak_bonus, allow_change, seconds, state, started_at, finished_at) VALUES (?1, 1, 1, 1, ?2, '{}', '[]', 'speed', 1, 0, 20, 'finished', ?3, ?3)").unwrap();
            let mut answer = tx.prepare("INSERT INTO answers (session_id, position, user_id, choice, correct, elapsed_ms, points, answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)").unwrap();
            let mut n = 0;
            'outer: for s in 0..sessions {
                let at = 1_700_000_000_000i64 + s as i64 * 3_600_000;
                session
                    .execute(rusqlite::params![
                        s as i64 + 1,
                        format!("quiz-{}", s % 40),
                        at
                    ])
                    .unwrap();
                let first = (rnd() % players as u64) as i64;
                for q in 0..10 {
                    for p in 0..50 {
                        if n == answers {
                            break 'outer;
                        }
                        let correct = rnd() % 3 != 0;
                        let ms = (rnd() % 20_000) as i64;
                        answer
                            .execute(rusqlite::params![
                                s as i64 + 1,
                                q,
                                (first + p * 397) % players as i64 + 1,
                                1,
                                correct,
                                ms,
                                if correct { 1000 - ms / 40 } else { 0 },
                                at + q * 30_000
                            ])
                            .unwrap();
                        n += 1;
                    }
                }
            }
        }
        tx.execute_batch(
            "INSERT INTO players (guild_id, user_id, name, seen_at) SELECT DISTINCT 1, user_id, 'player' || user_id, 0 FROM answers;
             INSERT INTO board_totals (guild_id, board, user_id, points, answered, correct, correct_ms, quizzes)
               SELECT 1, 'all', user_id, SUM(points), COUNT(*), SUM(correct), SUM(CASE WHEN correct THEN elapsed_ms ELSE 0 END), COUNT(DISTINCT session_id) FROM answers GROUP BY user_id;
             INSERT INTO board_totals (guild_id, board, user_id, points, answered, correct, correct_ms, quizzes)
               SELECT 1, 'm:' || strftime('%Y-%m', answered_at / 1000, 'unixepoch'), user_id, SUM(points), COUNT(*), SUM(correct), SUM(CASE WHEN correct THEN elapsed_ms ELSE 0 END), COUNT(DISTINCT session_id)
               FROM answers GROUP BY 2, user_id;",
        )
        .unwrap();
        tx.commit().unwrap();
    }
    let boards: i64 = rusqlite::Connection::open(&path)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM board_totals", [], |r| r.get(0))
        .unwrap();
    let seeded = seeded.elapsed().as_secs_f64();
    let store = match database {
        Database::Sqlite => Store::open(&path).unwrap(),
        Database::Postgres => {
            let url = postgres::fresh_database("leaderboard")
                .await
                .expect("QUIZBOT_TEST_POSTGRES names the server");
            let pg = quizbot::store::PgStore::connect(&url).await.unwrap();
            let t = Instant::now();
            let copied = quizbot::store::copy_from_sqlite(&path, &pg).await.unwrap();
            let rows: u64 = copied.iter().map(|c| c.inserted).sum();
            println!(
                "\nmigrate-db: {rows} rows copied from SQLite to PostgreSQL in {:.1} s",
                t.elapsed().as_secs_f64()
            );
            // Fresh statistics, as autovacuum gives a real database soon after a bulk load.
            postgres::numbers(&url, "ANALYZE").await;
            Store::from(pg)
        }
    };
    println!(
        "\nleaderboard on {database:?}: {answers} answers, {players} players, {boards} board rows (seeded in {seeded:.1} s)"
    );
    for board in ["all", "m:2023-12"] {
        let mut times = Vec::with_capacity(1000);
        for i in 0..1000u64 {
            let t = Instant::now();
            let top = store.leaderboard(1, board.to_string(), 10).await.unwrap();
            let mine = store
                .board_entry(1, board.to_string(), i * 13 % players as u64 + 1)
                .await
                .unwrap();
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            assert!(top.len() == 10 || board != "all");
            let _ = mine;
        }
        times.sort_by(f64::total_cmp);
        println!(
            "  /leaderboard board {board:<10}: top 10 + the caller's rank, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (1000 queries)",
            times[500], times[990], times[999]
        );
    }
    let _ = Arc::new(());
}
