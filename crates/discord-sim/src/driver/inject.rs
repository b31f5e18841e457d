//! Faults on demand: failing REST calls, gateway closes and reconnects, dropped and duplicated
//! dispatches, rate limits.

use crate::{FaultRule, Sim};

impl Sim {
    /// The next `rule.times` calls matching the rule fail as it says.
    pub fn inject(&self, rule: FaultRule) {
        self.shared.faults.add(rule);
    }

    pub fn clear_faults(&self) {
        self.shared.faults.clear();
    }

    /// Sends a dispatch as given, for the orders of events Discord can produce and a test must
    /// stage (a guild snapshot older than an event the bot already had). The sequence number
    /// is the connection's next; `None` when no bot is connected.
    pub fn dispatch(&self, t: &str, d: &serde_json::Value) -> Option<u64> {
        self.shared.gateway.dispatch(t, d)
    }

    /// Closes the bot's gateway connection (every shard's) with `code`.
    pub fn gateway_close(&self, code: u16) -> bool {
        self.shared.gateway.close(code)
    }

    /// Closes one shard's connection with `code`.
    pub fn gateway_close_shard(&self, shard: u32, code: u16) -> bool {
        self.shared.gateway.close_shard(Some(shard), code)
    }

    /// Changes what `GET /gateway/bot` recommends and what Identify enforces, from now on.
    pub fn set_sharding(&self, sharding: crate::Sharding) {
        *self.shared.gateway.sharding.lock() = sharding;
    }

    /// Drops the bot's gateway connection without a close frame (1006 for the client).
    pub fn gateway_abort(&self) -> bool {
        self.shared.gateway.abort()
    }

    /// Sends op 7 Reconnect.
    pub fn gateway_reconnect(&self) -> bool {
        self.shared.gateway.reconnect()
    }

    /// Sends op 9 Invalid Session.
    pub fn gateway_invalidate(&self, resumable: bool) -> bool {
        self.shared.gateway.invalidate(resumable)
    }

    pub fn drop_next_dispatches(&self, n: u32) {
        self.shared.gateway.drop_next(n);
    }

    pub fn duplicate_next_dispatches(&self, n: u32) {
        self.shared.gateway.duplicate_next(n);
    }

    /// Changes the rate limits from now on.
    pub fn set_rate_limits(&self, config: crate::RateLimitConfig) {
        *self.shared.rate.config.lock() = config;
    }
}
