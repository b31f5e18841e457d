//! The store contract, run against both backends: every operation of `quizbot::store::Contract`
//! on SQLite (a new file per test) and on PostgreSQL (a new database per test on the server
//! `QUIZBOT_TEST_POSTGRES` names; skipped with a message without one, never under CI).
//!
//! Each test is written once, over a [`Db`]: where the data lives, so that a test can drop
//! its store and open the same data again (a restart).

mod postgres;

use std::path::Path;
use std::sync::Arc;

use quizbot::game::live::Answer;
use quizbot::game::records::ScheduleMode;
use quizbot::game::run::RunRefusal;
use quizbot::game::scoring::Scoring;
use quizbot::quiz::{Pick, Quiz};
use quizbot::render::preflight::DiscordFit;
use quizbot::store::{
    keys_for, AnswerRow, AssignmentStart, Backend, Board, Claim, Inserted, Location, NewAssignment,
    NewSchedule, NewSession, RevealedQuestion, RunAnswer, RunAnswerOutcome, ScoreRow, SessionState,
    Store, StoreError,
};

/// Where a test's data lives.
struct Db {
    location: Location,
    _dir: Option<tempfile::TempDir>,
}

impl Db {
    async fn open(&self) -> Store {
        Store::connect(&self.location).await.unwrap()
    }
}

async fn sqlite() -> Db {
    let dir = tempfile::tempdir().unwrap();
    Db {
        location: Location::File(dir.path().join("quizbot.sqlite3")),
        _dir: Some(dir),
    }
}

async fn postgres(test: &str) -> Option<Db> {
    Some(Db {
        location: Location::Server(postgres::fresh_database(test).await?),
        _dir: None,
    })
}

/// Each test once per backend: `sqlite::name` and `postgres::name`.
macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                super::$name(super::sqlite().await).await
            } )*
        }
        mod on_postgres {
            $( #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                if let Some(db) = super::postgres(stringify!($name)).await {
                    super::$name(db).await
                }
            } )*
        }
    };
}

contract!(
    answers_are_committed_once_per_player_per_question,
    one_running_session_per_channel,
    a_live_quiz_from_start_to_results,
    leaderboards_per_period_in_the_server_timezone,
    everything_committed_is_there_after_a_restart,
    assignments_runs_and_their_results,
    practice_review_and_mistakes,
    a_schedule_occurrence_is_claimed_once_by_racing_processes,
    uploaded_quizzes_and_pictures,
    heartbeats_health_and_shutdown,
);

const GUILD: u64 = 1_000_000_000_000_000_001;
const T: i64 = 1_795_908_600_000; // 2026-11-28 23:30 UTC: already the 29th in Berlin.

fn new_session(channel: u64) -> NewSession {
    NewSession {
        guild_id: GUILD,
        channel_id: channel,
        host_id: 9,
        quiz_id: "day-42".into(),
        quiz_json: "{}".into(),
        order: vec![1, 0],
        scoring: Scoring::Speed,
        streak_bonus: true,
        allow_change: false,
        seconds: 20,
        started_at: T,
    }
}

fn answer(session: i64, position: usize, user: u64, correct: bool, points: u32) -> AnswerRow {
    AnswerRow {
        session_id: session,
        position,
        user_id: user,
        guild_id: GUILD,
        name: format!("player{user}"),
        message_id: None,
        answer: Answer {
            choice: if correct { 1 } else { 0 },
            at: T + 2_000,
            elapsed_ms: 1_000 + user,
            correct,
            points,
            typed: None,
        },
    }
}

fn quiz() -> Quiz {
    let checked = quizbot::quiz::check_file(
        Path::new("quizzes/day-42-attention-mechanisms.md"),
        &DiscordFit,
    );
    checked.quiz.expect("the bundled quiz reads")
}

async fn answers_are_committed_once_per_player_per_question(db: Db) {
    let store = db.open().await;
    let s = store.create_session(new_session(5)).await.unwrap();
    store.open_question(s, 0, 1, T, T + 20_000).await.unwrap();
    // 1,000 players at once, each clicking twice: every first click stored, every second
    // refused by the unique key, whichever of the two commits first.
    let mut tasks = Vec::new();
    for user in 0..1_000u64 {
        for click in 0..2 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut a = answer(s, 0, user, user % 2 == 0, 900);
                a.answer.choice = click;
                store.insert_answer(a, false).await
            }));
        }
    }
    let mut outcomes = Vec::new();
    for t in tasks {
        outcomes.push(t.await.unwrap().unwrap());
    }
    let stored = outcomes.iter().filter(|o| **o == Inserted::Stored).count();
    let refused = outcomes
        .iter()
        .filter(|o| **o == Inserted::AlreadyAnswered)
        .count();
    assert_eq!((stored, refused), (1_000, 1_000));
    assert_eq!(store.answer_count(s, 0).await.unwrap(), 1_000);

    // An answer that cannot be stored (its session does not exist) fails alone; the answers
    // committed with it are stored.
    let mut tasks = Vec::new();
    for user in 2_000..2_050u64 {
        let one = store.clone();
        tasks.push(tokio::spawn(async move {
            one.insert_answer(answer(s, 0, user, true, 1), false).await
        }));
        if user == 2_025 {
            let bad = store.clone();
            tasks.push(tokio::spawn(async move {
                bad.insert_answer(answer(s + 999, 0, user, true, 1), false)
                    .await
            }));
        }
    }
    let (mut ok, mut failed) = (0, 0);
    for t in tasks {
        match t.await.unwrap() {
            Ok(Inserted::Stored) => ok += 1,
            Ok(other) => panic!("{other:?}"),
            Err(_) => failed += 1,
        }
    }
    assert_eq!((ok, failed), (50, 1));
    assert_eq!(store.answer_count(s, 0).await.unwrap(), 1_050);

    // allow_change: the later answer replaces the first.
    let mut changed = answer(s, 0, 7, true, 500);
    changed.answer.choice = 3;
    assert_eq!(
        store.insert_answer(changed, true).await.unwrap(),
        Inserted::Stored
    );
    let mine = store.answers_of(s, 7).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!((mine[0].1.choice, mine[0].1.points), (3, 500));
    assert_eq!(store.answer_count(s, 0).await.unwrap(), 1_050);
    // Changes that wait together: each is taken, one answer remains, and it is one of them.
    let mut tasks = Vec::new();
    for choice in 4..9u16 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let mut a = answer(s, 0, 8, true, 400);
            a.answer.choice = choice;
            store.insert_answer(a, true).await
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap().unwrap(), Inserted::Stored);
    }
    let mine = store.answers_of(s, 8).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert!((4..9).contains(&mine[0].1.choice), "{mine:?}");

    // Typed answers keep their text; recovery reads everything with names.
    let mut typed = answer(s, 1, 7, false, 0);
    typed.answer.typed = Some("softmax".into());
    typed.answer.choice = u16::MAX;
    store.insert_answer(typed, false).await.unwrap();
    let all = store.session_answers(s).await.unwrap();
    assert_eq!(all.len(), 1_051);
    let last = all.last().unwrap();
    assert_eq!((last.position, last.user_id), (1, 7));
    assert_eq!(last.name, "player7");
    assert_eq!(last.guild_id, GUILD);
    assert_eq!(last.answer.typed.as_deref(), Some("softmax"));
    assert_eq!(last.answer.choice, u16::MAX);
}

async fn one_running_session_per_channel(db: Db) {
    let store = db.open().await;
    let first = store.create_session(new_session(5)).await.unwrap();
    assert!(matches!(
        store.create_session(new_session(5)).await,
        Err(StoreError::ChannelBusy)
    ));
    // Another channel is free; the first channel again once its quiz ended.
    store.create_session(new_session(6)).await.unwrap();
    store
        .finish_session(first, GUILD, SessionState::Stopped, T + 1, vec![], vec![])
        .await
        .unwrap();
    let again = store.create_session(new_session(5)).await.unwrap();
    assert_ne!(again, first);
    let running: Vec<i64> = store
        .running_sessions()
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(running.len(), 2);
    assert!(running.contains(&again) && !running.contains(&first));
}

async fn a_live_quiz_from_start_to_results(db: Db) {
    let store = db.open().await;
    let s = store.create_session(new_session(5)).await.unwrap();
    let row = store.session(s).await.unwrap().unwrap();
    assert_eq!(row.guild_id, GUILD);
    assert_eq!(row.order, vec![1, 0]);
    assert_eq!(row.state, SessionState::Running);
    assert!(row.streak_bonus && !row.allow_change);
    assert!(store.session(s + 1000).await.unwrap().is_none());

    store.open_question(s, 0, 1, T, T + 20_000).await.unwrap();
    // An answer that carries the question's message fills it in when the question's own
    // record of it has not landed (a crash in between)…
    let mut a = answer(s, 0, 11, true, 950);
    a.message_id = Some(4242);
    store.insert_answer(a, false).await.unwrap();
    // …but never overwrites one that has.
    store.set_question_message(s, 0, 5000).await.unwrap();
    let mut b = answer(s, 0, 12, false, 0);
    b.message_id = Some(9999);
    store.insert_answer(b, false).await.unwrap();
    let posted = store.posted_questions(s).await.unwrap();
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].message_id, Some(5000));
    assert_eq!(posted[0].question_index, 1);
    assert_eq!(posted[0].revealed_at, None);

    let boards = keys_for(T, chrono_tz::UTC, "day-42");
    assert!(store
        .reveal(s, 0, GUILD, boards.clone(), T + 21_000, None)
        .await
        .unwrap());
    assert!(
        !store
            .reveal(s, 0, GUILD, boards.clone(), T + 22_000, None)
            .await
            .unwrap(),
        "a question is counted once"
    );
    assert_eq!(
        store.posted_questions(s).await.unwrap()[0].revealed_at,
        Some(T + 21_000)
    );
    let scores = vec![
        ScoreRow {
            user_id: 11,
            rank: 1,
            points: 950,
            correct: 1,
            answered: 1,
            correct_ms: 1_011,
            best_streak: 1,
        },
        ScoreRow {
            user_id: 12,
            rank: 2,
            points: 0,
            correct: 0,
            answered: 1,
            correct_ms: 0,
            best_streak: 0,
        },
    ];
    store
        .finish_session(
            s,
            GUILD,
            SessionState::Finished,
            T + 30_000,
            scores.clone(),
            boards.clone(),
        )
        .await
        .unwrap();
    // Finishing twice (a restart in between) counts the quiz once.
    store
        .finish_session(
            s,
            GUILD,
            SessionState::Finished,
            T + 31_000,
            scores.clone(),
            boards,
        )
        .await
        .unwrap();
    let row = store.session(s).await.unwrap().unwrap();
    assert_eq!(row.state, SessionState::Finished);
    assert_eq!(row.finished_at, Some(T + 30_000));
    assert_eq!(store.session_players(s).await.unwrap(), 2);
    assert_eq!(
        store.session_score(s, 11).await.unwrap(),
        Some(scores[0].clone())
    );
    assert_eq!(store.session_score(s, 99).await.unwrap(), None);
    let top = store.leaderboard(GUILD, "all".into(), 10).await.unwrap();
    assert_eq!(top[0].quizzes, 1, "one quiz, however often it finished");
    assert_eq!(top[0].best_streak, 1);

    // Results owed until their message is recorded.
    let owed: Vec<i64> = store
        .results_owed(T)
        .await
        .unwrap()
        .iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(owed, vec![s]);
    assert!(store.results_owed(T + 40_000).await.unwrap().is_empty());
    store.set_results_message(s, 777).await.unwrap();
    assert!(store.results_owed(T).await.unwrap().is_empty());
    assert_eq!(
        store.session(s).await.unwrap().unwrap().results_message_id,
        Some(777)
    );
    assert!(store.running_sessions().await.unwrap().is_empty());
}

async fn leaderboards_per_period_in_the_server_timezone(db: Db) {
    let store = db.open().await;
    assert_eq!(store.guild_timezone(GUILD).await.unwrap(), chrono_tz::UTC);
    store
        .set_guild_timezone(GUILD, chrono_tz::Europe::Berlin)
        .await
        .unwrap();
    let tz = store.guild_timezone(GUILD).await.unwrap();
    assert_eq!(tz, chrono_tz::Europe::Berlin);
    let s = store.create_session(new_session(5)).await.unwrap();
    store.open_question(s, 0, 0, T, T + 20_000).await.unwrap();
    // Points 900, 900, 500 and a wrong one: ties go to less time on correct answers.
    for (user, correct, points, elapsed) in [
        (1, true, 900, 3_000),
        (2, true, 900, 1_000),
        (3, true, 500, 500),
        (4, false, 0, 100),
    ] {
        let mut a = answer(s, 0, user, correct, points);
        a.answer.elapsed_ms = elapsed;
        store.insert_answer(a, false).await.unwrap();
    }
    let boards = keys_for(T, tz, "day-42");
    assert!(boards.contains(&"d:2026-11-29".to_string()), "{boards:?}");
    store
        .reveal(s, 0, GUILD, boards, T + 21_000, None)
        .await
        .unwrap();
    let today = Board::Today.key(T, tz);
    let order: Vec<u64> = store
        .leaderboard(GUILD, today.clone(), 10)
        .await
        .unwrap()
        .iter()
        .map(|r| r.user_id)
        .collect();
    assert_eq!(order, vec![2, 1, 3, 4]);
    let top2 = store.leaderboard(GUILD, "all".into(), 2).await.unwrap();
    assert_eq!(top2.len(), 2);
    assert_eq!(
        (top2[0].name.as_str(), top2[0].points, top2[0].correct_ms),
        ("player2", 900, 1_000)
    );
    // The UTC day of the same moment is another board, empty.
    assert!(store
        .leaderboard(GUILD, Board::Today.key(T, chrono_tz::UTC), 10)
        .await
        .unwrap()
        .is_empty());
    for board in [Board::Week, Board::Month] {
        assert_eq!(
            store
                .leaderboard(GUILD, board.key(T, tz), 10)
                .await
                .unwrap()
                .len(),
            4
        );
    }
    let (rank, row) = store
        .board_entry(GUILD, today.clone(), 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((rank, row.points), (3, 500));
    assert!(store.board_entry(GUILD, today, 99).await.unwrap().is_none());
    // Another server's boards are its own.
    assert!(store
        .leaderboard(GUILD + 1, "all".into(), 10)
        .await
        .unwrap()
        .is_empty());

    let stats = store
        .member_stats(GUILD, 4, T + 60_000, tz)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stats.answered, stats.correct, stats.rank), (1, 0, Some(4)));
    assert_eq!(stats.name, "player4");
    assert_eq!(stats.last_days, vec![("2026-11-29".to_string(), 1, 0)]);
    assert!(store
        .member_stats(GUILD, 99, T, tz)
        .await
        .unwrap()
        .is_none());
}

async fn everything_committed_is_there_after_a_restart(db: Db) {
    let store = db.open().await;
    let s = store.create_session(new_session(5)).await.unwrap();
    store.open_question(s, 0, 0, T, T + 20_000).await.unwrap();
    store.set_question_message(s, 0, 4242).await.unwrap();
    for user in 0..50 {
        store
            .insert_answer(answer(s, 0, user, true, 800), false)
            .await
            .unwrap();
    }
    store
        .reveal(s, 0, GUILD, vec!["all".into()], T + 21_000, None)
        .await
        .unwrap();
    store
        .open_question(s, 1, 1, T + 30_000, T + 50_000)
        .await
        .unwrap();
    store
        .insert_answer(answer(s, 1, 3, true, 700), false)
        .await
        .unwrap();
    // The process ends (no checkpoint: as after kill -9, whatever was acknowledged is there).
    drop(store);
    let store = db.open().await;
    let running = store.running_sessions().await.unwrap();
    assert_eq!(running.len(), 1);
    assert_eq!(running[0].id, s);
    let posted = store.posted_questions(s).await.unwrap();
    assert_eq!(posted.len(), 2);
    assert_eq!(posted[0].message_id, Some(4242));
    assert!(posted[0].revealed_at.is_some() && posted[1].revealed_at.is_none());
    assert_eq!(store.session_answers(s).await.unwrap().len(), 51);
    // Recovery reveals the open question once; the one revealed before is not counted again.
    assert!(!store
        .reveal(s, 0, GUILD, vec!["all".into()], T + 60_000, None)
        .await
        .unwrap());
    assert!(store
        .reveal(s, 1, GUILD, vec!["all".into()], T + 60_000, None)
        .await
        .unwrap());
    let (_, three) = store
        .board_entry(GUILD, "all".into(), 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((three.points, three.answered), (1_500, 2));
    // Ids go on after the restart.
    let next = store.create_session(new_session(6)).await.unwrap();
    assert!(next > s);
}

fn assignment_of(quiz: &Quiz, due_at: i64) -> NewAssignment {
    NewAssignment {
        guild_id: GUILD,
        channel_id: 5,
        host_id: 9,
        quiz_id: quiz.id.clone(),
        quiz_json: quizbot::store::quiz_json::encode(quiz).unwrap(),
        created_at: T,
        due_at,
        schedule_id: None,
    }
}

fn run_answer(run: i64, user: u64, position: usize, pick: u8, now: i64) -> RunAnswer {
    RunAnswer {
        run_id: run,
        user_id: user,
        name: format!("member{user}"),
        position,
        pick: Pick::One(pick),
        typed: None,
        now,
        tz: chrono_tz::UTC,
    }
}

async fn assignments_runs_and_their_results(db: Db) {
    let store = db.open().await;
    let quiz = quiz();
    let questions = quiz.questions.len();
    let id = store
        .create_assignment(assignment_of(&quiz, T + 3_600_000))
        .await
        .unwrap();
    store.set_assignment_message(id, 31).await.unwrap();
    let a = store.assignment(id).await.unwrap().unwrap();
    assert!(a.open);
    assert_eq!((a.message_id, a.due_at), (Some(31), T + 3_600_000));

    // First press creates the run, later presses give it back; another server's press and
    // an unknown assignment are unknown.
    let AssignmentStart::Run { run, resumed } = store
        .start_assignment_run(id, GUILD, 21, T + 1_000)
        .await
        .unwrap()
    else {
        panic!("a run")
    };
    assert!(!resumed);
    assert_eq!(run.progress.questions, questions);
    let AssignmentStart::Run {
        run: again,
        resumed,
    } = store
        .start_assignment_run(id, GUILD, 21, T + 2_000)
        .await
        .unwrap()
    else {
        panic!("the same run")
    };
    assert!(resumed && again.id == run.id);
    assert!(matches!(
        store
            .start_assignment_run(id, GUILD + 1, 21, T)
            .await
            .unwrap(),
        AssignmentStart::Unknown
    ));
    assert!(matches!(
        store
            .start_assignment_run(id + 99, GUILD, 21, T)
            .await
            .unwrap(),
        AssignmentStart::Unknown
    ));

    // Answer every question right; a second answer to one is refused; a stranger's click
    // on this run is not theirs.
    for (position, q) in quiz.questions.iter().enumerate() {
        let outcome = store
            .answer_run(run_answer(
                run.id,
                21,
                position,
                q.answer as u8,
                T + 10_000 + position as i64,
            ))
            .await
            .unwrap();
        let RunAnswerOutcome::Taken { run: now, taken } = outcome else {
            panic!("taken: {outcome:?}")
        };
        assert!(taken.correct);
        assert_eq!(taken.finished, position + 1 == questions);
        assert_eq!(now.progress.answered, position + 1);
    }
    assert!(matches!(
        store
            .answer_run(run_answer(run.id, 21, 0, 0, T + 20_000))
            .await
            .unwrap(),
        RunAnswerOutcome::Refused {
            refusal: RunRefusal::AlreadyAnswered | RunRefusal::Finished,
            ..
        }
    ));
    assert!(matches!(
        store
            .answer_run(run_answer(run.id, 22, 0, 0, T + 20_000))
            .await
            .unwrap(),
        RunAnswerOutcome::NotYours
    ));
    assert!(matches!(
        store
            .answer_run(run_answer(run.id + 99, 21, 0, 0, T))
            .await
            .unwrap(),
        RunAnswerOutcome::Unknown
    ));
    let finished = store.run(run.id).await.unwrap().unwrap();
    assert_eq!(
        finished.finished_at,
        Some(T + 10_000 + questions as i64 - 1)
    );
    assert_eq!(finished.progress.correct as usize, questions);
    let answers = store.run_answers(run.id).await.unwrap();
    assert_eq!(answers.len(), questions);
    assert!(answers.iter().all(|(_, _, correct)| *correct));

    // A second member starts and answers one wrong, then the due time comes.
    let AssignmentStart::Run { run: other, .. } = store
        .start_assignment_run(id, GUILD, 22, T + 5_000)
        .await
        .unwrap()
    else {
        panic!("a run")
    };
    let wrong = (quiz.questions[0].answer + 1) % quiz.questions[0].options.len();
    store
        .answer_run(run_answer(other.id, 22, 0, wrong as u8, T + 6_000))
        .await
        .unwrap();
    assert!(store.due_assignments(T).await.unwrap().is_empty());
    let due = store.due_assignments(T + 3_600_000).await.unwrap();
    assert_eq!(due.iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);
    assert!(matches!(
        store
            .start_assignment_run(id, GUILD, 23, T + 3_600_000)
            .await
            .unwrap(),
        AssignmentStart::Closed { run: None, .. }
    ));
    assert!(store.close_assignment(id).await.unwrap());
    assert!(!store.close_assignment(id).await.unwrap(), "closed once");
    // Closed by the bot: an answer after that is refused as closed.
    assert!(matches!(
        store
            .answer_run(run_answer(other.id, 22, 1, 0, T + 7_000))
            .await
            .unwrap(),
        RunAnswerOutcome::Refused {
            refusal: RunRefusal::Closed,
            ..
        }
    ));
    let results = store.assignment_results(id, questions).await.unwrap();
    assert_eq!(results.finished.len(), 1);
    assert_eq!(results.finished[0].user_id, 21);
    assert_eq!(results.finished[0].name, "member21");
    assert_eq!(results.unfinished, 1);
    assert_eq!(results.per_question[0], (2, 1));
    assert_eq!(results.per_question[1], (1, 1));

    // Results are retried until one post lands.
    let pending = store.results_pending().await.unwrap();
    assert_eq!(pending.iter().map(|a| a.id).collect::<Vec<_>>(), vec![id]);
    store.results_posted(id, None).await.unwrap();
    assert_eq!(store.results_pending().await.unwrap().len(), 1);
    store.results_posted(id, Some(88)).await.unwrap();
    assert!(store.results_pending().await.unwrap().is_empty());
    assert_eq!(
        store
            .assignment(id)
            .await
            .unwrap()
            .unwrap()
            .results_message_id,
        Some(88)
    );
    // An assignment whose post never made it is closed with nothing owed.
    let lost = store
        .create_assignment(assignment_of(&quiz, T + 100))
        .await
        .unwrap();
    store.abandon_assignment(lost).await.unwrap();
    assert!(!store.assignment(lost).await.unwrap().unwrap().open);
    assert!(store.results_pending().await.unwrap().is_empty());
    // Assignment answers count on the leaderboard, a point each.
    let (_, line) = store
        .board_entry(GUILD, "all".into(), 21)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (line.points, line.answered, line.quizzes),
        (questions as u64, questions as u64, 1)
    );
}

async fn practice_review_and_mistakes(db: Db) {
    let store = db.open().await;
    let quiz = quiz();
    let (run, resumed) = store.start_practice_run(GUILD, 30, &quiz, T).await.unwrap();
    assert!(!resumed);
    let (same, resumed) = store
        .start_practice_run(GUILD, 30, &quiz, T + 1)
        .await
        .unwrap();
    assert!(resumed && same.id == run.id);
    // Wrong on the first question: a mistake to review.
    let q0 = &quiz.questions[0];
    let wrong = ((q0.answer + 1) % q0.options.len()) as u8;
    store
        .answer_run(run_answer(run.id, 30, 0, wrong, T + 10))
        .await
        .unwrap();
    assert_eq!(store.mistake_count(GUILD, 30).await.unwrap(), 1);
    // Practice is not on the leaderboard, only in /stats.
    assert!(store
        .leaderboard(GUILD, "all".into(), 10)
        .await
        .unwrap()
        .is_empty());
    let stats = store
        .member_stats(GUILD, 30, T + 20, chrono_tz::UTC)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stats.answered, stats.correct, stats.rank), (1, 0, None));

    // A live quiz's wrong answer is a mistake too (with the question as asked).
    let s = store.create_session(new_session(5)).await.unwrap();
    store.open_question(s, 0, 1, T, T + 20_000).await.unwrap();
    store
        .insert_answer(answer(s, 0, 30, false, 0), false)
        .await
        .unwrap();
    store
        .insert_answer(answer(s, 0, 31, true, 900), false)
        .await
        .unwrap();
    let revealed = RevealedQuestion {
        quiz_id: quiz.id.clone(),
        quiz_title: quiz.title.clone(),
        question: quiz.questions[1].clone(),
    };
    store
        .reveal(s, 0, GUILD, vec!["all".into()], T + 21_000, Some(revealed))
        .await
        .unwrap();
    assert_eq!(store.mistake_count(GUILD, 30).await.unwrap(), 2);
    assert_eq!(store.mistake_count(GUILD, 31).await.unwrap(), 0);

    // Review: the two mistakes, oldest first; right in review clears one, wrong keeps it.
    assert!(store
        .start_review_run(GUILD, 31, 10, T)
        .await
        .unwrap()
        .is_none());
    let review = store
        .start_review_run(GUILD, 30, 10, T + 30_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(review.progress.questions, 2);
    assert_eq!(review.review_keys.len(), 2);
    let asked = review.quiz().unwrap();
    let right = asked.questions[0].answer as u8;
    let wrong = ((asked.questions[1].answer + 1) % asked.questions[1].options.len()) as u8;
    store
        .answer_run(run_answer(review.id, 30, 0, right, T + 31_000))
        .await
        .unwrap();
    store
        .answer_run(run_answer(review.id, 30, 1, wrong, T + 32_000))
        .await
        .unwrap();
    assert_eq!(store.mistake_count(GUILD, 30).await.unwrap(), 1);
    let limited = store
        .start_review_run(GUILD, 30, 1, T + 40_000)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(limited.progress.questions, 1);
}

async fn a_schedule_occurrence_is_claimed_once_by_racing_processes(db: Db) {
    let store = db.open().await;
    let id = store
        .add_schedule(NewSchedule {
            guild_id: GUILD,
            channel_id: 5,
            host_id: 9,
            target: "day-*".into(),
            local_time: "09:00".into(),
            timezone: "Europe/Berlin".into(),
            mode: ScheduleMode::Assignment,
            due_minutes: 60,
            created_at: T,
        })
        .await
        .unwrap();
    let other = store
        .add_schedule(NewSchedule {
            guild_id: GUILD + 1,
            channel_id: 6,
            host_id: 9,
            target: "x".into(),
            local_time: "10:00".into(),
            timezone: "UTC".into(),
            mode: ScheduleMode::Live,
            due_minutes: 0,
            created_at: T,
        })
        .await
        .unwrap();
    let mine = store.schedules(Some(GUILD)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].target, "day-*");
    assert_eq!(mine[0].mode, ScheduleMode::Assignment);
    assert_eq!(store.schedules(None).await.unwrap().len(), 2);

    // Four processes tick the same occurrence at once: one claims it (and creates its
    // assignment), the others find it taken.
    let quiz = quiz();
    let schedule = mine[0].clone();
    let mut handles = Vec::new();
    for _ in 0..4 {
        let process = db.open().await;
        let (schedule, assignment) = (schedule.clone(), assignment_of(&quiz, T + 3_600_000));
        handles.push(tokio::spawn(async move {
            process
                .claim_occurrence(
                    &schedule,
                    T + 60_000,
                    Some("day-42".into()),
                    "posted",
                    T + 60_001,
                    Some(assignment),
                )
                .await
                .unwrap()
        }));
    }
    let mut claims = Vec::new();
    for h in handles {
        claims.push(h.await.unwrap());
    }
    let won: Vec<&Claim> = claims
        .iter()
        .filter(|c| {
            matches!(
                c,
                Claim::Claimed {
                    assignment: Some(_)
                }
            )
        })
        .collect();
    assert_eq!(won.len(), 1, "{claims:?}");
    assert_eq!(
        claims.iter().filter(|c| **c == Claim::Taken).count(),
        3,
        "{claims:?}"
    );
    assert!(store.occurrence_claimed(id, T + 60_000).await.unwrap());
    assert!(!store.occurrence_claimed(id, T + 120_000).await.unwrap());
    assert_eq!(
        store.series_uses(GUILD).await.unwrap().get("day-42"),
        Some(&1)
    );
    assert!(store.series_uses(GUILD + 1).await.unwrap().is_empty());
    // Exactly one assignment was created.
    assert_eq!(store.due_assignments(i64::MAX).await.unwrap().len(), 1);

    assert!(
        !store.remove_schedule(GUILD, other, T).await.unwrap(),
        "not this server's"
    );
    assert!(store.remove_schedule(GUILD, id, T).await.unwrap());
    assert!(!store.remove_schedule(GUILD, id, T).await.unwrap());
    assert!(store.schedules(Some(GUILD)).await.unwrap().is_empty());
}

async fn uploaded_quizzes_and_pictures(db: Db) {
    let store = db.open().await;
    let picture: Arc<[u8]> = Arc::from(&b"\x89PNG fake picture"[..]);
    let save = |title: &str, bytes: &[u8]| {
        let (store, title, bytes, picture) = (
            store.clone(),
            title.to_string(),
            bytes.to_vec(),
            picture.clone(),
        );
        async move {
            store
                .save_guild_quiz(
                    GUILD,
                    "night".into(),
                    "night.md".into(),
                    bytes,
                    title,
                    3,
                    9,
                    T,
                    vec![("ab12".into(), picture)],
                )
                .await
                .unwrap()
        }
    };
    assert!(!save("Night", b"# Night v1").await, "new");
    assert!(save("Night (v2)", b"# Night v2").await, "replaced");
    let listed = store.guild_quizzes(GUILD).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].title.as_str(), listed[0].questions),
        ("Night (v2)", 3)
    );
    assert!(store.guild_quizzes(GUILD + 1).await.unwrap().is_empty());
    assert_eq!(
        store
            .guild_quiz_source(GUILD, "night".into())
            .await
            .unwrap(),
        Some(("night.md".to_string(), b"# Night v2".to_vec()))
    );
    assert_eq!(
        store.guild_quiz_source(GUILD, "day".into()).await.unwrap(),
        None
    );
    assert_eq!(
        store.picture("ab12".into()).await.unwrap().as_deref(),
        Some(&picture[..])
    );
    assert_eq!(store.picture("ffff".into()).await.unwrap(), None);
}

async fn heartbeats_health_and_shutdown(db: Db) {
    let store = db.open().await;
    let expected = match db.location {
        Location::File(_) => Backend::Sqlite,
        Location::Server(_) => Backend::Postgres,
    };
    assert_eq!(store.backend(), expected);
    store.heartbeat("host-a:1", "0-1", T).await.unwrap();
    assert!(store.last_commit_ms() > 0, "a commit is noted");
    store.heartbeat("host-b:2", "2-3", T + 5).await.unwrap();
    store.heartbeat("host-a:1", "0-1", T + 10).await.unwrap();
    assert_eq!(
        store.heartbeats().await.unwrap(),
        vec![
            ("host-a:1".to_string(), "0-1".to_string(), T + 10),
            ("host-b:2".to_string(), "2-3".to_string(), T + 5),
        ]
    );
    store.checkpoint().await.unwrap();
    drop(store);
    assert_eq!(db.open().await.heartbeats().await.unwrap().len(), 2);
}
