//! The study-group clock: one task that, every tick, closes assignments whose due time has
//! come (posting their results once), and posts what daily schedules ask for. Its first tick
//! runs at start-up, which is how a post missed while the bot was down is made — once, and only
//! while still inside its due window. Time comes from the app's clock, so tests move it.

use std::sync::Arc;
use std::time::Duration;

use super::live::{self, Launch};
use super::outbox::{nonce, Outbox};
use super::study::post_assignment;
use crate::game::records::{ScheduleMode, ScheduleRow};
use crate::game::schedule::{is_series, next_in_series, parse_time, Daily};
use crate::quiz::Quiz;
use crate::render::{notices, study};
use crate::runtime::app::App;
use crate::store::{quiz_json, AssignmentRow, Claim, NewAssignment, StoreError};

/// A scheduled live quiz that the bot missed (it was down) still starts this late, not later:
/// past that, the players it was announced to have gone.
pub const LIVE_LATE_START: Duration = Duration::from_secs(15 * 60);

/// A missed scheduled assignment is still posted if at least this much of its window is left.
const MIN_LEFT: i64 = 5 * 60_000;

/// Runs until the bot shuts down: a tick at once, then one per `study.tick` or kick.
pub fn spawn(app: Arc<App>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut due = tokio::time::Instant::now();
        loop {
            if app.draining() {
                return;
            }
            // How far behind its plan the pass runs: a starved runtime shows here first.
            let lag = tokio::time::Instant::now().saturating_duration_since(due);
            metrics::gauge!("quizbot_scheduler_lag_seconds").set(lag.as_secs_f64());
            app.scheduler.begin();
            tick(&app).await;
            app.scheduler.end();
            due = tokio::time::Instant::now() + app.config.study.tick;
            tokio::select! {
                _ = tokio::time::sleep_until(due) => {}
                _ = app.scheduler.kicked() => due = tokio::time::Instant::now(),
            }
        }
    })
}

/// One pass: due assignments, then results still to post, then schedules — of the servers
/// this process owns (their shards run here; docs/operations.md, "Shards").
pub async fn tick(app: &Arc<App>) {
    let outbox = app.outbox();
    if let Err(e) = close_due(app).await {
        tracing::error!(error = %e, "scheduler: cannot close due assignments");
    }
    match app.store.results_pending().await {
        Ok(pending) => {
            for a in pending.into_iter().filter(|a| app.owns(a.guild_id)) {
                publish_results(app, &*outbox, &a).await;
            }
        }
        Err(e) => tracing::error!(error = %e, "scheduler: cannot read pending results"),
    }
    match app.store.schedules(None).await {
        Ok(schedules) => {
            for s in schedules.into_iter().filter(|s| app.owns(s.guild_id)) {
                if let Err(e) = fire_if_due(app, &*outbox, &s).await {
                    tracing::error!(schedule = s.id, error = %e, "scheduler: cannot run a schedule");
                }
            }
        }
        Err(e) => tracing::error!(error = %e, "scheduler: cannot read schedules"),
    }
}

async fn close_due(app: &App) -> Result<(), StoreError> {
    let due = app.store.due_assignments(app.now()).await?;
    for a in due.into_iter().filter(|a| app.owns(a.guild_id)) {
        if app.store.close_assignment(a.id).await? {
            tracing::info!(
                assignment = a.id,
                channel = a.channel_id,
                "assignment closed"
            );
        }
    }
    Ok(())
}

/// Posts an assignment's results and closes its post (Start disabled). Tried again on later
/// ticks (a few times) if Discord fails.
async fn publish_results(app: &App, outbox: &dyn Outbox, a: &AssignmentRow) {
    let quiz: Quiz = match quiz_json::decode(&a.quiz_json) {
        Ok(q) => q,
        Err(e) => {
            tracing::error!(assignment = a.id, error = %e, "cannot read an assignment's quiz");
            let _ = app.store.results_posted(a.id, None).await;
            return;
        }
    };
    let results = match app
        .store
        .assignment_results(a.id, quiz.questions.len())
        .await
    {
        Ok(r) => r,
        Err(e) => {
            tracing::error!(assignment = a.id, error = %e, "cannot read an assignment's results");
            return;
        }
    };
    let posted = outbox
        .post_once(
            a.channel_id,
            study::assignment_results(&quiz, &results),
            nonce('R', &[a.id, a.due_at]),
        )
        .await;
    match posted {
        Ok(message) => {
            tracing::info!(
                assignment = a.id,
                finished = results.finished.len(),
                "assignment results posted"
            );
            let _ = app.store.results_posted(a.id, Some(message)).await;
            if let Some(post) = a.message_id {
                let closed = study::assignment_post(&quiz, a.id, a.due_at, false);
                if let Err(e) = outbox.edit(a.channel_id, post, closed).await {
                    tracing::warn!(assignment = a.id, error = %e, "cannot close the assignment's post");
                }
            }
        }
        Err(e) => {
            tracing::warn!(assignment = a.id, error = %e, "cannot post an assignment's results");
            let _ = app.store.results_posted(a.id, None).await;
        }
    }
}

/// The occurrence of `s` that is due now, if there is one to post: the latest at or before
/// now, not before the schedule existed, and still inside its window.
fn due_occurrence(s: &ScheduleRow, now: i64) -> Option<(i64, Daily)> {
    let daily = Daily {
        time: parse_time(&s.local_time)?,
        tz: s.timezone.parse().ok()?,
    };
    let at = daily.latest_at_or_before(now);
    if at < s.created_at {
        return None;
    }
    let window = match s.mode {
        // Late, but with a useful part of the due window left (half of a very short one).
        ScheduleMode::Assignment => {
            let due = s.due_minutes * 60_000;
            (due - MIN_LEFT).max(due / 2)
        }
        ScheduleMode::Live => LIVE_LATE_START.as_millis() as i64,
    };
    (now < at + window).then_some((at, daily))
}

async fn fire_if_due(
    app: &Arc<App>,
    outbox: &dyn Outbox,
    s: &ScheduleRow,
) -> Result<(), StoreError> {
    let now = app.now();
    let Some((at, _)) = due_occurrence(s, now) else {
        return Ok(());
    };
    if app.store.occurrence_claimed(s.id, at).await? {
        return Ok(());
    }
    let late = now - at > 60_000;
    metrics::histogram!("quizbot_schedule_lateness_seconds").record((now - at) as f64 / 1000.0);
    // Which quiz: the named one, or the series' next.
    let quiz = if is_series(&s.target) {
        let ids = app.library.ids(s.guild_id).await?;
        let uses = app.store.series_uses(s.guild_id).await?;
        match next_in_series(&s.target, &ids, &uses) {
            Some(id) => app.library.get(s.guild_id, &id).await?,
            None => None,
        }
    } else {
        app.library.get(s.guild_id, &s.target).await?
    };
    // A schedule plays a bank as a game without a count does: its first questions.
    let quiz = quiz.map(|q| q.for_a_game());
    let Some(quiz) = quiz else {
        let claim = app
            .store
            .claim_occurrence(s, at, None, "no quiz", now, None)
            .await?;
        if matches!(claim, Claim::Claimed { .. }) {
            tracing::warn!(schedule = s.id, target = %s.target, "scheduled post skipped: no such quiz");
            let text = format!(
                "📅 Schedule #{}: there is no quiz matching `{}` in this server, so nothing was posted today. `/quiz schedule list` shows the schedules.",
                s.id,
                crate::render::text::truncate(&s.target, 64)
            );
            let _ = outbox.post(s.channel_id, notices::text(text)).await;
        }
        return Ok(());
    };
    match s.mode {
        ScheduleMode::Assignment => {
            let new = NewAssignment {
                guild_id: s.guild_id,
                channel_id: s.channel_id,
                host_id: s.host_id,
                quiz_id: quiz.id.clone(),
                quiz_json: quiz_json::encode(&quiz)?,
                created_at: now,
                due_at: at + s.due_minutes * 60_000,
                schedule_id: Some(s.id),
            };
            let due_at = new.due_at;
            let claim = app
                .store
                .claim_occurrence(s, at, Some(quiz.id.clone()), "posted", now, Some(new))
                .await?;
            let Claim::Claimed {
                assignment: Some(id),
            } = claim
            else {
                return Ok(());
            };
            tracing::info!(schedule = s.id, assignment = id, quiz = %quiz.id, late, "scheduled assignment");
            // Not posted: closed quietly, no results (logged by `post_assignment`).
            let _ = post_assignment(app, id, s.channel_id, &quiz, due_at).await?;
        }
        ScheduleMode::Live => {
            let claim = app
                .store
                .claim_occurrence(s, at, Some(quiz.id.clone()), "started", now, None)
                .await?;
            if claim == Claim::Taken {
                return Ok(());
            }
            let launch = Launch {
                guild: s.guild_id,
                channel: s.channel_id,
                host: s.host_id,
                quiz: Arc::clone(&quiz),
                seconds: None,
                scoring: None,
                shuffle: false,
                host_notice: None,
            };
            match live::prepare(app, launch).await {
                Ok(prepared) => {
                    tracing::info!(schedule = s.id, session = prepared.session, quiz = %quiz.id, late, "scheduled live quiz");
                    if let Err(e) = outbox.post(s.channel_id, prepared.intro.clone()).await {
                        tracing::warn!(schedule = s.id, error = %e, "cannot post a scheduled quiz's intro");
                    }
                    prepared.go(Arc::clone(app));
                }
                Err(StoreError::ChannelBusy) => {
                    tracing::warn!(
                        schedule = s.id,
                        "scheduled live quiz skipped: one is running"
                    );
                    let text = format!(
                        "📅 Schedule #{}: a live quiz is already running here, so **{}** was not started.",
                        s.id,
                        crate::render::text::truncate(&quiz.title, 200)
                    );
                    let _ = outbox.post(s.channel_id, notices::text(text)).await;
                }
                Err(e) => return Err(e),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(mode: ScheduleMode, created_at: i64) -> ScheduleRow {
        ScheduleRow {
            id: 1,
            guild_id: 1,
            channel_id: 2,
            host_id: 3,
            target: "day-*".into(),
            local_time: "09:00".into(),
            timezone: "UTC".into(),
            mode,
            due_minutes: 24 * 60,
            created_at,
        }
    }

    const NINE: i64 = 1_799_917_200_000; // 2027-01-14 09:00 UTC
    const HOUR: i64 = 3_600_000;

    #[test]
    fn an_assignment_is_due_through_its_window_and_not_before_the_schedule_existed() {
        let s = schedule(ScheduleMode::Assignment, NINE - HOUR);
        assert_eq!(due_occurrence(&s, NINE - 1), None, "before nine");
        assert_eq!(due_occurrence(&s, NINE).map(|d| d.0), Some(NINE));
        assert_eq!(
            due_occurrence(&s, NINE + 20 * HOUR).map(|d| d.0),
            Some(NINE)
        );
        assert_eq!(
            due_occurrence(&s, NINE + 24 * HOUR - 60_000),
            None,
            "under 5 minutes left"
        );
        assert_eq!(
            due_occurrence(&s, NINE + 24 * HOUR).map(|d| d.0),
            Some(NINE + 24 * HOUR)
        );
        let late = schedule(ScheduleMode::Assignment, NINE + 1);
        assert_eq!(
            due_occurrence(&late, NINE + HOUR),
            None,
            "created after nine: tomorrow"
        );
    }

    #[test]
    fn a_short_due_window_still_posts() {
        let mut s = schedule(ScheduleMode::Assignment, 0);
        s.due_minutes = 5;
        assert_eq!(due_occurrence(&s, NINE).map(|d| d.0), Some(NINE));
        assert_eq!(due_occurrence(&s, NINE + 3 * 60_000), None);
    }

    #[test]
    fn a_live_quiz_is_not_started_long_after_its_time() {
        let s = schedule(ScheduleMode::Live, 0);
        assert!(due_occurrence(&s, NINE + 10 * 60_000).is_some());
        assert_eq!(due_occurrence(&s, NINE + 16 * 60_000), None);
    }
}
