//! A minimal poise bot round trip in both modes: command → message with buttons → three
//! members click → three ephemeral replies, and no violations.

mod common;

use common::{sim, start_bot, Mode, WAIT};
use discord_sim::Sim;

async fn round_trip(sim: &Sim) {
    let setup = sim.setup_guild("Quiz Club", &["general"], 3);
    let channel = setup.channels[0];
    start_bot(
        sim,
        if sim.tls_client().is_some() {
            Mode::Tls
        } else {
            Mode::Proxy
        },
    )
    .await;

    let asked = sim.command(setup.owner, channel, "ask", &[]).unwrap();
    assert!(asked.delivered);
    let response = sim.wait_response(&asked, WAIT).await.unwrap();
    assert_eq!(response.response_kind, Some(4));
    let question = response.original.expect("a message");
    assert_eq!(question.content, "Pick one");
    assert_eq!(question.ephemeral_for, None, "everyone sees it");
    let labels: Vec<&str> = question.buttons().map(|b| b.label.as_str()).collect();
    assert_eq!(labels, ["A", "B"]);

    for (i, member) in setup.members.iter().enumerate() {
        let pick = if i % 2 == 0 { "pick:a" } else { "pick:b" };
        let click = sim.click(*member, question.id, pick).unwrap();
        let r = sim.wait_response(&click, WAIT).await.unwrap();
        assert_eq!(r.response_kind, Some(4));
        assert!(r.latency_ms.unwrap() < 3000.0);
    }
    for (i, member) in setup.members.iter().enumerate() {
        let mine = sim.ephemerals(*member);
        assert_eq!(mine.len(), 1, "one private reply each");
        let pick = if i % 2 == 0 { "pick:a" } else { "pick:b" };
        assert_eq!(mine[0].content, format!("You picked {pick}"));
        // Nobody else sees it.
        let others = sim.channel_messages(channel, setup.owner);
        assert!(others.iter().all(|m| m.id != mine[0].id));
    }
    sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_mode_round_trip() {
    let sim = sim(false).await;
    round_trip(&sim).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_mode_round_trip() {
    let sim = sim(true).await;
    round_trip(&sim).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clicks_are_refused_like_discord_refuses_them() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Quiz Club", &["general"], 1);
    start_bot(&sim, Mode::Proxy).await;
    let asked = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    let message = sim
        .wait_response(&asked, WAIT)
        .await
        .unwrap()
        .original
        .unwrap();
    let member = setup.members[0];
    assert_eq!(
        sim.click(member, message.id, "pick:z"),
        Err(discord_sim::SimError::NoSuchButton("pick:z".into()))
    );
    // A stranger from another guild cannot see the message.
    let other = sim.setup_guild("Elsewhere", &["x"], 1);
    assert_eq!(
        sim.click(other.members[0], message.id, "pick:a"),
        Err(discord_sim::SimError::NotVisible)
    );
}
