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
    /// `m:<session>:<question>`: the select menu of a live multi-select question (the options
    /// picked come in the interaction's values).
    Pick {
        session: i64,
        question: u32,
    },
    /// `t:<session>:<question>`: the Answer button of a live typed-answer question (it opens
    /// the modal); `tm:<session>:<question>`: that modal, submitted.
    Type {
        session: i64,
        question: u32,
    },
    TypeSubmit {
        session: i64,
        question: u32,
    },
    /// `r:<session>`: "My results" after a live quiz.
    MyResults {
        session: i64,
    },
    /// `a:<assignment>`: Start (or resume) an assignment privately.
    Start {
        assignment: i64,
    },
    /// `p:<run>:<question>:<choice>`: answer a question of a private run.
    RunAnswer {
        run: i64,
        question: u32,
        choice: u8,
    },
    /// `pm:<run>:<question>`: the select menu of a multi-select question in a private run.
    RunPick {
        run: i64,
        question: u32,
    },
    /// `pt:<run>:<question>` and `ptm:<run>:<question>`: a private run's Answer button of a
    /// typed-answer question, and its modal submitted.
    RunType {
        run: i64,
        question: u32,
    },
    RunTypeSubmit {
        run: i64,
        question: u32,
    },
    /// `n:<run>:<question>`: show the run's next question (its position).
    RunNext {
        run: i64,
        question: u32,
    },
}

impl fmt::Display for CustomId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CustomId::Answer {
                session,
                question,
                choice,
            } => write!(f, "q:{session}:{question}:{choice}"),
            CustomId::Pick { session, question } => write!(f, "m:{session}:{question}"),
            CustomId::Type { session, question } => write!(f, "t:{session}:{question}"),
            CustomId::TypeSubmit { session, question } => write!(f, "tm:{session}:{question}"),
            CustomId::MyResults { session } => write!(f, "r:{session}"),
            CustomId::Start { assignment } => write!(f, "a:{assignment}"),
            CustomId::RunAnswer {
                run,
                question,
                choice,
            } => write!(f, "p:{run}:{question}:{choice}"),
            CustomId::RunPick { run, question } => write!(f, "pm:{run}:{question}"),
            CustomId::RunType { run, question } => write!(f, "pt:{run}:{question}"),
            CustomId::RunTypeSubmit { run, question } => write!(f, "ptm:{run}:{question}"),
            CustomId::RunNext { run, question } => write!(f, "n:{run}:{question}"),
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
            ["m", session, question] => CustomId::Pick {
                session: number(session)?,
                question: number(question)?,
            },
            ["pm", run, question] => CustomId::RunPick {
                run: number(run)?,
                question: number(question)?,
            },
            ["t", session, question] => CustomId::Type {
                session: number(session)?,
                question: number(question)?,
            },
            ["tm", session, question] => CustomId::TypeSubmit {
                session: number(session)?,
                question: number(question)?,
            },
            ["pt", run, question] => CustomId::RunType {
                run: number(run)?,
                question: number(question)?,
            },
            ["ptm", run, question] => CustomId::RunTypeSubmit {
                run: number(run)?,
                question: number(question)?,
            },
            ["r", session] => CustomId::MyResults {
                session: number(session)?,
            },
            ["a", assignment] => CustomId::Start {
                assignment: number(assignment)?,
            },
            ["p", run, question, choice] => CustomId::RunAnswer {
                run: number(run)?,
                question: number(question)?,
                choice: number(choice)?,
            },
            ["n", run, question] => CustomId::RunNext {
                run: number(run)?,
                question: number(question)?,
            },
            _ => return Err(BadCustomId),
        };
        // Row ids start at 1.
        let row = match id {
            CustomId::Answer { session, .. }
            | CustomId::Pick { session, .. }
            | CustomId::Type { session, .. }
            | CustomId::TypeSubmit { session, .. }
            | CustomId::MyResults { session } => session,
            CustomId::Start { assignment } => assignment,
            CustomId::RunAnswer { run, .. }
            | CustomId::RunPick { run, .. }
            | CustomId::RunType { run, .. }
            | CustomId::RunTypeSubmit { run, .. }
            | CustomId::RunNext { run, .. } => run,
        };
        if row <= 0 {
            return Err(BadCustomId);
        }
        Ok(id)
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
            CustomId::Start { assignment: 9 },
            CustomId::RunAnswer {
                run: 12,
                question: 0,
                choice: 3,
            },
            CustomId::RunNext {
                run: 12,
                question: 4,
            },
            CustomId::Pick {
                session: 5,
                question: 2,
            },
            CustomId::RunPick {
                run: 8,
                question: 0,
            },
            CustomId::Type {
                session: 3,
                question: 1,
            },
            CustomId::TypeSubmit {
                session: 3,
                question: 1,
            },
            CustomId::RunType {
                run: 4,
                question: 2,
            },
            CustomId::RunTypeSubmit {
                run: 4,
                question: 2,
            },
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
            "a:0",
            "a:1:2",
            "p:1:2",
            "p:0:1:1",
            "n:1",
            "n:1:x",
            "m:1",
            "m:0:1",
            "pm:1:2:3",
        ] {
            assert_eq!(bad.parse::<CustomId>(), Err(BadCustomId), "{bad:?}");
        }
    }
}
