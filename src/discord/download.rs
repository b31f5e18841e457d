//! Downloading an uploaded quiz file: streamed, stopped as soon as it passes the size limit
//! whatever its attachment object says it holds, and time-boxed. serenity's
//! `Attachment::download` reads the whole body, whatever its size, with a client that has no
//! timeout: a file larger than declared grew the bot's memory by its size.

use std::time::Duration;

/// How long one download may take in all.
pub const DOWNLOAD_TIME: Duration = Duration::from_secs(30);

#[derive(Debug)]
pub enum Downloaded {
    Bytes(Vec<u8>),
    /// More than the limit arrived; the rest was not read.
    TooLarge,
    Failed(String),
}

/// The body at `url`, if it holds at most `max` bytes and arrives within `within`.
pub async fn capped(url: &str, max: usize, within: Duration) -> Downloaded {
    let client = match reqwest::Client::builder()
        .use_rustls_tls()
        .timeout(within)
        .build()
    {
        Ok(c) => c,
        Err(e) => return Downloaded::Failed(e.to_string()),
    };
    let mut response = match client.get(url).send().await {
        Ok(r) if r.status().is_success() => r,
        Ok(r) => return Downloaded::Failed(format!("HTTP {}", r.status())),
        Err(e) => return Downloaded::Failed(e.to_string()),
    };
    if response.content_length().is_some_and(|n| n > max as u64) {
        return Downloaded::TooLarge;
    }
    let mut bytes = Vec::with_capacity(response.content_length().map_or(64 * 1024, |n| n as usize));
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > max {
                    return Downloaded::TooLarge;
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Downloaded::Bytes(bytes),
            Err(e) => return Downloaded::Failed(e.to_string()),
        }
    }
}
