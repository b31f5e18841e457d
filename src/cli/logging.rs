//! Logging to stderr, with interaction tokens taken out. An interaction token is a 15-minute
//! credential: whoever has it can answer, edit and follow up the interaction as the bot. The
//! bot's own log lines never carry one, but serenity's debug and trace lines do (REST routes
//! such as `/interactions/{id}/{token}/callback` and `/webhooks/{app}/{token}`, and parsed
//! interactions printed with their `token` field). Every line passes through [`redact`] on its
//! way out, at every level.

use std::io::Write;

use tracing_subscriber::fmt::MakeWriter;

/// Sets up logging once, from the configured filter (`RUST_LOG` wins), with the watch for
/// gateway closes that must stop the bot beside it (under its own filter, so that it sees
/// serenity's errors whatever the log shows).
pub fn init(filter: &str) {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let watch = crate::discord::shards::CloseWatch;
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::fmt::layer()
                .with_writer(Redacted)
                .with_filter(filter),
        )
        .with(watch.with_filter(crate::discord::shards::CloseWatch::filter()))
        .try_init();
}

/// What replaces a token.
const HIDDEN: &str = "[redacted]";

/// Path segments after which the next segment (after an id) is a token.
const ROUTES: [&str; 2] = ["/interactions/", "/webhooks/"];

/// Field names whose value is a token, as Rust's `Debug` (`token: "…"`) and JSON
/// (`"token":"…"`) print them.
const FIELDS: [&str; 3] = ["token: \"", "\"token\":\"", "\"token\": \""];

/// The line with every interaction token replaced by `[redacted]`.
pub fn redact(line: &str) -> String {
    let mut out = line.to_string();
    for route in ROUTES {
        out = redact_routes(&out, route);
    }
    for field in FIELDS {
        out = redact_fields(&out, field);
    }
    out
}

/// `…/interactions/123/TOKEN/callback` → `…/interactions/123/[redacted]/callback`.
fn redact_routes(line: &str, route: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(route) {
        let (before, after) = rest.split_at(at + route.len());
        out.push_str(before);
        let id_len = after.bytes().take_while(u8::is_ascii_digit).count();
        let (id, after) = after.split_at(id_len);
        out.push_str(id);
        match after.strip_prefix('/') {
            Some(tail) if id_len > 0 => {
                let token_len = tail
                    .find(|c: char| {
                        matches!(c, '/' | '?' | '"' | '\'' | ' ' | ')' | ',') || c.is_whitespace()
                    })
                    .unwrap_or(tail.len());
                out.push('/');
                if token_len > 0 {
                    out.push_str(HIDDEN);
                }
                rest = &tail[token_len..];
            }
            _ => rest = after,
        }
    }
    out.push_str(rest);
    out
}

/// `token: "SECRET"` → `token: "[redacted]"` (escaped quotes inside stay inside).
fn redact_fields(line: &str, field: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find(field) {
        let (before, after) = rest.split_at(at + field.len());
        out.push_str(before);
        let mut end = after.len();
        let mut escaped = false;
        for (i, c) in after.char_indices() {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        if end > 0 {
            out.push_str(HIDDEN);
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// Hands tracing a [`Line`] per event.
struct Redacted;

impl<'a> MakeWriter<'a> for Redacted {
    type Writer = Line;

    fn make_writer(&'a self) -> Line {
        Line(Vec::with_capacity(256))
    }
}

/// One event's text, redacted and written to stderr in one piece when tracing is done with it.
struct Line(Vec<u8>);

impl Write for Line {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let _ = std::io::stderr().lock().write_all(redact(&text).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn tokens_are_taken_out_of_every_shape_serenity_prints() {
        for (line, expected) in [
            (
                "POST https://discord.com/api/v10/interactions/1234/aW50ZXJhY3Rpb246MTIz/callback",
                "POST https://discord.com/api/v10/interactions/1234/[redacted]/callback",
            ),
            (
                "route=/webhooks/99/aW50.ZXJ-hY3_Rpb24/messages/@original?wait=true",
                "route=/webhooks/99/[redacted]/messages/@original?wait=true",
            ),
            (
                "url: \"http://127.0.0.1:4000/api/v10/webhooks/5/tok\" status: 200",
                "url: \"http://127.0.0.1:4000/api/v10/webhooks/5/[redacted]\" status: 200",
            ),
            (
                "ComponentInteraction { id: 7, token: \"aW50ZXJh\\\"Y3Rpb24\", version: 1 }",
                "ComponentInteraction { id: 7, token: \"[redacted]\", version: 1 }",
            ),
            (
                "{\"id\":\"7\",\"token\":\"aW50ZXJhY3Rpb24\",\"type\":3}",
                "{\"id\":\"7\",\"token\":\"[redacted]\",\"type\":3}",
            ),
            (
                "two: /interactions/1/a/callback and /interactions/2/b/callback",
                "two: /interactions/1/[redacted]/callback and /interactions/2/[redacted]/callback",
            ),
        ] {
            assert_eq!(redact(line), expected);
        }
    }

    #[test]
    fn lines_without_tokens_are_left_as_they_are() {
        for line in [
            "quiz started session=3 channel=44",
            "GET /channels/44/messages",
            "see /webhooks/ and /interactions/abc/def: no id, no token",
            "token: \"\" (empty)",
            "",
            "ünïcødé /interactions/1",
        ] {
            assert_eq!(redact(line), line);
        }
    }
}
