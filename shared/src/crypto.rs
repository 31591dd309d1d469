//! TLS set-up: rustls has one crypto provider, ring, for every client of the
//! process (the AWS SDK's, PostgreSQL's, SMTP's, reqwest's). ring is in the
//! tree anyway (jsonwebtoken 9 signs with it, tokio-postgres-rustls hashes
//! certificates with it), and a second provider, aws-lc-rs, cost every
//! function's binary its C library (ADR 16). reqwest is built without a
//! provider of its own, so call this before building any TLS client.

/// Installs ring as the process's rustls provider. Idempotent.
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread's installation is fine: one provider is in place.
        if rustls::crypto::ring::default_provider()
            .install_default()
            .is_err()
        {
            tracing::debug!("a rustls crypto provider was installed concurrently");
        }
    }
}

/// A TLS client trusting the Mozilla roots compiled into the binary (not the
/// image's store: no files to read at a cold start, and the same trust on
/// every machine): the database's connections and the AWS SDK's.
pub fn mozilla_client_config() -> rustls::ClientConfig {
    install_tls_provider();
    let roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    rustls::ClientConfig::builder()
        .with_root_certificates(roots)
        .with_no_client_auth()
}
