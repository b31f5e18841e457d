//! Shards with the real binary: two `quizbot run` processes splitting four shards over one
//! SQLite file (quizzes run where their server's shard is, a daily schedule posts once, a burst
//! of clicks in both at once loses and doubles nothing, a killed process leaves the other
//! alone and resumes its own), and the start-up guard — fewer shards than Discord recommends,
//! a 4011 or 4010 close, a range past the count — each ending in a clear exit 1.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use discord_sim::driver::GuildSetup;
use discord_sim::log::Entry;
use discord_sim::{Sharding, Sim, SimConfig};

mod process;
use process::{button, locked_in, titled, titled_count, Bot, WAIT};

/// `quizbot run` against the simulator on the database in `dir`, with these extra variables.
fn command(sim: &Sim, dir: &Path, env: &[(&str, &str)]) -> Command {
    let mut c = process::quizbot_run(sim, dir, process::LIVE);
    for (k, v) in env {
        c.env(k, v);
    }
    c
}

/// One of the two processes: shards `range` of 4.
fn start_half(sim: &Sim, dir: &Path, range: &str) -> Bot {
    Bot(command(
        sim,
        dir,
        &[("QUIZBOT_SHARDS", "4"), ("QUIZBOT_SHARD_RANGE", range)],
    )
    .stdout(Stdio::null())
    .stderr(std::fs::File::create(dir.join(format!("bot-{range}.log"))).unwrap())
    .spawn()
    .expect("start quizbot"))
}

/// Runs the bot until it exits (at most `WAIT`); its exit code and stderr.
async fn run_to_exit(mut c: Command) -> (Option<i32>, String) {
    let child = c
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start quizbot");
    let waited = tokio::task::spawn_blocking(move || {
        let mut child = child;
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            if let Ok(Some(_)) = child.try_wait() {
                break;
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    (
        waited.status.code(),
        String::from_utf8_lossy(&waited.stderr).into_owned(),
    )
}

async fn wait_shards(sim: &Sim, want: &[u32], dir: &Path) {
    sim.wait_until(WAIT, "the shards to connect", |s| {
        let (up, _) = s.connected_shards();
        want.iter().all(|id| up.contains(id)).then_some(())
    })
    .await
    .unwrap_or_else(|e| panic!("shards {want:?}: {e}\n{}", process::shard_logs(dir)));
}

async fn reply(sim: &Sim, user: u64, channel: u64, name: &str, args: &[(&str, discord_sim::Arg)]) {
    let h = sim.command(user, channel, name, args).unwrap();
    assert!(h.delivered, "{name} reached a connected shard");
    sim.wait_until(WAIT, "a reply", |s| {
        s.interaction(h.id)
            .and_then(|r| r.original)
            .filter(|m| !m.loading)
    })
    .await
    .unwrap();
}

fn db(dir: &Path) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(dir.join("quizbot.sqlite3")).unwrap();
    conn.busy_timeout(Duration::from_secs(10)).unwrap();
    conn
}

/// A daily assignment due at the current UTC minute, created yesterday: due at once.
fn schedule_now(dir: &Path, g: &GuildSetup) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    let secs = now.as_secs();
    let time = format!("{:02}:{:02}", secs / 3600 % 24, secs / 60 % 60);
    let yesterday = now.as_millis() as i64 - 86_400_000;
    db(dir)
        .execute(
            "INSERT INTO schedules (guild_id, channel_id, host_id, target, local_time, timezone, mode, due_minutes, created_at)
             VALUES (?1, ?2, ?3, 'two-questions', ?4, 'UTC', 'assignment', 120, ?5)",
            rusqlite::params![g.guild as i64, g.channels[0] as i64, g.owner as i64, time, yesterday],
        )
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_processes_split_four_shards_over_one_database() {
    let sim = Sim::start(SimConfig {
        sharding: Sharding {
            recommended: 4,
            max_concurrency: 4,
            ..Sharding::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let guilds: Vec<GuildSetup> = (0..4)
        .map(|shard| sim.setup_guild_on_shard(&format!("Club {shard}"), shard, 4, &["quiz"], 150))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut low = start_half(&sim, dir.path(), "0-1");
    let _high = start_half(&sim, dir.path(), "2-3");
    wait_shards(&sim, &[0, 1, 2, 3], dir.path()).await;
    sim.wait_ready(WAIT).await.unwrap();
    let (per_shard, _) = sim.identifies_per_shard();
    assert_eq!(
        per_shard.values().copied().collect::<Vec<_>>(),
        [1, 1, 1, 1],
        "each shard identified once: no process started a shard of the other's"
    );

    // A daily schedule in a server of each process: posted once, by one of them.
    schedule_now(dir.path(), &guilds[1]);
    schedule_now(dir.path(), &guilds[3]);
    for g in [&guilds[1], &guilds[3]] {
        sim.wait_until(WAIT, "the scheduled post", |s| {
            (!s.public_messages(g.channels[0]).is_empty()).then_some(())
        })
        .await
        .unwrap();
    }
    tokio::time::sleep(Duration::from_secs(3)).await; // three more scheduler ticks in each
    for g in [&guilds[1], &guilds[3]] {
        assert_eq!(sim.public_messages(g.channels[0]).len(), 1, "posted once");
    }
    let runs: i64 = db(dir.path())
        .query_row("SELECT COUNT(*) FROM schedule_runs", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 2);

    // A live quiz in a server of each process, and 150 members of each clicking at once:
    // both processes write to the one file together.
    let (g0, g2) = (&guilds[0], &guilds[2]);
    for g in [g0, g2] {
        reply(
            &sim,
            g.owner,
            g.channels[0],
            "quiz start",
            &[("quiz", "two-questions".into()), ("seconds", "120".into())],
        )
        .await;
    }
    let q0 = titled(&sim, g0.channels[0], g0.owner, "Question 1 of 2").await;
    let q2 = titled(&sim, g2.channels[0], g2.owner, "Question 1 of 2").await;
    let (b0, b2) = (button(&q0, 'B'), button(&q2, 'B'));
    for (m0, m2) in g0.members.iter().zip(&g2.members) {
        sim.click(*m0, q0.id, &b0).unwrap();
        sim.click(*m2, q2.id, &b2).unwrap();
    }
    sim.wait_until(WAIT, "every click answered", |s| {
        (locked_in(s, q0.id).len() == 150 && locked_in(s, q2.id).len() == 150).then_some(())
    })
    .await
    .unwrap();
    let conn = db(dir.path());
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM answers WHERE position = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    let distinct: i64 = conn
        .query_row(
            "SELECT COUNT(DISTINCT session_id || '/' || user_id) FROM answers WHERE position = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(
        (stored, distinct),
        (300, 300),
        "every acknowledged answer once"
    );

    // kill -9 the process of shards 0-1: the other's quiz goes on untouched.
    low.0.kill().unwrap();
    low.0.wait().unwrap();
    reply(&sim, g2.owner, g2.channels[0], "quiz next", &[]).await;
    titled(&sim, g2.channels[0], g2.owner, "Question 2 of 2").await;
    let g0_posts = sim.public_messages(g0.channels[0]).len();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        sim.public_messages(g0.channels[0]).len(),
        g0_posts,
        "nobody acts for shard 0's servers while its process is down"
    );

    // It comes back and resumes its own quiz, where it was; the other's is not posted again.
    let _low = start_half(&sim, dir.path(), "0-1");
    sim.wait_until(WAIT, "shards 0 and 1 identified again", |s| {
        let (per_shard, _) = s.identifies_per_shard();
        (per_shard.get(&0) == Some(&2) && per_shard.get(&1) == Some(&2)).then_some(())
    })
    .await
    .unwrap();
    wait_shards(&sim, &[0, 1, 2, 3], dir.path()).await;
    process::next_after_restart(&sim, g0.owner, g0.channels[0]).await;
    titled(&sim, g0.channels[0], g0.owner, "Question 2 of 2").await;
    assert_eq!(titled_count(&sim, g0.channels[0], "Question 1"), 1);
    assert_eq!(titled_count(&sim, g2.channels[0], "Question 1"), 1);
    assert_eq!(titled_count(&sim, g2.channels[0], "Question 2"), 1);
    let stored: i64 = db(dir.path())
        .query_row("SELECT COUNT(*) FROM answers WHERE position = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, 300, "nothing lost or doubled by the kill");
    sim.assert_no_violations();
}

fn gateway_closes(sim: &Sim, code: u16) -> usize {
    sim.log()
        .iter()
        .filter(|l| l.entry == Entry::GatewayClose { code })
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fewer_shards_than_discord_recommends_stop_before_connecting() {
    let sim = Sim::start(SimConfig {
        sharding: Sharding {
            recommended: 4,
            ..Sharding::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    sim.add_guild("g");
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_to_exit(command(&sim, dir.path(), &[("QUIZBOT_SHARDS", "2")])).await;
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("Discord recommends 4 shards") && err.contains("discord.shards = 2"),
        "{err}"
    );
    assert_eq!(sim.gateway_sessions().0, 0, "never identified");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4011_close_stops_the_bot_instead_of_reconnecting_for_ever() {
    // Discord recommends one shard, but that session would hold too many servers.
    let sim = Sim::start(SimConfig {
        sharding: Sharding {
            max_guilds_per_session: 1,
            ..Sharding::default()
        },
        ..SimConfig::default()
    })
    .await
    .unwrap();
    sim.add_guild("a");
    sim.add_guild("b");
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_to_exit(command(&sim, dir.path(), &[])).await;
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("4011") && err.contains("discord.shards"),
        "{err}"
    );
    assert_eq!(gateway_closes(&sim, 4011), 1, "stopped at the first close");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_4010_close_stops_the_bot() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.add_guild("a");
    let dir = tempfile::tempdir().unwrap();
    let c = command(&sim, dir.path(), &[]);
    let watcher = sim.clone();
    let closer = tokio::spawn(async move {
        watcher.wait_ready(WAIT).await.unwrap();
        watcher.gateway_close(4010);
    });
    let (code, err) = run_to_exit(c).await;
    closer.await.unwrap();
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("4010") && err.contains("shard_range"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shard_range_past_the_count_is_refused_before_anything_connects() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (code, err) = run_to_exit(command(
        &sim,
        dir.path(),
        &[("QUIZBOT_SHARDS", "4"), ("QUIZBOT_SHARD_RANGE", "3-4")],
    ))
    .await;
    assert_eq!(code, Some(1), "{err}");
    assert!(
        err.contains("discord.shard_range") && err.contains("0 to 3"),
        "{err}"
    );
    assert!(sim.log().is_empty(), "not one request reached Discord");
}
