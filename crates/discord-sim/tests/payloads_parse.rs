//! Every payload the simulator emits deserializes with serenity 0.12.5's own model types and is
//! not `Event::Unknown` — serenity drops unparseable events silently, which would look like "the
//! bot never answered".

mod common;

use common::{http, sim, Mode, WAIT};
use discord_sim::{Arg, Sim};
use poise::serenity_prelude as serenity;
use serde_json::{json, Value};
use serenity::{
    CommandOptionType, CreateCommand, CreateCommandOption, Event, GatewayEvent, Interaction,
};

fn event(t: &str, d: Value) -> Event {
    let frame = json!({"op": 0, "s": 7, "t": t, "d": d});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(7, e)) => e,
        Ok(other) => panic!("{t} parsed as {other:?}"),
        Err(e) => panic!("{t} does not parse: {e}"),
    }
}

fn interaction(sim: &Sim, id: u64) -> Interaction {
    match event("INTERACTION_CREATE", sim.interaction_payload(id).unwrap()) {
        Event::InteractionCreate(e) => e.interaction,
        other => panic!("not an interaction: {other:?}"),
    }
}

/// Registers a command with every option type the bot uses, through serenity itself.
async fn register(sim: &Sim) {
    let http = http(sim, Mode::Proxy);
    let app = http
        .get_current_application_info()
        .await
        .expect("application info");
    http.set_application_id(app.id);
    let quiz = CreateCommand::new("quiz")
        .description("Quizzes")
        .add_option(
            CreateCommandOption::new(CommandOptionType::SubCommand, "start", "Start a quiz")
                .add_sub_option(
                    CreateCommandOption::new(CommandOptionType::String, "quiz", "Which quiz")
                        .required(true)
                        .set_autocomplete(true),
                )
                .add_sub_option(
                    CreateCommandOption::new(CommandOptionType::Integer, "seconds", "Seconds")
                        .min_int_value(5)
                        .max_int_value(120),
                )
                .add_sub_option(CreateCommandOption::new(
                    CommandOptionType::Boolean,
                    "shuffle",
                    "Shuffle",
                ))
                .add_sub_option(CreateCommandOption::new(
                    CommandOptionType::User,
                    "host",
                    "Host",
                )),
        )
        .add_option(
            CreateCommandOption::new(CommandOptionType::SubCommand, "upload", "Upload")
                .add_sub_option(
                    CreateCommandOption::new(CommandOptionType::Attachment, "file", "The file")
                        .required(true),
                ),
        );
    let commands = http
        .create_global_commands(&[quiz])
        .await
        .expect("registration answers with commands serenity parses");
    assert_eq!(commands[0].name, "quiz");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ready_and_guild_create_parse() {
    let sim = sim(false).await;
    let small = sim.setup_guild("Small", &["general", "quiz"], 5);
    let large = sim.setup_guild("Large", &["general"], 300);
    assert!(matches!(
        event("READY", sim.ready_payload()),
        Event::Ready(_)
    ));
    for (guild, members) in [(small.guild, 7), (large.guild, 1)] {
        match event("GUILD_CREATE", sim.guild_create_payload(guild).unwrap()) {
            Event::GuildCreate(e) => {
                assert_eq!(e.guild.id.get(), guild);
                assert_eq!(
                    e.guild.members.len(),
                    members,
                    "large guilds carry only the bot"
                );
            }
            other => panic!("{other:?}"),
        }
    }
    assert!(matches!(event("RESUMED", json!({})), Event::Resumed(_)));
    let role = sim.guild_create_payload(small.guild).unwrap()["roles"][0].clone();
    match event(
        "GUILD_ROLE_CREATE",
        json!({"guild_id": small.guild.to_string(), "role": role}),
    ) {
        Event::GuildRoleCreate(e) => assert_eq!(e.role.guild_id.get(), small.guild),
        other => panic!("{other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_of_every_kind_parse() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 2);
    let channel = setup.channels[0];
    register(&sim).await;

    let h = sim
        .command(
            setup.owner,
            channel,
            "quiz start",
            &[
                ("quiz", "day-42".into()),
                ("seconds", "20".into()),
                ("shuffle", "true".into()),
                ("host", setup.members[0].to_string().into()),
            ],
        )
        .unwrap();
    match interaction(&sim, h.id) {
        Interaction::Command(c) => {
            assert_eq!(c.data.name, "quiz");
            let member = c.member.expect("member");
            assert!(
                member.permissions.is_some(),
                "permissions for poise's checks"
            );
            assert!(c.app_permissions.is_some());
            let sub = &c.data.options[0];
            assert_eq!(sub.name, "start");
            let serenity::CommandDataOptionValue::SubCommand(opts) = &sub.value else {
                panic!("{sub:?}")
            };
            assert_eq!(opts[1].value, serenity::CommandDataOptionValue::Integer(20));
            assert_eq!(
                opts[2].value,
                serenity::CommandDataOptionValue::Boolean(true)
            );
            assert!(c
                .data
                .resolved
                .users
                .contains_key(&serenity::UserId::new(setup.members[0])));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        sim.command(
            setup.owner,
            channel,
            "quiz start",
            &[("seconds", "500".into()), ("quiz", "x".into())]
        ),
        Err(discord_sim::SimError::BadOption {
            name: "seconds".into(),
            why: "out of the allowed range".into()
        })
    );

    let h = sim
        .autocomplete(setup.owner, channel, "quiz start", ("quiz", "day"), &[])
        .unwrap();
    match interaction(&sim, h.id) {
        Interaction::Autocomplete(a) => {
            let focused = a.data.autocomplete().expect("a focused option");
            assert_eq!((focused.name, focused.value), ("quiz", "day"));
        }
        other => panic!("{other:?}"),
    }

    let h = sim
        .command(
            setup.owner,
            channel,
            "quiz upload",
            &[("file", Arg::file("q.md", "# Quiz\n"))],
        )
        .unwrap();
    let url = match interaction(&sim, h.id) {
        Interaction::Command(c) => {
            let a = c
                .data
                .resolved
                .attachments
                .values()
                .next()
                .expect("attachment");
            assert_eq!(a.filename, "q.md");
            assert_eq!(a.size, 7);
            a.url.clone()
        }
        other => panic!("{other:?}"),
    };
    let bytes = reqwest::get(&url).await.unwrap().bytes().await.unwrap();
    assert_eq!(&bytes[..], b"# Quiz\n", "the download URL serves the file");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn messages_buttons_and_modal_submits_parse() {
    let sim = sim(false).await;
    let setup = sim.setup_guild("Club", &["general"], 1);
    let channel = setup.channels[0];
    common::start_bot(&sim, Mode::Proxy).await;
    let asked = sim.command(setup.owner, channel, "ask", &[]).unwrap();
    let message = sim
        .wait_response(&asked, WAIT)
        .await
        .unwrap()
        .original
        .unwrap();

    let as_message: serenity::Message =
        serde_json::from_value(sim.message_payload(message.id).unwrap()).expect("a Message");
    assert_eq!(as_message.components[0].components.len(), 2);

    let click = sim.click(setup.members[0], message.id, "pick:b").unwrap();
    match interaction(&sim, click.id) {
        Interaction::Component(c) => {
            assert_eq!(c.data.custom_id, "pick:b");
            assert_eq!(c.message.id.get(), message.id);
        }
        other => panic!("{other:?}"),
    }
    sim.wait_response(&click, WAIT).await.unwrap();
    let reply = sim.ephemerals(setup.members[0]).pop().unwrap();
    let parsed: serenity::Message =
        serde_json::from_value(sim.message_payload(reply.id).unwrap()).unwrap();
    assert_eq!(parsed.content, "You picked pick:b");

    // A button that opens a modal, and the modal's submit.
    let form = sim.command(setup.owner, channel, "form", &[]).unwrap();
    let form = sim
        .wait_response(&form, WAIT)
        .await
        .unwrap()
        .original
        .unwrap();
    let open = sim.click(setup.members[0], form.id, "form:open").unwrap();
    let shown = sim.wait_response(&open, WAIT).await.unwrap();
    assert_eq!(shown.response_kind, Some(9), "a modal");
    let submit = sim
        .submit_modal(setup.members[0], &open, &[("name", "Ada")])
        .unwrap();
    match interaction(&sim, submit.id) {
        Interaction::Modal(m) => assert_eq!(m.data.custom_id, "form:modal"),
        other => panic!("{other:?}"),
    }
    let thanks = sim.wait_response(&submit, WAIT).await.unwrap();
    assert_eq!(thanks.original.unwrap().content, "Thanks, Ada");
    sim.assert_no_violations();
}
