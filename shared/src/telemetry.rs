//! JSON logs with request, session and job ids carried by spans.

use tracing_subscriber::{fmt, EnvFilter};

/// Installs the global subscriber. `RUST_LOG` overrides the default `info`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let result = fmt()
        .json()
        .with_env_filter(filter)
        .with_current_span(true)
        .with_span_list(true)
        .with_writer(std::io::stderr)
        .try_init();
    if result.is_err() {
        // A subscriber is already installed (tests); keep it.
    }
}
