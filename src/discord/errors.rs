//! The one place command errors end up. User mistakes are answered where they happen; what
//! arrives here is ours to fix: logged with its fields, and the user gets a short apology.
//! This handler never fails itself.

use super::types::{Data, Error};
use poise::serenity_prelude as serenity;

pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(
                command = %ctx.command().qualified_name,
                guild = ?ctx.guild_id(),
                error = %error,
                "command failed"
            );
            let reply = poise::CreateReply::default()
                .content("Something went wrong on my side — it has been logged. Please try again.")
                .ephemeral(true)
                .allowed_mentions(serenity::CreateAllowedMentions::new());
            let _ = ctx.send(reply).await;
        }
        poise::FrameworkError::GuildOnly { ctx, .. } => {
            let reply = poise::CreateReply::default()
                .content("Quizzes run in servers, not in direct messages.")
                .ephemeral(true);
            let _ = ctx.send(reply).await;
        }
        poise::FrameworkError::CommandCheckFailed { ctx, .. } => {
            // Only our duplicate-delivery check fails: the first delivery was answered.
            tracing::info!(command = %ctx.command().qualified_name, "a command delivered twice; ran once");
        }
        poise::FrameworkError::EventHandler { error, event, .. } => {
            tracing::error!(event = %event.snake_case_name(), error = %error, "event handler failed");
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!(error = %e, "error while handling an error");
            }
        }
    }
}
