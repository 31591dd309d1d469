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

/// The error and its sources, one after another (`a: b: c`), for the log.
/// A source already spelled out by its parent is not repeated, and database
/// errors lose their DETAIL line, which carries row values (client data).
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    fn describe(error: &(dyn std::error::Error + 'static)) -> String {
        match error.downcast_ref::<tokio_postgres::error::DbError>() {
            Some(db) => {
                let mut text = format!("{} {}: {}", db.severity(), db.code().code(), db.message());
                if let Some(constraint) = db.constraint() {
                    text.push_str(&format!(" (constraint {constraint})"));
                }
                text
            }
            None => error.to_string(),
        }
    }
    let mut chain = describe(error);
    let mut cause = error.source();
    while let Some(error) = cause {
        let part = describe(error);
        if !chain.contains(&part) {
            chain.push_str(": ");
            chain.push_str(&part);
        }
        cause = error.source();
    }
    chain
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not store the transcript")]
    struct Outer(#[source] std::io::Error);

    #[derive(Debug, thiserror::Error)]
    #[error("queue unavailable: {0}")]
    struct Repeating(#[source] std::io::Error);

    #[test]
    fn the_chain_names_every_cause_once() {
        let error = Outer(std::io::Error::other("disk full"));
        assert_eq!(
            error_chain(&error),
            "could not store the transcript: disk full"
        );
        let repeating = Repeating(std::io::Error::other("timed out"));
        assert_eq!(error_chain(&repeating), "queue unavailable: timed out");
    }
}
