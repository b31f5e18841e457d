//! The rules of a live quiz, end to end through the simulator: one answer per player, late
//! clicks, hosts only, nobody pinged, several quizzes at once, thousands of players, uploads.

mod common;

use std::time::Duration;

use common::{Harness, Options, T0, WAIT};
use discord_sim::{Arg, SimError};
use quizbot::config::LiveConfig;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn double_clicks_count_once_and_late_clicks_are_refused() {
    let h = common::start(Options::default()).await;
    h.upload("live/two-questions.md").await;
    h.run(h.host, "quiz start", &[("quiz", "two-questions".into())])
        .await;
    let q1 = h.question(h.channel, 1).await;
    let ada = h.players[0];
    h.clock.set(T0 + 1_000);
    let first = h.click(ada, q1.id, &Harness::button_id(&q1, 'B')).await;
    assert_eq!(first.content, "Locked in: **B** — 4");
    let again = h.click(ada, q1.id, &Harness::button_id(&q1, 'B')).await;
    assert_eq!(
        again.content,
        "You already answered **B** — one answer per question."
    );
    let other = h.click(ada, q1.id, &Harness::button_id(&q1, 'A')).await;
    assert_eq!(
        other.content,
        "You already answered **B** — one answer per question."
    );

    // A click that arrives after the deadline, before the reveal: refused, not stored.
    h.clock.set(T0 + 20_001);
    let bo = h.players[1];
    match h.sim.click(bo, q1.id, &Harness::button_id(&q1, 'B')) {
        Ok(click) => {
            let r = h.sim.wait_response(&click, WAIT).await.unwrap();
            assert_eq!(
                r.original.unwrap().content,
                "⏱ This question is closed — answers are no longer taken."
            );
        }
        // The bot noticed the deadline first and disabled the buttons: Discord refuses the click.
        Err(e) => assert_eq!(e, SimError::ButtonDisabled(Harness::button_id(&q1, 'B'))),
    }
    h.revealed(h.channel, 1).await;
    // After the reveal the buttons are disabled: Discord itself refuses the click.
    assert!(matches!(
        h.sim.click(bo, q1.id, &Harness::button_id(&q1, 'A')),
        Err(SimError::ButtonDisabled(_))
    ));

    let db = h.db().await;
    let stored: Vec<(i64, i64)> = db
        .prepare("SELECT user_id, choice FROM answers")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(stored, [(ada as i64, 1)], "one answer, the first");
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_hosts_start_and_the_host_role_counts() {
    let h = common::start(Options::default()).await;
    let member = h.players[0];
    for command in ["quiz start", "quiz next", "quiz stop", "quiz upload"] {
        let args: Vec<(&str, Arg)> = match command {
            "quiz start" => vec![("quiz", "day-42-attention-mechanisms".into())],
            "quiz upload" => vec![("file", common::fixture("live/two-questions.md"))],
            _ => vec![],
        };
        let reply = h.run(member, command, &args).await;
        assert_eq!(
            reply.ephemeral_for,
            Some(member),
            "{command}: only they see it"
        );
        assert_eq!(
            reply.content,
            "Only hosts can do that: you need the **Manage Server** permission or the **Quiz Host** role.",
            "{command}"
        );
    }
    assert!(
        h.sim.public_messages(h.channel).is_empty(),
        "nothing was posted"
    );

    // Anyone may list; a member given the "Quiz Host" role (by name) may host.
    let list = h.run(member, "quiz list", &[]).await;
    assert!(list.embeds[0]
        .description
        .contains("`day-42-attention-mechanisms` — Day 42 Quiz"));
    let role = h.sim.add_role(h.guild, "Quiz Host", 0);
    h.sim.give_role(h.guild, member, role);
    // The bot learns role names from the gateway (GUILD_ROLE_CREATE), not by asking Discord.
    h.sim
        .wait_until(WAIT, "the bot to hear of the role", |_| {
            (h.bot.app.host_role(h.guild) == Some(role)).then_some(())
        })
        .await
        .unwrap();
    let started = h
        .run(
            member,
            "quiz start",
            &[("quiz", "day-42-attention-mechanisms".into())],
        )
        .await;
    assert_eq!(started.ephemeral_for, None, "{}", started.content);
    assert!(started.embeds[0].title.contains("Day 42"));
    h.run(member, "quiz stop", &[]).await;
    h.titled(h.channel, "🏆 Results").await;
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quiz_full_of_mentions_pings_nobody() {
    let h = common::start(Options::default()).await;
    let added = h.upload("live/mentions.md").await;
    assert!(
        added
            .content
            .starts_with("✅ Added **Ping party @\u{200B}everyone @\u{200B}here**"),
        "{}",
        added.content
    );
    h.run(h.host, "quiz start", &[("quiz", "mentions".into())])
        .await;
    let q = h.question(h.channel, 1).await;
    // Shown as typed, never rendered as a mention: a zero-width space after `@` and `<`.
    assert!(q.embeds[0].description.contains("**A.** @\u{200B}everyone"));
    h.clock.set(T0 + 2_000);
    let ack = h
        .click(h.players[0], q.id, &Harness::button_id(&q, 'C'))
        .await;
    assert!(ack
        .content
        .contains("@\u{200B}here and <\u{200B}@&123456789012345678>"));
    h.run(h.host, "quiz next", &[]).await;
    let revealed = h.revealed(h.channel, 1).await;
    assert!(revealed.embeds[1]
        .description
        .contains("@\u{200B}everyone stays text"));
    h.titled(h.channel, "🏆 Results").await;
    // Every create, edit and interaction reply carried allowed_mentions that ping nobody (the
    // simulator records a violation for any that could have pinged), and no raw mention of
    // the file went out: only its inert form did.
    h.sim.assert_no_violations();
    let bodies: Vec<String> = h
        .sim
        .log()
        .iter()
        .filter_map(|l| match &l.entry {
            discord_sim::log::Entry::Rest { body: Some(b), .. } => Some(b.clone()),
            _ => None,
        })
        .collect();
    let inert = bodies
        .iter()
        .filter(|b| b.contains("@\u{200B}everyone"))
        .count();
    assert!(inert >= 4, "the texts went out ({inert})");
    assert!(
        !bodies
            .iter()
            .any(|b| b.contains("@everyone") || b.contains("<@&123")),
        "a raw mention went out"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_quizzes_in_two_channels_at_once() {
    let h = common::start(Options {
        channels: 2,
        ..Options::default()
    })
    .await;
    h.upload("live/two-questions.md").await;
    let (a, b) = (h.channels[0], h.channels[1]);
    h.run_in(a, h.host, "quiz start", &[("quiz", "two-questions".into())])
        .await;
    h.run_in(
        b,
        h.host,
        "quiz start",
        &[("quiz", "one-question-missing".into())],
    )
    .await;
    h.run_in(
        b,
        h.host,
        "quiz start",
        &[("quiz", "day-42-attention-mechanisms".into())],
    )
    .await;
    let busy = h
        .run_in(
            a,
            h.host,
            "quiz start",
            &[("quiz", "day-42-attention-mechanisms".into())],
        )
        .await;
    assert_eq!(
        busy.content,
        "A live quiz is already running in this channel — `/quiz stop` ends it."
    );

    let qa = h.question(a, 1).await;
    let qb = h.question(b, 1).await;
    h.clock.set(T0 + 1_000);
    assert!(h
        .click(h.players[0], qa.id, &Harness::button_id(&qa, 'B'))
        .await
        .content
        .starts_with("Locked in"));
    assert!(h
        .click(h.players[0], qb.id, &Harness::button_id(&qb, 'B'))
        .await
        .content
        .starts_with("Locked in"));
    h.run_in(a, h.host, "quiz stop", &[]).await;
    h.run_in(b, h.host, "quiz stop", &[]).await;
    let ra = h.titled(a, "🏆 Results").await;
    let rb = h.titled(b, "🏆 Results").await;
    assert!(ra.embeds[0].title.ends_with("Two Quick Ones"));
    assert!(rb.embeds[0]
        .title
        .ends_with("Day 42 Quiz: Attention Mechanisms Deep Dive"));
    assert!(ra.embeds[0]
        .description
        .starts_with("*Stopped by the host after 1 question(s).*"));
    let db = h.db().await;
    let sessions: i64 = db
        .query_row(
            "SELECT COUNT(DISTINCT channel_id) FROM sessions WHERE state = 'stopped'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(sessions, 2);
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_thousand_players_get_a_results_message_within_limits() {
    let h = common::start(Options {
        players: 5_000,
        live: LiveConfig {
            seconds: 120,
            pause: Duration::from_millis(100),
            start_delay: Duration::from_millis(100),
            ..LiveConfig::default()
        },
        ..Options::default()
    })
    .await;
    h.upload("live/one-question.toml").await;
    h.run(h.host, "quiz start", &[("quiz", "one-question".into())])
        .await;
    let q = h.question(h.channel, 1).await;
    let ids: Vec<String> = ['A', 'B', 'C']
        .iter()
        .map(|l| Harness::button_id(&q, *l))
        .collect();
    let mut clicks = Vec::new();
    for (i, p) in h.players.iter().enumerate() {
        h.clock.set(T0 + 500 + i as i64);
        clicks.push(h.sim.click(*p, q.id, &ids[i % 3]).unwrap());
    }
    let before = h.sim.responded_count();
    h.sim
        .wait_until(Duration::from_secs(120), "every click answered", |s| {
            (s.responded_count() >= before.max(5_000)).then_some(())
        })
        .await
        .unwrap();
    h.run(h.host, "quiz next", &[]).await;
    let results = h.titled(h.channel, "🏆 Results").await;
    let d = &results.embeds[0].description;
    assert!(d.contains("**5,000** players"), "{d}");
    assert_eq!(
        d.matches(" correct · ").count() + d.matches(" pts · ").count(),
        10,
        "top ten only"
    );
    let revealed = h.revealed(h.channel, 1).await;
    assert!(
        revealed.embeds[1]
            .description
            .contains("B ███░░░░░░░ 1,667  33% ✓"),
        "{}",
        revealed.embeds[1].description
    );
    h.sim.assert_no_violations();
    let stored: i64 = h
        .db()
        .await
        .query_row("SELECT COUNT(*) FROM answers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, 5_000);
    let _ = WAIT;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn uploads_valid_and_broken() {
    let h = common::start(Options::default()).await;
    let broken = h.upload("live/broken.md").await;
    assert_eq!(broken.ephemeral_for, Some(h.host));
    let c = &broken.content;
    assert!(c.starts_with("❌ `broken.md` was not added:\n```\n"), "{c}");
    assert!(
        c.contains("broken.md:6:3: error: duplicate option letter B (also at line 5)"),
        "{c}"
    );
    assert!(
        c.contains("broken.md:14:3: error: question 2: the answer is D, but there is no option D"),
        "{c}"
    );

    let added = h.upload("live/two-questions.md").await;
    assert_eq!(added.content, "✅ Added **Two Quick Ones** (`two-questions`, 2 questions). Start it with `/quiz start quiz:two-questions`.");
    let replaced = h.upload("live/two-questions.md").await;
    assert!(replaced.content.starts_with("✅ Replaced"));
    let list = h.run(h.players[0], "quiz list", &[]).await;
    assert!(list.embeds[0]
        .description
        .contains("**Uploaded to this server**\n`two-questions` — Two Quick Ones (2 questions)"));
    let ac = h
        .sim
        .autocomplete(h.host, h.channel, "quiz start", ("quiz", "two"), &[])
        .unwrap();
    let choices = h
        .sim
        .wait_response(&ac, WAIT)
        .await
        .unwrap()
        .choices
        .unwrap();
    assert_eq!(choices[0]["value"], "two-questions");
    assert_eq!(choices[0]["name"], "Two Quick Ones (two-questions)");
    h.sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answered_count_is_edited_at_most_every_two_seconds() {
    let h = common::start(Options {
        players: 60,
        ..Options::default()
    })
    .await;
    h.upload("live/one-question.toml").await;
    h.run(h.host, "quiz start", &[("quiz", "one-question".into())])
        .await;
    let q = h.question(h.channel, 1).await;
    let b = Harness::button_id(&q, 'B');
    // Sixty clicks spread over about six seconds: a click every 100 ms.
    for p in &h.players {
        h.sim.click(*p, q.id, &b).unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    h.sim
        .wait_until(WAIT, "the count to show 60", |s| {
            s.message(q.id)
                .filter(|m| m.embeds[0].description.contains("**60** answered"))
                .map(|_| ())
        })
        .await
        .unwrap();
    let path = format!("/channels/{}/messages/{}", h.channel, q.id);
    let edits: Vec<f64> = h
        .sim
        .log()
        .iter()
        .filter_map(|l| match &l.entry {
            discord_sim::log::Entry::Rest {
                method,
                path: p,
                body: Some(body),
                ..
            } if method == "PATCH"
                && *p == path
                && body.contains("answered")
                && body.contains("Closes") =>
            {
                Some(l.at_ms)
            }
            _ => None,
        })
        .collect();
    assert!(
        edits.len() >= 2,
        "the count was updated while clicks came in: {edits:?}"
    );
    assert!(
        edits.len() <= 5,
        "six seconds of clicks, at most one edit per two seconds: {edits:?}"
    );
    for pair in edits.windows(2) {
        // Two seconds between ticks; 100 ms allowed for the request's own scheduling.
        assert!(
            pair[1] - pair[0] >= 1_900.0,
            "edits {} ms apart: {edits:?}",
            pair[1] - pair[0]
        );
    }
    h.sim.assert_no_violations();
}

/// A quiz as people write them, uploaded and played: options that hold code blocks are shown
/// in full in the question and their buttons carry only the letter; the upload reply says how
/// many questions were left out; the player's ack names the option in plain words.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_from_the_wild_plays_with_code_options_and_reports_what_it_left_out() {
    let h = common::start(Options::default()).await;
    let mut text = std::fs::read_to_string("tests/fixtures/wild/option-blocks.md").unwrap();
    // A question with one option, which cannot be played, among the others.
    text.push_str("\n#### Q5. Which is a shell?\n\n- [x] bash\n");
    let reply = h
        .run(
            h.host,
            "quiz upload",
            &[("file", Arg::file("option-blocks.md", text.into_bytes()))],
        )
        .await;
    assert!(
        reply.content.starts_with(
            "✅ Added **Shell pipes** (`option-blocks`, 4 questions; 1 more left out, see the warnings)"
        ),
        "{}",
        reply.content
    );
    assert!(
        reply
            .content
            .contains("question 5 has 1 option, so it is left out"),
        "{}",
        reply.content
    );
    h.run(h.host, "quiz start", &[("quiz", "option-blocks".into())])
        .await;
    let q1 = h.question(h.channel, 1).await;
    let shown = &q1.embeds[0].description;
    assert!(
        shown.contains("**B.**\n```sh\nwc -l < notes.txt\n```"),
        "the option's code block in full: {shown}"
    );
    let labels: Vec<&str> = q1.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["A", "B", "C"]);
    h.clock.set(T0 + 1_000);
    let ack = h
        .click(h.players[0], q1.id, &Harness::button_id(&q1, 'B'))
        .await;
    assert_eq!(ack.content, "Locked in: **B** — wc -l < notes.txt");
    h.sim.assert_no_violations();
}

/// Found as a flaky failure: `/quiz start` replied before it registered the quiz, so a host's
/// `/quiz stop` sent as soon as the intro appeared found no quiz, and the quiz ran on.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_sent_as_soon_as_the_intro_appears_stops_the_quiz() {
    let h = common::start(Options::default()).await;
    for _ in 0..3 {
        let started = h
            .run(
                h.host,
                "quiz start",
                &[("quiz", "day-42-attention-mechanisms".into())],
            )
            .await;
        assert!(
            started.embeds[0].title.contains("Day 42"),
            "{}",
            started.content
        );
        let stopped = h.run(h.host, "quiz stop", &[]).await;
        assert_eq!(
            stopped.content, "⏹ The host stopped the quiz. Results follow.",
            "the stop found the quiz"
        );
        h.sim
            .wait_until(WAIT, "the channel to be free again", |_| {
                h.bot.app.live.in_channel(h.channel).is_none().then_some(())
            })
            .await
            .unwrap();
    }
    h.sim.assert_no_violations();
}

/// A role made just after the bot connected can reach it (GUILD_ROLE_CREATE) before a guild
/// snapshot taken without it: the snapshot adds to what the bot knows instead of replacing it,
/// so the role's holder may host at once (before, until the next identify, they were refused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_guild_snapshot_does_not_forget_a_new_role() {
    let h = common::start(Options::default()).await;
    let member = h.players[0];
    let stale = h.sim.guild_create_payload(h.guild).unwrap();
    let role = h.sim.add_role(h.guild, "Quiz Host", 0);
    h.sim.give_role(h.guild, member, role);
    h.sim
        .wait_until(WAIT, "the bot to hear of the role", |_| {
            (h.bot.app.host_role(h.guild) == Some(role)).then_some(())
        })
        .await
        .unwrap();
    let seq = h.sim.dispatch("GUILD_CREATE", &stale).expect("connected");
    // A later event is handled after the snapshot (one shard's events are in order).
    let marker = h.sim.add_role(h.guild, "After the snapshot", 0);
    h.sim
        .wait_until(WAIT, "the snapshot and the marker", |_| {
            h.bot
                .app
                .roles
                .lock()
                .get(&h.guild)
                .is_some_and(|r| r.contains_key(&marker))
                .then_some(())
        })
        .await
        .unwrap();
    assert!(seq > 0);
    assert_eq!(h.bot.app.host_role(h.guild), Some(role), "still known");
    let started = h
        .run(
            member,
            "quiz start",
            &[("quiz", "day-42-attention-mechanisms".into())],
        )
        .await;
    assert_eq!(started.ephemeral_for, None, "{}", started.content);
    h.run(member, "quiz stop", &[]).await;
    h.titled(h.channel, "🏆 Results").await;
    h.sim.assert_no_violations();
}

/// A TOML bank of `n` questions: "Bank question i: pick B?", option B right.
fn bank(n: usize) -> Vec<u8> {
    common::toml_bank(
        "The Bank",
        (0..n).map(|i| format!("Bank question {i}: pick B?")),
        |_| String::new(),
    )
}

/// The bank index in a question message's prompt.
fn bank_index(m: &discord_sim::Message) -> usize {
    let d = &m.embeds[0].description;
    let rest = d.strip_prefix("Bank question ").expect("a bank question");
    rest[..rest.find(':').unwrap()].parse().unwrap()
}

/// `/quiz start count:5` on a bank of 300: five questions drawn from the whole bank (past the
/// first 200 a game without a count plays), none twice, kept with the game — after a restart in
/// the middle, the same ones go on. `/quiz list` counts the whole bank.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bank_plays_the_count_drawn_and_a_restart_keeps_the_draw() {
    let h = common::start(Options::default()).await;
    let added = h.upload_bytes("bank.toml", bank(300)).await;
    assert!(added.content.starts_with("✅"), "{}", added.content);
    let list = h.run(h.host, "quiz list", &[]).await;
    assert!(
        list.embeds[0].description.contains("300 questions"),
        "{}",
        list.embeds[0].description
    );
    let intro = h
        .run(
            h.host,
            "quiz start",
            &[("quiz", "bank".into()), ("count", "5".into())],
        )
        .await;
    assert!(
        intro.embeds[0].description.contains("**5** questions"),
        "{}",
        intro.embeds[0].description
    );
    let stored: String = h
        .db()
        .await
        .query_row("SELECT quiz_json FROM sessions", [], |r| r.get(0))
        .unwrap();
    let drawn: Vec<usize> = serde_json::from_str::<serde_json::Value>(&stored).unwrap()
        ["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| {
            let p = q["prompt"].as_str().unwrap();
            p["Bank question ".len()..p.find(':').unwrap()]
                .parse()
                .unwrap()
        })
        .collect();
    assert_eq!(drawn.len(), 5);
    assert!(drawn.windows(2).all(|w| w[0] < w[1]), "{drawn:?}");
    let mut h = h;
    let mut played = Vec::new();
    for n in 1..=5 {
        let q = h.question(h.channel, n).await;
        assert_eq!(q.embeds[0].title, format!("Question {n} of 5"));
        played.push(bank_index(&q));
        if n == 2 {
            h = h.restart().await;
        }
        h.run(h.host, "quiz next", &[]).await;
        h.revealed(h.channel, n).await;
    }
    assert_eq!(played, drawn, "the draw, in order, across the restart");
    h.titled(h.channel, "🏆 Results").await;
    // Another game draws again (a different clock, a different draw).
    h.clock.set(T0 + 3_600_000);
    h.run(
        h.host,
        "quiz start",
        &[("quiz", "bank".into()), ("count", "5".into())],
    )
    .await;
    let again: String = h
        .db()
        .await
        .query_row("SELECT quiz_json FROM sessions WHERE id = 2", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_ne!(again, stored, "a second game draws afresh");
    h.sim.assert_no_violations();
}

/// `/quiz start tag:` with autocomplete: the tags offered are the chosen quiz's; a game on one
/// tag (and a difficulty) plays only those questions; a tag no question has is refused with the
/// quiz's tags.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_game_narrowed_to_a_tag_and_a_difficulty() {
    let h = common::start(Options::default()).await;
    let kinds = [
        ("geography", "easy"),
        ("history", "easy"),
        ("geography", "hard"),
        ("geography", "easy"),
        ("science", "medium"),
    ];
    let toml = common::toml_bank(
        "Mixed Bag",
        kinds
            .iter()
            .enumerate()
            .map(|(i, (tag, difficulty))| format!("Item {i} ({tag}, {difficulty})?")),
        |i| {
            format!(
                "tags = [\"{}\"]\ndifficulty = \"{}\"\n",
                kinds[i].0, kinds[i].1
            )
        },
    );
    let added = h.upload_bytes("mixed.toml", toml).await;
    assert!(added.content.starts_with("✅"), "{}", added.content);

    let ac = h
        .sim
        .autocomplete(
            h.host,
            h.channel,
            "quiz start",
            ("tag", "o"),
            &[("quiz", "mixed".into())],
        )
        .unwrap();
    let choices = h
        .sim
        .wait_response(&ac, WAIT)
        .await
        .unwrap()
        .choices
        .unwrap();
    let offered: Vec<&str> = choices
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["value"].as_str().unwrap())
        .collect();
    assert_eq!(
        offered,
        ["geography", "history"],
        "the quiz's tags with an o"
    );

    let refused = h
        .run(
            h.host,
            "quiz start",
            &[("quiz", "mixed".into()), ("tag", "sport".into())],
        )
        .await;
    assert_eq!(refused.ephemeral_for, Some(h.host));
    assert_eq!(
        refused.content,
        "No question of **Mixed Bag** has the tag **sport** (its tags: `geography`, `history`, `science`)."
    );
    assert_eq!(
        h.count("SELECT COUNT(*) FROM sessions"),
        0,
        "nothing started"
    );

    let intro = h
        .run(
            h.host,
            "quiz start",
            &[
                ("quiz", "mixed".into()),
                ("tag", "Geography".into()),
                ("difficulty", "easy".into()),
            ],
        )
        .await;
    assert!(
        intro.embeds[0].description.contains("**2** questions"),
        "{}",
        intro.embeds[0].description
    );
    for n in 1..=2 {
        let q = h.question(h.channel, n).await;
        assert_eq!(q.embeds[0].title, format!("Question {n} of 2"));
        assert!(
            q.embeds[0].description.contains("(geography, easy)"),
            "{}",
            q.embeds[0].description
        );
        h.run(h.host, "quiz next", &[]).await;
        h.revealed(h.channel, n).await;
    }
    h.titled(h.channel, "🏆 Results").await;
    h.sim.assert_no_violations();
}

/// A Markdown image in a question: the first web image is the embed's picture — on the
/// question, on its reveal and in a private practice run — and every image in the text is a
/// link to itself instead of literal `![…](…)` (Discord draws no Markdown images in embeds).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_question_with_images_shows_the_first_as_its_picture() {
    let h = common::start(Options::default()).await;
    let added = h.upload("live/picture.md").await;
    assert!(added.content.starts_with("✅"), "{}", added.content);
    h.run(h.host, "quiz start", &[("quiz", "picture".into())])
        .await;
    let q = h.question(h.channel, 1).await;
    let e = &q.embeds[0];
    assert_eq!(e.image.as_deref(), Some("https://example.org/triangle.png"));
    assert!(
        e.description
            .contains("[🖼 a red triangle](https://example.org/triangle.png)"),
        "{}",
        e.description
    );
    assert!(
        e.description
            .contains("**B.** Triangle [🖼 icon](https://example.org/icon.png)"),
        "{}",
        e.description
    );
    assert!(!e.description.contains("!["), "{}", e.description);
    let labels: Vec<&str> = q.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["A · Square", "B · Triangle 🖼 icon"]);
    let ack = h
        .click(h.players[0], q.id, &Harness::button_id(&q, 'B'))
        .await;
    assert_eq!(ack.content, "Locked in: **B** — Triangle 🖼 icon");
    h.run(h.host, "quiz next", &[]).await;
    let revealed = h.revealed(h.channel, 1).await;
    assert_eq!(
        revealed.embeds[0].image.as_deref(),
        Some("https://example.org/triangle.png")
    );
    assert!(
        revealed.embeds[1]
            .description
            .contains("It has three sides. [🖼 sides](https://example.org/sides.png)"),
        "{}",
        revealed.embeds[1].description
    );
    h.titled(h.channel, "🏆 Results").await;
    let practice = h
        .run(h.players[0], "quiz practice", &[("quiz", "picture".into())])
        .await;
    assert_eq!(
        practice.embeds[0].image.as_deref(),
        Some("https://example.org/triangle.png")
    );
    h.sim.assert_no_violations();
}
