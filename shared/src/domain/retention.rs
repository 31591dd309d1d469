//! How long a coach keeps transcripts, and what goes with them.

use chrono::{DateTime, Duration, Utc};

/// A week at least, so a session's processing, review and follow-up are done
/// before its transcript can go.
pub const MIN_TRANSCRIPT_RETENTION_DAYS: u32 = 7;
/// Ten years: longer than any professional body asks records to be kept.
pub const MAX_TRANSCRIPT_RETENTION_DAYS: u32 = 3650;

/// The coach's retention setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Transcripts of sessions held longer ago than this many days are removed;
    /// `None` keeps them until the coach deletes them.
    pub transcript_days: Option<u32>,
    /// Whether a session's summary (and the commitments drawn from it) goes
    /// with its transcript; by default it stays.
    pub delete_summaries: bool,
}

/// Why a retention period is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "must be between {MIN_TRANSCRIPT_RETENTION_DAYS} and {MAX_TRANSCRIPT_RETENTION_DAYS} days, or null to keep transcripts"
)]
pub struct InvalidRetention;

/// A retention period in days, checked against the limits.
pub fn transcript_days(days: u32) -> Result<u32, InvalidRetention> {
    if (MIN_TRANSCRIPT_RETENTION_DAYS..=MAX_TRANSCRIPT_RETENTION_DAYS).contains(&days) {
        Ok(days)
    } else {
        Err(InvalidRetention)
    }
}

/// The moment before which a session held is past a retention of `days`.
pub fn cutoff(now: DateTime<Utc>, days: u32) -> DateTime<Utc> {
    now - Duration::days(i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_outside_the_limits_are_refused() {
        assert_eq!(transcript_days(6), Err(InvalidRetention));
        assert_eq!(transcript_days(7), Ok(7));
        assert_eq!(transcript_days(3650), Ok(3650));
        assert_eq!(transcript_days(3651), Err(InvalidRetention));
        assert_eq!(transcript_days(0), Err(InvalidRetention));
    }

    #[test]
    fn the_cutoff_is_that_many_whole_days_back() {
        let now = "2026-12-03T06:00:00Z"
            .parse::<DateTime<Utc>>()
            .expect("a time");
        assert_eq!(
            cutoff(now, 30),
            "2026-11-03T06:00:00Z"
                .parse::<DateTime<Utc>>()
                .expect("a time")
        );
    }
}
