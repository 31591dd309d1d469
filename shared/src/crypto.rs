//! TLS set-up: rustls has one crypto provider, aws-lc-rs (the AWS SDK's).
//! reqwest is built without its ring provider, so it uses the process-wide
//! one installed here; call this before building any TLS client.
//!
//! `ring` is still in the tree as a plain crypto library, not as a rustls
//! provider: tokio-postgres-rustls hashes certificates with it for channel
//! binding, and jsonwebtoken 9 signs HS256 with it.

/// Installs aws-lc-rs as the process's rustls provider. Idempotent.
pub fn install_tls_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Losing a race to another thread's installation is fine: one provider is in place.
        if rustls::crypto::aws_lc_rs::default_provider()
            .install_default()
            .is_err()
        {
            tracing::debug!("a rustls crypto provider was installed concurrently");
        }
    }
}
