//! Which process acts for which server. Discord splits a bot's servers over shards by id: a
//! server belongs to shard `(guild_id >> 22) % shard_count`, and DMs to shard 0. A process
//! runs a range of shards and acts — live quizzes, schedules, assignment deadlines, restart
//! recovery — only for the servers of its shards, so that several processes sharing one
//! database never post the same thing twice (docs/operations.md, "Shards").

use std::fmt;

/// How many shards the bot has in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardCount {
    /// As many as Discord recommends (`GET /gateway/bot`).
    Auto,
    Fixed(u32),
}

/// What the configuration asks for: the total and, for one process of several, its part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ShardPlan {
    pub count: ShardCount,
    /// Both ends inclusive; `None` runs every shard. Only with a fixed count.
    pub range: Option<(u32, u32)>,
}

impl Default for ShardPlan {
    fn default() -> Self {
        ShardPlan {
            count: ShardCount::Auto,
            range: None,
        }
    }
}

/// The most shards a bot may be configured with (Discord's biggest bots run a few thousand).
pub const MAX_SHARDS: u32 = 65_536;

impl ShardCount {
    /// `auto` or a number from 1 to [`MAX_SHARDS`].
    pub fn parse(text: &str) -> Result<ShardCount, String> {
        let t = text.trim();
        if t.eq_ignore_ascii_case("auto") {
            return Ok(ShardCount::Auto);
        }
        match t.parse::<u32>() {
            Ok(n) if (1..=MAX_SHARDS).contains(&n) => Ok(ShardCount::Fixed(n)),
            _ => Err(format!(
                "{text:?} is neither \"auto\" nor a shard count from 1 to {MAX_SHARDS}"
            )),
        }
    }
}

impl ShardPlan {
    /// Checks a range against the count: `"0-3"` (both ends inclusive) or one shard `"2"`.
    pub fn new(count: ShardCount, range: Option<&str>) -> Result<ShardPlan, String> {
        let Some(text) = range.map(str::trim).filter(|r| !r.is_empty()) else {
            return Ok(ShardPlan { count, range: None });
        };
        let ShardCount::Fixed(total) = count else {
            return Err(format!(
                "shard_range = {text:?} needs shards to be a number: the total over every \
                 process (with \"auto\" Discord may change it, and the ranges would no longer fit)"
            ));
        };
        let number = |s: &str| s.trim().parse::<u32>().ok();
        let (first, last) = match text.split_once('-') {
            Some((a, b)) => (number(a), number(b)),
            None => (number(text), number(text)),
        };
        let (Some(first), Some(last)) = (first, last) else {
            return Err(format!(
                "shard_range = {text:?} is not a range such as \"0-3\" (both ends included) or one shard such as \"2\""
            ));
        };
        if first > last {
            return Err(format!(
                "shard_range = {text:?} starts after it ends: write the lower shard first"
            ));
        }
        if last >= total {
            return Err(format!(
                "shard_range = {text:?} goes past the last shard: with shards = {total} the ids are 0 to {}",
                total - 1
            ));
        }
        Ok(ShardPlan {
            count,
            range: Some((first, last)),
        })
    }

    /// The shards this process runs once the total is known (`recommended` stands in for
    /// `auto`).
    pub fn resolve(&self, recommended: u32) -> Ownership {
        let total = match self.count {
            ShardCount::Auto => recommended.max(1),
            ShardCount::Fixed(n) => n,
        };
        let (first, last) = self.range.unwrap_or((0, total - 1));
        Ownership { total, first, last }
    }
}

/// The shards a process runs: `first..=last` of `total`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    pub total: u32,
    pub first: u32,
    pub last: u32,
}

impl Default for Ownership {
    /// One process, one shard: everything.
    fn default() -> Self {
        Ownership {
            total: 1,
            first: 0,
            last: 0,
        }
    }
}

/// The shard of a server (`None`: a DM, on shard 0).
pub fn shard_of(guild: Option<u64>, total: u32) -> u32 {
    match guild {
        Some(g) if g != 0 && total > 1 => ((g >> 22) % u64::from(total)) as u32,
        _ => 0,
    }
}

impl Ownership {
    /// Whether this process acts for the server (`None` or 0: a DM).
    pub fn owns(&self, guild: Option<u64>) -> bool {
        (self.first..=self.last).contains(&shard_of(guild, self.total))
    }

    /// Whether this process runs every shard.
    pub fn everything(&self) -> bool {
        self.first == 0 && self.last + 1 == self.total
    }

    pub fn shards(&self) -> std::ops::RangeInclusive<u32> {
        self.first..=self.last
    }
}

impl fmt::Display for Ownership {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "shard {} of {}", self.first, self.total)
        } else {
            write!(f, "shards {}-{} of {}", self.first, self.last, self.total)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_ranges_are_read_as_written() {
        assert_eq!(ShardCount::parse("auto"), Ok(ShardCount::Auto));
        assert_eq!(ShardCount::parse(" 4 "), Ok(ShardCount::Fixed(4)));
        assert!(ShardCount::parse("0").is_err());
        assert!(ShardCount::parse("four").is_err());
        let four = ShardCount::Fixed(4);
        let plan = ShardPlan::new(four, Some("0-3")).unwrap();
        assert_eq!(plan.range, Some((0, 3)), "both ends inclusive");
        assert_eq!(plan.resolve(99).shards().count(), 4);
        assert_eq!(ShardPlan::new(four, Some("2")).unwrap().range, Some((2, 2)));
        assert_eq!(ShardPlan::new(four, Some("")).unwrap().range, None);
    }

    #[test]
    fn ranges_that_cannot_work_are_refused_with_the_reason() {
        let four = ShardCount::Fixed(4);
        let past = ShardPlan::new(four, Some("2-4")).unwrap_err();
        assert!(past.contains("0 to 3"), "{past}");
        assert!(ShardPlan::new(four, Some("3-1"))
            .unwrap_err()
            .contains("starts after"));
        assert!(ShardPlan::new(four, Some("a-b"))
            .unwrap_err()
            .contains("not a range"));
        assert!(ShardPlan::new(ShardCount::Auto, Some("0-1"))
            .unwrap_err()
            .contains("needs shards to be a number"));
    }

    #[test]
    fn a_server_belongs_to_the_shard_of_its_id_and_dms_to_shard_0() {
        let g = 41_771_983_423_143_937_u64;
        assert_eq!(shard_of(Some(g), 1), 0);
        assert_eq!(shard_of(Some(g), 4), ((g >> 22) % 4) as u32);
        assert_eq!(shard_of(None, 16), 0);
        let auto = ShardPlan::default().resolve(4);
        assert!(auto.everything() && auto.owns(Some(g)));
        let low = ShardPlan::new(ShardCount::Fixed(4), Some("0-1"))
            .unwrap()
            .resolve(4);
        let high = ShardPlan::new(ShardCount::Fixed(4), Some("2-3"))
            .unwrap()
            .resolve(4);
        for id in (0..64_u64).map(|i| (i << 22) | 7) {
            assert!(
                low.owns(Some(id)) != high.owns(Some(id)),
                "exactly one process owns {id}"
            );
        }
        assert!(low.owns(None) && !high.owns(None), "DMs go to shard 0");
        assert_eq!(low.to_string(), "shards 0-1 of 4");
    }
}
