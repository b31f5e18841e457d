//! TLS to the PostgreSQL server through rustls (the same TLS stack serenity uses, with ring):
//! used when the URL asks for it (`sslmode=require`; `prefer`, the default, tries it and falls
//! back). Certificates are checked against the public web roots (webpki-roots), plus the
//! certificates in the PEM file `QUIZBOT_DATABASE_CA` names — managed databases (Amazon RDS,
//! Azure, a company CA) sign with their own. A Unix socket never uses TLS.

use std::sync::Arc;

use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The environment variable that names extra CA certificates (PEM).
pub const CA_ENV: &str = "QUIZBOT_DATABASE_CA";

pub(super) fn connector() -> Result<MakeRustlsConnect, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = std::env::var_os(CA_ENV).filter(|p| !p.is_empty()) {
        let shown = std::path::Path::new(&path).display().to_string();
        let certs = CertificateDer::pem_file_iter(&path)
            .map_err(|e| format!("cannot read {CA_ENV}={shown}: {e}"))?;
        let mut added = 0;
        for cert in certs {
            let cert = cert.map_err(|e| format!("{CA_ENV}={shown} is not PEM: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("{CA_ENV}={shown}: a certificate is unusable: {e}"))?;
            added += 1;
        }
        if added == 0 {
            return Err(format!("{CA_ENV}={shown} holds no certificate"));
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("TLS set-up: {e}"))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(MakeRustlsConnect::new(config))
}
