//! Discord's judgement: schema and limits refused with 50035, pings recorded, the 3-second
//! deadline and the single initial response enforced, rate limits with 429s.

mod common;

use std::time::Duration;

use common::{http, sim, start_bot, Mode, WAIT};
use discord_sim::{Fault, FaultRule, ViolationKind};
use poise::serenity_prelude as serenity;
use serde_json::json;
use serenity::{
    Builder, ChannelId, CreateInteractionResponse, CreateInteractionResponseMessage, HttpBuilder,
    InteractionId,
};

fn status(e: &serenity::Error) -> Option<(u16, isize)> {
    match e {
        serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
            Some((r.status_code.as_u16(), r.error.code))
        }
        _ => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_message_that_could_ping_is_a_violation() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 0);
    // No default_allowed_mentions: serenity sends none, Discord would parse @everyone.
    let bare = HttpBuilder::new(sim.token())
        .proxy(sim.api_url())
        .ratelimiter_disabled(true)
        .build();
    bare.send_message(
        ChannelId::new(setup.channels[0]),
        vec![],
        &json!({"content": "@everyone hi"}),
    )
    .await
    .expect("Discord accepts it");
    let v = sim.violations();
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].kind, ViolationKind::Mentions);
    assert!(
        v[0].detail.contains("no allowed_mentions"),
        "{}",
        v[0].detail
    );

    // With {"parse": []} nobody can be pinged: no new violation.
    let careful = http(&sim, Mode::Proxy);
    careful
        .send_message(
            ChannelId::new(setup.channels[0]),
            vec![],
            &json!({"content": "@everyone hi", "allowed_mentions": {"parse": []}}),
        )
        .await
        .unwrap();
    assert_eq!(sim.violations().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_the_limits_or_off_the_schema_are_refused_with_50035() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 0);
    let http = http(&sim, Mode::Proxy);
    let channel = ChannelId::new(setup.channels[0]);
    let too_long = json!({"content": "x".repeat(2001), "allowed_mentions": {"parse": []}});
    let e = http
        .send_message(channel, vec![], &too_long)
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some((400, 50035)));
    let embeds = json!({"embeds": [{"description": "d".repeat(4000)}, {"description": "d".repeat(2500)}], "allowed_mentions": {"parse": []}});
    let e = http
        .send_message(channel, vec![], &embeds)
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some((400, 50035)));
    let wrong_type =
        json!({"content": "ok", "embeds": "not a list", "allowed_mentions": {"parse": []}});
    let e = http
        .send_message(channel, vec![], &wrong_type)
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some((400, 50035)));
    let kinds: Vec<ViolationKind> = sim.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [
            ViolationKind::Limit,
            ViolationKind::Limit,
            ViolationKind::Schema
        ]
    );
    assert!(
        sim.public_messages(setup.channels[0]).is_empty(),
        "nothing was posted"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn late_and_second_responses_are_refused_and_recorded() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 1);
    let http = http(&sim, Mode::Proxy);
    // Register /ask without connecting a bot, so nobody answers in time.
    let app = http.get_current_application_info().await.unwrap();
    http.set_application_id(app.id);
    http.create_global_commands(&[serenity::CreateCommand::new("ask").description("Ask")])
        .await
        .unwrap();

    let reply = || {
        CreateInteractionResponse::Message(CreateInteractionResponseMessage::new().content("ok"))
    };
    let on_time = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    let id = InteractionId::new(on_time.id);
    reply().execute(&http, (id, &on_time.token)).await.unwrap();
    let e = reply()
        .execute(&http, (id, &on_time.token))
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some((400, 40060)));

    let late = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    tokio::time::sleep(Duration::from_millis(3100)).await;
    let e = reply()
        .execute(&http, (InteractionId::new(late.id), &late.token))
        .await
        .unwrap_err();
    assert_eq!(status(&e), Some((404, 10062)));
    assert!(sim.interaction(late.id).unwrap().late);

    let kinds: Vec<ViolationKind> = sim.violations().iter().map(|v| v.kind).collect();
    assert_eq!(
        kinds,
        [ViolationKind::DoubleResponse, ViolationKind::LateResponse]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_edit_within_five_seconds_in_a_channel_gets_a_429() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general", "other"], 0);
    let http = http(&sim, Mode::Proxy);
    let body = |n: u32| json!({"content": format!("count {n}"), "allowed_mentions": {"parse": []}});
    let channel = ChannelId::new(setup.channels[0]);
    let posted = http.send_message(channel, vec![], &body(0)).await.unwrap();
    for n in 1..=5 {
        http.edit_message(channel, posted.id, &body(n), vec![])
            .await
            .expect("within the limit");
    }
    let e = http
        .edit_message(channel, posted.id, &body(6), vec![])
        .await
        .unwrap_err();
    assert_eq!(status(&e).map(|s| s.0), Some(429));
    assert_eq!(sim.rate_limited_count(), 1);
    let last = sim.log().into_iter().rev().find_map(|l| match l.entry {
        discord_sim::log::Entry::Rest { status, .. } => Some(status),
        _ => None,
    });
    assert_eq!(last, Some(429));
    // Another channel has its own bucket.
    let other = ChannelId::new(setup.channels[1]);
    let m = http.send_message(other, vec![], &body(0)).await.unwrap();
    http.edit_message(other, m.id, &body(1), vec![])
        .await
        .unwrap();
    assert_eq!(sim.message(posted.id.get()).unwrap().content, "count 5");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tls_mode_serenity_waits_out_a_429_and_answers_once() {
    let sim = sim(true).await;
    let setup = sim.setup_guild("Club", &["general"], 1);
    start_bot(&sim, Mode::Tls).await;
    let asked = sim
        .command(setup.owner, setup.channels[0], "ask", &[])
        .unwrap();
    let message = sim
        .wait_response(&asked, WAIT)
        .await
        .unwrap()
        .original
        .unwrap();

    sim.inject(FaultRule::new(
        "POST",
        "/interactions/*/*/callback",
        1,
        Fault::Status {
            status: 429,
            retry_after_ms: Some(400),
        },
    ));
    let click = sim.click(setup.members[0], message.id, "pick:a").unwrap();
    let answered = sim.wait_response(&click, WAIT).await.unwrap();
    assert_eq!(answered.response_kind, Some(4));
    assert!(
        answered.latency_ms.unwrap() >= 400.0,
        "it waited retry_after"
    );
    let callbacks: Vec<u16> = sim
        .log()
        .into_iter()
        .filter_map(|l| match l.entry {
            discord_sim::log::Entry::Rest { path, status, .. }
                if path.starts_with(&format!("/interactions/{}", click.id)) =>
            {
                Some(status)
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        callbacks,
        [429, 204],
        "refused once, retried once by serenity"
    );
    assert_eq!(sim.ephemerals(setup.members[0]).len(), 1);
    sim.assert_no_violations();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn injected_server_errors_and_missing_permissions() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 0);
    let http = http(&sim, Mode::Proxy);
    let channel = ChannelId::new(setup.channels[0]);
    let body = json!({"content": "hi", "allowed_mentions": {"parse": []}});
    sim.inject(FaultRule::new(
        "POST",
        "/channels/*/messages",
        2,
        Fault::Status {
            status: 502,
            retry_after_ms: None,
        },
    ));
    assert_eq!(
        status(&http.send_message(channel, vec![], &body).await.unwrap_err()).map(|s| s.0),
        Some(502)
    );
    assert_eq!(
        status(&http.send_message(channel, vec![], &body).await.unwrap_err()).map(|s| s.0),
        Some(502)
    );
    http.send_message(channel, vec![], &body)
        .await
        .expect("the fault ran out");

    // A real permission problem: deny the bot Send Messages in the channel.
    sim.set_overwrite(
        setup.channels[0],
        discord_sim::permissions::Overwrite {
            id: sim.bot_user_id(),
            kind: 1,
            allow: 0,
            deny: discord_sim::permissions::SEND_MESSAGES,
        },
    );
    let e = http.send_message(channel, vec![], &body).await.unwrap_err();
    assert_eq!(status(&e), Some((403, 50013)));
    assert_eq!(sim.violations()[0].kind, ViolationKind::MissingPermission);
    assert!(sim.violations()[0].detail.contains("SEND_MESSAGES"));
}

/// `enforce_nonce` as Discord documents it: the same author, channel and nonce within the
/// window give back the message already made instead of a second one; without
/// `enforce_nonce` (or with another nonce) a new message is made; a nonce over 25 characters is
/// refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_nonce_with_enforce_nonce_makes_one_message() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general", "other"], 0);
    let (channel, other) = (
        ChannelId::new(setup.channels[0]),
        ChannelId::new(setup.channels[1]),
    );
    let http = http(&sim, Mode::Proxy);
    let send = |channel: ChannelId, body: serde_json::Value| {
        let http = &http;
        async move {
            http.send_message(channel, vec![], &body)
                .await
                .map(|m| m.id.get())
        }
    };
    let body = |nonce: &str, enforce: bool| {
        json!({"content": "Question 1", "nonce": nonce, "enforce_nonce": enforce,
               "allowed_mentions": {"parse": []}})
    };
    let first = send(channel, body("q1.0", true)).await.unwrap();
    assert_eq!(send(channel, body("q1.0", true)).await.unwrap(), first);
    assert_ne!(send(channel, body("q1.1", true)).await.unwrap(), first);
    assert_ne!(
        send(other, body("q1.0", true)).await.unwrap(),
        first,
        "per channel"
    );
    assert_ne!(send(channel, body("q1.0", false)).await.unwrap(), first);
    assert_eq!(
        sim.public_messages(setup.channels[0]).len(),
        3,
        "q1.0 once, q1.1, and the one without enforce_nonce"
    );
    let long = send(channel, body(&"n".repeat(26), true))
        .await
        .unwrap_err();
    assert_eq!(status(&long), Some((400, 50035)));
}

/// Files on messages as Discord keeps them: sent as multipart, shown by `attachment://`, kept by
/// an edit that leaves `attachments` out, replaced by one that lists what stays; an embed that
/// names a file the message lacks, and a file over 10 MiB, are violations.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_are_kept_replaced_and_judged_as_discord_does() {
    use serenity::CreateAttachment;
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 0);
    let http = http(&sim, Mode::Proxy);
    let channel = ChannelId::new(setup.channels[0]);
    let quiet = json!({"parse": []});
    let sent = http
        .send_message(
            channel,
            vec![CreateAttachment::bytes(b"first".to_vec(), "a.png")],
            &json!({"embeds": [{"title": "Q", "image": {"url": "attachment://a.png"}}], "allowed_mentions": quiet}),
        )
        .await
        .unwrap();
    let m = sim.message(sent.id.get()).unwrap();
    assert_eq!(m.attachments.len(), 1);
    let a_url = m.attachments[0].url.clone();
    assert_eq!(m.embeds[0].image.as_deref(), Some(a_url.as_str()));
    assert_eq!(sim.attachment_bytes(&a_url).as_deref(), Some(&b"first"[..]));

    // No `attachments` in the edit: the file stays and still resolves.
    http.edit_message(
        channel,
        sent.id,
        &json!({"embeds": [{"title": "Q, 3 answered", "image": {"url": "attachment://a.png"}}], "allowed_mentions": quiet}),
        vec![],
    )
    .await
    .unwrap();
    let m = sim.message(sent.id.get()).unwrap();
    assert_eq!(m.attachments.len(), 1);
    assert_eq!(m.embeds[0].image.as_deref(), Some(a_url.as_str()));

    // Listing the kept one and sending a new one: both, the old one under its own URL.
    let kept_id = sent.attachments[0].id.get();
    http.edit_message(
        channel,
        sent.id,
        &json!({"embeds": [{"title": "Reveal", "image": {"url": "attachment://b.png"}}],
                "attachments": [{"id": kept_id.to_string()}, {"id": 0, "filename": "b.png"}],
                "allowed_mentions": quiet}),
        vec![CreateAttachment::bytes(b"second".to_vec(), "b.png")],
    )
    .await
    .unwrap();
    let m = sim.message(sent.id.get()).unwrap();
    let names: Vec<&str> = m.attachments.iter().map(|a| a.filename.as_str()).collect();
    assert_eq!(names, ["a.png", "b.png"]);
    assert_eq!(m.attachments[0].url, a_url);
    let b_url = &m.attachments[1].url;
    assert_eq!(sim.attachment_bytes(b_url).as_deref(), Some(&b"second"[..]));
    sim.assert_no_violations();

    // `attachments: []` drops every file; the embed still names one: a violation.
    http.edit_message(
        channel,
        sent.id,
        &json!({"embeds": [{"title": "Gone", "image": {"url": "attachment://a.png"}}],
                "attachments": [], "allowed_mentions": quiet}),
        vec![],
    )
    .await
    .unwrap();
    assert!(sim.message(sent.id.get()).unwrap().attachments.is_empty());
    let v = sim.violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(
        v[0].detail.contains("attachment://a.png"),
        "{}",
        v[0].detail
    );

    // A file over Discord's 10 MiB.
    let _ = http
        .send_message(
            channel,
            vec![CreateAttachment::bytes(
                vec![0u8; 10 * 1024 * 1024 + 1],
                "big.png",
            )],
            &json!({"content": "big", "allowed_mentions": quiet}),
        )
        .await;
    let v = sim.violations();
    assert_eq!(v.len(), 2, "{v:?}");
    assert_eq!(v[1].kind, ViolationKind::Limit);
    assert!(v[1].detail.contains("big.png"), "{}", v[1].detail);
}
