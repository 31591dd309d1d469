//! TLS set-up. Both `ring` (via jsonwebtoken and reqwest) and `aws-lc-rs`
//! (via the AWS SDK) end up in the tree; rustls then refuses to guess and
//! panics unless one provider is installed process-wide before first use.

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
