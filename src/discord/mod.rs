//! The Discord adapter: the serenity client and poise framework, slash commands, button
//! routing, and views turned into serenity builders. Nothing below `discord/` holds game logic.

pub mod commands;
pub mod components;
pub mod convert;
pub mod download;
pub mod errors;
pub mod health;
pub mod host;
pub mod outbox;
pub mod retry;
pub mod shards;
pub mod types;

use std::sync::Arc;
use std::time::Duration;

use poise::serenity_prelude as serenity;
use serenity::{
    ClientBuilder, CreateAllowedMentions, FullEvent, GatewayIntents, HttpBuilder, Interaction,
};

use crate::config::Secret;
use crate::runtime::app::App;

use types::{Data, Error};

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
/// builder says otherwise (none does). serenity's own client has no timeout, so a hung call
/// would wait for ever: ours gives up after `timeout` (a ready client keeps its own settings;
/// `DiscordOutbox` bounds every attempt anyway).
///
/// Behind a proxy, the same reqwest client comes back too: serenity turns a 429 into an error
/// without its `Retry-After`, so `DiscordOutbox` posts quiz steps on this client itself and
/// reads it (docs/discord.md, "Rate limits behind a proxy").
pub fn http(
    token: &Secret,
    endpoint: Endpoint,
    timeout: Duration,
) -> (serenity::Http, Option<reqwest::Client>) {
    let builder =
        HttpBuilder::new(token.expose()).default_allowed_mentions(CreateAllowedMentions::new());
    let timed = || match reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(timeout)
        .connect_timeout(timeout.min(Duration::from_secs(5)))
        .build()
    {
        Ok(client) => Some(client),
        Err(e) => {
            tracing::warn!(error = %e, "cannot build an HTTP client with a timeout; using serenity's");
            None
        }
    };
    match endpoint {
        Endpoint::Discord => match timed() {
            Some(client) => (builder.client(client).build(), None),
            None => (builder.build(), None),
        },
        Endpoint::Proxy(url) => {
            let builder = builder.proxy(url).ratelimiter_disabled(true);
            match timed() {
                Some(client) => (builder.client(client.clone()).build(), Some(client)),
                None => (builder.build(), None),
            }
        }
        Endpoint::Client(client) => (builder.client(client).build(), None),
    }
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
            // A command delivered twice (Discord may, after a resume) runs once. poise runs
            // this check for each command in the tree and may run it again after parsing, all
            // within one dispatch; its per-dispatch invocation data marks "already passed".
            command_check: Some(|ctx| {
                Box::pin(async move {
                    let poise::Context::Application(a) = ctx else {
                        return Ok(true);
                    };
                    if ctx.invocation_data::<FirstDelivery>().await.is_some() {
                        return Ok(true);
                    }
                    let first = ctx.data().first_delivery(a.interaction.id.get(), "command");
                    if first {
                        ctx.set_invocation_data(FirstDelivery).await;
                    }
                    Ok(first)
                })
            }),
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
                // Quizzes that were running when the bot stopped go on.
                match crate::runtime::recover::recover(&setup_app).await {
                    Ok(0) => {}
                    Ok(n) => tracing::info!(quizzes = n, "resumed live quizzes after a restart"),
                    Err(e) => tracing::error!(error = %e, "cannot resume the quizzes that were running"),
                }
                // Assignments and schedules: its first tick catches up on what fell due while
                // the bot was down.
                crate::runtime::scheduler::spawn(Arc::clone(&setup_app));
                Ok(setup_app)
            })
        })
        .build();
    let timeout = app.config.request_timeout;
    let (rest, direct) = http(token, endpoint, timeout);
    let client = ClientBuilder::new_with_http(rest, GatewayIntents::GUILDS)
        .framework(framework)
        .event_handler(Clicks {
            app: Arc::clone(&app),
        })
        .await?;
    // The one way out for the runtime, on the client's own HTTP client (one rate limiter, one
    // connection pool). Set before the client connects: nothing posts before that.
    app.set_outbox(Arc::new(outbox::DiscordOutbox {
        http: Arc::clone(&client.http),
        direct,
        app: Arc::downgrade(&app),
    }));
    Ok(client)
}

/// Marks a dispatch whose interaction passed the duplicate check.
struct FirstDelivery;

/// Button clicks, menu picks and submitted answer boxes go straight from serenity to
/// [`components::handle`], beside poise rather than through it: a click may wait a few hundred milliseconds at the peak of a quiz night, and
/// waiting inside poise's dispatch would keep its large future (tens of KB) alive per click.
struct Clicks {
    app: Arc<App>,
}

#[serenity::async_trait]
impl serenity::EventHandler for Clicks {
    /// A shard reached "connected" (after Identify or Resume): counted, and each time after
    /// its first is a reconnect. Whether it is connected *now* comes from
    /// [`health::watch_shards`], which reads serenity's shard manager.
    async fn shard_stage_update(&self, _: serenity::Context, e: serenity::ShardStageUpdateEvent) {
        if e.new != serenity::ConnectionStage::Connected {
            return;
        }
        let shard = e.shard_id.0;
        let reconnect = {
            let mut gateway = self.app.gateway.lock();
            let link = gateway.entry(shard).or_default();
            link.connects += 1;
            link.connects > 1
        };
        if reconnect {
            metrics::counter!("quizbot_gateway_reconnects_total", "shard" => shard.to_string())
                .increment(1);
        }
    }

    async fn interaction_create(&self, ctx: serenity::Context, interaction: Interaction) {
        let click = match &interaction {
            Interaction::Component(click) => components::Click::of(click),
            // A typed answer, from the box an Answer button opened.
            Interaction::Modal(submitted) => components::Click::of_modal(submitted),
            _ => None,
        };
        let Some(click) = click else {
            return;
        };
        // A task of its own, holding only the click: this one (with serenity's parsed event in
        // its frame) ends now instead of waiting for the commit — at 10,000 clicks in a second
        // that is most of the bot's memory.
        let (app, http) = (Arc::clone(&self.app), Arc::clone(&ctx.http));
        tokio::spawn(async move {
            let (id, user) = (click.id(), click.user());
            if let Err(e) = components::handle(&http, &app, click).await {
                tracing::error!(interaction = %id, user, error = %e, "click not handled");
            }
        });
    }
}

async fn on_event(
    ctx: poise::FrameworkContext<'_, Data, Error>,
    event: &FullEvent,
) -> Result<(), Error> {
    let app = ctx.user_data;
    match event {
        // Merged, not replaced: a role created just after READY can arrive (GUILD_ROLE_CREATE)
        // before the guild's snapshot that was taken without it. Deleted roles go by their
        // own event.
        FullEvent::GuildCreate { guild, .. } => {
            let roles = guild.roles.iter().map(|(id, r)| (id.get(), r.name.clone()));
            app.roles
                .lock()
                .entry(guild.id.get())
                .or_default()
                .extend(roles);
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
        // Clicks are handled by `Clicks`, beside poise.
        _ => {}
    }
    Ok(())
}
