//! `quizbot run` as a process: clear errors and exit code 1 for a missing or rejected token, an
//! unwritable database or a malformed configuration; and a real connection through
//! `discord.api_proxy` (here: the simulator in proxy mode).

use std::process::{Command, Stdio};
use std::time::Duration;

use discord_sim::{Sim, SimConfig};

fn quizbot(dir: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quizbot"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DISCORD_TOKEN")
        .env_remove("QUIZBOT_CONFIG")
        .env("QUIZBOT_DATABASE", dir.join("db.sqlite3"))
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    c
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_missing_token_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = quizbot(dir.path()).arg("run").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("DISCORD_TOKEN is not set"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_malformed_config_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("quizbot.toml");
    std::fs::write(&config, "[live]\nseconds = 20\npause_seconds = \"soon\"\n").unwrap();
    let out = quizbot(dir.path())
        .args(["--config", config.to_str().unwrap(), "run"])
        .env("DISCORD_TOKEN", "x")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("quizbot.toml:3:17:"), "{err}");
}

#[test]
fn an_unwritable_database_path_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    let out = quizbot(dir.path())
        .arg("run")
        .env("DISCORD_TOKEN", "x")
        .env("QUIZBOT_DATABASE", blocker.join("db.sqlite3"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot use the database at"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_token_exits_1_and_the_right_one_connects_through_the_proxy() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    sim.setup_guild("Quiz Club", &["general"], 1);
    let dir = tempfile::tempdir().unwrap();

    let wrong = quizbot(dir.path())
        .arg("run")
        .env("DISCORD_TOKEN", "not-the-token")
        .env("QUIZBOT_API_PROXY", sim.api_url())
        .output();
    let wrong = tokio::task::spawn_blocking(move || wrong)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(wrong.status.code(), Some(1));
    assert!(
        stderr(&wrong).contains("Discord rejected the token"),
        "{}",
        stderr(&wrong)
    );

    let mut right = quizbot(dir.path())
        .arg("run")
        .env("DISCORD_TOKEN", sim.token())
        .env("QUIZBOT_API_PROXY", sim.api_url())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ready = sim.wait_ready(Duration::from_secs(30)).await;
    let _ = right.kill();
    let _ = right.wait();
    ready.expect("the bot connected through the proxy and registered its commands");
    let names: Vec<String> = sim
        .commands(0)
        .iter()
        .filter_map(|c| c["name"].as_str().map(str::to_string))
        .collect();
    assert_eq!(names, ["quiz", "leaderboard", "stats", "review"]);
    sim.assert_no_violations();
}
