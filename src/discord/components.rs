//! Button clicks. poise does not route components, so one persistent handler here parses the
//! typed custom id and acts; everything it needs is in the id, so buttons posted before a
//! restart keep working.

use std::sync::Arc;

use poise::serenity_prelude as serenity;
use serenity::{ComponentInteraction, CreateInteractionResponse};

use super::{convert, Error};
use crate::app::App;
use crate::quiz::Quiz;
use crate::render::custom_id::CustomId;
use crate::render::live::{my_results, MyAnswer, MyResultsInput};
use crate::render::notices;
use crate::render::view::MessageView;
use crate::runtime::live;

/// The name a player goes by here, as the interaction carried it.
pub fn display_name(member: Option<&serenity::Member>, user: &serenity::User) -> String {
    member
        .and_then(|m| m.nick.clone())
        .or_else(|| user.global_name.clone())
        .unwrap_or_else(|| user.name.clone())
}

pub async fn handle(
    ctx: &serenity::Context,
    app: &Arc<App>,
    click: &ComponentInteraction,
) -> Result<(), Error> {
    if click.user.bot {
        return Ok(()); // bots do not play
    }
    let user = click.user.id.get();
    let guild = click.guild_id.map_or(0, |g| g.get());
    let view = match click.data.custom_id.parse::<CustomId>() {
        Err(_) => {
            tracing::warn!(custom_id = %click.data.custom_id.chars().take(100).collect::<String>(), user, guild, "refused an unrecognised button");
            notices::text("That button isn't one of mine (or it is from an old version); nothing was recorded.")
        }
        Ok(CustomId::Answer {
            session,
            question,
            choice,
        }) => match app.live.get(session) {
            Some(h) if h.guild == guild => {
                let name = display_name(click.member.as_ref(), &click.user);
                live::answer(app, &h, user, &name, question as usize, choice).await
            }
            Some(_) => foreign(session, user, guild),
            None => match app.store.session(session).await? {
                Some(row) if row.guild_id != guild => foreign(session, user, guild),
                Some(_) => live::refusal_for_ended(),
                None => {
                    tracing::warn!(session, user, guild, "refused a click for an unknown quiz");
                    notices::text("This quiz is no longer running; nothing was recorded.")
                }
            },
        },
        Ok(CustomId::MyResults { session }) => my_results_view(app, session, user, guild).await?,
    };
    click
        .create_response(
            &ctx.http,
            CreateInteractionResponse::Message(convert::interaction_message(view, true)),
        )
        .await?;
    Ok(())
}

fn foreign(session: i64, user: u64, guild: u64) -> MessageView {
    tracing::warn!(
        session,
        user,
        guild,
        "refused a click on another server's quiz"
    );
    notices::text("This button belongs to a quiz in another server; nothing was recorded.")
}

/// A player's private results of a finished live quiz, from what is stored.
async fn my_results_view(
    app: &App,
    session: i64,
    user: u64,
    guild: u64,
) -> Result<MessageView, Error> {
    let Some(row) = app.store.session(session).await? else {
        return Ok(notices::text("I can't find that quiz any more."));
    };
    if row.guild_id != guild {
        return Ok(foreign(session, user, guild));
    }
    let quiz: Quiz = serde_json::from_str(&row.quiz_json)?;
    let posted = app.store.posted_questions(session).await?;
    let mine = app.store.answers_of(session, user).await?;
    let answers: Vec<MyAnswer> = posted
        .iter()
        .map(|p| {
            let a = mine
                .iter()
                .find(|(pos, _)| *pos == p.position)
                .map(|(_, a)| a);
            MyAnswer {
                question_index: p.question_index,
                choice: a.map(|a| a.choice),
                correct: a.is_some_and(|a| a.correct),
            }
        })
        .collect();
    let score = app.store.session_score(session, user).await?;
    let players = app.store.session_players(session).await?;
    if mine.is_empty() {
        return Ok(notices::text(
            "You didn't answer any question of this quiz.",
        ));
    }
    Ok(my_results(&MyResultsInput {
        quiz: &quiz,
        scoring: row.scoring,
        answers: &answers,
        points: score.as_ref().map_or(0, |s| s.points),
        rank: score.map(|s| (s.rank, players)),
    }))
}
