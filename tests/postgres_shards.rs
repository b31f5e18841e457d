//! Two `quizbot run` processes splitting four shards over one PostgreSQL database, as they do
//! over one SQLite file in `tests/shards.rs`: a process killed with SIGKILL in the middle of a
//! 500-click burst loses no acknowledged answer and counts none twice; the other process's
//! quiz and burst go on untouched; the killed one's quiz resumes where it was when it comes
//! back (ownership does not move); a third process whose shards overlap is refused, naming
//! the holder. Needs `QUIZBOT_TEST_POSTGRES`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use discord_sim::driver::GuildSetup;
use discord_sim::{Sharding, Sim, SimConfig};

mod postgres;
mod process;
use process::{button, locked_in, titled, titled_count, Bot, WAIT};

fn command(sim: &Sim, dir: &Path, url: &str, range: &str) -> Command {
    let mut c = process::quizbot_run(sim, dir, process::LIVE);
    c.env("QUIZBOT_DATABASE_URL", url)
        .env("QUIZBOT_SHARDS", "4")
        .env("QUIZBOT_SHARD_RANGE", range);
    c
}

fn start_half(sim: &Sim, dir: &Path, url: &str, range: &str) -> Bot {
    Bot(command(sim, dir, url, range)
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(dir.join(format!("bot-{range}.log"))).unwrap())
        .spawn()
        .expect("start quizbot"))
}

async fn wait_shards(sim: &Sim, dir: &Path) {
    sim.wait_until(WAIT, "the shards to connect", |s| {
        let (up, _) = s.connected_shards();
        (0..4).all(|id| up.contains(&id)).then_some(())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", process::shard_logs(dir)));
}

async fn start_quiz(sim: &Sim, g: &GuildSetup) {
    let h = sim
        .command(
            g.owner,
            g.channels[0],
            "quiz start",
            &[("quiz", "two-questions".into()), ("seconds", "300".into())],
        )
        .unwrap();
    sim.wait_response(&h, WAIT).await.unwrap();
}

/// (answers, distinct players) stored for the first question of `guild`'s quiz.
async fn stored(url: &str, guild: u64) -> (i64, i64) {
    let sql = |what: &str| {
        format!(
            "SELECT {what} FROM answers a JOIN sessions s ON s.id = a.session_id
             WHERE s.guild_id = {} AND a.position = 0",
            guild as i64
        )
    };
    let n = postgres::numbers(url, &sql("COUNT(*)")).await[0];
    let d = postgres::numbers(url, &sql("COUNT(DISTINCT a.user_id)")).await[0];
    (n, d)
}

/// The players of `guild` whose answer to the first question is stored.
async fn stored_players(url: &str, guild: u64) -> Vec<u64> {
    let mut users: Vec<u64> = postgres::numbers(
        url,
        &format!(
            "SELECT a.user_id FROM answers a JOIN sessions s ON s.id = a.session_id
             WHERE s.guild_id = {} AND a.position = 0",
            guild as i64
        ),
    )
    .await
    .into_iter()
    .map(|u| u as u64)
    .collect();
    users.sort();
    users
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_killed_in_a_burst_on_postgres_loses_no_acknowledged_answer() {
    let Some(url) = postgres::fresh_database("postgres_shards_kill").await else {
        return;
    };
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
        .map(|shard| sim.setup_guild_on_shard(&format!("Club {shard}"), shard, 4, &["quiz"], 500))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let mut low = start_half(&sim, dir.path(), &url, "0-1");
    let _high = start_half(&sim, dir.path(), &url, "2-3");
    wait_shards(&sim, dir.path()).await;
    sim.wait_ready(WAIT).await.unwrap();

    // Shards 1-2 overlap both: refused at start-up, naming a holder.
    let out = command(&sim, dir.path(), &url, "1-2")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("in use by another bot process (quizbot pid"),
        "{stderr}"
    );

    let (g0, g2) = (&guilds[0], &guilds[2]);
    start_quiz(&sim, g0).await;
    start_quiz(&sim, g2).await;
    let q0 = titled(&sim, g0.channels[0], g0.owner, "Question 1 of 2").await;
    let q2 = titled(&sim, g2.channels[0], g2.owner, "Question 1 of 2").await;
    let (b0, b2) = (button(&q0, 'B'), button(&q2, 'B'));

    // 500 members of each server click over about half a second; shards 0-1 are killed
    // once 100 of their clicks have been acknowledged.
    let clicks = {
        let sim = sim.clone();
        let (m0, m2) = (g0.members.clone(), g2.members.clone());
        let (q0, q2, b0, b2) = (q0.id, q2.id, b0.clone(), b2.clone());
        tokio::spawn(async move {
            for (a, b) in m0.iter().zip(&m2) {
                let _ = sim.click(*a, q0, &b0);
                let _ = sim.click(*b, q2, &b2);
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
        })
    };
    sim.wait_until(WAIT, "100 clicks acknowledged", |s| {
        (locked_in(s, q0.id).len() >= 100).then_some(())
    })
    .await
    .unwrap();
    low.0.kill().unwrap();
    low.0.wait().unwrap();
    let acknowledged = locked_in(&sim, q0.id);
    clicks.await.unwrap();
    assert!(
        acknowledged.len() < 500,
        "the kill came in the middle of the burst ({} acknowledged)",
        acknowledged.len()
    );

    // Every "Locked in" before the kill is stored, once.
    let players = stored_players(&url, g0.guild).await;
    let lost: Vec<&u64> = acknowledged
        .iter()
        .filter(|u| players.binary_search(u).is_err())
        .collect();
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    let (n, distinct) = stored(&url, g0.guild).await;
    assert_eq!(n, distinct, "nobody's answer counted twice");
    eprintln!(
        "killed in the burst: {} clicks acknowledged, {n} answers stored (committed, not yet told)",
        acknowledged.len()
    );
    // The other process took its whole burst meanwhile.
    sim.wait_until(WAIT, "the other server's 500 clicks", |s| {
        (locked_in(s, q2.id).len() == 500).then_some(())
    })
    .await
    .unwrap_or_else(|e| panic!("{e}\n{}", process::shard_logs(dir.path())));
    assert_eq!(stored(&url, g2.guild).await, (500, 500));

    // Back again: its quiz resumes where it was (Question 1 not posted again); the next
    // question comes once, and the first question's answers count once on the board.
    let _low = start_half(&sim, dir.path(), &url, "0-1");
    wait_shards(&sim, dir.path()).await;
    process::next_after_restart(&sim, g0.owner, g0.channels[0]).await;
    titled(&sim, g0.channels[0], g0.owner, "Question 2 of 2").await;
    assert_eq!(titled_count(&sim, g0.channels[0], "Question 1"), 1);
    assert_eq!(titled_count(&sim, g0.channels[0], "Question 2"), 1);
    assert_eq!(titled_count(&sim, g2.channels[0], "Question 2"), 0);
    let (n_after, _) = stored(&url, g0.guild).await;
    assert_eq!(n_after, n, "nothing lost or added by the restart");
    let counted = postgres::numbers(
        &url,
        &format!(
            "SELECT COALESCE(SUM(answered), 0)::bigint FROM board_totals WHERE guild_id = {} AND board = 'all'",
            g0.guild as i64
        ),
    )
    .await[0];
    assert_eq!(
        counted, n,
        "each stored answer counted once on the leaderboard"
    );
    sim.assert_no_violations();
}
