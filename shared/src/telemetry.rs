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

/// Displays an error with every `source()` beneath it, `outer: inner: root`,
/// so a log line keeps the cause a wrapper's own message leaves out.
pub struct ErrorChain<'a>(pub &'a (dyn std::error::Error + 'static));

impl std::fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut last = self.0.to_string();
        f.write_str(&last)?;
        let mut source = self.0.source();
        while let Some(cause) = source {
            let text = cause.to_string();
            // `#[error(transparent)]` and `"…: {0}"` wrappers already show their source's text.
            if !last.ends_with(&text) {
                write!(f, ": {text}")?;
            }
            last = text;
            source = cause.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not store the transcript")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn the_chain_names_every_cause_once() {
        let error = Outer(std::io::Error::other("disk full"));
        assert_eq!(
            ErrorChain(&error).to_string(),
            "could not store the transcript: disk full"
        );
        let plain = std::io::Error::other("refused");
        assert_eq!(ErrorChain(&plain).to_string(), "refused");
    }
}
