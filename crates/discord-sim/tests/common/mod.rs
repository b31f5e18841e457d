//! A minimal poise bot for the simulator's own tests: `/ask` posts a message with two buttons,
//! a click gets an ephemeral "You picked …". Connected in proxy mode or TLS mode.

#![allow(dead_code)]

use std::time::Duration;

use discord_sim::{Sim, SimConfig};
use poise::serenity_prelude as serenity;
use serenity::{
    ClientBuilder, CreateActionRow, CreateAllowedMentions, CreateButton, CreateInteractionResponse,
    CreateInteractionResponseMessage, FullEvent, GatewayIntents, HttpBuilder, Interaction,
};

pub type Error = Box<dyn std::error::Error + Send + Sync>;
type Context<'a> = poise::Context<'a, (), Error>;

pub const WAIT: Duration = Duration::from_secs(20);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// `.proxy(url).ratelimiter_disabled(true)`
    Proxy,
    /// HTTPS as discord.com with serenity's own rate limiter.
    Tls,
}

/// Posts a message with two buttons.
#[poise::command(slash_command, guild_only)]
async fn ask(ctx: Context<'_>) -> Result<(), Error> {
    let buttons = vec![
        CreateButton::new("pick:a").label("A"),
        CreateButton::new("pick:b").label("B"),
    ];
    ctx.send(
        poise::CreateReply::default()
            .content("Pick one")
            .components(vec![CreateActionRow::Buttons(buttons)]),
    )
    .await?;
    Ok(())
}

/// Posts a message whose button opens a modal.
#[poise::command(slash_command, guild_only)]
async fn form(ctx: Context<'_>) -> Result<(), Error> {
    let button = CreateButton::new("form:open").label("Fill in");
    ctx.send(
        poise::CreateReply::default()
            .content("Tell us your name")
            .components(vec![CreateActionRow::Buttons(vec![button])]),
    )
    .await?;
    Ok(())
}

async fn on_event(ctx: &serenity::Context, event: &FullEvent) -> Result<(), Error> {
    let FullEvent::InteractionCreate { interaction } = event else {
        return Ok(());
    };
    match interaction {
        Interaction::Component(click) if click.data.custom_id == "form:open" => {
            let input =
                serenity::CreateInputText::new(serenity::InputTextStyle::Short, "Name", "name");
            let modal = serenity::CreateModal::new("form:modal", "Your name")
                .components(vec![CreateActionRow::InputText(input)]);
            click
                .create_response(&ctx.http, CreateInteractionResponse::Modal(modal))
                .await?;
        }
        Interaction::Component(click) => {
            let reply = CreateInteractionResponseMessage::new()
                .content(format!("You picked {}", click.data.custom_id))
                .ephemeral(true);
            click
                .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
                .await?;
        }
        Interaction::Modal(submit) => {
            let name = submit
                .data
                .components
                .iter()
                .flat_map(|row| row.components.iter())
                .find_map(|c| match c {
                    serenity::ActionRowComponent::InputText(t) => t.value.clone(),
                    _ => None,
                })
                .unwrap_or_default();
            let reply = CreateInteractionResponseMessage::new()
                .content(format!("Thanks, {name}"))
                .ephemeral(true);
            submit
                .create_response(&ctx.http, CreateInteractionResponse::Message(reply))
                .await?;
        }
        _ => {}
    }
    Ok(())
}

pub async fn sim(tls: bool) -> Sim {
    Sim::start(SimConfig {
        tls,
        ..SimConfig::default()
    })
    .await
    .expect("start the simulator")
}

/// The serenity HTTP client for a mode, pinging nobody by default.
pub fn http(sim: &Sim, mode: Mode) -> serenity::Http {
    let builder =
        HttpBuilder::new(sim.token()).default_allowed_mentions(CreateAllowedMentions::new());
    match mode {
        Mode::Proxy => builder.proxy(sim.api_url()).ratelimiter_disabled(true),
        Mode::Tls => builder.client(sim.tls_client().expect("TLS mode")),
    }
    .build()
}

/// Starts the poise bot against the simulator; returns when it is connected and registered.
pub async fn start_bot(sim: &Sim, mode: Mode) -> tokio::task::JoinHandle<()> {
    let task = start_bot_with_http(http(sim, mode)).await;
    sim.wait_ready(WAIT).await.expect("the bot connects");
    task
}

/// Starts the poise bot with a ready HTTP client; does not wait.
pub async fn start_bot_with_http(http: serenity::Http) -> tokio::task::JoinHandle<()> {
    let framework = poise::Framework::<(), Error>::builder()
        .options(poise::FrameworkOptions {
            commands: vec![ask(), form()],
            allowed_mentions: Some(CreateAllowedMentions::new()),
            event_handler: |ctx, event| Box::pin(on_event(ctx.serenity_context, event)),
            ..Default::default()
        })
        .setup(|ctx, _ready, framework| {
            Box::pin(async move {
                poise::builtins::register_globally(ctx, &framework.options().commands).await?;
                Ok(())
            })
        })
        .build();
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .framework(framework)
        .await
        .expect("build the client");
    tokio::spawn(async move {
        let _ = client.start().await;
    })
}
