//! Crash and restart with the real binary: `kill -9` in the middle of a question while 500
//! members click, an expired question after a restart, and SIGTERM; and what only a process of
//! its own can measure (memory through a 50 MB upload). The simulator runs here;
//! the bot is a child process reaching it through `discord.api_proxy`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use discord_sim::{Fault, FaultRule, Message, Sim, SimConfig};

mod process;
use process::{button, locked_in, titled, Bot, WAIT};

fn start_bot(sim: &Sim, dir: &Path) -> Bot {
    Bot(bot_command(sim, dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start quizbot"))
}

/// `quizbot run` against the simulator, on the database in `dir`.
fn bot_command(sim: &Sim, dir: &Path) -> Command {
    process::quizbot_run(sim, dir, process::LIVE)
}

/// The simulator with a guild of `members` (and its owner), and the real bot connected to it
/// on a fresh database in `dir`.
struct Scene {
    sim: Sim,
    setup: discord_sim::driver::GuildSetup,
    channel: u64,
    dir: tempfile::TempDir,
    bot: Bot,
}

async fn scene(members: usize) -> Scene {
    let sim = Sim::start(SimConfig::default()).await.unwrap();
    let setup = sim.setup_guild("Quiz Club", &["quiz"], members);
    let channel = setup.channels[0];
    let dir = tempfile::tempdir().unwrap();
    let bot = start_bot(&sim, dir.path());
    connected(&sim, 1).await;
    Scene {
        sim,
        setup,
        channel,
        dir,
        bot,
    }
}

/// `/quiz start` of the two-question fixture in the guild's first channel, by its owner; the
/// first question once it is posted.
async fn start_two_questions(
    sim: &Sim,
    setup: &discord_sim::driver::GuildSetup,
    seconds: &str,
) -> Message {
    let channel = setup.channels[0];
    reply(
        sim,
        setup.owner,
        channel,
        "quiz start",
        &[
            ("quiz", "two-questions".into()),
            ("seconds", seconds.into()),
        ],
    )
    .await;
    titled(sim, channel, setup.owner, "Question 1 of 2").await
}

/// Waits for the `n`-th identify (a fresh process connecting) and its connection.
async fn connected(sim: &Sim, n: u64) {
    sim.wait_until(WAIT, "the bot to connect", |s| {
        (s.gateway_sessions().0 >= n && s.bot_connected()).then_some(())
    })
    .await
    .expect("the bot connects");
    sim.wait_ready(WAIT).await.unwrap();
}

async fn reply(
    sim: &Sim,
    user: u64,
    channel: u64,
    name: &str,
    args: &[(&str, discord_sim::Arg)],
) -> Message {
    let h = sim.command(user, channel, name, args).unwrap();
    sim.wait_until(WAIT, "a reply", |s| {
        s.interaction(h.id)
            .and_then(|r| r.original)
            .filter(|m| !m.loading)
    })
    .await
    .unwrap()
}

fn db(dir: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open(dir.join("quizbot.sqlite3")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_mid_question_loses_no_acknowledged_answer_and_the_quiz_goes_on() {
    let Scene {
        sim,
        setup,
        channel,
        dir,
        mut bot,
    } = scene(500).await;
    let q1 = start_two_questions(&sim, &setup, "60").await;
    let b = button(&q1, 'B');

    // 500 members click, one every 2 ms; half-way through, the bot is killed with SIGKILL.
    for (i, member) in setup.members.iter().enumerate() {
        if i == 250 {
            bot.0.kill().unwrap(); // SIGKILL
            bot.0.wait().unwrap();
        }
        sim.click(*member, q1.id, &b).unwrap();
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    let acked_before = locked_in(&sim, q1.id);
    assert!(
        acked_before.len() > 50,
        "clicks were acknowledged before the crash: {}",
        acked_before.len()
    );

    let (deadline_before, message_before): (i64, i64) = db(dir.path())
        .query_row(
            "SELECT deadline_at, message_id FROM posted_questions WHERE position = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();

    let _bot = start_bot(&sim, dir.path());
    connected(&sim, 2).await;

    // Every acknowledged answer is stored, exactly once.
    let conn = db(dir.path());
    for user in &acked_before {
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM answers WHERE position = 0 AND user_id = ?1",
                [*user as i64],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 1, "user {user}");
    }
    // The question goes on where it was: same message, same deadline, still open.
    let (deadline_after, message_after): (i64, i64) = conn
        .query_row(
            "SELECT deadline_at, message_id FROM posted_questions WHERE position = 0",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (deadline_after, message_after),
        (deadline_before, message_before)
    );
    let questions = sim
        .public_messages(channel)
        .iter()
        .filter(|m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("Question 1"))
        })
        .count();
    assert_eq!(questions, 1, "not posted again");

    // Its buttons still work: everyone not acknowledged clicks again — again after a moment
    // when told the bot is still restarting (recovery may not have taken the quiz up yet).
    for member in setup.members.iter().filter(|m| !acked_before.contains(m)) {
        let mut tries = 0;
        let text = loop {
            let h = sim
                .click(*member, q1.id, &b)
                .expect("the old button is still clickable");
            let r = sim.wait_response(&h, WAIT).await.unwrap();
            let text = r.original.unwrap().content;
            tries += 1;
            if !text.starts_with("⏸ The bot is restarting") || tries == 50 {
                break text;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        };
        assert!(
            text.starts_with("Locked in") || text.starts_with("You already answered"),
            "{text}"
        );
    }
    let stored: i64 = conn
        .query_row("SELECT COUNT(*) FROM answers WHERE position = 0", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(stored, 500, "every member once");

    // On to the end: no score counted twice.
    reply(&sim, setup.owner, channel, "quiz next", &[]).await;
    let q2 = titled(&sim, channel, setup.owner, "Question 2 of 2").await;
    sim.click(setup.members[0], q2.id, &button(&q2, 'A'))
        .unwrap();
    sim.wait_until(WAIT, "the ack", |s| {
        (locked_in(s, q2.id).len() == 1).then_some(())
    })
    .await
    .unwrap();
    reply(&sim, setup.owner, channel, "quiz next", &[]).await;
    let results = titled(&sim, channel, setup.owner, "🏆 Results").await;
    assert!(
        results.embeds[0].description.contains("**500** players"),
        "{}",
        results.embeds[0].description
    );
    let mismatched: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM board_totals b WHERE b.board = 'all' AND b.points !=
               (SELECT SUM(points) FROM answers a WHERE a.user_id = b.user_id)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mismatched, 0, "board totals equal the answers' points");
    let answered: i64 = conn
        .query_row(
            "SELECT SUM(answered) FROM board_totals WHERE board = 'all'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(answered, 501);
    sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_that_expired_while_the_bot_was_down_is_revealed() {
    let Scene {
        sim,
        setup,
        channel,
        dir,
        mut bot,
    } = scene(3).await;
    let q1 = start_two_questions(&sim, &setup, "5").await;
    let h = sim
        .click(setup.members[0], q1.id, &button(&q1, 'B'))
        .unwrap();
    sim.wait_response(&h, WAIT).await.unwrap();
    bot.0.kill().unwrap();
    bot.0.wait().unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await; // past the deadline

    let _bot = start_bot(&sim, dir.path());
    connected(&sim, 2).await;
    let revealed = sim
        .wait_until(WAIT, "the reveal", |s| {
            s.message(q1.id).filter(|m| m.buttons().all(|b| b.disabled))
        })
        .await
        .unwrap();
    assert!(revealed.embeds[1].description.contains("**B.** 4"));
    assert!(
        revealed.embeds[1].description.contains("Fastest correct:"),
        "the answer from before the crash counts"
    );
    titled(&sim, channel, setup.owner, "Question 2 of 2").await;
    sim.assert_no_violations();
}

/// SIGTERM (docker stop, systemd) or SIGINT (Ctrl-C): clicks stop being taken, everything
/// taken is committed, the channel hears "quiz paused", exit 0 within 5 s; after the restart
/// the quiz resumes.
async fn a_signal_pauses_the_quiz_commits_and_exits_0_within_5_seconds(signal: &str) {
    let Scene {
        sim,
        setup,
        channel,
        dir,
        mut bot,
    } = scene(20).await;
    let q1 = start_two_questions(&sim, &setup, "60").await;
    for member in &setup.members[..10] {
        let h = sim.click(*member, q1.id, &button(&q1, 'B')).unwrap();
        sim.wait_response(&h, WAIT).await.unwrap();
    }
    let asked = Instant::now();
    let status = Command::new("kill")
        .args([signal, &bot.0.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = tokio::task::spawn_blocking(move || {
        let code = bot.0.wait().unwrap();
        (code, bot)
    })
    .await
    .unwrap()
    .0;
    assert_eq!(exit.code(), Some(0));
    assert!(
        asked.elapsed() < Duration::from_secs(5),
        "{:?}",
        asked.elapsed()
    );
    let paused = sim
        .public_messages(channel)
        .into_iter()
        .any(|m| m.content.starts_with("⏸ Quiz paused"));
    assert!(paused, "the channel is told");
    // Everything is in the database file itself: the WAL was folded in and truncated, so even
    // a copy of the main file alone holds every answer.
    let wal = dir.path().join("quizbot.sqlite3-wal");
    assert_eq!(
        std::fs::metadata(&wal).map_or(0, |m| m.len()),
        0,
        "the WAL is empty"
    );
    let copy = dir.path().join("copy.sqlite3");
    std::fs::copy(dir.path().join("quizbot.sqlite3"), &copy).unwrap();
    let stored: i64 = rusqlite::Connection::open(&copy)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 10);

    // After the restart the quiz resumes: the open question can still be answered.
    let _bot = start_bot(&sim, dir.path());
    connected(&sim, 2).await;
    let h = sim
        .click(setup.members[15], q1.id, &button(&q1, 'B'))
        .unwrap();
    assert!(sim
        .wait_response(&h, WAIT)
        .await
        .unwrap()
        .original
        .unwrap()
        .content
        .starts_with("Locked in"));
    reply(&sim, setup.owner, channel, "quiz stop", &[]).await;
    let results = titled(&sim, channel, setup.owner, "🏆 Results").await;
    assert!(
        results.embeds[0].description.contains("**11** players"),
        "{}",
        results.embeds[0].description
    );
    sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_pauses_the_quiz_commits_and_exits_0_within_5_seconds() {
    a_signal_pauses_the_quiz_commits_and_exits_0_within_5_seconds("-TERM").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigint_pauses_the_quiz_commits_and_exits_0_within_5_seconds() {
    a_signal_pauses_the_quiz_commits_and_exits_0_within_5_seconds("-INT").await;
}

/// A second bot on the same database (a second container, an overlapping deploy) stops before
/// Discord, naming the first; the first goes on alone. Once the first is gone — even by
/// `kill -9` — a new one starts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_bot_on_the_same_database_exits_naming_the_first() {
    let Scene {
        sim,
        setup,
        channel,
        dir,
        bot: mut first,
    } = scene(3).await;
    reply(
        &sim,
        setup.owner,
        channel,
        "quiz start",
        &[("quiz", "two-questions".into())],
    )
    .await;
    titled(&sim, channel, setup.owner, "Question 1 of 2").await;

    let second = bot_command(&sim, dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let out = tokio::task::spawn_blocking(move || second.wait_with_output())
        .await
        .unwrap()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("is in use by another bot process (quizbot pid ")
            && err.contains(&format!("pid {},", first.0.id())),
        "{err}"
    );
    assert_eq!(sim.gateway_sessions().0, 1, "the second never connected");
    let questions = sim
        .public_messages(channel)
        .iter()
        .filter(|m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("Question 1 of"))
        })
        .count();
    assert_eq!(questions, 1, "question 1 posted once");

    first.0.kill().unwrap();
    first.0.wait().unwrap();
    let _third = start_bot(&sim, dir.path());
    connected(&sim, 2).await;
    titled(&sim, channel, setup.owner, "Question 2 of 2").await;
    sim.assert_no_violations();
}

/// `kill -9` after Discord made the question's message but before the bot heard its id (so
/// before the id was committed): after the restart the question is posted again — with the
/// same nonce, so Discord gives back the message already in the channel. Members see it once,
/// and its buttons work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_between_a_post_and_its_commit_does_not_post_the_question_twice() {
    let Scene {
        sim,
        setup,
        channel,
        dir,
        mut bot,
    } = scene(3).await;
    // The next message create (question 1; the intro is the interaction's reply) is made at
    // once and answered 30 s later: the bot is killed in between.
    sim.inject(FaultRule::new(
        "POST",
        "/channels/*/messages",
        1,
        Fault::SlowReply { ms: 30_000 },
    ));
    let q1 = start_two_questions(&sim, &setup, "60").await;
    bot.0.kill().unwrap();
    bot.0.wait().unwrap();
    let recorded: Option<i64> = db(dir.path())
        .query_row(
            "SELECT message_id FROM posted_questions WHERE position = 0",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(recorded, None, "killed before the message id was committed");

    let _bot = start_bot(&sim, dir.path());
    connected(&sim, 2).await;
    let stored = sim
        .wait_until(WAIT, "the message id recorded after the restart", |_| {
            db(dir.path())
                .query_row(
                    "SELECT message_id FROM posted_questions WHERE position = 0",
                    [],
                    |r| r.get::<_, Option<i64>>(0),
                )
                .ok()
                .flatten()
        })
        .await
        .unwrap();
    assert_eq!(stored as u64, q1.id, "the same message");
    let copies = sim
        .public_messages(channel)
        .iter()
        .filter(|m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("Question 1 of"))
        })
        .count();
    assert_eq!(copies, 1, "question 1 once");
    let h = sim
        .click(setup.members[0], q1.id, &button(&q1, 'B'))
        .unwrap();
    let ack = sim.wait_response(&h, WAIT).await.unwrap().original.unwrap();
    assert!(ack.content.starts_with("Locked in"), "{}", ack.content);
    sim.assert_no_violations();
}

/// `kill -9` just after the final commit, while the results post is made but not yet answered:
/// after the restart the results owed are posted — with the same nonce, so the channel has
/// them once — and their message is recorded.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn results_lost_to_a_crash_after_the_final_commit_are_posted_once_after_the_restart() {
    let Scene {
        sim,
        setup,
        channel,
        dir,
        mut bot,
    } = scene(3).await;
    let q1 = start_two_questions(&sim, &setup, "60").await;
    let h = sim
        .click(setup.members[0], q1.id, &button(&q1, 'B'))
        .unwrap();
    sim.wait_response(&h, WAIT).await.unwrap();
    // The next message create is the results (a stop reveals by editing, then posts them).
    sim.inject(FaultRule::new(
        "POST",
        "/channels/*/messages",
        1,
        Fault::SlowReply { ms: 30_000 },
    ));
    reply(&sim, setup.owner, channel, "quiz stop", &[]).await;
    let results = titled(&sim, channel, setup.owner, "🏆 Results").await;
    bot.0.kill().unwrap();
    bot.0.wait().unwrap();
    let (state, recorded): (String, Option<i64>) = db(dir.path())
        .query_row("SELECT state, results_message_id FROM sessions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!((state.as_str(), recorded), ("stopped", None));

    let _bot = start_bot(&sim, dir.path());
    connected(&sim, 2).await;
    let stored = sim
        .wait_until(WAIT, "the results message recorded", |_| {
            db(dir.path())
                .query_row("SELECT results_message_id FROM sessions", [], |r| {
                    r.get::<_, Option<i64>>(0)
                })
                .ok()
                .flatten()
        })
        .await
        .unwrap();
    assert_eq!(
        stored as u64, results.id,
        "the message already in the channel"
    );
    let posts = sim
        .public_messages(channel)
        .iter()
        .filter(|m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("🏆 Results"))
        })
        .count();
    assert_eq!(posts, 1, "the results once");
    assert!(results.embeds[0]
        .description
        .contains("Stopped by the host after 1 question(s)."));
    sim.assert_no_violations();
}

/// High-water resident memory of a process, in bytes (`VmHWM`).
fn peak_rss(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

/// 50 MB uploads, one declaring its size and one declaring 1 KB: each refused within 5 s
/// (checked as a bound, not a benchmark: it takes a fraction of a second), and the bot's peak
/// memory grows by less than 20 MB over both. Before, the attachment was downloaded whole
/// before its size was checked: 208 MB of RSS and 60 s to refuse.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_50_mb_upload_is_refused_in_seconds_and_the_bot_stays_small() {
    let s = scene(1).await;
    let pid = s.bot.0.id();
    let owner = s.setup.owner;
    // Settled first: the bot's own start-up is not the upload's.
    reply(&s.sim, owner, s.channel, "quiz list", &[]).await;
    let before = peak_rss(pid);
    assert!(before > 0, "reads /proc/{pid}/status");
    let body = vec![b'x'; 50 * 1000 * 1000];
    for (name, declared) in [("big.md", body.len()), ("liar.md", 1_000)] {
        let asked = Instant::now();
        let refused = reply(
            &s.sim,
            owner,
            s.channel,
            "quiz upload",
            &[(
                "file",
                discord_sim::Arg::file_declaring(name, body.clone(), declared),
            )],
        )
        .await;
        assert!(
            asked.elapsed() < Duration::from_secs(5),
            "{name}: refused after {:?}",
            asked.elapsed()
        );
        assert!(
            refused.content.contains("10 MiB"),
            "{name}: {}",
            refused.content
        );
    }
    let grew = peak_rss(pid).saturating_sub(before);
    assert!(
        grew < 20 * 1024 * 1024,
        "peak RSS grew by {:.1} MB",
        grew as f64 / 1048576.0
    );
    eprintln!(
        "50 MB uploads: peak RSS {:.1} MB before, grew {:.1} MB",
        before as f64 / 1048576.0,
        grew as f64 / 1048576.0
    );
    let stored: i64 = db(s.dir.path())
        .query_row("SELECT COUNT(*) FROM guild_quizzes", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 0);
}
