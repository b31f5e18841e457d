//! What a test (or `quizbot rehearse`, or a benchmark) does with the simulated Discord: build a
//! world, run slash commands and click buttons as members, wait for things to happen, and read
//! what members see.

mod build;
mod inject;
mod interact;
mod read;
mod wait;

use std::time::Duration;

/// How often [`crate::Sim::wait_until`] looks again when nothing in the simulator changed.
const RECHECK: Duration = Duration::from_millis(50);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SimError {
    #[error("no such {0}")]
    Unknown(&'static str),
    #[error("the command /{0} is not registered in this guild or globally")]
    UnknownCommand(String),
    #[error("the command has no option `{0}`")]
    UnknownOption(String),
    #[error("the required option `{0}` is missing")]
    MissingOption(String),
    #[error("option `{name}`: {why}")]
    BadOption { name: String, why: String },
    #[error("Discord would not show /{0} to this member (default_member_permissions)")]
    NotPermitted(String),
    #[error("the message has no button with custom_id {0:?}")]
    NoSuchButton(String),
    #[error("the button {0:?} is disabled")]
    ButtonDisabled(String),
    #[error("Discord's client would not send this choice from select menu {menu:?}: {why}")]
    BadSelection { menu: String, why: String },
    #[error("the member cannot see that message")]
    NotVisible,
    #[error("timed out after {0:?} waiting for {1}")]
    Timeout(Duration, String),
}

/// An option value for a command: text (typed by the command's registered schema) or a file.
#[derive(Debug, Clone)]
pub enum Arg {
    Text(String),
    File {
        filename: String,
        content_type: String,
        bytes: Vec<u8>,
        /// The size the attachment object states, when it is not the body's (a client that
        /// lies); `None`: the body's.
        declared_size: Option<usize>,
    },
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Text(s.to_string())
    }
}

impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Text(s)
    }
}

impl Arg {
    pub fn file(filename: &str, bytes: impl Into<Vec<u8>>) -> Self {
        let content_type = match filename.rsplit('.').next() {
            Some("md") => "text/markdown; charset=utf-8",
            Some("toml") => "application/toml",
            Some("json") => "application/json",
            _ => "application/octet-stream",
        };
        Arg::File {
            filename: filename.to_string(),
            content_type: content_type.to_string(),
            bytes: bytes.into(),
            declared_size: None,
        }
    }

    /// A file whose attachment object states `declared` bytes, whatever its body holds.
    pub fn file_declaring(filename: &str, bytes: impl Into<Vec<u8>>, declared: usize) -> Self {
        match Arg::file(filename, bytes) {
            Arg::File {
                filename,
                content_type,
                bytes,
                ..
            } => Arg::File {
                filename,
                content_type,
                bytes,
                declared_size: Some(declared),
            },
            text => text,
        }
    }
}

/// Everything about a guild a test usually needs.
#[derive(Debug, Clone)]
pub struct GuildSetup {
    pub guild: u64,
    pub channels: Vec<u64>,
    /// The owner: has every permission.
    pub owner: u64,
    pub members: Vec<u64>,
}
