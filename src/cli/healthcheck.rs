//! `quizbot healthcheck`: asks the running bot's `/healthz` (at `metrics.listen`) and exits 0
//! when it answers 200, 1 otherwise with the reason — for Docker's HEALTHCHECK and service
//! managers, with no curl in the image.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use crate::config::Config;

/// The address to ask: the configured one, with an unspecified host (`0.0.0.0`, `[::]`)
/// replaced by loopback.
pub fn target(listen: SocketAddr) -> SocketAddr {
    let mut addr = listen;
    if addr.ip().is_unspecified() {
        addr.set_ip(match addr {
            SocketAddr::V4(_) => std::net::Ipv4Addr::LOCALHOST.into(),
            SocketAddr::V6(_) => std::net::Ipv6Addr::LOCALHOST.into(),
        });
    }
    addr
}

/// Ok(message) when healthy, Err(reason) otherwise.
pub async fn run(config_path: Option<&Path>) -> Result<String, String> {
    let config = Config::load(config_path, |k| std::env::var(k).ok()).map_err(|e| e.to_string())?;
    let Some(listen) = config.metrics_listen else {
        return Err(
            "metrics.listen is not set (QUIZBOT_METRICS_LISTEN): the bot serves /healthz only there"
                .into(),
        );
    };
    let url = format!("http://{}/healthz", target(listen));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(|e| e.to_string())?;
    let response = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("no answer from {url}: {e}"))?;
    let status = response.status();
    let body = response.text().await.unwrap_or_default();
    if status.is_success() {
        Ok(body.trim().to_string())
    } else {
        Err(format!("{url}: {} {}", status.as_u16(), body.trim()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unspecified_host_is_asked_on_loopback() {
        assert_eq!(
            target("0.0.0.0:9108".parse().unwrap()),
            "127.0.0.1:9108".parse().unwrap()
        );
        assert_eq!(
            target("10.0.0.5:9108".parse().unwrap()),
            "10.0.0.5:9108".parse().unwrap()
        );
        assert_eq!(
            target("[::]:1".parse().unwrap()),
            "[::1]:1".parse().unwrap()
        );
    }
}
