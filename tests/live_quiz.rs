//! The seed quiz played live by five members with scripted answers and timings, through the
//! simulator and the real serenity client: every message a member sees, the SQLite rows,
//! `/leaderboard` and `/stats`, and exact scores under both scoring modes.

mod common;

use common::{Harness, Options, NAMES, T0, WAIT};
use discord_sim::Message;
use quizbot::config::LiveConfig;

/// The seed's correct options: b, b, b, b, c, b, b, b, b, b.
const ANSWERS: [usize; 10] = [1, 1, 1, 1, 2, 1, 1, 1, 1, 1];
const LETTERS: [char; 4] = ['A', 'B', 'C', 'D'];

/// Who answers what, when (ms after the question opened). Option A is always wrong.
fn script(player: usize, q: usize) -> Option<(usize, i64)> {
    let right = ANSWERS[q];
    match player {
        0 => Some((right, 1_200)), // Ada: always right, fast
        1 => Some((if q.is_multiple_of(2) { right } else { 0 }, 400)), // Bo: every other one
        2 => Some((right, 19_999)), // Cy: always right, at the buzzer
        3 => (q < 3).then_some((right, 10_000)), // Di: the first three
        4 => (q == 0).then_some((0, 3_000)), // Ed: one wrong answer
        _ => None,
    }
}

/// Plays the whole seed quiz; returns the results message.
async fn play(h: &Harness, scoring: &str) -> Message {
    let intro = h
        .run(
            h.host,
            "quiz start",
            &[
                ("quiz", "day-42-attention-mechanisms".into()),
                ("scoring", scoring.into()),
            ],
        )
        .await;
    assert_eq!(intro.ephemeral_for, None, "the intro is public");
    assert!(intro.embeds[0]
        .title
        .contains("Day 42 Quiz: Attention Mechanisms Deep Dive"));
    assert!(intro.embeds[0]
        .description
        .contains("**10** questions · **20 s** each"));

    let seed = quizbot::quiz::check_file(
        std::path::Path::new("quizzes/day-42-attention-mechanisms.md"),
        &quizbot::render::preflight::DiscordFit,
    )
    .quiz
    .unwrap();
    for q in 0..10 {
        let opened = T0 + q as i64 * 100_000;
        let question = h.question(h.channel, q + 1).await;
        // What every member sees: the prompt, every option in full, the countdown, letters.
        let e = &question.embeds[0];
        assert!(e.description.starts_with(&seed.questions[q].prompt));
        for (i, option) in seed.questions[q].options.iter().enumerate() {
            assert!(
                e.description
                    .contains(&format!("**{}.** {option}", LETTERS[i])),
                "{option}"
            );
        }
        assert!(
            e.description
                .contains(&format!("<t:{}:R>", (opened + 20_000) / 1000)),
            "{}",
            e.description
        );
        let labels: Vec<char> = question
            .buttons()
            .map(|b| b.label.chars().next().unwrap())
            .collect();
        assert_eq!(labels, LETTERS);
        // Fair buttons: all bare letters, or all with their text — never one that stands out.
        let bare = question
            .buttons()
            .filter(|b| b.label.chars().count() == 1)
            .count();
        assert!(
            bare == 0 || bare == LETTERS.len(),
            "question {}: {bare} bare letters",
            q + 1
        );
        assert!(question.buttons().all(|b| !b.disabled && b.style == 1));

        for (p, player) in h.players.iter().enumerate() {
            let Some((choice, after)) = script(p, q) else {
                continue;
            };
            h.clock.set(opened + after);
            let ack = h
                .click(
                    *player,
                    question.id,
                    &Harness::button_id(&question, LETTERS[choice]),
                )
                .await;
            assert_eq!(
                ack.ephemeral_for,
                Some(*player),
                "only the player sees the ack"
            );
            let option = &seed.questions[q].options[choice];
            assert_eq!(
                ack.content,
                format!("Locked in: **{}** — {option}", LETTERS[choice])
            );
        }
        h.run(h.host, "quiz next", &[]).await;
        // The next question opens at a known time on the test's clock.
        h.clock.set(T0 + (q as i64 + 1) * 100_000);
        let revealed = h.revealed(h.channel, q + 1).await;
        assert_eq!(
            revealed.id, question.id,
            "the reveal edits the question message"
        );
        let styles: Vec<u8> = revealed.buttons().map(|b| b.style).collect();
        let mut want = vec![2u8; 4];
        want[ANSWERS[q]] = 3;
        assert_eq!(
            styles, want,
            "the correct button turns green, the others grey"
        );
        let answer = &revealed.embeds[1].description;
        assert!(answer.contains(&format!(
            "**{}.** {}",
            LETTERS[ANSWERS[q]], seed.questions[q].options[ANSWERS[q]]
        )));
        assert!(
            answer.contains(&seed.questions[q].explanation),
            "the whole explanation"
        );
        if q == 0 {
            // Ada B, Bo B, Cy B, Di B, Ed A.
            assert!(answer.contains("A ██░░░░░░░░ 1  20%\n"), "{answer}");
            assert!(answer.contains("B ████████░░ 4  80% ✓\n"), "{answer}");
            assert!(answer.contains("C ░░░░░░░░░░ 0   0%\n"), "{answer}");
            assert!(
                answer.contains("⚡ Fastest correct: **Bo** (0.4 s)"),
                "{answer}"
            );
        }
        if q < 9 {
            let standings = h
                .titled(
                    h.channel,
                    &format!("Standings after question {} of 10", q + 1),
                )
                .await;
            assert!(
                standings.embeds[0].description.lines().count() <= 5,
                "top five"
            );
        }
    }
    h.titled(h.channel, "🏆 Results").await
}

fn lines(m: &Message) -> Vec<String> {
    m.embeds[0]
        .description
        .lines()
        .map(str::to_string)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_quiz_with_five_players_scored_by_speed() {
    let h = common::start(Options::default()).await;
    let results = play(&h, "speed").await;

    // Ada: 970 + 1070 + 1170 + 1270 + 1370 + 5 × 1470 (streak bonus capped at 500).
    // Cy: at 19.999 s each right answer is 500, plus the same streak bonus.
    // Bo: 1000 five times, never a streak. Di: 750 + 850 + 950. Ed: nothing.
    let text = lines(&results);
    assert_eq!(text[0], "🥇 **Ada** — 13,200 pts · 10/10 right");
    assert_eq!(text[1], "🥈 **Cy** — 8,500 pts · 10/10 right");
    assert_eq!(text[2], "🥉 **Bo** — 5,000 pts · 5/10 right");
    assert_eq!(text[4], "` 4.` **Di** — 2,550 pts · 3/3 right");
    assert_eq!(text[5], "` 5.` **Ed** — 0 pts · 0/1 right");
    let all = results.embeds[0].description.clone();
    assert!(all.contains("**5** players"), "{all}");
    assert!(all.contains("hardest: **Q4**"), "{all}");
    assert!(all.contains("(66% got it right)"), "{all}");
    assert_eq!(
        results
            .buttons()
            .map(|b| b.label.as_str())
            .collect::<Vec<_>>(),
        ["My results"]
    );

    // "My results": score, tier from the quiz's scoring section, every missed question.
    let bo = h.players[1];
    let mine = h
        .click(
            bo,
            results.id,
            results.rows[0][0].custom_id.as_deref().unwrap(),
        )
        .await;
    assert_eq!(mine.ephemeral_for, Some(bo));
    let d = &mine.embeds[0].description;
    assert!(d.starts_with("**5,000 pts** · **5/10** correct · rank **3** of 5\n**5/10 — Basic understanding, review key concepts**"), "{d}");
    for missed in ["**Q2.**", "**Q4.**", "**Q6.**", "**Q8.**", "**Q10.**"] {
        assert!(d.contains(missed), "{missed} in {d}");
    }
    assert!(!d.contains("**Q1.**"));
    assert!(
        d.contains("You: A. It reduces computational complexity"),
        "{d}"
    );

    // SQLite: every answer once, final scores, leaderboard totals.
    let db = h.db().await;
    let answers: i64 = db
        .query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(answers, 10 + 10 + 10 + 3 + 1);
    let ada_points: i64 = db
        .query_row(
            "SELECT SUM(points) FROM answers WHERE user_id = ?1",
            [h.players[0] as i64],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(ada_points, 13_200);
    let results_message = h
        .db_eventually("SELECT results_message_id FROM sessions")
        .await;
    let state: String = db
        .query_row("SELECT state FROM sessions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        (state.as_str(), results_message as u64),
        ("finished", results.id)
    );
    let ranks: Vec<(i64, i64)> = db
        .prepare("SELECT rank, points FROM session_scores ORDER BY rank")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        ranks,
        [(1, 13_200), (2, 8_500), (3, 5_000), (4, 2_550), (5, 0)]
    );
    let names: i64 = db
        .query_row("SELECT COUNT(*) FROM players", [], |r| r.get(0))
        .unwrap();
    assert_eq!(names, 5, "names as the interactions carried them");

    // /leaderboard and /stats.
    let board = h.run(bo, "leaderboard", &[]).await;
    let b = &board.embeds[0];
    assert_eq!(b.title, "🏅 Leaderboard — all time");
    assert!(
        b.description.starts_with(
            "` 1.` **Ada** — 13,200 pts · 10/10 correct (100%)\n` 2.` **Cy** — 8,500 pts"
        ),
        "{}",
        b.description
    );
    assert!(
        b.description
            .ends_with("You: **#3** — 5,000 pts · 5/10 correct"),
        "{}",
        b.description
    );
    let week = h
        .run(bo, "leaderboard", &[("period", "this week".into())])
        .await;
    assert!(
        week.embeds[0].description.contains("**Ada** — 13,200 pts"),
        "the quiz counts this week"
    );
    let per_quiz = h
        .run(
            bo,
            "leaderboard",
            &[("quiz", "day-42-attention-mechanisms".into())],
        )
        .await;
    assert!(per_quiz.embeds[0]
        .title
        .ends_with("Day 42 Quiz: Attention Mechanisms Deep Dive"));
    let stats = h.run(h.players[0], "stats", &[]).await;
    let s = &stats.embeds[0].description;
    assert_eq!(stats.embeds[0].title, "📊 Stats — Ada");
    for line in [
        "**Points:** 13,200 (rank #1)",
        "**Answered:** 10",
        "**Correct:** 10",
        "**Accuracy:** 100%",
        "**Best streak:** 10",
        "**Quizzes completed:** 1",
    ] {
        assert!(s.contains(line), "{line} in {s}");
    }
    let di = h
        .run(
            h.players[0],
            "stats",
            &[("user", h.players[3].to_string().into())],
        )
        .await;
    assert!(
        di.embeds[0].description.contains("**Best streak:** 3"),
        "{}",
        di.embeds[0].description
    );

    h.sim.assert_no_violations();
    let _ = NAMES;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_seed_quiz_scored_by_correct_answers_breaks_ties_by_time() {
    let h = common::start(Options::default()).await;
    let results = play(&h, "correct").await;
    let text = lines(&results);
    // Ada and Cy both have 10; Ada took 12 s in total, Cy 200 s.
    assert_eq!(text[0], "🥇 **Ada** — 10 correct · 10/10 right");
    assert_eq!(text[1], "🥈 **Cy** — 10 correct · 10/10 right");
    assert_eq!(text[2], "🥉 **Bo** — 5 correct · 5/10 right");
    assert_eq!(text[4], "` 4.` **Di** — 3 correct · 3/3 right");
    h.sim.assert_no_violations();
    let _ = (LiveConfig::default(), WAIT);
}

/// A quiz with a warm-up (0 points), a double-points question and an ordinary one, in both
/// scoring modes: the titles say what each is worth, and the scores, the standings, the
/// results and SQLite count a correct answer 0, 2 and 1 times.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn points_per_question_weigh_every_score() {
    for scoring in ["correct", "speed"] {
        let h = common::start(Options::default()).await;
        let added = h.upload("live/points.md").await;
        assert!(added.content.starts_with("✅"), "{}", added.content);
        let intro = h
            .run(
                h.host,
                "quiz start",
                &[("quiz", "points".into()), ("scoring", scoring.into())],
            )
            .await;
        assert!(
            intro.embeds[0]
                .description
                .contains("warm-up worth nothing"),
            "{}",
            intro.embeds[0].description
        );
        let (ada, bo) = (h.players[0], h.players[1]);
        // (title, Ada's letter, Bo's letter): Ada always right, Bo wrong on the double.
        let plan = [
            ("Question 1 of 3 · Warm-up (no points)", 'B', 'B'),
            ("Question 2 of 3 · ⭐ Double points", 'A', 'B'),
            ("Question 3 of 3", 'B', 'B'),
        ];
        for (n, (title, a, b)) in plan.iter().enumerate() {
            let opened = T0 + n as i64 * 100_000;
            let q = h.question(h.channel, n + 1).await;
            assert_eq!(q.embeds[0].title, *title);
            // Within the first 0.5 s: full marks in speed mode.
            h.clock.set(opened + 300);
            for (player, letter) in [(ada, *a), (bo, *b)] {
                let ack = h.click(player, q.id, &Harness::button_id(&q, letter)).await;
                assert!(ack.content.starts_with("Locked in"), "{}", ack.content);
            }
            h.run(h.host, "quiz next", &[]).await;
            h.clock.set(T0 + (n as i64 + 1) * 100_000);
            let revealed = h.revealed(h.channel, n + 1).await;
            assert_eq!(revealed.embeds[0].title, *title);
        }
        let results = h.titled(h.channel, "🏆 Results").await;
        let text = lines(&results);
        // Correct mode: Ada 0 + 2 + 1, Bo 0 + 0 + 1. Speed mode, every answer in 0.3 s with
        // the streak bonus: Ada 0, 2 × (1000 + 100), 1000 + 200; Bo 0, 0, 1000.
        let (ada_pts, bo_pts) = if scoring == "correct" {
            (3, 1)
        } else {
            (3_400, 1_000)
        };
        let shown = |p: i64| quizbot::render::text::thousands(p as u64);
        assert_eq!(
            text[0],
            format!("🥇 **Ada** — {} pts · 3/3 right", shown(ada_pts))
        );
        assert_eq!(
            text[1],
            format!("🥈 **Bo** — {} pts · 2/3 right", shown(bo_pts))
        );
        let stored = |user: u64| {
            h.count(&format!(
                "SELECT SUM(points) FROM answers WHERE user_id = {user}"
            ))
        };
        assert_eq!((stored(ada), stored(bo)), (ada_pts, bo_pts), "{scoring}");
        h.sim.assert_no_violations();
    }
}
