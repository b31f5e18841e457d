//! `/quiz schedule` lines and lists.

use crate::game::records::{ScheduleMode, ScheduleRow};
use crate::game::schedule::{is_series, parse_time, Daily};
use crate::render::limits::DESCRIPTION;
use crate::render::text::truncate;
use crate::render::view::{color, EmbedView, MessageView};

/// "every day at 09:00 Europe/Berlin in <#…>: the next quiz of `day-*` as an assignment open
/// 24 h" — one schedule in words.
pub fn schedule_line(
    target: &str,
    local_time: &str,
    timezone: &str,
    channel: u64,
    mode: ScheduleMode,
    due_minutes: i64,
) -> String {
    let what = if is_series(target) {
        format!("the next quiz of `{}`", truncate(target, 64))
    } else {
        format!("`{}`", truncate(target, 64))
    };
    let how = match mode {
        ScheduleMode::Assignment => format!("as an assignment open {}", duration(due_minutes)),
        ScheduleMode::Live => "as a live quiz".to_string(),
    };
    format!("every day at **{local_time} {timezone}** in <#{channel}>: {what} {how}")
}

/// 90 → "1 h 30 min", 1440 → "24 h", 2880 → "2 days".
fn duration(minutes: i64) -> String {
    match (minutes / 60, minutes % 60) {
        (h, 0) if h > 24 && h % 24 == 0 => format!("{} days", h / 24),
        (0, m) => format!("{m} min"),
        (h, 0) => format!("{h} h"),
        (h, m) => format!("{h} h {m} min"),
    }
}

/// `/quiz schedule list`.
pub fn schedule_list(rows: &[ScheduleRow], now: i64) -> MessageView {
    let mut description = String::new();
    for s in rows {
        let next = parse_time(&s.local_time)
            .zip(s.timezone.parse().ok())
            .map(|(time, tz)| Daily { time, tz }.next_after(now));
        let mut line = format!(
            "**#{}** {}",
            s.id,
            schedule_line(
                &s.target,
                &s.local_time,
                &s.timezone,
                s.channel_id,
                s.mode,
                s.due_minutes
            )
        );
        if let Some(next) = next {
            line.push_str(&format!(" · next <t:{}:R>", next / 1000));
        }
        description.push_str(&line);
        description.push('\n');
    }
    if description.is_empty() {
        description = "No schedules yet. `/quiz schedule add quiz:day-* time:09:00` posts the next quiz of a series every day.".into();
    }
    MessageView::embed(EmbedView {
        title: "📅 Schedules".into(),
        description: truncate(&description, DESCRIPTION),
        footer: "/quiz schedule remove id:N stops one.".into(),
        color: Some(color::NOTICE),
        ..EmbedView::default()
    })
}
