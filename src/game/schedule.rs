//! Daily schedules: when "every day at 09:00 Europe/Berlin" falls, across daylight-saving
//! changes, and which quiz of a series comes next. Pure: times are Unix milliseconds passed in.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{Duration, LocalResult, NaiveDate, NaiveTime, TimeZone};
use chrono_tz::Tz;

/// "Every day at `time` in `tz`".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Daily {
    pub time: NaiveTime,
    pub tz: Tz,
}

impl Daily {
    /// The instant (Unix ms) of the occurrence on the local date `day`. When the clocks go
    /// back and the time happens twice, the first; when they go forward and it does not happen
    /// at all, the moment the clocks jump to (02:30 on a night that skips from 02:00 to 03:00
    /// is posted at 03:00) — as cron and calendar apps do.
    pub fn on(&self, day: NaiveDate) -> i64 {
        let local = day.and_time(self.time);
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.timestamp_millis(),
            LocalResult::Ambiguous(first, _) => first.timestamp_millis(),
            LocalResult::None => {
                // The first local minute after the gap; gaps are at most a few hours.
                (1..=24 * 60)
                    .map(|m| local + Duration::minutes(m))
                    .find_map(|t| self.tz.from_local_datetime(&t).earliest())
                    .map_or_else(
                        || self.tz.from_utc_datetime(&local).timestamp_millis(),
                        |t| {
                            // On the hour the clocks jumped to, not 02:31 → 03:01.
                            let jumped = t.timestamp_millis();
                            jumped - jumped.rem_euclid(60_000)
                        },
                    )
            }
        }
    }

    /// The local date at the instant `ms`.
    fn local_date(&self, ms: i64) -> NaiveDate {
        self.tz
            .timestamp_millis_opt(ms)
            .single()
            .map_or_else(NaiveDate::default, |t| t.date_naive())
    }

    /// The latest occurrence at or before `now`.
    pub fn latest_at_or_before(&self, now: i64) -> i64 {
        let today = self.local_date(now);
        [today, today.pred_opt().unwrap_or(today)]
            .into_iter()
            .chain(today.pred_opt().and_then(|d| d.pred_opt()))
            .map(|d| self.on(d))
            .find(|&t| t <= now)
            .unwrap_or(i64::MIN)
    }

    /// The first occurrence strictly after `now`.
    pub fn next_after(&self, now: i64) -> i64 {
        let today = self.local_date(now);
        let mut day = today.pred_opt().unwrap_or(today);
        for _ in 0..4 {
            let t = self.on(day);
            if t > now {
                return t;
            }
            day = day.succ_opt().unwrap_or(day);
        }
        self.on(day)
    }
}

/// "09:00", "9:00", "21:30" (24-hour clock).
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    let s = s.trim();
    let (h, m) = s.split_once(':')?;
    if h.is_empty() || h.len() > 2 || m.len() != 2 {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    NaiveTime::from_hms_opt(h, m, 0)
}

/// Whether `target` names a series (a glob) rather than one quiz.
pub fn is_series(target: &str) -> bool {
    target.contains(['*', '?'])
}

/// Glob matching over quiz ids: `*` any run of characters, `?` one; case-insensitive.
pub fn glob_matches(pattern: &str, id: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let s: Vec<char> = id.to_lowercase().chars().collect();
    // Iterative matching with one backtrack point: linear in practice, never exponential.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, si));
            pi += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp + 1;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Natural order: digit runs compare as numbers, so `day-2` comes before `day-10`.
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let (mut x, mut y) = (a.chars().peekable(), b.chars().peekable());
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let take = |it: &mut std::iter::Peekable<std::str::Chars<'_>>| {
                    let mut digits = String::new();
                    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
                        digits.push(c);
                        it.next();
                    }
                    digits
                };
                let (m, n) = (take(&mut x), take(&mut y));
                let (m, n) = (m.trim_start_matches('0'), n.trim_start_matches('0'));
                let order = m.len().cmp(&n.len()).then_with(|| m.cmp(n));
                if order != Ordering::Equal {
                    return order;
                }
            }
            (Some(c), Some(d)) => {
                let order = c.to_ascii_lowercase().cmp(&d.to_ascii_lowercase());
                if order != Ordering::Equal {
                    return order;
                }
                x.next();
                y.next();
            }
        }
    }
}

/// The next quiz of a series: among the ids matching `pattern`, the one this server has had
/// posted by its schedules the fewest times, first in natural order — so the series runs
/// through every quiz once before any comes again, and a quiz added later is next.
pub fn next_in_series(
    pattern: &str,
    ids: &[String],
    uses: &HashMap<String, u32>,
) -> Option<String> {
    ids.iter()
        .filter(|id| glob_matches(pattern, id))
        .min_by(|a, b| {
            let (ua, ub) = (uses.get(*a).unwrap_or(&0), uses.get(*b).unwrap_or(&0));
            ua.cmp(ub).then_with(|| natural_cmp(a, b))
        })
        .cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> i64 {
        Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
            .unwrap()
            .timestamp_millis()
    }

    fn berlin_at(h: u32, m: u32) -> Daily {
        Daily {
            time: NaiveTime::from_hms_opt(h, m, 0).unwrap(),
            tz: chrono_tz::Europe::Berlin,
        }
    }

    #[test]
    fn nine_in_berlin_follows_daylight_saving() {
        let d = berlin_at(9, 0);
        // Winter (UTC+1), then the night of 27/28 March 2027 the clocks go forward (UTC+2).
        let sat = d.on(NaiveDate::from_ymd_opt(2027, 3, 27).unwrap());
        let sun = d.on(NaiveDate::from_ymd_opt(2027, 3, 28).unwrap());
        assert_eq!(sat, utc(2027, 3, 27, 8, 0));
        assert_eq!(sun, utc(2027, 3, 28, 7, 0));
        assert_eq!(sun - sat, 23 * 3_600_000, "that day is 23 hours long");
        assert_eq!(d.next_after(sat), sun);
        assert_eq!(d.latest_at_or_before(sun - 1), sat);
        assert_eq!(d.latest_at_or_before(sun), sun);
    }

    #[test]
    fn a_time_skipped_by_the_clocks_is_posted_when_they_jump() {
        let d = berlin_at(2, 30);
        let t = d.on(NaiveDate::from_ymd_opt(2027, 3, 28).unwrap());
        assert_eq!(t, utc(2027, 3, 28, 1, 0), "03:00 CEST");
    }

    #[test]
    fn a_time_that_happens_twice_is_posted_once_at_the_first() {
        let d = berlin_at(2, 30);
        let t = d.on(NaiveDate::from_ymd_opt(2027, 10, 31).unwrap());
        assert_eq!(t, utc(2027, 10, 31, 0, 30), "02:30 CEST, not CET");
    }

    #[test]
    fn next_after_and_latest_before_around_midnight() {
        let d = Daily {
            time: NaiveTime::from_hms_opt(23, 30, 0).unwrap(),
            tz: chrono_tz::America::New_York,
        };
        let now = utc(2026, 12, 2, 3, 0); // 22:00 on the 1st in New York
        assert_eq!(d.next_after(now), utc(2026, 12, 2, 4, 30));
        assert_eq!(d.latest_at_or_before(now), utc(2026, 12, 1, 4, 30));
    }

    #[test]
    fn times_are_parsed_on_a_24_hour_clock() {
        assert_eq!(parse_time("09:00"), NaiveTime::from_hms_opt(9, 0, 0));
        assert_eq!(parse_time("9:05"), NaiveTime::from_hms_opt(9, 5, 0));
        for bad in ["24:00", "9", "9:5", "09:60", "nine", "-1:00", "9:00pm"] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
    }

    #[test]
    fn globs() {
        assert!(glob_matches("day-*", "day-42-attention-mechanisms"));
        assert!(glob_matches("DAY-?", "day-7"));
        assert!(!glob_matches("day-?", "day-10"));
        assert!(!glob_matches("day-*", "networking"));
        assert!(glob_matches("*", ""));
        assert!(glob_matches("*a*b*", "xxaxxbxx"));
        // No exponential blow-up on hostile patterns.
        assert!(glob_matches(&"*a".repeat(40), &"a".repeat(60)));
        assert!(!glob_matches(
            &format!("{}b", "*a".repeat(40)),
            &"a".repeat(60)
        ));
    }

    #[test]
    fn natural_order_puts_day_2_before_day_10() {
        let mut ids = vec!["day-10", "day-2", "day-1", "Day-3", "day-02b"];
        ids.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(ids, ["day-1", "day-2", "day-02b", "Day-3", "day-10"]);
    }

    #[test]
    fn a_series_runs_through_every_quiz_before_repeating() {
        let ids: Vec<String> = ["day-10", "day-2", "day-1", "other"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut uses = HashMap::new();
        let mut order = Vec::new();
        for _ in 0..4 {
            let next = next_in_series("day-*", &ids, &uses).unwrap();
            *uses.entry(next.clone()).or_insert(0) += 1;
            order.push(next);
        }
        assert_eq!(order, ["day-1", "day-2", "day-10", "day-1"]);
        assert_eq!(next_in_series("quiz-*", &ids, &uses), None);
    }
}
