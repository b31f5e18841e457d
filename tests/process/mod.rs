//! What the tests of the real binary share (`tests/crash_restart.rs`, `tests/shards.rs`,
//! `tests/metrics.rs`): the bot as a child process killed with the test, and reading the
//! quiz off the simulator's channels.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use discord_sim::{Message, Sim};

pub const WAIT: Duration = Duration::from_secs(40);

/// A `quizbot` child process, killed (SIGKILL) when dropped.
pub struct Bot(pub Child);

impl Drop for Bot {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `quizbot run` against the simulator (through `discord.api_proxy`), on the database in
/// `dir`, with `config` as its configuration file, the live fixtures as its quizzes, and no
/// shard or metrics setting from the test's own environment.
pub fn quizbot_run(sim: &Sim, dir: &Path, config: &str) -> Command {
    // A file of its own per process: rewriting one that a process started a moment ago is
    // reading could hand it half a file.
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let path = dir.join(format!("quizbot-{n}.toml"));
    std::fs::write(&path, config).unwrap();
    let mut c = Command::new(env!("CARGO_BIN_EXE_quizbot"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["--config", path.to_str().unwrap(), "run"])
        .env("DISCORD_TOKEN", sim.token())
        .env("QUIZBOT_API_PROXY", sim.api_url())
        .env("QUIZBOT_DATABASE", dir.join("quizbot.sqlite3"))
        .env("QUIZBOT_QUIZZES_DIR", "tests/fixtures/live")
        .env("RUST_LOG", "warn")
        .env_remove("QUIZBOT_CONFIG")
        .env_remove("QUIZBOT_SHARDS")
        .env_remove("QUIZBOT_SHARD_RANGE")
        .env_remove("QUIZBOT_METRICS_LISTEN")
        .stdin(Stdio::null());
    c
}

/// Fast timers for the tests.
pub const LIVE: &str = "[live]\nstart_delay_seconds = 0.2\npause_seconds = 0.5\n";

/// The latest message in `channel`, as `viewer` sees it, whose embed title starts so.
pub async fn titled(sim: &Sim, channel: u64, viewer: u64, prefix: &str) -> Message {
    sim.wait_message(channel, viewer, WAIT, |m| {
        m.embeds
            .first()
            .is_some_and(|e| e.title.starts_with(prefix))
    })
    .await
    .unwrap_or_else(|e| panic!("{prefix}: {e}"))
}

/// How many public messages in `channel` have a title starting so.
pub fn titled_count(sim: &Sim, channel: u64, prefix: &str) -> usize {
    sim.public_messages(channel)
        .iter()
        .filter(|m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with(prefix))
        })
        .count()
}

/// The custom id of the answer button labelled `letter`.
pub fn button(m: &Message, letter: char) -> String {
    m.buttons()
        .find(|b| b.label.starts_with(letter))
        .and_then(|b| b.custom_id.clone())
        .unwrap()
}

/// Users whose click on `message` was acknowledged with "Locked in".
pub fn locked_in(sim: &Sim, message: u64) -> Vec<u64> {
    let custom: Vec<String> = sim
        .message(message)
        .map(|m| m.buttons().filter_map(|b| b.custom_id.clone()).collect())
        .unwrap_or_default();
    let mut users: Vec<u64> = sim
        .interactions()
        .into_iter()
        .filter(|r| r.custom_id.as_ref().is_some_and(|c| custom.contains(c)))
        .filter(|r| {
            r.original
                .as_ref()
                .is_some_and(|m| m.content.starts_with("Locked in"))
        })
        .map(|r| r.user_id)
        .collect();
    users.sort();
    users.dedup();
    users
}

/// What the shard processes in `dir` wrote to stderr (`bot-0-1.log`, `bot-2-3.log`), for a
/// failure's message.
pub fn shard_logs(dir: &Path) -> String {
    ["0-1", "2-3"]
        .iter()
        .map(|r| {
            let log = std::fs::read_to_string(dir.join(format!("bot-{r}.log"))).unwrap_or_default();
            format!("--- shards {r}:\n{log}")
        })
        .collect()
}

/// `/quiz next` in `channel` until the bot is past "restarting" (a process just started
/// again recovers its quizzes first).
pub async fn next_after_restart(sim: &Sim, host: u64, channel: u64) {
    for _ in 0..50 {
        let h = sim.command(host, channel, "quiz next", &[]).unwrap();
        let r = sim.wait_response(&h, WAIT).await.unwrap();
        let text = r.original.map(|m| m.content).unwrap_or_default();
        if !text.contains("restarting") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}
