//! `/quiz start|next|stop|list|upload`; the study-group subcommands are in `study.rs`.

use poise::serenity_prelude as serenity;

use super::shared::{
    autocomplete_quiz, autocomplete_tag, can_post_here, find_quiz, ids, is_host,
    questions_for_a_game, say, DifficultyChoice,
};
use crate::discord::download::{self, Downloaded};
use crate::discord::types::{Context, Error};
use crate::discord::{convert, host};
use crate::game::scoring::Scoring;
use crate::library::UploadError;
use crate::quiz::archive;
use crate::quiz::images::size_text;
use crate::quiz::model::{MAX_FILE_BYTES, MAX_PLAYED};
use crate::render::{notices, text::truncate};
use crate::runtime::live::{self as live, HostCommand, Launch, Started};

/// Quizzes: live (start, next, stop), self-paced (assign, practice), schedules, uploads
#[poise::command(
    slash_command,
    guild_only,
    subcommands(
        "start",
        "next",
        "stop",
        "list",
        "upload",
        "super::study::assign",
        "super::study::practice",
        "super::study::schedule",
        "super::study::timezone"
    ),
    subcommand_required
)]
pub async fn quiz(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum ScoringChoice {
    #[name = "speed"]
    Speed,
    #[name = "correct"]
    Correct,
}

/// Start a live quiz in this channel
// Each argument is one of the command's options, as poise declares them.
#[allow(clippy::too_many_arguments)]
#[poise::command(slash_command, guild_only)]
pub async fn start(
    ctx: Context<'_>,
    #[description = "The quiz to play"]
    #[autocomplete = "autocomplete_quiz"]
    quiz: String,
    #[description = "Seconds per question (5 to 300)"]
    #[min = 5]
    #[max = 300]
    seconds: Option<u32>,
    #[description = "speed: faster correct answers score more; correct: one point each"]
    scoring: Option<ScoringChoice>,
    #[description = "Play the questions in a random order"] shuffle: Option<bool>,
    #[description = "Play this many questions drawn at random from the quiz (a question bank)"]
    #[min = 1]
    #[max = 200]
    count: Option<u32>,
    #[description = "Only questions with this tag (a topic)"]
    #[autocomplete = "autocomplete_tag"]
    tag: Option<String>,
    #[description = "Only questions of this difficulty"] difficulty: Option<DifficultyChoice>,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, channel, user) = ids(ctx);
    if !is_host(ctx).await {
        return say(ctx, host::refusal(app)).await;
    }
    if !can_post_here(ctx, "run a quiz").await? {
        return Ok(());
    }
    let Some(q) = find_quiz(ctx, &quiz).await? else {
        return Ok(());
    };
    // Drawn once for this game, and kept with it: a restart plays the same questions.
    let now = app.now();
    let seed = now as u64 ^ channel;
    let Some(q) = questions_for_a_game(ctx, q, count, tag.as_deref(), difficulty, seed).await?
    else {
        return Ok(());
    };
    if app.live.in_channel(channel).is_some() {
        return say(
            ctx,
            "A live quiz is already running in this channel — `/quiz stop` ends it.",
        )
        .await;
    }
    // The host's own interaction stays usable for 15 minutes: a private line if the quiz fails.
    let host_notice = match ctx {
        poise::Context::Application(actx) => Some(live::HostNotice {
            token: actx.interaction.token.clone(),
            expires_at: now + 14 * 60 * 1000,
        }),
        poise::Context::Prefix(_) => None,
    };
    let launch = Launch {
        guild,
        channel,
        host: user,
        quiz: q,
        seconds,
        scoring: scoring.map(|s| match s {
            ScoringChoice::Speed => Scoring::Speed,
            ScoringChoice::Correct => Scoring::Correct,
        }),
        shuffle: shuffle.unwrap_or(false),
        host_notice,
    };
    match live::start(app, launch).await? {
        Started::Running { intro, .. } => {
            ctx.send(convert::reply(intro, false)).await?;
            Ok(())
        }
        Started::ChannelBusy => {
            say(
                ctx,
                "A live quiz is already running in this channel — `/quiz stop` ends it.",
            )
            .await
        }
    }
}

/// Reveal the current question now and go on
#[poise::command(slash_command, guild_only)]
pub async fn next(ctx: Context<'_>) -> Result<(), Error> {
    if !is_host(ctx).await {
        return say(ctx, host::refusal(ctx.data())).await;
    }
    let (_, channel, _) = ids(ctx);
    if live::host_command(ctx.data(), channel, HostCommand::Next) {
        say(ctx, "⏭ Revealing and moving on.").await
    } else {
        say(ctx, "There's no live quiz running in this channel.").await
    }
}

/// End the live quiz here; results so far are posted and kept
#[poise::command(slash_command, guild_only)]
pub async fn stop(ctx: Context<'_>) -> Result<(), Error> {
    if !is_host(ctx).await {
        return say(ctx, host::refusal(ctx.data())).await;
    }
    let (_, channel, _) = ids(ctx);
    if live::host_command(ctx.data(), channel, HostCommand::Stop) {
        ctx.send(convert::reply(
            notices::text("⏹ The host stopped the quiz. Results follow."),
            false,
        ))
        .await?;
        Ok(())
    } else {
        say(ctx, "There's no live quiz running in this channel.").await
    }
}

/// The quizzes available in this server
#[poise::command(slash_command, guild_only)]
pub async fn list(ctx: Context<'_>) -> Result<(), Error> {
    let (guild, _, _) = ids(ctx);
    let (bundled, uploaded) = ctx.data().library.list(guild).await?;
    ctx.send(convert::reply(
        crate::render::boards::quiz_list(&bundled, &uploaded),
        true,
    ))
    .await?;
    Ok(())
}

/// Add or replace a quiz for this server (Markdown, TOML, Open Trivia DB JSON, or a .zip with images)
#[poise::command(slash_command, guild_only)]
pub async fn upload(
    ctx: Context<'_>,
    #[description = "A quiz file in any format quizbot reads (at most 10 MiB), or a .zip of one and its images"]
    file: serenity::Attachment,
) -> Result<(), Error> {
    let app = ctx.data();
    let (guild, _, user) = ids(ctx);
    if !is_host(ctx).await {
        return say(ctx, host::refusal(app)).await;
    }
    let (max, what) = if archive::is_archive(std::path::Path::new(&file.filename)) {
        (archive::MAX_ARCHIVE_BYTES, "archives")
    } else {
        (MAX_FILE_BYTES, "quiz files")
    };
    let limit = size_text(max as u64);
    if file.size as usize > max {
        return say(
            ctx,
            format!(
                "`{}` is {} bytes; {what} may have at most {limit}.",
                truncate(&file.filename, 80),
                file.size
            ),
        )
        .await;
    }
    ctx.defer_ephemeral().await?;
    let bytes = match download::capped(&file.url, max, download::DOWNLOAD_TIME).await {
        Downloaded::Bytes(b) => b,
        Downloaded::TooLarge => {
            return say(
                ctx,
                format!(
                    "`{}` holds more than {limit} (more than its attachment said); {what} may have at most {limit}.",
                    truncate(&file.filename, 80)
                ),
            )
            .await;
        }
        Downloaded::Failed(e) => {
            tracing::warn!(error = %e, "attachment download failed");
            return say(
                ctx,
                "I couldn't download that file from Discord; please try again.",
            )
            .await;
        }
    };
    match app
        .library
        .upload(guild, user, &file.filename, bytes, app.now())
        .await
    {
        Ok(up) => {
            let left_out = match up.left_out {
                0 => String::new(),
                n => format!("; {n} more left out, see the warnings"),
            };
            let n = up.quiz.questions.len();
            let mut text = format!(
                "✅ {} **{}** (`{}`, {n} question{}{left_out}). Start it with `/quiz start quiz:{}`.",
                if up.replaced { "Replaced" } else { "Added" },
                truncate(&up.quiz.title, 200),
                up.quiz.id,
                if n == 1 { "" } else { "s" },
                up.quiz.id
            );
            if n > MAX_PLAYED {
                text.push_str(&format!(
                    "\nA game plays its first {MAX_PLAYED} questions; `count:` draws that many or fewer from all {n}."
                ));
            }
            if !up.warnings.is_empty() {
                text.push_str(&format!(
                    "\nWarnings:\n```\n{}\n```",
                    truncate(&up.warnings, 1500 - text.len().min(1400))
                ));
            }
            say(ctx, text).await
        }
        Err(UploadError::Invalid(problems)) => {
            let head = format!("❌ `{}` was not added:\n", truncate(&file.filename, 80));
            let body = truncate(&problems, 1990 - head.chars().count() - 10);
            say(ctx, format!("{head}```\n{body}\n```")).await
        }
        Err(UploadError::Store(e)) => Err(e.into()),
    }
}
