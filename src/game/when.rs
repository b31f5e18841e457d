//! Reading the times people type: `/quiz assign due:24h`, `due:2d`, `due:2026-12-05 18:00`.

use chrono::{NaiveDate, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

use super::schedule::{parse_time, Daily};

/// The shortest and longest an assignment may stay open.
pub const MIN_DUE_MINUTES: i64 = 5;
pub const MAX_DUE_MINUTES: i64 = 30 * 24 * 60;

/// A duration such as `24h`, `2d`, `90m`, `1d12h`, `1w` or `3 days`; a bare number is hours.
pub fn parse_duration_minutes(text: &str) -> Option<i64> {
    let t = text.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    if let Ok(hours) = t.parse::<i64>() {
        return hours.checked_mul(60);
    }
    let mut total: i64 = 0;
    let mut rest = t.as_str();
    let mut any = false;
    while !rest.is_empty() {
        rest = rest.trim_start();
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 || digits > 6 {
            return None;
        }
        let n: i64 = rest[..digits].parse().ok()?;
        rest = rest[digits..].trim_start();
        let unit_len = rest.len()
            - rest
                .trim_start_matches(|c: char| c.is_ascii_alphabetic())
                .len();
        let minutes_per = match &rest[..unit_len] {
            "m" | "min" | "mins" | "minute" | "minutes" => 1,
            "h" | "hr" | "hrs" | "hour" | "hours" => 60,
            "d" | "day" | "days" => 24 * 60,
            "w" | "week" | "weeks" => 7 * 24 * 60,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total = total.checked_add(n.checked_mul(minutes_per)?)?;
        any = true;
    }
    any.then_some(total)
}

/// When an assignment given at `now` with `due` (as typed) closes, in Unix ms: a duration from
/// now, a local date and time (`2026-12-05 18:00`) or a time of day (`18:00`, the next one) in
/// the server's timezone. Errors are sentences for the host.
pub fn parse_due(due: &str, now: i64, tz: Tz) -> Result<i64, String> {
    let typed = due.trim();
    let at = if let Some(minutes) = parse_duration_minutes(typed) {
        now.saturating_add(minutes.saturating_mul(60_000))
    } else if let Some(time) = parse_time(typed) {
        Daily { time, tz }.next_after(now)
    } else if let Some(local) = parse_local_datetime(typed) {
        tz.from_local_datetime(&local)
            .earliest()
            .ok_or_else(|| format!("`{typed}` does not exist in {tz} (the clocks skip it)."))?
            .timestamp_millis()
    } else {
        return Err(format!(
            "I can't read `{}` as a due time. Use a duration such as `24h`, `2d` or `90m`, a time such as `18:00`, or a date and time such as `2026-12-05 18:00` ({tz} time).",
            typed.chars().take(40).collect::<String>()
        ));
    };
    let minutes = (at - now) / 60_000;
    if at - now < MIN_DUE_MINUTES * 60_000 {
        return Err(format!(
            "The due time must be at least {MIN_DUE_MINUTES} minutes from now."
        ));
    }
    if minutes > MAX_DUE_MINUTES {
        return Err("The due time may be at most 30 days from now.".to_string());
    }
    Ok(at)
}

fn parse_local_datetime(s: &str) -> Option<NaiveDateTime> {
    let (date, time) = s.split_once([' ', 'T'])?;
    let date = NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").ok()?;
    Some(date.and_time(parse_time(time)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    const NOW: i64 = 1_800_000_000_000; // 2027-01-15 08:00 UTC

    #[test]
    fn durations_in_every_spelling() {
        assert_eq!(parse_duration_minutes("24h"), Some(24 * 60));
        assert_eq!(parse_duration_minutes("2d"), Some(2 * 24 * 60));
        assert_eq!(parse_duration_minutes("90m"), Some(90));
        assert_eq!(parse_duration_minutes("1d12h"), Some(36 * 60));
        assert_eq!(parse_duration_minutes("1h 30m"), Some(90));
        assert_eq!(parse_duration_minutes("3 days"), Some(3 * 24 * 60));
        assert_eq!(parse_duration_minutes("1w"), Some(7 * 24 * 60));
        assert_eq!(parse_duration_minutes("36"), Some(36 * 60));
        for bad in ["", "h", "2x", "1.5h", "-3h", "99999999999h"] {
            assert_eq!(parse_duration_minutes(bad), None, "{bad}");
        }
    }

    #[test]
    fn due_from_a_duration_a_time_or_a_date() {
        let utc = chrono_tz::UTC;
        assert_eq!(parse_due("2h", NOW, utc), Ok(NOW + 2 * 3_600_000));
        let at_18 = Utc
            .with_ymd_and_hms(2027, 1, 15, 18, 0, 0)
            .unwrap()
            .timestamp_millis();
        assert_eq!(parse_due("18:00", NOW, utc), Ok(at_18));
        // 18:00 in Berlin is 17:00 UTC in January.
        let berlin = parse_due("2027-01-15 18:00", NOW, chrono_tz::Europe::Berlin).unwrap();
        assert_eq!(berlin, at_18 - 3_600_000);
    }

    #[test]
    fn due_times_out_of_range_or_unreadable_are_explained() {
        let utc = chrono_tz::UTC;
        assert!(parse_due("1m", NOW, utc)
            .unwrap_err()
            .contains("at least 5 minutes"));
        assert!(parse_due("60d", NOW, utc)
            .unwrap_err()
            .contains("at most 30 days"));
        assert!(parse_due("2020-01-01 10:00", NOW, utc).is_err());
        let e = parse_due("next tuesday", NOW, utc).unwrap_err();
        assert!(e.contains("`next tuesday`") && e.contains("`24h`"), "{e}");
    }
}
