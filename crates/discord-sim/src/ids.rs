//! Snowflake ids like Discord's: milliseconds since 2015 in the high bits, so that ids sort by
//! creation time and serenity's `created_at()` gives sensible times.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

#[derive(Debug, Default)]
pub struct Snowflakes {
    last: AtomicU64,
}

impl Snowflakes {
    /// A new id, greater than every id handed out before.
    pub fn next(&self) -> u64 {
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let candidate = (now_ms.saturating_sub(DISCORD_EPOCH_MS)) << 22;
        let mut last = self.last.load(Ordering::Relaxed);
        loop {
            let next = candidate.max(last + 1);
            match self
                .last
                .compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(actual) => last = actual,
            }
        }
    }
}

impl Snowflakes {
    /// A new id whose timestamp part is on shard `shard` of `total` (`(id >> 22) % total`):
    /// the timestamp moves up at most `total - 1` ms.
    pub fn next_on_shard(&self, shard: u32, total: u32) -> u64 {
        let total = u64::from(total.max(1));
        let candidate = self.next();
        let base = candidate >> 22;
        let ahead = (u64::from(shard) % total + total - base % total) % total;
        if ahead == 0 {
            return candidate;
        }
        let id = (base + ahead) << 22;
        self.last.fetch_max(id, Ordering::Relaxed);
        id
    }
}

/// Interaction tokens: long and unguessable enough to look like Discord's, unique per process.
pub fn token(id: u64) -> String {
    let mix = id.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ (id >> 17);
    format!("aW50ZXJhY3Rpb246{id:x}{mix:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_increase_and_are_nonzero() {
        let ids = Snowflakes::default();
        let a = ids.next();
        let b = ids.next();
        assert!(a > 0 && b > a);
    }

    #[test]
    fn ids_can_be_put_on_a_shard() {
        let ids = Snowflakes::default();
        let mut last = 0;
        for shard in [3, 0, 1, 1, 1, 2, 3, 3] {
            let id = ids.next_on_shard(shard, 4);
            assert_eq!((id >> 22) % 4, u64::from(shard));
            assert!(id > last);
            last = id;
        }
        assert!(ids.next() > last);
    }
}
