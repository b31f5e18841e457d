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

/// The value typed so far for another option of the command being completed (`quiz` while the
/// member completes `tag`), from the interaction Discord sent.
fn sibling_option(ctx: Context<'_>, name: &str) -> Option<String> {
    fn find(options: &[serenity::CommandDataOption], name: &str) -> Option<String> {
        options.iter().find_map(|o| match &o.value {
            serenity::CommandDataOptionValue::SubCommand(inner)
            | serenity::CommandDataOptionValue::SubCommandGroup(inner) => find(inner, name),
            serenity::CommandDataOptionValue::String(v) if o.name == name => Some(v.clone()),
            serenity::CommandDataOptionValue::Autocomplete { value, .. } if o.name == name => {
                Some(value.clone())
            }
            _ => None,
        })
    }
    match ctx {
        poise::Context::Application(a) => find(&a.interaction.data.options, name),
        poise::Context::Prefix(_) => None,
    }
}

/// Tags of the quiz chosen in the same command (every quiz's when none is chosen yet).
pub async fn autocomplete_tag(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    let guild = ctx.guild_id().map_or(0, |g| g.get());
    let library = &ctx.data().library;
    let partial = partial.to_lowercase();
    let mut tags: Vec<String> = Vec::new();
    if let Some(id) = sibling_option(ctx, "quiz").filter(|id| !id.trim().is_empty()) {
        if let Ok(Some(q)) = library.get(guild, id.trim()).await {
            tags.extend(q.tags().into_iter().map(str::to_string));
        }
    }
    let choices = tags
        .into_iter()
        .filter(|t| t.contains(&partial))
        .take(25)
        .map(|t| serenity::AutocompleteChoice::new(truncate(&t, 100), t))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// What a game plays of `quiz`: the questions with `tag` and of `difficulty` (when given),
/// then `count` of them drawn with `seed` (see [`Quiz::drawn`]). `None` when no question has
/// that tag and difficulty: the member is told which tags the quiz has.
pub async fn questions_for_a_game(
    ctx: Context<'_>,
    quiz: Arc<Quiz>,
    count: Option<u32>,
    tag: Option<&str>,
    difficulty: Option<DifficultyChoice>,
    seed: u64,
) -> Result<Option<Arc<Quiz>>, Error> {
    let narrowed = narrow(ctx, quiz, tag, difficulty.map(DifficultyChoice::as_str)).await?;
    Ok(narrowed.map(|q| q.drawn(count.map(|c| c as usize), seed)))
}

/// The questions of `quiz` with `tag` and of `difficulty` (when given); if none has them, the
/// member is told which tags the quiz has.
async fn narrow(
    ctx: Context<'_>,
    quiz: Arc<Quiz>,
    tag: Option<&str>,
    difficulty: Option<&str>,
) -> Result<Option<Arc<Quiz>>, Error> {
    if let Some(q) = quiz.narrowed(tag, difficulty) {
        return Ok(Some(q));
    }
    let wanted = [
        tag.map(|t| format!("the tag **{}**", truncate(t.trim(), 50))),
        difficulty.map(|d| format!("difficulty **{}**", truncate(d.trim(), 50))),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" and ");
    let tags = quiz.tags();
    let known = if tags.is_empty() {
        "it has no tags".to_string()
    } else {
        format!(
            "its tags: {}",
            tags.iter()
                .take(20)
                .map(|t| format!("`{}`", truncate(t, 50)))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    say(
        ctx,
        format!(
            "No question of **{}** has {wanted} ({known}).",
            truncate(&quiz.title, 100)
        ),
    )
    .await?;
    Ok(None)
}

/// Open Trivia DB's three difficulties, offered as choices.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum DifficultyChoice {
    #[name = "easy"]
    Easy,
    #[name = "medium"]
    Medium,
    #[name = "hard"]
    Hard,
}

impl DifficultyChoice {
    pub fn as_str(self) -> &'static str {
        match self {
            DifficultyChoice::Easy => "easy",
            DifficultyChoice::Medium => "medium",
            DifficultyChoice::Hard => "hard",
        }
    }
}
