//! `[metrics] listen` with the real binary: `/healthz` answers 200 once the shard is up and
//! the database takes writes, and `/metrics`, scraped during a quiz, counts what the simulator
//! saw — answers, click responses, posted messages, a reconnect.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use discord_sim::log::Entry;
use discord_sim::{Sim, SimConfig};

mod process;
use process::{button, Bot, WAIT};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start_bot(sim: &Sim, dir: &Path, port: u16) -> Bot {
    let config =
        format!("[live]\nstart_delay_seconds = 0.2\n[metrics]\nlisten = \"127.0.0.1:{port}\"\n");
    Bot(process::quizbot_run(sim, dir, &config)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start quizbot"))
}

async fn get(port: u16, path: &str) -> Option<(u16, String)> {
    let r = reqwest::get(format!("http://127.0.0.1:{port}{path}"))
        .await
        .ok()?;
    let status = r.status().as_u16();
    Some((status, r.text().await.ok()?))
}

/// Every sample of the scrape: `name{labels}` → value.
fn samples(text: &str) -> HashMap<String, f64> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (key, value) = l.rsplit_once(' ')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect()
}

async fn scrape(port: u16) -> HashMap<String, f64> {
    let (status, text) = get(port, "/metrics").await.expect("metrics answer");
    assert_eq!(status, 200);
    samples(&text)
}

/// Scrapes until `done` holds (at most `WAIT`); the last scrape.
async fn scrape_until(
    port: u16,
    done: impl Fn(&HashMap<String, f64>) -> bool,
) -> HashMap<String, f64> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let m = scrape(port).await;
        if done(&m) {
            return m;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the scrape never showed it: {m:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn healthy(port: u16) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some((200, body)) = get(port, "/healthz").await {
            assert_eq!(body.trim(), "ok");
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never healthy: {:?}",
            get(port, "/healthz").await
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_scraped_during_a_quiz_count_what_discord_saw() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let setup = sim.setup_guild("Quiz Club", &["quiz"], 20);
    let channel = setup.channels[0];
    let dir = tempfile::tempdir().unwrap();
    let port = free_port();
    let bot = start_bot(&sim, dir.path(), port);
    sim.wait_ready(WAIT).await.unwrap();
    healthy(port).await;

    let h = sim
        .command(
            setup.owner,
            channel,
            "quiz start",
            &[("quiz", "two-questions".into()), ("seconds", "60".into())],
        )
        .unwrap();
    sim.wait_response(&h, WAIT).await.unwrap();
    let q1 = sim
        .wait_message(channel, setup.owner, WAIT, |m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("Question 1"))
        })
        .await
        .unwrap();
    let b = button(&q1, 'B');
    for m in &setup.members {
        sim.click(*m, q1.id, &b).unwrap();
    }
    // One member clicks twice: the second is refused, and counted as such.
    sim.click(setup.members[0], q1.id, &b).unwrap();
    sim.wait_until(WAIT, "every click answered", |s| {
        let clicks = s
            .interactions()
            .into_iter()
            .filter(|r| r.custom_id.is_some() && r.response_kind.is_some())
            .count();
        (clicks == 21).then_some(())
    })
    .await
    .unwrap();

    // The bot counts a response once Discord's answer to it is back, a moment after the
    // simulator recorded it.
    let m = scrape_until(port, |m| {
        m.get("quizbot_interaction_responses_total{result=\"ok\"}") == Some(&21.0)
            && m.get("quizbot_ack_latency_seconds_count") == Some(&21.0)
    })
    .await;
    let at = |k: &str| m.get(k).copied().unwrap_or(-1.0);
    assert_eq!(at("quizbot_answers_total{outcome=\"stored\"}"), 20.0);
    assert_eq!(
        at("quizbot_answers_total{outcome=\"already_answered\"}"),
        1.0
    );
    assert_eq!(at("quizbot_clicks_total{kind=\"live_answer\"}"), 21.0);
    assert_eq!(
        at("quizbot_interaction_responses_total{result=\"ok\"}"),
        21.0
    );
    assert_eq!(at("quizbot_ack_latency_seconds_count"), 21.0);
    assert_eq!(at("quizbot_quizzes_running"), 1.0);
    assert_eq!(at("quizbot_shard_connected{shard=\"0\"}"), 1.0);
    let stored: i64 = rusqlite::Connection::open(dir.path().join("quizbot.sqlite3"))
        .unwrap()
        .query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 20);
    // The messages the simulator saw posted: the quiz's intro and question 1 (and perhaps the
    // count edit), through the outbox.
    let log = sim.log();
    let posts = log
        .iter()
        .filter(|l| {
            matches!(&l.entry, Entry::Rest { method, path, status, .. }
                if method == "POST" && path.ends_with("/messages") && path.contains("/channels/") && *status == 200)
        })
        .count();
    assert_eq!(
        at("quizbot_rest_requests_total{route=\"POST /channels/{id}/messages\",status=\"ok\"}"),
        posts as f64,
        "every post the simulator took, counted once"
    );
    let callbacks = log
        .iter()
        .filter(|l| {
            matches!(&l.entry, Entry::Rest { method, path, status, .. }
                if method == "POST" && path.ends_with("/callback") && *status < 300)
        })
        .count();
    assert!(
        at("quizbot_rest_requests_total{route=\"POST /interactions/{id}/{token}/callback\",status=\"ok\"}")
            >= 21.0
            && callbacks >= 21,
        "{callbacks} callbacks"
    );
    assert!(at("quizbot_commit_batch_size_count") >= 1.0);

    // A dropped connection: serenity resumes, and the reconnect is counted.
    assert!(sim.gateway_close(4000));
    sim.wait_until(WAIT, "the resume", |s| {
        (s.gateway_sessions().1 == 1 && s.bot_connected()).then_some(())
    })
    .await
    .unwrap();
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let m = scrape(port).await;
        if m.get("quizbot_gateway_reconnects_total{shard=\"0\"}") == Some(&1.0) {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no reconnect counted"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    healthy(port).await;

    // `quizbot healthcheck` (Docker's HEALTHCHECK) asks the same, on loopback for 0.0.0.0.
    let cwd = dir.path().to_path_buf();
    let check = move || {
        Command::new(env!("CARGO_BIN_EXE_quizbot"))
            .arg("healthcheck")
            .env("QUIZBOT_METRICS_LISTEN", format!("0.0.0.0:{port}"))
            .env_remove("QUIZBOT_CONFIG")
            .current_dir(&cwd)
            .output()
            .unwrap()
    };
    let ok = tokio::task::spawn_blocking(check.clone()).await.unwrap();
    assert_eq!(ok.status.code(), Some(0), "{ok:?}");
    drop(bot);
    let down = tokio::task::spawn_blocking(check).await.unwrap();
    assert_eq!(down.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&down.stderr).contains("no answer from http://127.0.0.1:"));
    sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_metrics_port_that_is_taken_stops_the_start_before_discord() {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port();
    let dir = tempfile::tempdir().unwrap();
    let config = format!("[metrics]\nlisten = \"127.0.0.1:{port}\"\n");
    let mut c = process::quizbot_run(&sim, dir.path(), &config);
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains(&format!(
            "cannot serve metrics on 127.0.0.1:{port} (metrics.listen)"
        )),
        "{err}"
    );
    assert_eq!(sim.gateway_sessions().0, 0, "never connected");
    drop(taken);
}
