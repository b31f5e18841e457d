//! `/leaderboard` and `/stats`.

use poise::serenity_prelude as serenity;

use super::shared::autocomplete_quiz;
use crate::discord::convert;
use crate::discord::types::{Context, Error};
use crate::runtime::boards::{self, Which};
use crate::store::Board;

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
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let user = ctx.author().id.get();
    let which = match quiz.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        Some(id) => Which::Quiz(id.to_string()),
        None => Which::Period(match period.unwrap_or(Period::All) {
            Period::Today => Board::Today,
            Period::Week => Board::Week,
            Period::Month => Board::Month,
            Period::All => Board::All,
        }),
    };
    let view = boards::leaderboard(ctx.data(), guild, user, which).await?;
    ctx.send(convert::reply(view, false)).await?;
    Ok(())
}

/// Answered, correct, accuracy, best streak, quizzes completed and the last 7 days
#[poise::command(slash_command, guild_only)]
pub async fn stats(
    ctx: Context<'_>,
    #[description = "Whose stats (yours by default)"] user: Option<serenity::User>,
) -> Result<(), Error> {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let target = user.unwrap_or_else(|| ctx.author().clone());
    let fallback = target
        .global_name
        .clone()
        .unwrap_or_else(|| target.name.clone());
    let view = boards::stats(ctx.data(), guild, target.id.get(), &fallback).await?;
    ctx.send(convert::reply(view, false)).await?;
    Ok(())
}
