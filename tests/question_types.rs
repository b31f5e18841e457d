//! Question types through the simulator: multi-select questions in a live quiz (a private
//! select menu, all-or-nothing scoring, the reveal of the whole set), in practice, in review
//! and after a restart.

mod common;

use common::{Harness, Options, T0};
use discord_sim::{Message, SimError};

/// `players` members and a live quiz of `tests/fixtures/live/{quiz}.md`, uploaded and started
/// with that scoring.
async fn live_quiz(players: usize, quiz: &str, scoring: &str) -> Harness {
    let h = common::start(Options {
        players,
        ..Options::default()
    })
    .await;
    let added = h.upload(&format!("live/{quiz}.md")).await;
    assert!(added.content.starts_with("✅"), "{}", added.content);
    h.run(
        h.host,
        "quiz start",
        &[("quiz", quiz.into()), ("scoring", scoring.into())],
    )
    .await;
    h
}

/// A player's "My results" of a finished live quiz.
async fn my_results(h: &Harness, user: u64, results: &Message) -> Message {
    let id = results.rows[0][0].custom_id.as_deref().unwrap();
    h.click(user, results.id, id).await
}

fn lines(m: &Message) -> Vec<String> {
    m.embeds[0]
        .description
        .lines()
        .map(str::to_string)
        .collect()
}

/// A live quiz of two multi-select questions around a single-choice one, three players
/// scripted to the millisecond: the menus, the acks, the reveals, the scores and SQLite.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_quiz_with_multi_select_questions_scored_all_or_nothing() {
    let h = live_quiz(3, "multi", "speed").await;
    let (ada, bo, cy) = (h.players[0], h.players[1], h.players[2]);

    // Question 1: "(Choose 2)" — a menu that takes exactly two, no answer buttons.
    let q1 = h.question(h.channel, 1).await;
    assert_eq!(q1.buttons().count(), 0, "no shared toggles");
    let menu = &q1.selects[0];
    assert_eq!((menu.min_values, menu.max_values), (2, 2));
    assert_eq!(menu.options.len(), 4);
    assert_eq!(menu.options[0], ("A. TCP".to_string(), "0".to_string()));
    assert!(q1.embeds[0].description.contains("Pick **2** options"));
    // Discord's client would not send one option from a menu that takes two.
    assert!(matches!(
        h.sim.select(bo, q1.id, &menu.custom_id, &["1"]),
        Err(SimError::BadSelection { .. })
    ));
    h.clock.set(T0 + 300);
    let ack = h.select(ada, &q1, &["0", "2"]).await;
    assert_eq!(ack.ephemeral_for, Some(ada));
    assert_eq!(ack.content, "Locked in: **A, C**\n**A.** TCP\n**C.** UDP");
    h.select(bo, &q1, &["0", "1"]).await;
    // The order of the ticks does not matter.
    h.select(cy, &q1, &["2", "0"]).await;
    let again = h.select(ada, &q1, &["1", "3"]).await;
    assert_eq!(
        again.content,
        "You already answered **A, C** — one answer per question."
    );
    assert_eq!(
        h.sim.message(q1.id).unwrap().selects[0].placeholder,
        "Pick 2",
        "what one player ticked is seen by nobody else"
    );
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 100_000);
    let revealed = h.revealed(h.channel, 1).await;
    assert_eq!(revealed.id, q1.id, "the reveal edits the question");
    assert_eq!(revealed.selects[0].placeholder, "✅ Answer: A, C");
    assert_eq!(revealed.embeds[1].title, "✅ Answer: A, C");
    let answer = &revealed.embeds[1].description;
    assert!(
        answer.starts_with("**A.** TCP\n**C.** UDP\n\nTCP and UDP"),
        "{answer}"
    );
    assert!(answer.contains("A ██████████ 3 100% ✓\n"), "{answer}");
    assert!(answer.contains("B ███░░░░░░░ 1  33%\n"), "{answer}");
    assert!(answer.contains("C ███████░░░ 2  67% ✓\n"), "{answer}");
    assert!(answer.contains("D ░░░░░░░░░░ 0   0%\n"), "{answer}");
    assert!(
        answer.contains("🎯 **2** of 3 picked exactly A, C."),
        "{answer}"
    );
    let body = &revealed.embeds[0].description;
    assert!(
        body.contains("✅ **A.** TCP") && body.contains("✅ **C.** UDP"),
        "{body}"
    );
    assert!(body.contains("▫️ **B.** IP"), "{body}");

    // Question 2: an ordinary one between them, letter buttons as always.
    let q2 = h.question(h.channel, 2).await;
    assert!(q2.selects.is_empty());
    h.clock.set(T0 + 100_300);
    for p in [ada, bo, cy] {
        h.click(p, q2.id, &Harness::button_id(&q2, 'B')).await;
    }
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 200_000);
    h.revealed(h.channel, 2).await;

    // Question 3: "Select all that apply" — one option or more, up to all four.
    let q3 = h.question(h.channel, 3).await;
    let menu = &q3.selects[0];
    assert_eq!((menu.min_values, menu.max_values), (1, 4));
    assert!(q3.embeds[0]
        .description
        .contains("Pick every correct option in the menu below"));
    h.clock.set(T0 + 200_300);
    h.select(ada, &q3, &["0", "2", "3"]).await;
    h.select(bo, &q3, &["0", "2"]).await; // one missing: wrong
    h.run(h.host, "quiz next", &[]).await;
    let revealed = h.revealed(h.channel, 3).await;
    assert!(revealed.embeds[1]
        .description
        .contains("🎯 **1** of 2 picked exactly A, C, D."));

    // Speed scoring, every answer in 0.3 s (full marks) with the streak bonus:
    // Ada 1000 + 1100 + 1200; Cy 1000 + 1100, no answer to Q3; Bo only Q2, 1000.
    let results = h.titled(h.channel, "🏆 Results").await;
    let text = lines(&results);
    assert_eq!(text[0], "🥇 **Ada** — 3,300 pts · 3/3 right");
    assert_eq!(text[1], "🥈 **Cy** — 2,100 pts · 2/2 right");
    assert_eq!(text[2], "🥉 **Bo** — 1,000 pts · 1/3 right");

    // SQLite keeps the set as its bits (A + C = 0b101), and whether it was right.
    let stored = |user: u64, position: u32| {
        h.count(&format!(
            "SELECT choice * 10 + correct FROM answers WHERE user_id = {user} AND position = {position}"
        ))
    };
    assert_eq!(stored(ada, 0), 51);
    assert_eq!(stored(bo, 0), 30, "A + B, wrong");
    assert_eq!(stored(ada, 2), 131, "A + C + D = 0b1101");

    // Bo's own results name what he ticked and the whole right set.
    let mine = my_results(&h, bo, &results).await;
    let r = &mine.embeds[0].description;
    assert!(r.contains("You: A, B · Correct: **A, C**"), "{r}");
    assert!(r.contains("You: A, C · Correct: **A, C, D**"), "{r}");
    h.sim.assert_no_violations();
}

/// Practice and review ask a multi-select question privately with the same menu; a wrong set
/// goes to `/review`, the right one clears it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn multi_select_questions_in_practice_and_review() {
    let h = common::start(Options::default()).await;
    h.upload("live/multi.md").await;
    let ann = h.players[0];
    let first = h
        .run(ann, "quiz practice", &[("quiz", "multi".into())])
        .await;
    assert_eq!(first.ephemeral_for, Some(ann));
    assert_eq!(first.buttons().count(), 0);
    let menu = &first.selects[0];
    assert!(menu.custom_id.starts_with("pm:"), "{}", menu.custom_id);
    assert_eq!((menu.min_values, menu.max_values), (2, 2));

    let wrong = h.select(ann, &first, &["0", "1"]).await;
    assert_eq!(
        wrong.id, first.id,
        "the private message turns into the feedback"
    );
    assert!(wrong.embeds[0].title.starts_with("❌ Not quite"));
    assert!(
        wrong.embeds[0]
            .description
            .contains("Your answer: **A.** TCP\n**B.** IP"),
        "{}",
        wrong.embeds[0].description
    );
    assert_eq!(wrong.embeds[1].title, "Answer: A, C");
    assert!(wrong.embeds[1]
        .description
        .starts_with("**A.** TCP\n**C.** UDP"));
    assert!(wrong.selects.is_empty(), "nothing left to pick");
    let next = h
        .click(
            ann,
            wrong.id,
            wrong.button("Next").unwrap().custom_id.as_deref().unwrap(),
        )
        .await;
    let right = h.click(ann, next.id, &Harness::button_id(&next, 'B')).await;
    assert!(right.embeds[0].title.starts_with("✅ Right!"));
    let third = h
        .click(
            ann,
            right.id,
            right.button("Next").unwrap().custom_id.as_deref().unwrap(),
        )
        .await;
    assert_eq!(
        (third.selects[0].min_values, third.selects[0].max_values),
        (1, 4)
    );
    let done = h.select(ann, &third, &["0", "2", "3"]).await;
    assert!(done.embeds[0].title.starts_with("✅ Right!"));
    assert!(done
        .embeds
        .last()
        .unwrap()
        .description
        .contains("**2/3** correct"));
    assert_eq!(
        h.count("SELECT choice FROM run_answers WHERE position = 2"),
        0b1101
    );

    // The wrong set waits in /review, asked the same way; right once, it is gone.
    let review = h.run(ann, "review", &[]).await;
    assert_eq!(review.embeds[0].title, "Question 1 of 1");
    assert!(review.embeds[0]
        .description
        .starts_with("Which of these are transport protocols?"));
    let cleared = h.select(ann, &review, &["2", "0"]).await;
    assert!(cleared.embeds[0].title.starts_with("✅ Right!"));
    let nothing = h.run(ann, "review", &[]).await;
    assert!(nothing.content.starts_with("🎉 Nothing to review"));
    h.sim.assert_no_violations();
}

/// A restart in the middle of a multi-select question: the set stored before it counts in the
/// reveal and the score, and the menu posted before the restart still takes answers.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_in_the_middle_of_a_multi_select_question() {
    let h = live_quiz(2, "multi", "correct").await;
    let (ada, bo) = (h.players[0], h.players[1]);
    let q1 = h.question(h.channel, 1).await;
    h.clock.set(T0 + 1_000);
    h.select(ada, &q1, &["0", "2"]).await;
    let h = h.restart().await;
    let ack = h.select(bo, &q1, &["2", "3"]).await;
    assert!(
        ack.content.starts_with("Locked in: **C, D**"),
        "{}",
        ack.content
    );
    h.run(h.host, "quiz next", &[]).await;
    let revealed = h.revealed(h.channel, 1).await;
    let answer = &revealed.embeds[1].description;
    assert!(answer.contains("A █████░░░░░ 1  50% ✓\n"), "{answer}");
    assert!(answer.contains("C ██████████ 2 100% ✓\n"), "{answer}");
    assert!(
        answer.contains("🎯 **1** of 2 picked exactly A, C."),
        "{answer}"
    );
    h.run(h.host, "quiz stop", &[]).await;
    let results = h.titled(h.channel, "🏆 Results").await;
    let text = lines(&results);
    assert!(
        text.contains(&"🥇 **Ada** — 1 correct · 1/1 right".to_string()),
        "{text:?}"
    );
    h.sim.assert_no_violations();
}

/// A live quiz with typed answers: the Answer button opens a box, the answer is judged as
/// docs/quiz-format.md says (case, a slip in a long word), the reveal names the accepted
/// answers and the common wrong ones inert, and a restart in the middle of a typed question
/// keeps what was typed and the button working.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_quiz_with_typed_answers_and_a_restart_mid_question() {
    let h = live_quiz(4, "typed", "speed").await;
    let (ada, bo, cy, di) = (h.players[0], h.players[1], h.players[2], h.players[3]);

    let q1 = h.question(h.channel, 1).await;
    let labels: Vec<&str> = q1.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["✍️ Answer"]);
    assert!(q1.embeds[0]
        .description
        .contains("Press **Answer** and type"));
    h.clock.set(T0 + 300);
    let ack = h.type_answer(ada, &q1, "  paris ").await;
    assert_eq!(ack.ephemeral_for, Some(ada));
    assert_eq!(ack.content, "Locked in: **paris**");
    h.type_answer(bo, &q1, "Pariss").await; // one slip in a long word: forgiven
    h.type_answer(cy, &q1, "London").await;
    let hostile = h
        .type_answer(di, &q1, "@everyone **see** https://evil.example")
        .await;
    assert!(
        !hostile.content.contains("@everyone"),
        "{}",
        hostile.content
    );
    // A second press is refused before any box opens.
    let again = h.click(ada, q1.id, &Harness::button_id(&q1, '✍')).await;
    assert_eq!(
        again.content,
        "You already answered this question — one answer per question."
    );
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 100_000);
    let revealed = h.revealed(h.channel, 1).await;
    assert_eq!(revealed.embeds[1].title, "✅ Answer: Paris");
    let answer = &revealed.embeds[1].description;
    assert!(
        answer.starts_with("**Paris**\nAlso accepted: City of Light\n\nParis has been"),
        "{answer}"
    );
    assert!(answer.contains("🎯 **2** of 4 typed it right."), "{answer}");
    assert!(answer.contains("Most common wrong answers: “"), "{answer}");
    assert!(answer.contains("“London” ×1"), "{answer}");
    // What a player typed is shown inert: no mention, no bold, no link.
    assert!(!answer.contains("@everyone"), "{answer}");
    assert!(!answer.contains("**see**"), "{answer}");
    assert!(!answer.contains("https://"), "{answer}");
    assert!(revealed.buttons().all(|b| b.disabled));
    assert_eq!(
        h.count(
            "SELECT COUNT(*) FROM answers WHERE typed = 'paris' AND correct = 1 AND choice = 0"
        ),
        1
    );
    assert_eq!(
        h.count("SELECT choice FROM answers WHERE typed = 'London'"),
        65535,
        "matched nothing"
    );

    let q2 = h.question(h.channel, 2).await;
    h.clock.set(T0 + 100_300);
    for (p, letter) in [(ada, 'B'), (bo, 'A'), (cy, 'B')] {
        h.click(p, q2.id, &Harness::button_id(&q2, letter)).await;
    }
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 200_000);
    h.revealed(h.channel, 2).await;

    // Question 3: Ada types before a restart, Bo after it on the same message.
    let q3 = h.question(h.channel, 3).await;
    h.clock.set(T0 + 200_300);
    h.type_answer(ada, &q3, "MARS").await;
    let h = h.restart().await;
    let ack = h.type_answer(bo, &q3, "mars.").await;
    assert_eq!(ack.content, "Locked in: **mars.**");
    h.run(h.host, "quiz next", &[]).await;
    let revealed = h.revealed(h.channel, 3).await;
    assert!(revealed.embeds[1]
        .description
        .contains("🎯 **2** of 2 typed it right."));

    // Speed scoring, every answer in 0.3 s, streak bonus: Ada 1000 + 1100 + 1200;
    // Bo 1000 + 0 + 1000; Cy 0 + 1000; Di nothing.
    let results = h.titled(h.channel, "🏆 Results").await;
    let text = lines(&results);
    assert_eq!(text[0], "🥇 **Ada** — 3,300 pts · 3/3 right");
    assert_eq!(text[1], "🥈 **Bo** — 2,000 pts · 2/3 right");
    assert_eq!(text[2], "🥉 **Cy** — 1,000 pts · 1/2 right");
    // Cy's own results quote what he typed.
    let mine = my_results(&h, cy, &results).await;
    let r = &mine.embeds[0].description;
    assert!(r.contains("You: “London” · Correct: **Paris**"), "{r}");
    h.sim.assert_no_violations();
}

/// Practice asks a typed question privately: the box opens from the private message, and the
/// feedback replaces it with what was typed and what is accepted.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_answers_in_practice() {
    let h = common::start(Options::default()).await;
    h.upload("live/typed.md").await;
    let ann = h.players[0];
    let first = h
        .run(ann, "quiz practice", &[("quiz", "typed".into())])
        .await;
    let wrong = h.type_answer(ann, &first, "Lyon").await;
    assert_eq!(
        wrong.id, first.id,
        "the private message turns into the feedback"
    );
    assert!(wrong.embeds[0].title.starts_with("❌ Not quite"));
    assert!(
        wrong.embeds[0]
            .description
            .contains("Your answer: **Lyon**"),
        "{}",
        wrong.embeds[0].description
    );
    assert_eq!(wrong.embeds[1].title, "Answer: Paris");
    assert_eq!(
        h.count("SELECT COUNT(*) FROM run_answers WHERE typed = 'Lyon' AND correct = 0"),
        1
    );
    h.sim.assert_no_violations();
}

/// An assignment of every kind of question, taken privately: a typed answer (box), a
/// multi-select (menu) and a letter button; the score counts on the leaderboard, and
/// `show --json` names each kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_assignment_mixing_every_kind_of_question() {
    let h = common::start(Options::default()).await;
    h.upload("live/mixed.md").await;
    let ann = h.players[0];
    h.run(
        h.host,
        "quiz assign",
        &[("quiz", "mixed".into()), ("due", "2h".into())],
    )
    .await;
    let post = h.titled(h.channel, "📝 Mixed Bag").await;
    let start = post
        .button("Start")
        .and_then(|b| b.custom_id.clone())
        .unwrap();
    let q1 = h.click(ann, post.id, &start).await;
    assert_eq!(q1.embeds[0].title, "Question 1 of 3");
    let fed = h.type_answer(ann, &q1, "paris").await;
    assert!(
        fed.embeds[0].title.starts_with("✅ Right!"),
        "{}",
        fed.render()
    );
    let next = |m: &Message| m.button("Next").and_then(|b| b.custom_id.clone()).unwrap();
    let q2 = h.click(ann, fed.id, &next(&fed)).await;
    let fed = h.select(ann, &q2, &["0", "2"]).await;
    assert!(fed.embeds[0].title.starts_with("✅ Right!"));
    let q3 = h.click(ann, fed.id, &next(&fed)).await;
    let done = h.click(ann, q3.id, &Harness::button_id(&q3, 'A')).await;
    assert!(done
        .embeds
        .last()
        .unwrap()
        .description
        .contains("**2/3** correct"));
    let board = h.run(ann, "leaderboard", &[]).await;
    assert!(
        board.embeds[0].description.contains("**Ada**"),
        "{}",
        board.embeds[0].description
    );
    h.sim.assert_no_violations();

    let out = std::process::Command::new(env!("CARGO_BIN_EXE_quizbot"))
        .args(["show", "tests/fixtures/live/mixed.md", "--json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let q = &json["questions"];
    assert_eq!(q[0]["kind"], "typed");
    assert_eq!(q[0]["accepted"], serde_json::json!(["Paris"]));
    assert_eq!(q[0]["options"], serde_json::json!([]));
    assert!(q[0].get("answer").is_none());
    assert_eq!(q[1]["kind"], "multi");
    assert_eq!(q[1]["answers"], serde_json::json!([0, 2]));
    assert_eq!(q[2]["kind"], "choice");
    assert_eq!(q[2]["answer"], 1);
}

/// One live quiz of every kind — a typed answer, a multi-select, a letter button — with
/// scripted players and exact scores; the typed question missed goes to `/review`, where it
/// is asked with the box again and cleared by a right answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_quiz_of_every_kind_then_a_typed_question_in_review() {
    let h = live_quiz(2, "mixed", "speed").await;
    let (ada, bo) = (h.players[0], h.players[1]);
    let q1 = h.question(h.channel, 1).await;
    h.clock.set(T0 + 300);
    h.type_answer(ada, &q1, "Paris").await;
    h.type_answer(bo, &q1, "Marseille").await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 100_000);
    h.revealed(h.channel, 1).await;
    let q2 = h.question(h.channel, 2).await;
    h.clock.set(T0 + 100_300);
    h.select(ada, &q2, &["0", "2"]).await;
    h.select(bo, &q2, &["0", "2"]).await;
    h.run(h.host, "quiz next", &[]).await;
    h.clock.set(T0 + 200_000);
    h.revealed(h.channel, 2).await;
    let q3 = h.question(h.channel, 3).await;
    h.clock.set(T0 + 200_300);
    h.click(ada, q3.id, &Harness::button_id(&q3, 'B')).await;
    h.click(bo, q3.id, &Harness::button_id(&q3, 'B')).await;
    h.run(h.host, "quiz next", &[]).await;
    // Every answer in 0.3 s (full marks) with the streak bonus: Ada 1000 + 1100 + 1200;
    // Bo misses the typed one, then 1000 + 1100.
    let results = h.titled(h.channel, "🏆 Results").await;
    let text = lines(&results);
    assert_eq!(text[0], "🥇 **Ada** — 3,300 pts · 3/3 right");
    assert_eq!(text[1], "🥈 **Bo** — 2,100 pts · 2/3 right");
    assert_eq!(
        h.count("SELECT SUM(points) FROM answers"),
        5_400,
        "SQLite holds the same points"
    );

    let review = h.run(bo, "review", &[]).await;
    assert_eq!(review.embeds[0].title, "Question 1 of 1");
    assert!(review.embeds[0]
        .description
        .starts_with("What is the capital of France?"));
    let wrong = h.type_answer(bo, &review, "Lyon").await;
    assert!(wrong.embeds[0].title.starts_with("❌ Not quite"));
    let again = h.run(bo, "review", &[]).await;
    let right = h.type_answer(bo, &again, "paris").await;
    assert!(right.embeds[0].title.starts_with("✅ Right!"));
    let nothing = h.run(bo, "review", &[]).await;
    assert!(nothing.content.starts_with("🎉 Nothing to review"));
    h.sim.assert_no_violations();
}
