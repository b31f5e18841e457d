//! The Discord adapter: the serenity client and poise framework, slash commands, button
//! routing, and views turned into serenity builders. Nothing below `discord/` holds game logic.

pub mod commands;
pub mod components;
pub mod convert;
pub mod errors;
pub mod host;
pub mod outbox;

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{
    ClientBuilder, CreateAllowedMentions, FullEvent, GatewayIntents, HttpBuilder, Interaction,
};

use crate::app::App;
use crate::config::Secret;

pub type Data = Arc<App>;
pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Context<'a> = poise::Context<'a, Data, Error>;

/// Where REST calls go.
pub enum Endpoint {
    /// discord.com, with serenity's rate limiter.
    Discord,
    /// A Discord API proxy (`discord.api_proxy`, or the simulator): serenity only honours a proxy
    /// with its own rate limiter off, so it is off — the proxy does the limiting.
    Proxy(String),
    /// A ready reqwest client (the simulator's TLS mode), serenity's rate limiter on.
    Client(reqwest::Client),
}

/// serenity's HTTP client for an endpoint; every message it sends pings nobody unless a
/// builder says otherwise (none does).
pub fn http(token: &Secret, endpoint: Endpoint) -> serenity::Http {
    let builder =
        HttpBuilder::new(token.expose()).default_allowed_mentions(CreateAllowedMentions::new());
    match endpoint {
        Endpoint::Discord => builder,
        Endpoint::Proxy(url) => builder.proxy(url).ratelimiter_disabled(true),
        Endpoint::Client(client) => builder.client(client),
    }
    .build()
}

/// The bot, ready to `start()`.
pub async fn client(
    app: Arc<App>,
    token: &Secret,
    endpoint: Endpoint,
) -> Result<serenity::Client, serenity::Error> {
    let setup_app = Arc::clone(&app);
    let framework = poise::Framework::<Data, Error>::builder()
        .options(poise::FrameworkOptions {
            commands: commands::all(),
            // poise's default would ping the user it replies to.
            allowed_mentions: Some(CreateAllowedMentions::new()),
            on_error: |error| Box::pin(errors::on_error(error)),
            event_handler: |ctx, event| Box::pin(on_event(ctx, event)),
            ..Default::default()
        })
        .setup(move |ctx, ready, framework| {
            Box::pin(async move {
                let commands = &framework.options().commands;
                match setup_app.config.dev_guild {
                    Some(g) => poise::builtins::register_in_guild(ctx, commands, serenity::GuildId::new(g)).await?,
                    None => poise::builtins::register_globally(ctx, commands).await?,
                }
                tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), dev_guild = ?setup_app.config.dev_guild, "connected; commands registered");
                Ok(setup_app)
            })
        })
        .build();
    ClientBuilder::new_with_http(http(token, endpoint), GatewayIntents::GUILDS)
        .framework(framework)
        .await
}

async fn on_event(
    ctx: poise::FrameworkContext<'_, Data, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let app = ctx.user_data;
    match event {
        FullEvent::GuildCreate { guild, .. } => {
            let roles = guild
                .roles
                .iter()
                .map(|(id, r)| (id.get(), r.name.clone()))
                .collect();
            app.roles.lock().insert(guild.id.get(), roles);
        }
        FullEvent::GuildRoleCreate { new } => {
            app.roles
                .lock()
                .entry(new.guild_id.get())
                .or_default()
                .insert(new.id.get(), new.name.clone());
        }
        FullEvent::GuildRoleUpdate { new, .. } => {
            app.roles
                .lock()
                .entry(new.guild_id.get())
                .or_default()
                .insert(new.id.get(), new.name.clone());
        }
        FullEvent::GuildRoleDelete {
            guild_id,
            removed_role_id,
            ..
        } => {
            if let Some(roles) = app.roles.lock().get_mut(&guild_id.get()) {
                roles.remove(&removed_role_id.get());
            }
        }
        FullEvent::InteractionCreate {
            interaction: Interaction::Component(click),
        } => {
            let span = tracing::info_span!("click", interaction = %click.id, user = %click.user.id);
            let _enter = span.enter();
            drop(_enter);
            components::handle(ctx.serenity_context, app, click).await?;
        }
        _ => {}
    }
    Ok(())
}
