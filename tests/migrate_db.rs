//! `quizbot migrate-db`: a SQLite database with a bit of everything is copied into PostgreSQL;
//! everything the bot can read back reads the same on both; a second run copies nothing;
//! new ids go on after the copied ones; a database holding somebody's data, a file in use and
//! an unreachable server are refused with a message. Needs `QUIZBOT_TEST_POSTGRES`.

mod postgres;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use quizbot::game::live::Answer;
use quizbot::game::records::ScheduleMode;
use quizbot::game::scoring::Scoring;
use quizbot::quiz::Pick;
use quizbot::render::preflight::DiscordFit;
use quizbot::store::{
    keys_for, AnswerRow, AssignmentStart, DatabaseLock, Location, NewAssignment, NewSchedule,
    NewSession, RevealedQuestion, RunAnswer, ScoreRow, SessionState, Store,
};

const GUILD: u64 = 900_000_000_000_000_123;
const T: i64 = 1_795_908_600_000;

fn migrate(dir: &Path, from: &Path, to: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quizbot"))
        .current_dir(dir)
        .env_remove("QUIZBOT_CONFIG")
        .env_remove("QUIZBOT_DATABASE_URL")
        .args(["migrate-db", "--from"])
        .arg(from)
        .args(["--to", to])
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// A server's worth of data: a finished live quiz, one still running, an assignment with a
/// finished run, a practice run with a mistake, a schedule that posted, an upload.
async fn fill(store: &Store) -> (i64, i64, i64) {
    let quiz = quizbot::quiz::check_file(
        Path::new("quizzes/day-42-attention-mechanisms.md"),
        &DiscordFit,
    )
    .quiz
    .unwrap();
    store
        .set_guild_timezone(GUILD, chrono_tz::America::New_York)
        .await
        .unwrap();
    let mut sessions = Vec::new();
    for channel in [5, 6] {
        let s = store
            .create_session(NewSession {
                guild_id: GUILD,
                channel_id: channel,
                host_id: 9,
                quiz_id: quiz.id.clone(),
                quiz_json: quizbot::store::quiz_json::encode(&quiz).unwrap(),
                order: vec![0, 1, 2],
                scoring: Scoring::Speed,
                streak_bonus: true,
                allow_change: channel == 6,
                seconds: 20,
                started_at: T,
            })
            .await
            .unwrap();
        store.open_question(s, 0, 0, T, T + 20_000).await.unwrap();
        store
            .set_question_message(s, 0, 7000 + channel)
            .await
            .unwrap();
        for user in 0..40u64 {
            let a = AnswerRow {
                session_id: s,
                position: 0,
                user_id: 10_000 + user,
                guild_id: GUILD,
                name: format!("Ann Ö {user}"),
                message_id: None,
                answer: Answer {
                    choice: (user % 4) as u16,
                    at: T + 1_000 + user as i64,
                    elapsed_ms: 1_000 + user,
                    correct: user % 4 == 0,
                    points: if user % 4 == 0 { 900 } else { 0 },
                    typed: (user == 3).then(|| "a typed answer".to_string()),
                },
            };
            store.insert_answer(a, false).await.unwrap();
        }
        sessions.push(s);
    }
    let boards = keys_for(T, chrono_tz::America::New_York, &quiz.id);
    store
        .reveal(
            sessions[0],
            0,
            GUILD,
            boards.clone(),
            T + 21_000,
            Some(RevealedQuestion {
                quiz_id: quiz.id.clone(),
                quiz_title: quiz.title.clone(),
                question: quiz.questions[0].clone(),
            }),
        )
        .await
        .unwrap();
    store
        .finish_session(
            sessions[0],
            GUILD,
            SessionState::Finished,
            T + 30_000,
            vec![ScoreRow {
                user_id: 10_000,
                rank: 1,
                points: 900,
                correct: 1,
                answered: 1,
                correct_ms: 1_000,
                best_streak: 1,
            }],
            boards,
        )
        .await
        .unwrap();
    let assignment = store
        .create_assignment(NewAssignment {
            guild_id: GUILD,
            channel_id: 5,
            host_id: 9,
            quiz_id: quiz.id.clone(),
            quiz_json: quizbot::store::quiz_json::encode(&quiz).unwrap(),
            created_at: T,
            due_at: T + 86_400_000,
            schedule_id: None,
        })
        .await
        .unwrap();
    let AssignmentStart::Run { run, .. } = store
        .start_assignment_run(assignment, GUILD, 10_001, T + 5)
        .await
        .unwrap()
    else {
        panic!("a run")
    };
    for (position, q) in quiz.questions.iter().enumerate() {
        store
            .answer_run(RunAnswer {
                run_id: run.id,
                user_id: 10_001,
                name: "Ann Ö 1".into(),
                position,
                pick: Pick::One((q.answer as u8 + position as u8 % 2) % q.options.len() as u8),
                typed: None,
                now: T + 100 + position as i64,
                tz: chrono_tz::America::New_York,
            })
            .await
            .unwrap();
    }
    let schedule = store
        .add_schedule(NewSchedule {
            guild_id: GUILD,
            channel_id: 5,
            host_id: 9,
            target: "day-*".into(),
            local_time: "09:00".into(),
            timezone: "America/New_York".into(),
            mode: ScheduleMode::Live,
            due_minutes: 0,
            created_at: T,
        })
        .await
        .unwrap();
    let row = store.schedules(Some(GUILD)).await.unwrap().remove(0);
    store
        .claim_occurrence(&row, T + 60_000, Some(quiz.id.clone()), "posted", T, None)
        .await
        .unwrap();
    let picture: Arc<[u8]> = Arc::from(&[0u8, 1, 2, 255, 254][..]);
    store
        .save_guild_quiz(
            GUILD,
            "night".into(),
            "night.md".into(),
            b"# Night\n".to_vec(),
            "Night".into(),
            1,
            9,
            T,
            vec![("00ff".into(), picture)],
        )
        .await
        .unwrap();
    store.heartbeat("old-host:1", "all", T).await.unwrap();
    (sessions[1], assignment, schedule)
}

/// Everything the bot reads, as text: equal on both sides when nothing was lost or changed.
async fn snapshot(store: &Store, (running, assignment, _): (i64, i64, i64)) -> String {
    let mut out = String::new();
    let mut add = |label: &str, v: String| out.push_str(&format!("{label}: {v}\n"));
    let tz = store.guild_timezone(GUILD).await.unwrap();
    add("tz", tz.to_string());
    let sessions: Vec<String> = store
        .running_sessions()
        .await
        .unwrap()
        .iter()
        .map(|s| format!("{s:?}"))
        .collect();
    add("running", sessions.join(" | "));
    for s in [running - 1, running] {
        add("session", format!("{:?}", store.session(s).await.unwrap()));
        add(
            "posted",
            format!("{:?}", store.posted_questions(s).await.unwrap()),
        );
        add(
            "answers",
            format!("{:?}", store.session_answers(s).await.unwrap()),
        );
        add(
            "players",
            format!("{:?}", store.session_players(s).await.unwrap()),
        );
        add(
            "score",
            format!("{:?}", store.session_score(s, 10_000).await.unwrap()),
        );
    }
    for board in keys_for(T, tz, "day-42-attention-mechanisms") {
        add(
            &board,
            format!(
                "{:?}",
                store.leaderboard(GUILD, board.clone(), 50).await.unwrap()
            ),
        );
    }
    add(
        "stats",
        format!(
            "{:?}",
            store
                .member_stats(GUILD, 10_001, T + 1_000, tz)
                .await
                .unwrap()
        ),
    );
    add(
        "mistakes",
        format!("{:?}", store.mistake_count(GUILD, 10_001).await.unwrap()),
    );
    add(
        "assignment",
        format!("{:?}", store.assignment(assignment).await.unwrap()),
    );
    add(
        "results",
        format!(
            "{:?}",
            store.assignment_results(assignment, 5).await.unwrap()
        ),
    );
    add(
        "schedules",
        format!("{:?}", store.schedules(None).await.unwrap()),
    );
    add(
        "series",
        format!("{:?}", store.series_uses(GUILD).await.unwrap()),
    );
    add(
        "quizzes",
        format!("{:?}", store.guild_quizzes(GUILD).await.unwrap()),
    );
    add(
        "source",
        format!(
            "{:?}",
            store
                .guild_quiz_source(GUILD, "night".into())
                .await
                .unwrap()
        ),
    );
    add(
        "picture",
        format!("{:?}", store.picture("00ff".into()).await.unwrap()),
    );
    add(
        "heartbeats",
        format!("{:?}", store.heartbeats().await.unwrap()),
    );
    out
}

fn copied_now(stdout: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.starts_with("Checked:"))
        .unwrap_or_else(|| panic!("no summary in {stdout}"));
    let inside = line.split('(').nth(1).unwrap();
    inside.split_whitespace().next().unwrap().parse().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sqlite_database_moves_to_postgres_whole_and_once() {
    let Some(url) = postgres::fresh_database("migrate_db_whole").await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("quizbot.sqlite3");
    let sqlite = Store::open(&file).unwrap();
    let keys = fill(&sqlite).await;
    let before = snapshot(&sqlite, keys).await;
    drop(sqlite);

    let first = migrate(dir.path(), &file, &url);
    let (stdout, stderr) = text(&first);
    assert!(first.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("answers"), "{stdout}");
    let answers_line = stdout
        .lines()
        .find(|l| l.trim_start().starts_with("answers "))
        .unwrap();
    let figures: Vec<u64> = answers_line
        .split_whitespace()
        .skip(1)
        .map(|n| n.parse().unwrap())
        .collect();
    assert_eq!(figures, vec![80, 80, 80], "{stdout}");
    let total = copied_now(&stdout);
    assert!(total > 100, "{stdout}");

    let pg = Store::connect(&Location::Server(url.clone()))
        .await
        .unwrap();
    assert_eq!(
        snapshot(&pg, keys).await,
        before,
        "PostgreSQL reads what SQLite did"
    );
    // New rows get new ids, after the copied ones.
    let next = pg
        .create_session(NewSession {
            guild_id: GUILD,
            channel_id: 77,
            host_id: 9,
            quiz_id: "x".into(),
            quiz_json: "{}".into(),
            order: vec![],
            scoring: Scoring::Speed,
            streak_bonus: false,
            allow_change: false,
            seconds: 20,
            started_at: T,
        })
        .await
        .unwrap();
    assert_eq!(next, keys.0 + 1);
    drop(pg);

    // Again: nothing copied, nothing changed, still checked.
    let second = migrate(dir.path(), &file, &url);
    let (stdout, stderr) = text(&second);
    assert!(second.status.success(), "{stdout}\n{stderr}");
    assert_eq!(copied_now(&stdout), 0, "{stdout}");
    let pg = Store::connect(&Location::Server(url.clone()))
        .await
        .unwrap();
    assert_eq!(
        pg.running_sessions().await.unwrap().len(),
        2,
        "the copied one and the new one"
    );
    drop(pg);

    // Another file into the same, now used, database: refused, nothing added.
    let other = dir.path().join("other.sqlite3");
    let other_store = Store::open(&other).unwrap();
    fill(&other_store).await;
    drop(other_store);
    let refused = migrate(dir.path(), &other, &url);
    let (_, stderr) = text(&refused);
    assert!(!refused.status.success());
    assert!(stderr.contains("already holds data"), "{stderr}");
    let answers = postgres::numbers(&url, "SELECT COUNT(*) FROM answers").await;
    assert_eq!(answers, vec![80]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_in_use_or_a_server_out_of_reach_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("quizbot.sqlite3");
    drop(Store::open(&file).unwrap());
    // The server cannot be reached: its socket folder does not exist.
    let nowhere = "postgres://quizbot:s3cret@%2Fno%2Fsuch%2Fdir/quizbot";
    let out = migrate(dir.path(), &file, nowhere);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(
        stderr.contains("cannot use the database postgres://quizbot:***@"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("s3cret"),
        "the password is never printed: {stderr}"
    );
    // Not a PostgreSQL URL at all.
    let out = migrate(dir.path(), &file, "mysql://x@y/z");
    assert!(!out.status.success());
    assert!(
        text(&out).1.contains("not a PostgreSQL URL"),
        "{:?}",
        text(&out)
    );

    let Some(url) = postgres::fresh_database("migrate_db_in_use").await else {
        return;
    };
    // A bot holds the file: it may still be writing.
    let lock = DatabaseLock::acquire(&file, T).unwrap();
    let out = migrate(dir.path(), &file, &url);
    let (_, stderr) = text(&out);
    assert!(!out.status.success());
    assert!(stderr.contains("in use by another bot process"), "{stderr}");
    drop(lock);
    // A file that is not there.
    let out = migrate(dir.path(), &dir.path().join("missing.sqlite3"), &url);
    assert!(text(&out).1.contains("is not a file"), "{:?}", text(&out));
}
