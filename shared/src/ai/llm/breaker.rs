//! A circuit breaker: after enough failures in a row the provider is taken
//! to be down and calls fail at once for a while, instead of every stage
//! waiting out timeouts and retries against an outage. After the cool-down
//! one call is let through; its outcome closes or reopens the circuit.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

#[derive(Debug)]
pub(crate) struct CircuitBreaker {
    threshold: u32,
    cool_down: Duration,
    state: Mutex<State>,
}

#[derive(Debug, Clone, Copy)]
enum State {
    Closed {
        failures: u32,
    },
    Open {
        until: Instant,
    },
    /// One trial call is out; the others still fail fast. A trial whose
    /// outcome never arrives (its caller gave up) stops blocking at `until`.
    HalfOpen {
        until: Instant,
    },
}

/// The circuit is open: the provider failed too often just now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Open {
    pub retry_in: Duration,
}

impl CircuitBreaker {
    pub fn new(threshold: u32, cool_down: Duration) -> Self {
        Self {
            threshold: threshold.max(1),
            cool_down,
            state: Mutex::new(State::Closed { failures: 0 }),
        }
    }

    /// May a call go out now?
    pub fn permit(&self) -> Result<(), Open> {
        self.permit_at(Instant::now())
    }

    fn permit_at(&self, now: Instant) -> Result<(), Open> {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        match *state {
            State::Closed { .. } => Ok(()),
            State::Open { until } | State::HalfOpen { until } if now >= until => {
                *state = State::HalfOpen {
                    until: now + self.cool_down,
                };
                Ok(())
            }
            State::Open { until } | State::HalfOpen { until } => Err(Open {
                retry_in: until - now,
            }),
        }
    }

    pub fn record_success(&self) {
        *self.state.lock().unwrap_or_else(PoisonError::into_inner) = State::Closed { failures: 0 };
    }

    pub fn record_failure(&self) {
        self.record_failure_at(Instant::now());
    }

    fn record_failure_at(&self, now: Instant) {
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        *state = match *state {
            State::Closed { failures } if failures + 1 < self.threshold => State::Closed {
                failures: failures + 1,
            },
            State::Closed { .. } | State::HalfOpen { .. } | State::Open { .. } => State::Open {
                until: now + self.cool_down,
            },
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opens_after_the_threshold_and_lets_one_trial_through_after_the_cool_down() {
        let breaker = CircuitBreaker::new(3, Duration::from_secs(10));
        let start = Instant::now();
        breaker.record_failure_at(start);
        breaker.record_failure_at(start);
        assert!(
            breaker.permit_at(start).is_ok(),
            "two failures are not an outage"
        );
        breaker.record_failure_at(start);
        let refused = breaker
            .permit_at(start + Duration::from_secs(4))
            .unwrap_err();
        assert_eq!(refused.retry_in, Duration::from_secs(6));

        let later = start + Duration::from_secs(10);
        assert!(breaker.permit_at(later).is_ok(), "the trial call");
        assert!(
            breaker.permit_at(later).is_err(),
            "only one trial at a time"
        );
        breaker.record_failure_at(later);
        assert!(
            breaker.permit_at(later + Duration::from_secs(9)).is_err(),
            "a failed trial reopens it"
        );
        assert!(breaker.permit_at(later + Duration::from_secs(10)).is_ok());
        breaker.record_success();
        assert!(breaker.permit_at(later + Duration::from_secs(10)).is_ok());
        assert!(breaker.permit_at(later + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn a_trial_whose_outcome_never_comes_stops_blocking_after_the_cool_down() {
        let breaker = CircuitBreaker::new(1, Duration::from_secs(10));
        let start = Instant::now();
        breaker.record_failure_at(start);
        let trial = start + Duration::from_secs(10);
        assert!(breaker.permit_at(trial).is_ok());
        assert!(breaker.permit_at(trial + Duration::from_secs(9)).is_err());
        assert!(breaker.permit_at(trial + Duration::from_secs(10)).is_ok());
    }

    #[test]
    fn a_success_resets_the_count_of_failures() {
        let breaker = CircuitBreaker::new(2, Duration::from_secs(10));
        let now = Instant::now();
        breaker.record_failure_at(now);
        breaker.record_success();
        breaker.record_failure_at(now);
        assert!(breaker.permit_at(now).is_ok());
    }
}
