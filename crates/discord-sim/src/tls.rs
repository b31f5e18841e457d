//! TLS mode: HTTPS on loopback with a certificate made at start-up for `discord.com`, and a
//! reqwest client that resolves `discord.com` to the simulator and trusts that certificate.
//! Handing that client to serenity (`HttpBuilder::client`) keeps serenity's own rate limiter in
//! the loop, which the proxy mode has to switch off.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// A certificate for discord.com (and localhost), in PEM, with its private key.
pub struct Certificate {
    pub cert_pem: String,
    cert_der: Vec<u8>,
    key_der: Vec<u8>,
}

pub fn certificate() -> anyhow::Result<Certificate> {
    let names = vec![
        "discord.com".to_string(),
        "localhost".to_string(),
        "127.0.0.1".to_string(),
    ];
    let certified = rcgen::generate_simple_self_signed(names).context("generate a certificate")?;
    Ok(Certificate {
        cert_pem: certified.cert.pem(),
        cert_der: certified.cert.der().to_vec(),
        key_der: certified.signing_key.serialize_der(),
    })
}

/// Serves `app` over TLS on `listener` until the task is aborted.
pub async fn serve(
    listener: TcpListener,
    cert: &Certificate,
    app: axum::Router,
) -> anyhow::Result<()> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let key = rustls::pki_types::PrivateKeyDer::try_from(cert.key_der.clone())
        .map_err(|e| anyhow::anyhow!("private key: {e}"))?;
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(
                cert.cert_der.clone(),
            )],
            key,
        )?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(config));
    loop {
        let (tcp, _) = listener.accept().await?;
        let _ = tcp.set_nodelay(true);
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
            let Ok(tls) = acceptor.accept(tcp).await else {
                return;
            };
            let service = TowerToHyperService::new(app);
            let _ = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new())
                .serve_connection_with_upgrades(TokioIo::new(tls), service)
                .await;
        });
    }
}

/// A reqwest client for which `https://discord.com` is this simulator.
pub fn client(addr: SocketAddr, cert_pem: &str) -> anyhow::Result<reqwest::Client> {
    let cert = reqwest::Certificate::from_pem(cert_pem.as_bytes())?;
    Ok(reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(cert)
        .resolve("discord.com", addr)
        .build()?)
}
