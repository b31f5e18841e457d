//! `/quiz schedule add|list|remove` and `/quiz timezone`: daily posts and the server's
//! timezone, read and checked as the host typed them. The scheduler (`scheduler.rs`) acts on
//! what is stored here.

use crate::game::records::ScheduleMode;
use crate::game::schedule::{glob_matches, is_series, parse_time, Daily};
use crate::game::when::{parse_duration_minutes, MAX_DUE_MINUTES, MIN_DUE_MINUTES};
use crate::render::study as view;
use crate::render::text::truncate;
use crate::render::view::MessageView;
use crate::runtime::app::App;
use crate::store::{NewSchedule, StoreError};

/// At most this many schedules per server: enough for every day-of-week variant of a few series.
pub const MAX_SCHEDULES: usize = 25;

/// `/quiz schedule add` as the host typed it.
pub struct Schedule {
    pub guild: u64,
    pub channel: u64,
    pub host: u64,
    /// A quiz id, or a series such as `day-*`.
    pub target: String,
    /// `09:00`
    pub time: String,
    /// An IANA name; `None` takes the server's.
    pub timezone: Option<String>,
    pub mode: ScheduleMode,
    /// Assignments: how long each stays open; `None` takes `study.due`.
    pub due: Option<String>,
}

/// The schedule added, or why not — a sentence for the host.
pub type Added = Result<String, String>;

/// Checks and stores a daily schedule; the reply names it and its first post.
pub async fn add(app: &App, s: Schedule) -> Result<Added, StoreError> {
    let target = s.target.trim().to_string();
    let Some(at) = parse_time(&s.time) else {
        return Ok(Err(format!(
            "`{}` isn't a time I can read: use the 24-hour clock, such as `09:00` or `18:30`.",
            truncate(&s.time, 20)
        )));
    };
    let tz = match s
        .timezone
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(name) => match name.parse::<chrono_tz::Tz>() {
            Ok(tz) => tz,
            Err(_) => return Ok(Err(unknown_timezone(name))),
        },
        None => app.store.guild_timezone(s.guild).await?,
    };
    let due_minutes = match s.due.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
        Some(d) => match parse_duration_minutes(d) {
            Some(m) if (MIN_DUE_MINUTES..=MAX_DUE_MINUTES).contains(&m) => m,
            _ => {
                return Ok(Err(format!(
                    "`{}` isn't a due window I can use: give a duration from 5 minutes to 30 days, such as `24h`, `12h` or `2d`.",
                    truncate(d, 20)
                )))
            }
        },
        None => (app.config.study.due.as_secs() / 60) as i64,
    };
    let ids = app.library.ids(s.guild).await?;
    let matches = if is_series(&target) {
        ids.iter().any(|id| glob_matches(&target, id))
    } else {
        ids.contains(&target)
    };
    if !matches {
        return Ok(Err(if is_series(&target) {
            format!("No quiz here matches `{}` yet. `/quiz list` shows the ids; upload the series first.", truncate(&target, 64))
        } else {
            format!("There is no quiz called `{}` here. `/quiz list` shows what's available; `day-*` schedules a series.", truncate(&target, 64))
        }));
    }
    if app.store.schedules(Some(s.guild)).await?.len() >= MAX_SCHEDULES {
        return Ok(Err(format!(
            "This server has {MAX_SCHEDULES} schedules already; `/quiz schedule remove` one first."
        )));
    }
    let now = app.now();
    let local_time = at.format("%H:%M").to_string();
    let id = app
        .store
        .add_schedule(NewSchedule {
            guild_id: s.guild,
            channel_id: s.channel,
            host_id: s.host,
            target: target.clone(),
            local_time: local_time.clone(),
            timezone: tz.name().to_string(),
            mode: s.mode,
            due_minutes,
            created_at: now,
        })
        .await?;
    let first = Daily { time: at, tz }.next_after(now - 1);
    tracing::info!(schedule = id, guild = s.guild, channel = s.channel, target = %target, "schedule added");
    Ok(Ok(format!(
        "📅 Schedule #{id}: {}. First post <t:{}:F> (<t:{}:R>).",
        view::schedule_line(
            &target,
            &local_time,
            tz.name(),
            s.channel,
            s.mode,
            due_minutes
        ),
        first / 1000,
        first / 1000
    )))
}

/// This server's schedules, for `/quiz schedule list`.
pub async fn list(app: &App, guild: u64) -> Result<MessageView, StoreError> {
    let rows = app.store.schedules(Some(guild)).await?;
    Ok(view::schedule_list(&rows, app.now()))
}

/// Stops a schedule; false when the server has none by that number.
pub async fn remove(app: &App, guild: u64, id: i64) -> Result<bool, StoreError> {
    app.store.remove_schedule(guild, id, app.now()).await
}

/// `/quiz timezone`: the server's timezone (UTC until a host sets one).
pub async fn timezone(app: &App, guild: u64) -> Result<chrono_tz::Tz, StoreError> {
    app.store.guild_timezone(guild).await
}

/// `/quiz timezone name:…`: the timezone set, or why not.
pub async fn set_timezone(
    app: &App,
    guild: u64,
    name: &str,
) -> Result<Result<chrono_tz::Tz, String>, StoreError> {
    let Ok(tz) = name.trim().parse::<chrono_tz::Tz>() else {
        return Ok(Err(unknown_timezone(name)));
    };
    app.store.set_guild_timezone(guild, tz).await?;
    Ok(Ok(tz))
}

fn unknown_timezone(name: &str) -> String {
    format!(
        "`{}` isn't a timezone I know. Use an IANA name such as `Europe/Berlin`, `America/New_York` or `UTC` (the option suggests them as you type).",
        truncate(name.trim(), 64)
    )
}
