//! Study groups: `/quiz assign`, `/quiz practice`, `/quiz schedule add|list|remove`,
//! `/quiz timezone` and `/review`.

use std::sync::Arc;

use poise::serenity_prelude as serenity;

use super::shared::{
    autocomplete_quiz, autocomplete_tag, can_post_here, find_quiz, is_host, questions_for_a_game,
    say, DifficultyChoice,
};
use crate::discord::types::{Context, Error};
use crate::discord::{convert, host};
use crate::game::records::ScheduleMode;
use crate::render::text::truncate;
use crate::runtime::schedules;
use crate::runtime::study::{self, Assigned};

fn guild_and_user(ctx: Context<'_>) -> (u64, u64) {
    (ctx.guild_id().map_or(0, |g| g.get()), ctx.author().id.get())
}

/// Post a self-paced quiz with a Start button, open until the due time
#[poise::command(slash_command, guild_only)]
pub async fn assign(
    ctx: Context<'_>,
    #[description = "The quiz to assign"]
    #[autocomplete = "autocomplete_quiz"]
    quiz: String,
    #[description = "When it closes: 24h, 2d, 90m, 18:00 or 2026-12-05 18:00 (default 24h)"]
    due: Option<String>,
    #[description = "Ask this many questions drawn at random from the quiz (the same for everyone)"]
    #[min = 1]
    #[max = 200]
    count: Option<u32>,
    #[description = "Only questions with this tag (a topic)"]
    #[autocomplete = "autocomplete_tag"]
    tag: Option<String>,
    #[description = "Only questions of this difficulty"] difficulty: Option<DifficultyChoice>,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, user) = guild_and_user(ctx);
    let channel = ctx.channel_id().get();
    if !is_host(ctx).await {
        return say(ctx, host::refusal(app)).await;
    }
    if !can_post_here(ctx, "post an assignment").await? {
        return Ok(());
    }
    let Some(q) = find_quiz(ctx, &quiz).await? else {
        return Ok(());
    };
    // One draw for the assignment, kept with it: every member gets the same questions.
    let seed = app.now() as u64 ^ channel;
    let Some(q) = questions_for_a_game(ctx, q, count, tag.as_deref(), difficulty, seed).await?
    else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let assignment = study::Assignment {
        guild,
        channel,
        host: user,
        quiz: Arc::clone(&q),
        due,
    };
    match study::assign(app, assignment).await? {
        Assigned::Posted { due_at, .. } => {
            say(
                ctx,
                format!(
                    "✅ Assigned **{}**: open until <t:{}:F>. The results are posted here then.",
                    truncate(&q.title, 200),
                    due_at / 1000
                ),
            )
            .await
        }
        Assigned::BadDue(why) => say(ctx, why).await,
        Assigned::NotPosted(e) => say(ctx, format!("I couldn't post the assignment: {e}.")).await,
    }
}

/// Take a quiz privately, at your own pace (not on the leaderboard)
#[poise::command(slash_command, guild_only)]
pub async fn practice(
    ctx: Context<'_>,
    #[description = "The quiz to practise"]
    #[autocomplete = "autocomplete_quiz"]
    quiz: String,
    #[description = "Practise this many questions drawn at random from the quiz"]
    #[min = 1]
    #[max = 200]
    count: Option<u32>,
    #[description = "Only questions with this tag (a topic)"]
    #[autocomplete = "autocomplete_tag"]
    tag: Option<String>,
    #[description = "Only questions of this difficulty"] difficulty: Option<DifficultyChoice>,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, user) = guild_and_user(ctx);
    let Some(q) = find_quiz(ctx, &quiz).await? else {
        return Ok(());
    };
    let seed = app.now() as u64 ^ user;
    let Some(q) = questions_for_a_game(ctx, q, count, tag.as_deref(), difficulty, seed).await?
    else {
        return Ok(());
    };
    let first = study::practice(app, guild, user, q).await?;
    let (first, files) = convert::attached(&app.library, first).await;
    ctx.send(convert::reply_with(first, files, true)).await?;
    Ok(())
}

/// Re-take, privately, the questions you got wrong
#[poise::command(slash_command, guild_only)]
pub async fn review(ctx: Context<'_>) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, user) = guild_and_user(ctx);
    let first = study::review(app, guild, user).await?;
    let (first, files) = convert::attached(&app.library, first).await;
    ctx.send(convert::reply_with(first, files, true)).await?;
    Ok(())
}

/// Show this server's timezone, or set it (for leaderboards, due times and schedules)
#[poise::command(slash_command, guild_only)]
pub async fn timezone(
    ctx: Context<'_>,
    #[description = "An IANA timezone such as Europe/Berlin (hosts only)"]
    #[autocomplete = "autocomplete_timezone"]
    name: Option<String>,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, _) = guild_and_user(ctx);
    let Some(name) = name.map(|n| n.trim().to_string()).filter(|n| !n.is_empty()) else {
        let tz = schedules::timezone(app, guild).await?;
        return say(
            ctx,
            format!("This server's timezone is **{tz}**. Hosts change it with `/quiz timezone name:Europe/Berlin`."),
        )
        .await;
    };
    if !is_host(ctx).await {
        return say(ctx, host::refusal(app)).await;
    }
    let tz = match schedules::set_timezone(app, guild, &name).await? {
        Ok(tz) => tz,
        Err(why) => return say(ctx, why).await,
    };
    say(
        ctx,
        format!("🕘 This server's timezone is now **{tz}**: today / this week / this month on `/leaderboard`, `/stats`' days and typed due times follow it."),
    )
    .await
}

async fn autocomplete_timezone(
    _ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let typed = partial.to_lowercase();
    let choices = chrono_tz::TZ_VARIANTS
        .iter()
        .map(|tz| tz.name())
        .filter(|n| n.to_lowercase().contains(&typed))
        .take(25)
        .map(|n| serenity::AutocompleteChoice::new(n, n))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ModeChoice {
    #[name = "assignment"]
    Assignment,
    #[name = "live"]
    Live,
}

/// Daily posts: add, list or remove
#[poise::command(
    slash_command,
    guild_only,
    subcommands("schedule_add", "schedule_list", "schedule_remove"),
    subcommand_required
)]
pub async fn schedule(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Post a quiz (or the next of a series like day-*) every day at a local time
#[poise::command(slash_command, guild_only, rename = "add")]
#[allow(clippy::too_many_arguments)]
pub async fn schedule_add(
    ctx: Context<'_>,
    #[description = "A quiz id, or a series such as day-* (the next one each day)"]
    #[autocomplete = "autocomplete_quiz"]
    quiz: String,
    #[description = "Local time, 24-hour clock: 09:00"] time: String,
    #[description = "IANA timezone such as Europe/Berlin (default: the server's)"]
    #[autocomplete = "autocomplete_timezone"]
    timezone: Option<String>,
    #[description = "Where to post (default: this channel)"]
    #[channel_types("Text")]
    channel: Option<serenity::PartialChannel>,
    #[description = "assignment (default) or live"] mode: Option<ModeChoice>,
    #[description = "Assignments: how long each stays open (default 24h)"] due: Option<String>,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, user) = guild_and_user(ctx);
    if !is_host(ctx).await {
        return say(ctx, host::refusal(app)).await;
    }
    let mode = match mode.unwrap_or(ModeChoice::Assignment) {
        ModeChoice::Assignment => ScheduleMode::Assignment,
        ModeChoice::Live => ScheduleMode::Live,
    };
    let schedule = schedules::Schedule {
        guild,
        channel: channel.map_or_else(|| ctx.channel_id().get(), |c| c.id.get()),
        host: user,
        target: quiz,
        time,
        timezone,
        mode,
        due,
    };
    match schedules::add(app, schedule).await? {
        Ok(added) | Err(added) => say(ctx, added).await,
    }
}

/// This server's daily schedules
#[poise::command(slash_command, guild_only, rename = "list")]
pub async fn schedule_list(ctx: Context<'_>) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, _) = guild_and_user(ctx);
    let list = schedules::list(app, guild).await?;
    ctx.send(convert::reply(list, true)).await?;
    Ok(())
}

/// Stop a daily schedule
#[poise::command(slash_command, guild_only, rename = "remove")]
pub async fn schedule_remove(
    ctx: Context<'_>,
    #[description = "The schedule's number, from /quiz schedule list"]
    #[min = 1]
    id: i64,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, _) = guild_and_user(ctx);
    if !is_host(ctx).await {
        return say(ctx, host::refusal(app)).await;
    }
    if schedules::remove(app, guild, id).await? {
        say(ctx, format!("🗑 Removed schedule #{id}. Assignments it already posted stay open until they are due.")).await
    } else {
        say(
            ctx,
            format!("This server has no schedule #{id}; `/quiz schedule list` shows them."),
        )
        .await
    }
}
