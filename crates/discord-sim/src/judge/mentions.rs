//! Would this message ping anyone? (docs/discord.md, "Mentions")
//!
//! Discord parses every mention type in a regular message without `allowed_mentions`, and
//! users in interaction replies and webhooks; `{"parse": []}` pings nobody and must be sent on
//! every create and edit. The simulator holds bots to the rule "pings nobody, ever": any
//! `allowed_mentions` that would let a mention through is a violation, mention text or not.

use serde_json::Value;

/// Where the message is sent: the default parse rules differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Channel,
    Interaction,
}

/// Why the body's `allowed_mentions` could ping, or `None` when it pings nobody.
pub fn would_ping(body: &Value, origin: Origin) -> Option<String> {
    let has_text = body.get("content").is_some_and(|c| !c.is_null());
    let Some(am) = body.get("allowed_mentions").filter(|v| !v.is_null()) else {
        let defaults = match origin {
            Origin::Channel => "users, roles, @everyone and @here",
            Origin::Interaction => "users",
        };
        return Some(format!(
            "no allowed_mentions{}: Discord parses {defaults} by default",
            if has_text {
                ""
            } else {
                " (none on this edit either)"
            }
        ));
    };
    let non_empty = |key: &str| {
        am.get(key)
            .and_then(Value::as_array)
            .filter(|a| !a.is_empty())
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().map_or_else(|| v.to_string(), str::to_string))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
    };
    if let Some(parse) = non_empty("parse") {
        return Some(format!(
            "allowed_mentions.parse = [{parse}] lets those mentions ping"
        ));
    }
    if let Some(users) = non_empty("users") {
        return Some(format!("allowed_mentions.users pings [{users}]"));
    }
    if let Some(roles) = non_empty("roles") {
        return Some(format!("allowed_mentions.roles pings [{roles}]"));
    }
    if am.get("replied_user").and_then(Value::as_bool) == Some(true) {
        return Some("allowed_mentions.replied_user pings the replied-to author".into());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_parse_pings_nobody() {
        let body = json!({"content": "@everyone hi", "allowed_mentions": {"parse": []}});
        assert_eq!(would_ping(&body, Origin::Channel), None);
    }

    #[test]
    fn missing_or_permissive_allowed_mentions_are_reported() {
        assert!(would_ping(&json!({"content": "hi"}), Origin::Channel).is_some());
        assert!(would_ping(&json!({"content": "hi"}), Origin::Interaction).is_some());
        let parse = json!({"content": "x", "allowed_mentions": {"parse": ["everyone"]}});
        assert!(would_ping(&parse, Origin::Channel)
            .unwrap()
            .contains("everyone"));
        let users = json!({"content": "x", "allowed_mentions": {"parse": [], "users": ["1"]}});
        assert!(would_ping(&users, Origin::Channel).is_some());
    }
}
