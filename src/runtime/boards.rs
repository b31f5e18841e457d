//! `/leaderboard` and `/stats`: read from the store, rendered for the member who asked.

use crate::render::boards;
use crate::render::view::MessageView;
use crate::runtime::app::App;
use crate::store::{quiz_key, Board, StoreError};

/// Which leaderboard: one of the periods, or one quiz's all-time board.
#[derive(Debug, Clone)]
pub enum Which {
    Period(Board),
    Quiz(String),
}

/// The top ten of the board and the member's own line, in the server's timezone.
pub async fn leaderboard(
    app: &App,
    guild: u64,
    user: u64,
    which: Which,
) -> Result<MessageView, StoreError> {
    let (key, title) = match which {
        Which::Quiz(id) => {
            let title = app
                .library
                .get(guild, &id)
                .await?
                .map_or_else(|| id.clone(), |q| q.title.clone());
            (quiz_key(&id), title)
        }
        Which::Period(board) => {
            let tz = app.store.guild_timezone(guild).await?;
            (board.key(app.now(), tz), board.label().to_string())
        }
    };
    let rows = app.store.leaderboard(guild, key.clone(), 10).await?;
    let mine = app.store.board_entry(guild, key, user).await?;
    Ok(boards::leaderboard(
        &title,
        &rows,
        mine.as_ref().map(|(r, row)| (*r, row)),
    ))
}

/// A member's numbers; `fallback_name` when the member never played here.
pub async fn stats(
    app: &App,
    guild: u64,
    member: u64,
    fallback_name: &str,
) -> Result<MessageView, StoreError> {
    let tz = app.store.guild_timezone(guild).await?;
    let stats = app.store.member_stats(guild, member, app.now(), tz).await?;
    let name = stats
        .as_ref()
        .map(|s| s.name.clone())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| fallback_name.to_string());
    Ok(boards::stats(&name, stats.as_ref()))
}
