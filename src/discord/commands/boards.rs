//! `/leaderboard` and `/stats`.

use poise::serenity_prelude as serenity;

use super::shared::autocomplete_quiz;
use crate::discord::convert;
use crate::discord::types::{Context, Error};
use crate::render::boards;
use crate::store::{quiz_key, Board};

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum Period {
    #[name = "today"]
    Today,
    #[name = "this week"]
    Week,
    #[name = "this month"]
    Month,
    #[name = "all time"]
    All,
}

/// Top 10 of this server, and your own rank
#[poise::command(slash_command, guild_only)]
pub async fn leaderboard(
    ctx: Context<'_>,
    #[description = "today, this week, this month or all time (the default)"] period: Option<
        Period,
    >,
    #[description = "Only this quiz"]
    #[autocomplete = "autocomplete_quiz"]
    quiz: Option<String>,
) -> Result<(), Error> {
    let app = ctx.data();
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let user = ctx.author().id.get();
    let (key, title) = match quiz.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(id) => {
            let title = app
                .library
                .get(guild, id)
                .await?
                .map_or_else(|| id.to_string(), |q| q.title.clone());
            (quiz_key(id), title)
        }
        None => {
            let board = match period.unwrap_or(Period::All) {
                Period::Today => Board::Today,
                Period::Week => Board::Week,
                Period::Month => Board::Month,
                Period::All => Board::All,
            };
            let tz = app.store.guild_timezone(guild).await?;
            (board.key(app.now(), tz), board.label().to_string())
        }
    };
    let rows = app.store.leaderboard(guild, key.clone(), 10).await?;
    let mine = app.store.board_entry(guild, key, user).await?;
    let view = boards::leaderboard(&title, &rows, mine.as_ref().map(|(r, row)| (*r, row)));
    ctx.send(convert::reply(view, false)).await?;
    Ok(())
}

/// Answered, correct, accuracy, best streak, quizzes completed and the last 7 days
#[poise::command(slash_command, guild_only)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Whose stats (yours by default)"] user: Option<serenity::User>,
) -> Result<(), Error> {
    let app = ctx.data();
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let target = user.unwrap_or_else(|| ctx.author().clone());
    let tz = app.store.guild_timezone(guild).await?;
    let stats = app
        .store
        .member_stats(guild, target.id.get(), app.now(), tz)
        .await?;
    let name = stats
        .as_ref()
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| {
            target
                .global_name
                .clone()
                .unwrap_or_else(|| target.name.clone())
        });
    let view = boards::stats(&name, stats.as_ref());
    ctx.send(convert::reply(view, false)).await?;
    Ok(())
}
