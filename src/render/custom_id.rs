//! Typed button ids. Every button the bot posts carries one of these, and everything needed to
//! act on a click is in the id itself (no in-memory lookup table), so buttons keep working
//! after a restart. Parsing is strict: anything else is refused and logged by the caller.

use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CustomId {
    /// `q:<session>:<question>:<choice>`: answer a live question (question = position in the
    /// session's order, choice = option index).
    Answer {
        session: i64,
        question: u32,
        choice: u8,
    },
    /// `r:<session>`: "My results" after a live quiz.
    MyResults { session: i64 },
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::Answer {
                session,
                question,
                choice,
            } => write!(f, "q:{session}:{question}:{choice}"),
            CustomId::MyResults { session } => write!(f, "r:{session}"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised button id")]
pub struct BadCustomId;

/// A decimal number with no sign, no spaces and no leading zeros (so each id has one spelling).
fn number<T: FromStr>(s: &str) -> Result<T, BadCustomId> {
    let canonical = !s.is_empty()
        && s.len() <= 19
        && s.bytes().all(|b| b.is_ascii_digit())
        && (s == "0" || !s.starts_with('0'));
    if !canonical {
        return Err(BadCustomId);
    }
    s.parse().map_err(|_| BadCustomId)
}

impl FromStr for CustomId {
    type Err = BadCustomId;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.len() > crate::render::limits::CUSTOM_ID {
            return Err(BadCustomId);
        }
        let parts: Vec<&str> = s.split(':').collect();
        let id = match parts.as_slice() {
            ["q", session, question, choice] => CustomId::Answer {
                session: number(session)?,
                question: number(question)?,
                choice: number(choice)?,
            },
            ["r", session] => CustomId::MyResults {
                session: number(session)?,
            },
            _ => return Err(BadCustomId),
        };
        match id {
            CustomId::Answer { session, .. } | CustomId::MyResults { session } if session <= 0 => {
                Err(BadCustomId)
            }
            _ => Ok(id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        for id in [
            CustomId::Answer {
                session: 42,
                question: 3,
                choice: 1,
            },
            CustomId::MyResults { session: i64::MAX },
        ] {
            assert_eq!(id.to_string().parse::<CustomId>(), Ok(id));
        }
    }

    #[test]
    fn refuses_anything_not_written_by_us() {
        for bad in [
            "",
            "q",
            "q:1:2",
            "q:1:2:3:4",
            "q:+1:2:3",
            "q:01:2:3",
            "q:0:2:3",
            "q:-5:2:3",
            "q:1:2:300",
            "q:1: 2:3",
            "x:1",
            "r:99999999999999999999",
            &"q:1:2:3".repeat(20),
        ] {
            assert_eq!(bad.parse::<CustomId>(), Err(BadCustomId), "{bad:?}");
        }
    }
}
