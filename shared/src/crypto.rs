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
