//! When to try a failed request again: exponential backoff with full
//! jitter, unless the server said when (`Retry-After`).

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Backoff for one request's retries.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Backoff {
    pub base: Duration,
    pub cap: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Self {
            base: Duration::from_millis(500),
            cap: Duration::from_secs(20),
        }
    }
}

impl Backoff {
    /// The wait before retry number `retry` (0 for the first): a random
    /// time up to `base · 2^retry`, capped, so that clients that failed
    /// together do not come back together.
    pub fn delay(&self, retry: u32) -> Duration {
        let ceiling = self
            .base
            .saturating_mul(2u32.saturating_pow(retry))
            .min(self.cap);
        let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::rng().random_range(0..=millis))
    }
}

/// A `Retry-After` header: seconds, or an HTTP date.
pub(crate) fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("7", now), Some(Duration::from_secs(7)));
        let later = httpdate::fmt_http_date(now + Duration::from_secs(12));
        assert_eq!(retry_after(&later, now), Some(Duration::from_secs(12)));
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(12));
        assert_eq!(retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_with_each_retry_and_stops_at_the_cap() {
        let backoff = Backoff {
            base: Duration::from_millis(100),
            cap: Duration::from_millis(700),
        };
        for _ in 0..200 {
            assert!(backoff.delay(0) <= Duration::from_millis(100));
            assert!(backoff.delay(2) <= Duration::from_millis(400));
            assert!(backoff.delay(30) <= Duration::from_millis(700));
        }
        // Full jitter: over many draws the waits spread out, not one value.
        let draws: std::collections::BTreeSet<Duration> =
            (0..50).map(|_| backoff.delay(3)).collect();
        assert!(draws.len() > 10, "{draws:?}");
    }
}
