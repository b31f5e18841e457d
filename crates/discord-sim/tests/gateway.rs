//! The gateway as serenity sees it: a bad token, resumes with replay, op 7, op 9, closes, and
//! compressed frames.

mod common;

use std::time::Duration;

use common::{sim, start_bot, Mode, WAIT};
use discord_sim::log::Entry;
use poise::serenity_prelude as serenity;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_token_is_closed_with_4004_and_the_client_stops() {
    let sim = sim(false).await;
    sim.setup_guild("Club", &["general"], 0);
    let http = serenity::HttpBuilder::new("not-the-token")
        .proxy(sim.api_url())
        .ratelimiter_disabled(true)
        .build();
    let mut client = serenity::ClientBuilder::new_with_http(http, serenity::GatewayIntents::GUILDS)
        .await
        .unwrap();
    let result = tokio::time::timeout(WAIT, client.start())
        .await
        .expect("the client gives up");
    assert!(result.is_err(), "{result:?}");
    assert!(sim
        .log()
        .iter()
        .any(|l| l.entry == Entry::GatewayClose { code: 4004 }));
}

/// Clicks right after a disruption: the dispatch is queued behind it, then delivered.
async fn click_survives(sim: &discord_sim::Sim, disrupt: impl FnOnce()) {
    let setup = sim.setup_guild("Club", &["general"], 1);
    let channel = setup.channels[0];
    start_bot(sim, Mode::Proxy).await;
    let asked = sim.command(setup.owner, channel, "ask", &[]).unwrap();
    let message = sim
        .wait_response(&asked, WAIT)
        .await
        .unwrap()
        .original
        .unwrap();
    disrupt();
    let click = sim.click(setup.members[0], message.id, "pick:b").unwrap();
    let r = sim
        .wait_response(&click, WAIT)
        .await
        .expect("answered after the reconnect");
    assert_eq!(r.response_kind, Some(4));
    sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn close_4000_resumes_and_replays_what_was_missed() {
    let sim = sim(false).await;
    click_survives(&sim, || assert!(sim.gateway_close(4000))).await;
    assert_eq!(sim.gateway_sessions(), (1, 1), "one identify, one resume");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op7_reconnect_resumes() {
    let sim = sim(false).await;
    click_survives(&sim, || assert!(sim.gateway_reconnect())).await;
    assert_eq!(sim.gateway_sessions(), (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op9_resumable_resumes() {
    let sim = sim(false).await;
    click_survives(&sim, || assert!(sim.gateway_invalidate(true))).await;
    assert_eq!(sim.gateway_sessions().1, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn op9_not_resumable_identifies_again() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 1);
    start_bot(&sim, Mode::Proxy).await;
    assert!(sim.gateway_invalidate(false));
    sim.wait_until(Duration::from_secs(15), "a second identify", |s| {
        (s.gateway_sessions().0 == 2).then_some(())
    })
    .await
    .unwrap();
    sim.wait_until(WAIT, "connected", |s| s.bot_connected().then_some(()))
        .await
        .unwrap();
    let asked = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    assert_eq!(
        sim.wait_response(&asked, WAIT).await.unwrap().response_kind,
        Some(4)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_and_duplicated_dispatches() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 1);
    start_bot(&sim, Mode::Proxy).await;
    sim.drop_next_dispatches(1);
    let lost = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    assert!(!lost.delivered);
    sim.duplicate_next_dispatches(1);
    let twice = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    sim.wait_response(&twice, WAIT).await.unwrap();
    // The test bot answers both copies: the second answer is refused as Discord would.
    sim.wait_until(WAIT, "the second answer", |s| {
        s.violations()
            .iter()
            .any(|v| v.kind == discord_sim::ViolationKind::DoubleResponse)
            .then_some(())
    })
    .await
    .unwrap();
    assert!(sim.interaction(lost.id).unwrap().response_kind.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_dispatches_go_out_compressed_and_still_parse() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Big", &["general"], 200);
    start_bot(&sim, Mode::Proxy).await;
    // The bot understood it: commands work in that guild. (Checked first: the frame's log line
    // is written after compression, so it is surely there once a later round trip is done.)
    let asked = sim
        .command(setup.members[5], setup.channels[0], "ask", &[])
        .unwrap();
    sim.wait_response(&asked, WAIT).await.unwrap();
    let compressed = sim.log().into_iter().any(|l| {
        matches!(l.entry, Entry::GatewaySend { ref t, compressed: true, .. } if t.as_deref() == Some("GUILD_CREATE"))
    });
    assert!(
        compressed,
        "serenity asks for compression; a 200-member GUILD_CREATE is large"
    );
}
