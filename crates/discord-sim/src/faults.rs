//! Fault injection: make the next K calls of a route fail or stall, as Discord sometimes does.

use std::time::Duration;

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Fault {
    /// Answer with this HTTP status (429 comes with `retry_after`, 500/502 with Discord's body).
    Status {
        status: u16,
        retry_after_ms: Option<u64>,
    },
    /// Wait this long before handling the call normally.
    Delay { ms: u64 },
    /// Handle the call at once, then wait this long before answering: the change is made
    /// (a message exists) while the client still waits — the window a crash falls into between
    /// Discord doing something and the bot hearing of it.
    SlowReply { ms: u64 },
    /// Refuse with 403 and code 50013 "Missing Permissions".
    MissingPermissions,
}

/// Which calls a rule applies to: a method (or any) and a path pattern where `*` matches one
/// segment, e.g. `POST /channels/*/messages`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FaultRule {
    pub method: Option<String>,
    pub path: String,
    /// How many matching calls fail; each one used decrements it.
    pub times: u32,
    pub fault: Fault,
}

impl FaultRule {
    pub fn new(method: &str, path: &str, times: u32, fault: Fault) -> Self {
        FaultRule {
            method: (!method.is_empty() && method != "*").then(|| method.to_ascii_uppercase()),
            path: path.to_string(),
            times,
            fault,
        }
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        if self.method.as_deref().is_some_and(|m| m != method) {
            return false;
        }
        let want: Vec<&str> = self.path.trim_matches('/').split('/').collect();
        let got: Vec<&str> = path.trim_matches('/').split('/').collect();
        want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| *w == "*" || w == g)
    }
}

#[derive(Default)]
pub struct Faults {
    rules: Mutex<Vec<FaultRule>>,
}

impl Faults {
    pub fn add(&self, rule: FaultRule) {
        self.rules.lock().push(rule);
    }

    pub fn clear(&self) {
        self.rules.lock().clear();
    }

    /// The fault for this call, if a rule has one left (the rule's count is used up by it).
    pub fn take(&self, method: &str, path: &str) -> Option<Fault> {
        let mut rules = self.rules.lock();
        let at = rules
            .iter()
            .position(|r| r.times > 0 && r.matches(method, path))?;
        rules[at].times -= 1;
        let fault = rules[at].fault.clone();
        rules.retain(|r| r.times > 0);
        Some(fault)
    }
}

impl Fault {
    pub fn delay(&self) -> Option<Duration> {
        match self {
            Fault::Delay { ms } => Some(Duration::from_millis(*ms)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_match_by_method_and_pattern_and_run_out() {
        let f = Faults::default();
        f.add(FaultRule::new(
            "POST",
            "/channels/*/messages",
            2,
            Fault::Status {
                status: 500,
                retry_after_ms: None,
            },
        ));
        assert!(f.take("PATCH", "/channels/1/messages").is_none());
        assert!(f.take("POST", "/channels/1/messages/2").is_none());
        assert!(f.take("POST", "/channels/1/messages").is_some());
        assert!(f.take("POST", "/channels/9/messages").is_some());
        assert!(f.take("POST", "/channels/1/messages").is_none());
    }
}
