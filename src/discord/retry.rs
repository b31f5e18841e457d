//! When to try a Discord call again, and for how long. Two kinds of "later":
//!
//! - **Rate limits** (429): Discord says how long to wait (`Retry-After`, or `retry_after` in
//!   the body). We wait exactly that, as often as it asks, until [`RATE_LIMIT_WAIT`] of waiting
//!   is spent: a burst of 429s delays a reveal, it does not cancel it. A 429 without a figure
//!   backs off 1, 2, 4 … s within the same budget.
//! - **Failures** (5xx, network, no answer within [`ATTEMPT`]): four attempts, 1, 2, 4 s apart.
//!
//! Anything else (a 403, a 404, a bad body) is final at once.

use std::time::Duration;

use poise::serenity_prelude as serenity;

use crate::runtime::outbox::SendError;

/// The longest one attempt of a send may take, whatever the HTTP client does.
pub const ATTEMPT: Duration = Duration::from_secs(20);

/// The most one send waits on 429s in all. Discord's per-route windows are seconds long; a
/// longer wait means something else is wrong, and the caller (a reveal retried in the
/// background, a quiz ended with a word to the host) takes over.
pub const RATE_LIMIT_WAIT: Duration = Duration::from_secs(60);

/// Attempts for server and network failures.
const FAILURE_ATTEMPTS: u32 = 4;

/// What one attempt learnt when it did not succeed.
#[derive(Debug, Clone)]
pub struct Refusal {
    /// HTTP status; `None` when there was no answer (network, timeout).
    pub status: Option<u16>,
    /// Discord's JSON error code (50013 Missing Permissions …), 0 when none.
    pub code: i64,
    /// How long Discord asked us to wait (429 only).
    pub retry_after: Option<Duration>,
    /// Whether the request may not have reached Discord at all (connect, timeout).
    pub network: bool,
    pub detail: String,
}

impl From<serenity::Error> for Refusal {
    fn from(e: serenity::Error) -> Refusal {
        Refusal::from_ref(&e)
    }
}

impl Refusal {
    fn from_ref(e: &serenity::Error) -> Refusal {
        let (status, code) = match e {
            serenity::Error::Http(serenity::HttpError::UnsuccessfulRequest(r)) => {
                (Some(r.status_code.as_u16()), r.error.code as i64)
            }
            _ => (None, 0),
        };
        Refusal {
            status,
            code,
            // serenity keeps only `code` and `message` of an error body; with its rate limiter
            // on it has already waited out the 429 itself.
            retry_after: None,
            network: matches!(e, serenity::Error::Http(serenity::HttpError::Request(_))),
            detail: e.to_string(),
        }
    }

    fn timed_out() -> Refusal {
        Refusal {
            status: None,
            code: 0,
            retry_after: None,
            network: true,
            detail: "Discord did not answer in time".into(),
        }
    }

    fn into_send_error(self) -> SendError {
        let message = match (self.status, self.code) {
            (_, 50013) => "I am missing a permission in this channel: I need View Channel, Send Messages and Embed Links".into(),
            (_, 50001) => "I cannot see this channel (Missing Access)".into(),
            (Some(429), _) => "Discord kept rate-limiting me".into(),
            (Some(s), _) if s >= 500 => format!("Discord kept failing (HTTP {s})"),
            _ => self.detail,
        };
        SendError {
            message,
            missing_permission: self.code == 50013,
        }
    }
}

/// Counts one REST call in `quizbot_rest_requests_total{route, status}` (status `ok`, the
/// HTTP status, or `network`), and a 429 also in `quizbot_rate_limited_total{route}`.
pub fn count_rest(route: &'static str, error: Option<&serenity::Error>) {
    match error {
        None => count(route, None),
        Some(e) => count(route, Some(&Refusal::from_ref(e))),
    }
}

fn count(route: &'static str, refusal: Option<&Refusal>) {
    let status = match refusal {
        None => "ok".to_string(),
        Some(r) => r
            .status
            .map_or_else(|| "network".to_string(), |s| s.to_string()),
    };
    if refusal.is_some_and(|r| r.status == Some(429)) {
        metrics::counter!("quizbot_rate_limited_total", "route" => route).increment(1);
    }
    metrics::counter!("quizbot_rest_requests_total", "route" => route, "status" => status)
        .increment(1);
}

/// The route label of a send (`what` as the callers name it).
fn route_of(what: &str) -> &'static str {
    match what {
        "post a message" => "POST /channels/{id}/messages",
        "edit a message" => "PATCH /channels/{id}/messages/{id}",
        "tell the host" => "POST /webhooks/{app}/{token}",
        _ => "other",
    }
}

/// Runs `f` until it succeeds, is refused for good, or the waits above are spent.
pub async fn with_retry<T, F, Fut>(what: &str, mut f: F) -> Result<T, SendError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, Refusal>>,
{
    let mut failures = 0;
    let mut failure_delay = Duration::from_secs(1);
    let mut limited_delay = Duration::from_secs(1);
    let mut waited_on_limits = Duration::ZERO;
    let route = route_of(what);
    loop {
        // A bound on each attempt besides the HTTP client's own timeout: a call that hangs
        // must not freeze a quiz. Posts of quiz steps carry a nonce, so trying again after a
        // timeout whose request did arrive still makes one message.
        let refusal = match tokio::time::timeout(ATTEMPT, f()).await {
            Ok(Ok(v)) => {
                count(route, None);
                return Ok(v);
            }
            Ok(Err(r)) => r,
            Err(_) => Refusal::timed_out(),
        };
        count(route, Some(&refusal));
        let failing = matches!(refusal.status, Some(500..=599))
            || (refusal.status.is_none() && refusal.network);
        let wait = match refusal.status {
            Some(429) => {
                let wait = refusal.retry_after.unwrap_or_else(|| {
                    let d = limited_delay;
                    limited_delay = (limited_delay * 2).min(Duration::from_secs(16));
                    d
                });
                if waited_on_limits + wait > RATE_LIMIT_WAIT {
                    tracing::warn!(
                        what,
                        waited_s = waited_on_limits.as_secs_f64(),
                        asked_s = wait.as_secs_f64(),
                        "Discord keeps rate-limiting; giving up"
                    );
                    return Err(refusal.into_send_error());
                }
                waited_on_limits += wait;
                tracing::info!(
                    what,
                    retry_after_s = wait.as_secs_f64(),
                    "Discord said later (429); waiting as asked"
                );
                wait
            }
            _ if failing => {
                failures += 1;
                if failures >= FAILURE_ATTEMPTS {
                    tracing::warn!(what, attempts = failures, status = refusal.status, detail = %refusal.detail, "Discord kept failing");
                    return Err(refusal.into_send_error());
                }
                let wait = failure_delay;
                failure_delay *= 2;
                tracing::info!(
                    what,
                    attempt = failures,
                    status = refusal.status,
                    "Discord failed; retrying"
                );
                wait
            }
            _ => {
                tracing::warn!(what, status = refusal.status, code = refusal.code, detail = %refusal.detail, "Discord refused");
                return Err(refusal.into_send_error());
            }
        };
        tokio::time::sleep(wait).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU32, Ordering};
    use std::sync::Arc;

    fn limited(after: Option<f64>) -> Refusal {
        Refusal {
            status: Some(429),
            code: 0,
            retry_after: after.map(Duration::from_secs_f64),
            network: false,
            detail: "429".into(),
        }
    }

    fn status(s: u16, code: i64) -> Refusal {
        Refusal {
            status: Some(s),
            code,
            retry_after: None,
            network: false,
            detail: format!("{s}"),
        }
    }

    /// Runs `with_retry` over a script of refusals (then success); returns the outcome, the
    /// attempts made and the (paused) time it took.
    async fn script(refusals: Vec<Refusal>) -> (Result<u32, SendError>, u32, Duration) {
        let calls = Arc::new(AtomicU32::new(0));
        let start = tokio::time::Instant::now();
        let c = Arc::clone(&calls);
        let result = with_retry("test", move || {
            let n = c.fetch_add(1, Ordering::SeqCst) as usize;
            let next = refusals.get(n).cloned();
            async move {
                match next {
                    Some(r) => Err(r),
                    None => Ok(n as u32),
                }
            }
        })
        .await;
        (result, calls.load(Ordering::SeqCst), start.elapsed())
    }

    #[tokio::test(start_paused = true)]
    async fn waits_exactly_what_discord_asks_as_often_as_it_asks() {
        // Four 429s on a reveal, 5 s each: more than the old four tries allowed.
        let (result, calls, took) = script(vec![limited(Some(5.0)); 4]).await;
        assert_eq!(result, Ok(4));
        assert_eq!(calls, 5);
        assert_eq!(took.as_secs(), 20);
    }

    #[tokio::test(start_paused = true)]
    async fn a_sixteen_second_window_of_429s_is_waited_out() {
        let (result, _, took) = script(vec![limited(Some(0.5)); 32]).await;
        assert_eq!(result, Ok(32));
        assert_eq!(took.as_secs(), 16);
    }

    #[tokio::test(start_paused = true)]
    async fn gives_up_at_once_when_asked_to_wait_past_the_budget() {
        let (result, calls, took) = script(vec![limited(Some(3_600.0))]).await;
        assert_eq!(result.unwrap_err().message, "Discord kept rate-limiting me");
        assert_eq!(calls, 1);
        assert_eq!(took, Duration::ZERO);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_limits_without_a_figure_back_off_within_the_budget() {
        let (result, calls, took) = script(vec![limited(None); 100]).await;
        assert!(result.is_err());
        // 1 + 2 + 4 + 8 + 16 + 16 = 47 s; one more 16 s would pass 60.
        assert_eq!(calls, 7);
        assert_eq!(took.as_secs(), 47);
    }

    #[tokio::test(start_paused = true)]
    async fn server_errors_get_four_attempts() {
        let (result, calls, took) = script(vec![status(502, 0); 10]).await;
        assert_eq!(
            result.unwrap_err().message,
            "Discord kept failing (HTTP 502)"
        );
        assert_eq!(calls, 4);
        assert_eq!(took.as_secs(), 7);
        let (result, calls, _) = script(vec![status(500, 0); 3]).await;
        assert_eq!((result, calls), (Ok(3), 4));
    }

    #[tokio::test(start_paused = true)]
    async fn refusals_are_final_and_named() {
        let (result, calls, _) = script(vec![status(403, 50013)]).await;
        let e = result.unwrap_err();
        assert!(e.missing_permission);
        assert!(e.message.contains("missing a permission"), "{}", e.message);
        assert_eq!(calls, 1);
    }

    #[tokio::test(start_paused = true)]
    async fn a_hung_attempt_is_abandoned_and_tried_again() {
        let calls = Arc::new(AtomicU32::new(0));
        let c = Arc::clone(&calls);
        let start = tokio::time::Instant::now();
        let result = with_retry("test", move || {
            let n = c.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    std::future::pending::<()>().await;
                }
                Ok::<_, Refusal>(n)
            }
        })
        .await;
        assert_eq!(result, Ok(1));
        assert_eq!(start.elapsed(), ATTEMPT + Duration::from_secs(1));
    }
}
