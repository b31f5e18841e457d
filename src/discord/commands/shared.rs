//! What several commands share: the private reply, the host and permission checks, and the
//! quiz option with its autocomplete.

use std::sync::Arc;

use poise::serenity_prelude as serenity;

use crate::discord::types::{Context, Error};
use crate::discord::{convert, host};
use crate::quiz::Quiz;
use crate::render::{notices, text::truncate};

/// A private (ephemeral) reply to whoever ran the command.
pub async fn say(ctx: Context<'_>, text: impl Into<String>) -> Result<(), Error> {
    ctx.send(convert::reply(notices::text(text), true)).await?;
    Ok(())
}

pub fn ids(ctx: Context<'_>) -> (u64, u64, u64) {
    (
        ctx.guild_id().map_or(0, |g| g.get()),
        ctx.channel_id().get(),
        ctx.author().id.get(),
    )
}

pub async fn is_host(ctx: Context<'_>) -> bool {
    let (guild, _, _) = ids(ctx);
    let member = ctx.author_member().await;
    host::is_host(ctx.data(), guild, member.as_deref())
}

/// The permissions the bot lacks in this channel to run a quiz, named as in Discord's UI.
fn missing_permissions(ctx: Context<'_>) -> Vec<&'static str> {
    let poise::Context::Application(actx) = ctx else {
        return Vec::new();
    };
    let Some(p) = actx.interaction.app_permissions else {
        return Vec::new();
    };
    let mut missing = Vec::new();
    if !p.view_channel() {
        missing.push("View Channel");
    }
    if !p.send_messages() {
        missing.push("Send Messages");
    }
    if !p.embed_links() {
        missing.push("Embed Links");
    }
    missing
}

/// Whether the bot may post quiz messages in this channel; if not, the member is told which
/// permissions it lacks (`doing`: "run a quiz", "post an assignment").
pub async fn can_post_here(ctx: Context<'_>, doing: &str) -> Result<bool, Error> {
    let missing = missing_permissions(ctx);
    if missing.is_empty() {
        return Ok(true);
    }
    say(
        ctx,
        format!(
            "I can't {doing} here: I need the **{}** permission(s) in this channel.",
            missing.join("**, **")
        ),
    )
    .await?;
    Ok(false)
}

/// The quiz called `id` in this server; if there is none, the member is told.
pub async fn find_quiz(ctx: Context<'_>, id: &str) -> Result<Option<Arc<Quiz>>, Error> {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let found = ctx.data().library.get(guild, id.trim()).await?;
    if found.is_none() {
        say(
            ctx,
            format!(
                "There is no quiz called `{}` here. `/quiz list` shows what's available.",
                truncate(id.trim(), 64)
            ),
        )
        .await?;
    }
    Ok(found)
}

pub async fn autocomplete_quiz(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let choices = ctx
        .data()
        .library
        .search(guild, partial)
        .await
        .into_iter()
        .map(|(id, title)| {
            serenity::AutocompleteChoice::new(truncate(&format!("{title} ({id})"), 100), id)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}
