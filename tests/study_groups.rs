//! Study groups through the simulator: an assignment taken by three members, practice, review
//! after a live quiz, timezones, and a daily schedule across a daylight-saving change and a
//! restart. The clock is the test's; the scheduler runs when the test asks (`h.tick()`), and
//! once at every start-up.

mod common;

use common::{Harness, Options, T0, WAIT};
use discord_sim::Message;

const SEED: &str = "day-42-attention-mechanisms";
/// The seed's answers, as letters.
const KEY: [char; 10] = ['B', 'B', 'B', 'B', 'C', 'B', 'B', 'B', 'B', 'B'];
const HOUR: i64 = 3_600_000;

async fn upload(h: &Harness, path: &str) {
    let m = h.upload(path).await;
    assert!(m.content.starts_with("✅"), "{}", m.content);
}

/// Clicks the button of `m` whose label starts with `label`; the bot's answer to the click
/// (the same message updated, or a new ephemeral one).
async fn press(h: &Harness, user: u64, m: &Message, label: &str) -> Message {
    let id = m
        .button(label)
        .and_then(|b| b.custom_id.clone())
        .unwrap_or_else(|| panic!("no button {label:?} on {}", m.render()));
    h.click(user, m.id, &id).await
}

/// Answers the run's current question with `letter` and, unless it was the last, goes on.
async fn answer_and_next(h: &Harness, user: u64, m: &Message, letter: char) -> Message {
    let feedback = press(h, user, m, &letter.to_string()).await;
    assert_eq!(
        feedback.id, m.id,
        "the same private message turns into the feedback"
    );
    if feedback.button("Next").is_some() {
        press(h, user, &feedback, "Next").await
    } else {
        feedback
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_taken_by_three_members() {
    let h = common::start(Options::default()).await;
    let (ann, bo, cy) = (h.players[0], h.players[1], h.players[2]);

    // Only hosts assign.
    let refused = h.run(ann, "quiz assign", &[("quiz", SEED.into())]).await;
    assert!(
        refused.content.starts_with("Only hosts can do that"),
        "{}",
        refused.content
    );

    let reply = h
        .run(
            h.host,
            "quiz assign",
            &[("quiz", SEED.into()), ("due", "2h".into())],
        )
        .await;
    let due = (T0 + 2 * HOUR) / 1000;
    assert_eq!(reply.ephemeral_for, Some(h.host));
    assert!(
        reply.content.contains(&format!("open until <t:{due}:F>")),
        "{}",
        reply.content
    );
    let post = h.titled(h.channel, "📝 Day 42 Quiz").await;
    let d = &post.embeds[0].description;
    assert!(
        d.contains("Answer all 10 questions"),
        "the quiz's description: {d}"
    );
    assert!(d.contains("**10** questions"), "{d}");
    assert!(
        d.contains(&format!("<t:{due}:F>")) && d.contains(&format!("<t:{due}:R>")),
        "{d}"
    );
    assert_eq!(post.ephemeral_for, None, "the post is public");

    // Ann answers everything, right, one question at a time, in one private message.
    let first = press(&h, ann, &post, "Start").await;
    assert_eq!(first.ephemeral_for, Some(ann), "only Ann sees her run");
    assert_eq!(first.embeds[0].title, "Question 1 of 10");
    assert!(first.embeds[0]
        .description
        .contains("**B.** Cross-attention allows"));
    // A double click: two interactions for the same button, before the message changes.
    let b = first.button("B").unwrap().custom_id.clone().unwrap();
    let clicks = [
        h.sim.click(ann, first.id, &b).unwrap(),
        h.sim.click(ann, first.id, &b).unwrap(),
    ];
    for c in &clicks {
        let r = h.sim.wait_response(c, WAIT).await.unwrap();
        assert_eq!(r.response_kind, Some(7), "both update the message in place");
    }
    assert_eq!(
        h.count("SELECT COUNT(*) FROM run_answers"),
        1,
        "one answer stored"
    );
    let feedback = h.sim.message(first.id).unwrap();
    assert_eq!(feedback.embeds[0].title, "✅ Right! — question 1 of 10");
    assert!(feedback.embeds[1]
        .description
        .contains("**B.** Cross-attention allows positions"));
    assert!(
        feedback.embeds[1]
            .description
            .contains("Cross-attention enables alignment between different sequences"),
        "the explanation"
    );
    assert_eq!(
        feedback.embeds[0].footer.split(" · ").next(),
        Some("1 of 10 answered")
    );
    let mut m = press(&h, ann, &feedback, "Next").await;
    assert_eq!(m.id, first.id);
    assert_eq!(m.embeds[0].title, "Question 2 of 10");
    for letter in &KEY[1..] {
        m = answer_and_next(&h, ann, &m, *letter).await;
    }
    let summary = m.embeds.last().unwrap();
    assert!(summary.title.starts_with("🏁 Finished"), "{}", m.render());
    assert!(
        summary
            .description
            .contains("**10/10 — Excellent understanding of attention mechanisms**"),
        "{}",
        summary.description
    );
    assert!(summary.description.contains(&format!("<t:{due}:R>")));
    assert!(m.rows.is_empty(), "nothing left to click");

    // Bo answers five (two wrong), stops, and presses Start again later: he goes on at six.
    let mut m = press(&h, bo, &post, "Start").await;
    for (i, letter) in KEY[..5].iter().enumerate() {
        let pick = if i < 2 { 'A' } else { *letter };
        m = answer_and_next(&h, bo, &m, pick).await;
    }
    // In between, the bot restarts: progress is in SQLite, the post's button still works.
    let h = h.restart().await;
    h.clock.set(T0 + HOUR);
    let resumed = press(&h, bo, &post, "Start").await;
    assert_ne!(resumed.id, m.id, "a fresh private message");
    assert_eq!(
        resumed.content,
        "Welcome back — you're on question 6 of 10."
    );
    assert_eq!(resumed.embeds[0].title, "Question 6 of 10");
    let mut m = resumed;
    for letter in &KEY[5..] {
        m = answer_and_next(&h, bo, &m, *letter).await;
    }
    let summary = &m.embeds.last().unwrap().description;
    assert!(
        summary.contains("**8/10 — Good grasp with minor gaps**"),
        "{summary}"
    );
    // Pressing Start after finishing shows the score; there is no second run.
    let done = press(&h, bo, &post, "Start").await;
    assert_eq!(done.content, "You've already finished this one.");
    assert_eq!(h.count("SELECT COUNT(*) FROM runs"), 2);

    // Cy arrives after the due time (before the bot has closed the post): refused politely.
    h.clock.set(T0 + 2 * HOUR + 1);
    let late = press(&h, cy, &post, "Start").await;
    assert_eq!(late.ephemeral_for, Some(cy));
    assert!(
        late.content.starts_with("⏰ This assignment closed"),
        "{}",
        late.content
    );
    assert!(late
        .content
        .contains("/quiz practice quiz:day-42-attention-mechanisms"));
    assert_eq!(
        h.count("SELECT COUNT(*) FROM runs"),
        2,
        "nothing created for Cy"
    );

    // The due time passes: the results, once; the post's Start is disabled.
    h.tick().await;
    let results = h.titled(h.channel, "📋 Results — Day 42").await;
    let r = &results.embeds[0].description;
    assert!(
        r.contains("` 1.` **Ada** — 10/10 — Excellent understanding"),
        "{r}"
    );
    assert!(
        r.contains("` 2.` **Bo** — 8/10 — Good grasp with minor gaps"),
        "{r}"
    );
    assert!(
        r.contains("**2** finished · **0** started but didn't finish"),
        "{r}"
    );
    assert!(r.contains("average **9.0/10**"), "{r}");
    assert!(
        r.contains("Hardest: **Q1**") && r.contains("(50% got it right)"),
        "{r}"
    );
    let closed = h.sim.message(post.id).unwrap();
    assert!(closed.buttons().all(|b| b.disabled), "Start is closed");
    assert!(
        h.sim.click(cy, post.id, "a:1").is_err(),
        "Discord refuses a disabled button"
    );
    h.tick().await;
    let posted: Vec<Message> = h
        .sim
        .public_messages(h.channel)
        .into_iter()
        .filter(|m| {
            m.embeds
                .first()
                .is_some_and(|e| e.title.starts_with("📋 Results"))
        })
        .collect();
    assert_eq!(posted.len(), 1, "results posted once");

    // SQLite: every answer, the boards (one point per correct answer), quizzes completed.
    assert_eq!(h.count("SELECT COUNT(*) FROM run_answers"), 20);
    assert_eq!(
        h.count(&format!(
            "SELECT points FROM board_totals WHERE board = 'all' AND user_id = {ann}"
        )),
        10
    );
    assert_eq!(
        h.count(&format!(
            "SELECT quizzes FROM board_totals WHERE board = 'all' AND user_id = {bo}"
        )),
        1
    );
    let board = h.run(cy, "leaderboard", &[]).await;
    let b = &board.embeds[0].description;
    assert!(b.contains("` 1.` **Ada** — 10 pts · 10/10 correct"), "{b}");
    assert!(b.contains("` 2.` **Bo** — 8 pts · 8/10 correct"), "{b}");
    let stats = h.run(bo, "stats", &[]).await;
    let s = &stats.embeds[0].description;
    assert!(
        s.contains("**Answered:** 10")
            && s.contains("**Correct:** 8")
            && s.contains("**Accuracy:** 80%"),
        "{s}"
    );
    assert!(
        s.contains("**Best streak:** 8") && s.contains("**Quizzes completed:** 1"),
        "{s}"
    );
    assert!(s.contains("`2027-01-15` 8/10 correct"), "{s}");
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn practice_counts_toward_stats_and_review_not_the_leaderboard() {
    let h = common::start(Options::default()).await;
    upload(&h, "live/two-questions.md").await;
    let ann = h.players[0];
    let first = h
        .run(ann, "quiz practice", &[("quiz", "two-questions".into())])
        .await;
    assert_eq!(first.ephemeral_for, Some(ann));
    assert_eq!(
        first.content,
        "🧪 Practice run: it counts toward `/stats` and `/review`, not the server leaderboard."
    );
    assert_eq!(first.embeds[0].title, "Question 1 of 2");
    let wrong = press(&h, ann, &first, "A").await;
    assert!(wrong.embeds[0].title.starts_with("❌ Not quite"));
    assert_eq!(wrong.content, "", "the note does not linger");
    assert!(wrong.embeds[0]
        .description
        .contains("Your answer: **A.** 3"));
    assert!(wrong.embeds[1].description.starts_with("**B.** 4"));
    let second = press(&h, ann, &wrong, "Next").await;
    let done = answer_and_next(&h, ann, &second, 'A').await;
    assert!(done
        .embeds
        .last()
        .unwrap()
        .description
        .contains("**1/2** correct"));

    let board = h.run(ann, "leaderboard", &[]).await;
    assert!(
        board.embeds[0]
            .description
            .starts_with("Nobody has scored here yet."),
        "{}",
        board.embeds[0].description
    );
    let stats = h.run(ann, "stats", &[]).await;
    let s = &stats.embeds[0].description;
    assert!(
        s.contains("**Answered:** 2") && s.contains("**Accuracy:** 50%"),
        "{s}"
    );
    assert!(
        s.contains("**Quizzes completed:** 1") && s.contains("not on the leaderboard yet"),
        "{s}"
    );
    assert!(s.contains("`2027-01-15` 1/2 correct"), "{s}");

    // The missed question waits in /review; right once, it is gone.
    let review = h.run(ann, "review", &[]).await;
    assert_eq!(review.ephemeral_for, Some(ann));
    assert_eq!(
        review.content,
        "🔁 Reviewing 1 question you missed. Get one right and it leaves your review list."
    );
    assert_eq!(review.embeds[0].title, "Question 1 of 1");
    assert!(review.embeds[0].description.starts_with("What is 2 + 2?"));
    assert!(
        review.embeds[0].footer.contains("Two Quick Ones"),
        "where it came from"
    );
    let right = press(&h, ann, &review, "B").await;
    assert!(right.embeds[0].title.starts_with("✅ Right!"));
    assert!(right
        .embeds
        .last()
        .unwrap()
        .description
        .contains("those mistakes are cleared"));
    let nothing = h.run(ann, "review", &[]).await;
    assert!(
        nothing.content.starts_with("🎉 Nothing to review"),
        "{}",
        nothing.content
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM mistakes"), 0);
    // Review answers count nowhere.
    assert_eq!(
        h.count("SELECT answered FROM board_totals WHERE board = 'p:all'"),
        2
    );

    // Practising again starts over; one left half-way is picked up where it was.
    let again = h
        .run(ann, "quiz practice", &[("quiz", "two-questions".into())])
        .await;
    assert_eq!(again.embeds[0].title, "Question 1 of 2");
    press(&h, ann, &again, "B").await;
    let resumed = h
        .run(ann, "quiz practice", &[("quiz", "two-questions".into())])
        .await;
    assert!(
        resumed
            .content
            .starts_with("🧪 Practice, picking up at question 2 of 2."),
        "{}",
        resumed.content
    );
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_after_a_live_quiz() {
    let h = common::start(Options::default()).await;
    upload(&h, "live/two-questions.md").await;
    let (ann, bo) = (h.players[0], h.players[1]);
    h.run(h.host, "quiz start", &[("quiz", "two-questions".into())])
        .await;
    let q1 = h.question(h.channel, 1).await;
    h.clock.set(T0 + 1_000);
    h.click(ann, q1.id, &Harness::button_id(&q1, 'A')).await; // wrong
    h.click(bo, q1.id, &Harness::button_id(&q1, 'B')).await;
    h.run(h.host, "quiz next", &[]).await;
    let q2 = h.question(h.channel, 2).await;
    h.click(ann, q2.id, &Harness::button_id(&q2, 'A')).await; // right
    h.click(bo, q2.id, &Harness::button_id(&q2, 'B')).await; // wrong
    h.run(h.host, "quiz next", &[]).await;
    h.titled(h.channel, "🏆 Results").await;

    let review = h.run(ann, "review", &[]).await;
    assert_eq!(
        review.content,
        "🔁 Reviewing 1 question you missed. Get one right and it leaves your review list."
    );
    assert!(review.embeds[0].description.starts_with("What is 2 + 2?"));
    // Wrong again: it stays.
    let wrong = press(&h, ann, &review, "A").await;
    assert!(wrong
        .embeds
        .last()
        .unwrap()
        .description
        .contains("stay in `/review`"));
    let still = h.run(ann, "review", &[]).await;
    assert!(still.embeds[0].description.starts_with("What is 2 + 2?"));
    press(&h, ann, &still, "B").await;
    assert!(h
        .run(ann, "review", &[])
        .await
        .content
        .starts_with("🎉 Nothing to review"));

    // Bo missed the other one.
    let theirs = h.run(bo, "review", &[]).await;
    assert!(
        theirs.embeds[0].description.starts_with("What is 3 × 3?"),
        "{}",
        theirs.render()
    );
    // Live answers still score as live answers.
    let board = h.run(bo, "leaderboard", &[]).await;
    assert!(board.embeds[0].description.contains("**Ada**"));
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn leaderboard_days_follow_the_server_timezone() {
    let h = common::start(Options::default()).await;
    upload(&h, "live/two-questions.md").await;
    let ann = h.players[0];
    let shown = h.run(ann, "quiz timezone", &[]).await;
    assert!(
        shown
            .content
            .starts_with("This server's timezone is **UTC**"),
        "{}",
        shown.content
    );
    let refused = h
        .run(ann, "quiz timezone", &[("name", "Europe/Berlin".into())])
        .await;
    assert!(refused.content.starts_with("Only hosts"));
    let bad = h
        .run(h.host, "quiz timezone", &[("name", "Mars/Olympus".into())])
        .await;
    assert!(
        bad.content.contains("isn't a timezone I know"),
        "{}",
        bad.content
    );
    h.run(h.host, "quiz timezone", &[("name", "Europe/Berlin".into())])
        .await;

    // 23:30 UTC on the 15th is already the 16th in Berlin.
    let late_evening = T0 + 15 * HOUR + 30 * 60_000;
    h.clock.set(late_evening);
    h.run(h.host, "quiz assign", &[("quiz", "two-questions".into())])
        .await;
    let post = h.titled(h.channel, "📝 Two Quick Ones").await;
    let m = press(&h, ann, &post, "Start").await;
    let m = answer_and_next(&h, ann, &m, 'B').await;
    answer_and_next(&h, ann, &m, 'A').await;
    assert_eq!(
        h.count(&format!(
            "SELECT points FROM board_totals WHERE board = 'd:2027-01-16' AND user_id = {ann}"
        )),
        2
    );
    // The next evening, 23:30 Berlin (22:30 UTC): still "today" in Berlin.
    h.clock.set(late_evening + 23 * HOUR);
    let today = h
        .run(ann, "leaderboard", &[("period", "today".into())])
        .await;
    assert!(
        today.embeds[0].description.contains("**Ada** — 2 pts"),
        "{}",
        today.embeds[0].description
    );
    // An hour later it is the 17th there: nobody yet today.
    h.clock.set(late_evening + 24 * HOUR);
    let tomorrow = h
        .run(ann, "leaderboard", &[("period", "today".into())])
        .await;
    assert!(tomorrow.embeds[0]
        .description
        .starts_with("Nobody has scored here yet."));
    let stats = h.run(ann, "stats", &[]).await;
    assert!(
        stats.embeds[0]
            .description
            .contains("`2027-01-16` 2/2 correct"),
        "{}",
        stats.embeds[0].description
    );
    h.sim.assert_no_violations();
}

/// 2027-03-27 08:00 UTC: 09:00 in Berlin the day before the clocks go forward.
const SAT_0900_BERLIN: i64 = 1_806_134_400_000;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_daily_series_across_daylight_saving_and_a_restart() {
    let h = common::start(Options::default()).await;
    for n in ["1", "2", "10"] {
        upload(&h, &format!("study/day-{n}.md")).await;
    }
    h.run(h.host, "quiz timezone", &[("name", "Europe/Berlin".into())])
        .await;
    h.clock.set(SAT_0900_BERLIN - HOUR);
    let added = h
        .run(
            h.host,
            "quiz schedule add",
            &[
                ("quiz", "day-*".into()),
                ("time", "09:00".into()),
                ("due", "12h".into()),
            ],
        )
        .await;
    assert_eq!(added.ephemeral_for, Some(h.host));
    assert_eq!(
        added.content,
        format!(
            "📅 Schedule #1: every day at **09:00 Europe/Berlin** in <#{}>: the next quiz of `day-*` as an assignment open 12 h. First post <t:{}:F> (<t:{}:R>).",
            h.channel,
            SAT_0900_BERLIN / 1000,
            SAT_0900_BERLIN / 1000
        )
    );
    let listed = h.run(h.host, "quiz schedule list", &[]).await;
    assert!(
        listed.embeds[0]
            .description
            .starts_with("**#1** every day at **09:00 Europe/Berlin**"),
        "{}",
        listed.embeds[0].description
    );

    let posts = |h: &Harness| -> Vec<Message> {
        h.sim
            .public_messages(h.channel)
            .into_iter()
            .filter(|m| m.embeds.first().is_some_and(|e| e.title.starts_with("📝")))
            .collect()
    };
    h.clock.set(SAT_0900_BERLIN - 1_000);
    h.tick().await;
    assert!(posts(&h).is_empty(), "not before nine");
    h.clock.set(SAT_0900_BERLIN);
    h.tick().await;
    let sat = h.titled(h.channel, "📝 Day 1: Warm-up").await;
    assert!(sat.embeds[0]
        .description
        .contains(&format!("<t:{}:F>", (SAT_0900_BERLIN + 12 * HOUR) / 1000)));
    h.clock.set(SAT_0900_BERLIN + 60_000);
    h.tick().await;
    assert_eq!(posts(&h).len(), 1, "once a day");
    // Ann takes Saturday's.
    let ann = h.players[0];
    let m = press(&h, ann, &sat, "Start").await;
    let m = answer_and_next(&h, ann, &m, 'B').await;
    answer_and_next(&h, ann, &m, 'A').await;

    // The bot is down over Sunday's 09:00 (07:00 UTC now: the clocks went forward) and comes
    // back at 09:30: the missed post is made at start-up, once; Saturday's assignment, due
    // in the night, is closed and its results posted, once.
    let sun = SAT_0900_BERLIN + 23 * HOUR;
    h.clock.set(sun + 30 * 60_000);
    let h = h.restart().await;
    let sunday = h.titled(h.channel, "📝 Day 2: Warm-up").await;
    assert!(
        sunday.embeds[0]
            .description
            .contains(&format!("<t:{}:F>", (sun + 12 * HOUR) / 1000)),
        "due 12 h after 09:00, not after the restart"
    );
    let results = h.titled(h.channel, "📋 Results — Day 1").await;
    assert!(
        results.embeds[0]
            .description
            .contains("**Ada** — 2/2 — Perfect day"),
        "{}",
        results.embeds[0].description
    );
    h.tick().await;
    let h = h.restart().await;
    h.tick().await;
    assert_eq!(posts(&h).len(), 2, "Sunday's post was made once");
    let occurrences: Vec<(i64, String)> = rusqlite::Connection::open(&h.db_path)
        .unwrap()
        .prepare("SELECT occurrence_at, quiz_id FROM schedule_runs ORDER BY occurrence_at")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        occurrences,
        [
            (SAT_0900_BERLIN, "day-1".to_string()),
            (sun, "day-2".to_string())
        ],
        "09:00 Berlin is 08:00 UTC on Saturday and 07:00 UTC on Sunday"
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM assignments WHERE results_message_id IS NOT NULL"),
        1
    );

    // Monday: day-10 (natural order), then day-42, then the series starts over.
    let mut expected = vec!["day-10", "day-42-attention-mechanisms", "day-1"];
    for day in 1..=3 {
        h.clock.set(sun + day * 24 * HOUR);
        h.tick().await;
        let quiz: String = rusqlite::Connection::open(&h.db_path)
            .unwrap()
            .query_row(
                "SELECT quiz_id FROM schedule_runs ORDER BY occurrence_at DESC LIMIT 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(quiz, expected.remove(0));
    }
    let removed = h
        .run(h.host, "quiz schedule remove", &[("id", "1".into())])
        .await;
    assert!(removed.content.starts_with("🗑 Removed schedule #1"));
    h.clock.set(sun + 4 * 24 * HOUR);
    h.tick().await;
    assert_eq!(posts(&h).len(), 5, "nothing after removal");
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_schedule_starts_the_quiz_and_skips_a_busy_channel() {
    let h = common::start(Options::default()).await;
    upload(&h, "live/two-questions.md").await;
    h.run(
        h.host,
        "quiz schedule add",
        &[
            ("quiz", "two-questions".into()),
            ("time", "10:00".into()),
            ("mode", "live".into()),
        ],
    )
    .await;
    h.clock.set(T0 + 2 * HOUR); // 10:00 UTC
    h.tick().await;
    h.titled(h.channel, "🎬 Two Quick Ones").await;
    h.question(h.channel, 1).await;
    // The next day a quiz is still running in the channel: the scheduled one says so.
    h.clock.set(T0 + 26 * HOUR);
    h.tick().await;
    let skipped = h
        .sim
        .wait_message(h.channel, h.host, WAIT, |m| {
            m.content.starts_with("📅 Schedule #1")
        })
        .await
        .unwrap();
    assert!(
        skipped
            .content
            .contains("a live quiz is already running here"),
        "{}",
        skipped.content
    );
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_run_buttons_are_refused_and_nothing_is_stored() {
    let h = common::start(Options::default()).await;
    let (ann, bo) = (h.players[0], h.players[1]);
    let first = h.run(ann, "quiz practice", &[("quiz", SEED.into())]).await;
    let run = first.button("A").unwrap().custom_id.clone().unwrap();
    let run: i64 = run.split(':').nth(1).unwrap().parse().unwrap();
    let forged = [
        format!("p:{run}:0:1"), // Ann's run, clicked by Bo
        format!("n:{run}:1"),
        "p:999999:0:1".to_string(),
        "a:999999".to_string(),
    ];
    let m = h.forged_buttons(&forged).await;
    let mut replies = Vec::new();
    for id in &forged {
        replies.push(h.click(bo, m, id).await.content);
    }
    assert_eq!(
        replies[0],
        "That quiz belongs to someone else; nothing was recorded. Start your own from the post."
    );
    assert_eq!(replies[1], replies[0]);
    assert_eq!(
        replies[2],
        "I can't find that quiz any more; nothing was recorded."
    );
    assert_eq!(
        replies[3],
        "I can't find that assignment any more; nothing was recorded."
    );
    // Ann herself, a question ahead of where she is.
    let ahead = h
        .forged_buttons(&[format!("p:{run}:5:1"), format!("p:{run}:0:7")])
        .await;
    assert_eq!(
        h.click(ann, ahead, &format!("p:{run}:5:1")).await.content,
        "That isn't an answer I can take; nothing was recorded."
    );
    assert_eq!(
        h.click(ann, ahead, &format!("p:{run}:0:7")).await.content,
        "That isn't an answer I can take; nothing was recorded."
    );
    assert_eq!(h.count("SELECT COUNT(*) FROM run_answers"), 0);
    assert_eq!(h.count("SELECT answered FROM runs"), 0);
    h.sim.assert_no_violations();
}

/// `/quiz assign count:3` and `/quiz practice count:4` on a bank of 60: the assignment is
/// drawn once — every member gets the same three questions — and a practice run draws its
/// own four.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_assigned_and_practised_with_a_count() {
    let h = common::start(Options::default()).await;
    let toml = common::toml_bank("Small Bank", (0..60).map(|i| format!("Item {i}?")), |_| {
        String::new()
    });
    let added = h.upload_bytes("small-bank.toml", toml).await;
    assert!(added.content.starts_with("✅"), "{}", added.content);
    h.run(
        h.host,
        "quiz assign",
        &[("quiz", "small-bank".into()), ("count", "3".into())],
    )
    .await;
    let post = h.titled(h.channel, "📝 Small Bank").await;
    assert!(
        post.embeds[0].description.contains("**3** questions"),
        "{}",
        post.embeds[0].description
    );
    let (ann, bo) = (h.players[0], h.players[1]);
    let walk = |user: u64| {
        let h = &h;
        let post = &post;
        async move {
            let mut m = press(h, user, post, "Start").await;
            let mut prompts = Vec::new();
            for n in 1..=3 {
                assert_eq!(m.embeds[0].title, format!("Question {n} of 3"));
                prompts.push(m.embeds[0].description.lines().next().unwrap().to_string());
                m = answer_and_next(h, user, &m, 'B').await;
            }
            prompts
        }
    };
    let anns = walk(ann).await;
    let bos = walk(bo).await;
    assert_eq!(anns, bos, "one draw for everyone");
    assert!(anns.iter().all(|p| p.starts_with("Item ")), "{anns:?}");
    let practice = h
        .run(
            ann,
            "quiz practice",
            &[("quiz", "small-bank".into()), ("count", "4".into())],
        )
        .await;
    assert_eq!(practice.ephemeral_for, Some(ann));
    assert_eq!(practice.embeds[0].title, "Question 1 of 4");
    h.sim.assert_no_violations();
}
