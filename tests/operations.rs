//! Start-up failures of `quizbot run` as a process — a database that is locked, read-only,
//! corrupt or on a full disk — and the token, which must never appear in any output.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use discord_sim::{Sim, SimConfig};

fn quizbot(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quizbot"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .env_remove("QUIZBOT_CONFIG")
        .env("DISCORD_TOKEN", "unused-token")
        // Nowhere to connect: these runs must stop before Discord.
        .env("QUIZBOT_API_PROXY", "http://127.0.0.1:9")
        .env("QUIZBOT_DATABASE", db)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null());
    c
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn a_database_locked_by_another_process_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    drop(quizbot::store::Store::open(&db).unwrap());
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let started = Instant::now();
    let out = quizbot(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("cannot use the database at") && err.contains("locked"),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    holder.execute_batch("ROLLBACK").unwrap();
}

/// PostgreSQL that cannot be reached (no server at that socket): exit 1 before Discord,
/// naming the server without its password, and nothing written where the SQLite file would be.
#[test]
fn an_unreachable_postgres_stops_the_start_without_showing_its_password() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("quizbot.sqlite3");
    let out = quizbot(&db)
        .env(
            "QUIZBOT_DATABASE_URL",
            "postgres://quizbot:hunter2@%2Fno%2Fsuch%2Fsocket%2Fdir/quizbot",
        )
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("cannot use the database postgres://quizbot:***@"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    assert!(!db.exists(), "the SQLite file is not touched");
    // Not a PostgreSQL URL: a configuration error, said as one.
    let out = quizbot(&db)
        .env("QUIZBOT_DATABASE_URL", "mysql://x@y/z")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("database.url: must be a PostgreSQL URL"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_corrupt_database_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    std::fs::write(&db, vec![0x42u8; 8192]).unwrap();
    let out = quizbot(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("file is not a database"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read(&db).unwrap(),
        vec![0x42u8; 8192],
        "the file is left as it was"
    );
}

/// A read-only database: run as an unprivileged user (root ignores file permissions).
#[test]
fn a_read_only_database_stops_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db.sqlite3");
    drop(quizbot::store::Store::open(&db).unwrap());
    let is_root = std::fs::read_to_string("/proc/self/status").is_ok_and(|s| {
        s.lines()
            .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
    });
    let runuser = Path::new("/usr/sbin/runuser");
    if !is_root || !runuser.exists() {
        eprintln!("SKIPPED: needs root and runuser to run the bot as an unprivileged user");
        return;
    }
    // The folder is readable by everyone, writable by root only; the file likewise.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let bin = env!("CARGO_BIN_EXE_quizbot");
    let out = Command::new(runuser)
        .args(["-u", "nobody", "--", bin, "run"])
        .current_dir("/")
        .env("DISCORD_TOKEN", "unused-token")
        .env("QUIZBOT_API_PROXY", "http://127.0.0.1:9")
        .env("QUIZBOT_DATABASE", &db)
        .env("QUIZBOT_QUIZZES_DIR", "/nonexistent")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if stderr(&out).contains("Permission denied") && stderr(&out).contains(bin) {
        eprintln!("SKIPPED: the unprivileged user cannot execute the test binary here");
        return;
    }
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot use the database at"), "{err}");
    assert!(
        err.contains("readonly")
            || err.contains("read-only")
            || err.contains("unable to open")
            || err.contains("not writable"),
        "{err}"
    );
}

/// The disk is full before the bot starts: it stops with a clear message.
#[test]
fn a_full_disk_stops_the_start() {
    let mount = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args([
            "-t",
            "tmpfs",
            "-o",
            "size=1m",
            "tmpfs",
            mount.path().to_str().unwrap(),
        ])
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: cannot mount a tmpfs here (needs root)");
        return;
    }
    {
        use std::io::Write;
        let mut f = std::fs::File::create(mount.path().join("filler")).unwrap();
        while f.write_all(&[0u8; 4096]).is_ok() {}
        while f.write_all(&[0u8; 1]).is_ok() {}
    }
    let out = quizbot(&mount.path().join("db.sqlite3")).output().unwrap();
    let _ = Command::new("umount").arg(mount.path()).status();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("cannot use the database at"), "{err}");
    assert!(err.contains("full") || err.contains("disk"), "{err}");
}

/// A sentinel token, the most verbose logging, a quiz played, a rejected start: the token
/// appears nowhere in what the bot prints.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_token_never_appears_in_any_output() {
    const SENTINEL: &str = "SENTINEL.tok3n.zq9XK2L7wWv4";
    let sim = Sim::start(SimConfig {
        token: SENTINEL.into(),
        ..SimConfig::default()
    })
    .await
    .unwrap();
    let setup = sim.setup_guild("Quiz Club", &["quiz"], 2);
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("out.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quizbot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .env("DISCORD_TOKEN", SENTINEL)
        .env("QUIZBOT_API_PROXY", sim.api_url())
        .env("QUIZBOT_DATABASE", dir.path().join("db.sqlite3"))
        .env("RUST_LOG", "trace")
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .unwrap();
    sim.wait_ready(Duration::from_secs(30)).await.unwrap();
    let h = sim
        .command(
            setup.owner,
            setup.channels[0],
            "quiz start",
            &[("quiz", "day-42-attention-mechanisms".into())],
        )
        .unwrap();
    sim.wait_response(&h, Duration::from_secs(30))
        .await
        .unwrap();
    let q = sim
        .wait_message(
            setup.channels[0],
            setup.owner,
            Duration::from_secs(30),
            |m| {
                m.embeds
                    .first()
                    .is_some_and(|e| e.title.starts_with("Question 1"))
            },
        )
        .await
        .unwrap();
    let click = sim
        .click(
            setup.members[0],
            q.id,
            q.buttons().next().unwrap().custom_id.as_deref().unwrap(),
        )
        .unwrap();
    sim.wait_response(&click, Duration::from_secs(30))
        .await
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let printed = std::fs::read_to_string(&log).unwrap();
    assert!(
        printed.len() > 10_000,
        "trace logging ran ({} bytes)",
        printed.len()
    );
    assert!(
        !printed.contains(SENTINEL),
        "the token leaked into the logs"
    );
    assert!(
        !printed.contains("tok3n"),
        "part of the token leaked into the logs"
    );
    // Interaction tokens (15-minute credentials) neither, at trace level: serenity prints
    // routes and parsed interactions that carry them.
    for token in [&h.token, &click.token] {
        assert!(token.len() > 20, "{token}");
        assert!(
            !printed.contains(token.as_str()),
            "an interaction token leaked"
        );
    }
    assert!(
        printed.contains("[redacted]"),
        "the routes were logged, without their tokens"
    );

    // Rejected (a different sentinel): the error output does not repeat it either.
    let rejected = Command::new(env!("CARGO_BIN_EXE_quizbot"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .arg("run")
        .env("DISCORD_TOKEN", "OTHER.sentinel.Vt8pQ")
        .env("QUIZBOT_API_PROXY", sim.api_url())
        .env("QUIZBOT_DATABASE", dir.path().join("db2.sqlite3"))
        .env("RUST_LOG", "trace")
        .output();
    let rejected = tokio::task::spawn_blocking(move || rejected)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.status.code(), Some(1));
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&rejected.stdout),
        stderr(&rejected)
    );
    assert!(all.contains("Discord rejected the token"));
    assert!(
        !all.contains("OTHER.sentinel.Vt8pQ") && !all.contains("Vt8pQ"),
        "the rejected token leaked"
    );
}
