//! Rate limits like Discord's: per-route buckets keyed by the route and its major parameter,
//! reported in `X-RateLimit-*` headers, and a 429 with `retry_after` when a bucket is empty.
//! Message create and edit in a channel default to 5 per 5 seconds each (docs/discord.md,
//! "Rate limits").

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime};

use parking_lot::Mutex;

#[derive(Debug, Clone, Copy)]
pub struct Limit {
    pub requests: u32,
    pub per: Duration,
}

#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    /// `POST /channels/{id}/messages`, per channel.
    pub message_create: Limit,
    /// `PATCH /channels/{id}/messages/{id}`, per channel.
    pub message_edit: Limit,
    /// Other bot-token routes, per route and major parameter.
    pub default_route: Limit,
    /// All bot-token routes together (interaction callbacks and webhooks are exempt).
    pub global: Limit,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        let per_5s = Limit {
            requests: 5,
            per: Duration::from_secs(5),
        };
        RateLimitConfig {
            message_create: per_5s,
            message_edit: per_5s,
            default_route: Limit {
                requests: 50,
                per: Duration::from_secs(1),
            },
            global: Limit {
                requests: 50,
                per: Duration::from_secs(1),
            },
        }
    }
}

struct Bucket {
    remaining: u32,
    reset_at: Instant,
}

/// What a request may do now.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    Allowed {
        limit: u32,
        remaining: u32,
        reset_after: Duration,
        bucket: String,
    },
    Limited {
        retry_after: Duration,
        limit: u32,
        bucket: String,
        global: bool,
    },
}

impl Decision {
    /// The `X-RateLimit-*` (and on 429 `Retry-After`) headers Discord sends.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        let reset_header = |after: Duration| {
            let reset = SystemTime::now() + after;
            format!("{:.3}", crate::time::unix_f64(reset))
        };
        match self {
            Decision::Allowed {
                limit,
                remaining,
                reset_after,
                bucket,
            } => vec![
                ("x-ratelimit-limit", limit.to_string()),
                ("x-ratelimit-remaining", remaining.to_string()),
                ("x-ratelimit-reset", reset_header(*reset_after)),
                (
                    "x-ratelimit-reset-after",
                    format!("{:.3}", reset_after.as_secs_f64()),
                ),
                ("x-ratelimit-bucket", bucket.clone()),
            ],
            Decision::Limited {
                retry_after,
                limit,
                bucket,
                global,
            } => {
                let mut h = vec![
                    ("retry-after", format!("{:.3}", retry_after.as_secs_f64())),
                    (
                        "x-ratelimit-scope",
                        if *global { "global" } else { "user" }.into(),
                    ),
                ];
                if *global {
                    h.push(("x-ratelimit-global", "true".into()));
                } else {
                    h.extend([
                        ("x-ratelimit-limit", limit.to_string()),
                        ("x-ratelimit-remaining", "0".to_string()),
                        ("x-ratelimit-reset", reset_header(*retry_after)),
                        (
                            "x-ratelimit-reset-after",
                            format!("{:.3}", retry_after.as_secs_f64()),
                        ),
                        ("x-ratelimit-bucket", bucket.clone()),
                    ]);
                }
                h
            }
        }
    }
}

pub struct RateLimiter {
    pub config: Mutex<RateLimitConfig>,
    buckets: Mutex<HashMap<(String, u64), Bucket>>,
    global: Mutex<Bucket>,
}

impl RateLimiter {
    pub fn new(config: RateLimitConfig) -> Self {
        RateLimiter {
            config: Mutex::new(config),
            buckets: Mutex::new(HashMap::new()),
            global: Mutex::new(Bucket {
                remaining: u32::MAX,
                reset_at: Instant::now(),
            }),
        }
    }

    /// Takes one request from the global bucket and from the route's (`route` names the bucket,
    /// `major` is its channel/guild id).
    pub fn check(&self, route: &str, major: u64, limit: Limit) -> Decision {
        let now = Instant::now();
        let bucket_name = format!("{:016x}", fnv(route));
        let global_limit = self.config.lock().global;
        {
            let mut g = self.global.lock();
            if now >= g.reset_at {
                g.remaining = global_limit.requests;
                g.reset_at = now + global_limit.per;
            }
            if g.remaining == 0 {
                return Decision::Limited {
                    retry_after: g.reset_at - now,
                    limit: global_limit.requests,
                    bucket: bucket_name,
                    global: true,
                };
            }
            g.remaining -= 1;
        }
        let mut buckets = self.buckets.lock();
        let b = buckets
            .entry((route.to_string(), major))
            .or_insert_with(|| Bucket {
                remaining: limit.requests,
                reset_at: now + limit.per,
            });
        if now >= b.reset_at {
            b.remaining = limit.requests;
            b.reset_at = now + limit.per;
        }
        if b.remaining == 0 {
            return Decision::Limited {
                retry_after: b.reset_at - now,
                limit: limit.requests,
                bucket: bucket_name,
                global: false,
            };
        }
        b.remaining -= 1;
        Decision::Allowed {
            limit: limit.requests,
            remaining: b.remaining,
            reset_after: b.reset_at - now,
            bucket: bucket_name,
        }
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixth_request_in_the_window_is_limited_and_others_are_not() {
        let rl = RateLimiter::new(RateLimitConfig::default());
        let limit = RateLimitConfig::default().message_edit;
        for i in 0..5 {
            match rl.check("PATCH message", 1, limit) {
                Decision::Allowed { remaining, .. } => assert_eq!(remaining, 4 - i),
                other => panic!("{other:?}"),
            }
        }
        assert!(matches!(
            rl.check("PATCH message", 1, limit),
            Decision::Limited { global: false, .. }
        ));
        assert!(
            matches!(
                rl.check("PATCH message", 2, limit),
                Decision::Allowed { .. }
            ),
            "per channel"
        );
    }
}
