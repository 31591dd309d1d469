//! How long a coach keeps transcripts, and what goes with them.

/// A week at least, so a session's processing, review and follow-up are done
/// before its transcript can go.
pub const MIN_TRANSCRIPT_RETENTION_DAYS: u32 = 7;
/// Ten years: longer than any professional body asks records to be kept.
pub const MAX_TRANSCRIPT_RETENTION_DAYS: u32 = 3650;

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
}
