//! The ordered record of everything that crossed the wire: REST calls with their status, and
//! gateway frames both ways. Tests read it to check order and counts.

use std::time::Instant;

use parking_lot::Mutex;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Entry {
    Rest {
        method: String,
        path: String,
        status: u16,
        /// The request body (JSON, or multipart's `payload_json`), cut at 8 KiB.
        body: Option<String>,
    },
    /// A frame the simulator sent to the bot.
    GatewaySend {
        op: u8,
        t: Option<String>,
        s: Option<u64>,
        /// Sent as a zlib-compressed binary frame.
        compressed: bool,
    },
    /// A frame the bot sent.
    GatewayRecv {
        op: u8,
    },
    GatewayClose {
        code: u16,
    },
}

#[derive(Debug, Clone, Serialize)]
pub struct LogLine {
    /// Milliseconds since the simulator started.
    pub at_ms: f64,
    #[serde(flatten)]
    pub entry: Entry,
}

pub struct Log {
    started: Instant,
    lines: Mutex<Vec<LogLine>>,
}

impl Log {
    pub fn new() -> Self {
        Log {
            started: Instant::now(),
            lines: Mutex::new(Vec::new()),
        }
    }

    pub fn push(&self, entry: Entry) {
        let at_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        self.lines.lock().push(LogLine { at_ms, entry });
    }

    pub fn snapshot(&self) -> Vec<LogLine> {
        self.lines.lock().clone()
    }

    pub fn len(&self) -> usize {
        self.lines.lock().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Log {
    fn default() -> Self {
        Self::new()
    }
}
