//! The follow-up email's lifecycle as a pure state machine.
//!
//! `draft → approved → scheduled → sending → sent`, with `failed` (the provider
//! said no), `cancelled`, and `unknown` (handed to the provider, outcome never
//! recorded). The store persists a transition only after `next_status` allows it,
//! so every caller (API, dispatcher, automatic scheduler) obeys the same rules.

use chrono::{DateTime, TimeDelta, Utc};

use super::FollowUpStatus;

/// What someone asks of a follow-up: the coach, the automatic scheduler or the dispatcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FollowUpAction {
    /// The coach changes the text; the store keeps each edit as a new version.
    Edit,
    /// The coach approves the text; the store pins the approved version.
    Approve,
    /// The coach picks a send time (already resolved to a UTC instant).
    Schedule,
    /// The coach wants it sent as soon as possible: scheduled for now, so the
    /// dispatcher stays the only thing that hands mail to the provider.
    SendNow,
    /// The coach's "send without approval after N hours" setting scheduling a draft.
    AutoSchedule,
    /// The coach withdraws it before it is handed to the provider.
    Cancel,
    /// The dispatcher takes a due follow-up to hand it to the provider.
    Claim,
    /// The dispatcher records the provider's acceptance (with its message id).
    RecordSent,
    /// The dispatcher records the provider's refusal (with its reason).
    RecordFailed,
    /// The outcome of a hand-off was lost (crash or timeout after the hand-off).
    RecordUnknown,
    /// The coach confirms an `unknown` one did reach the client.
    ResolveAsSent,
    /// The coach decides an `unknown` one should go out again.
    ResolveAsResend,
}

impl FollowUpAction {
    pub const ALL: [Self; 12] = [
        Self::Edit,
        Self::Approve,
        Self::Schedule,
        Self::SendNow,
        Self::AutoSchedule,
        Self::Cancel,
        Self::Claim,
        Self::RecordSent,
        Self::RecordFailed,
        Self::RecordUnknown,
        Self::ResolveAsSent,
        Self::ResolveAsResend,
    ];

    /// The action's name in the audit log, whoever takes it (the API, the
    /// dispatcher, the auto-send setting).
    pub fn audit_action(self) -> &'static str {
        match self {
            Self::Edit => "follow_up.edit",
            Self::Approve => "follow_up.approve",
            Self::Schedule => "follow_up.schedule",
            Self::SendNow => "follow_up.send_now",
            Self::AutoSchedule => "follow_up.auto_schedule",
            Self::Cancel => "follow_up.cancel",
            Self::Claim => "follow_up.claim",
            Self::RecordSent => "follow_up.sent",
            Self::RecordFailed => "follow_up.failed",
            Self::RecordUnknown => "follow_up.unknown",
            Self::ResolveAsSent => "follow_up.resolve_sent",
            Self::ResolveAsResend => "follow_up.resolve_resend",
        }
    }

    /// The action as a person would say it; it completes "cannot … a follow-up".
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Edit => "edit",
            Self::Approve => "approve",
            Self::Schedule => "schedule",
            Self::SendNow => "send",
            Self::AutoSchedule => "auto-schedule",
            Self::Cancel => "cancel",
            Self::Claim => "claim for sending",
            Self::RecordSent => "record as sent",
            Self::RecordFailed => "record as failed",
            Self::RecordUnknown => "record as unknown",
            Self::ResolveAsSent => "resolve as sent",
            Self::ResolveAsResend => "resend",
        }
    }
}

impl std::fmt::Display for FollowUpAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An action the follow-up's current status does not allow. It names both, so
/// the API can answer 409 with the state the follow-up is actually in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a follow-up that is {from}")]
pub struct IllegalTransition {
    pub from: FollowUpStatus,
    pub action: FollowUpAction,
}

/// The status after `action`, or why it may not happen.
pub fn next_status(
    from: FollowUpStatus,
    action: FollowUpAction,
) -> Result<FollowUpStatus, IllegalTransition> {
    use self::FollowUpAction as Action;
    use self::FollowUpStatus as Status;

    let to = match (from, action) {
        (Status::Draft, Action::Edit) => Status::Draft,
        (Status::Draft, Action::Approve) => Status::Approved,
        // The coach's own schedule needs approval first; only their standing
        // "send without approval" setting may schedule a draft.
        (Status::Draft, Action::AutoSchedule) => Status::Scheduled,
        // Scheduling again moves the send time; a failed one is retried the same way.
        (
            Status::Approved | Status::Scheduled | Status::Failed,
            Action::Schedule | Action::SendNow,
        ) => Status::Scheduled,
        // Once handed to the provider the mail may already be in the client's inbox.
        (Status::Draft | Status::Approved | Status::Scheduled | Status::Failed, Action::Cancel) => {
            Status::Cancelled
        }
        (Status::Scheduled, Action::Claim) => Status::Sending,
        (Status::Sending, Action::RecordSent) => Status::Sent,
        (Status::Sending, Action::RecordFailed) => Status::Failed,
        (Status::Sending, Action::RecordUnknown) => Status::Unknown,
        // The provider's answer arrived after the hand-off was declared
        // unknown: it says what happened.
        (Status::Unknown, Action::RecordSent) => Status::Sent,
        (Status::Unknown, Action::RecordFailed) => Status::Failed,
        // Only the coach can tell whether the client got it; a resend risks a
        // duplicate, which is theirs to accept.
        (Status::Unknown, Action::ResolveAsSent) => Status::Sent,
        (Status::Unknown, Action::ResolveAsResend) => Status::Scheduled,
        _ => return Err(IllegalTransition { from, action }),
    };
    Ok(to)
}

/// Whether nothing more can happen to a follow-up in this status.
pub fn is_terminal(status: FollowUpStatus) -> bool {
    matches!(status, FollowUpStatus::Sent | FollowUpStatus::Cancelled)
}

/// Whether the coach may change the text in this status.
pub fn is_editable(status: FollowUpStatus) -> bool {
    next_status(status, FollowUpAction::Edit).is_ok()
}

/// The longest "in N hours" accepted: a follow-up a month out is no longer a follow-up,
/// and a bound keeps a typo from scheduling mail years ahead.
pub const MAX_SEND_DELAY_HOURS: u32 = 24 * 30;

/// The instant `hours` after `from`, for "send in N hours".
///
/// `None` when `hours` is zero (that is "send now", a different action), above
/// [`MAX_SEND_DELAY_HOURS`], or past the end of representable time.
pub fn send_at_after(hours: u32, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    if hours == 0 || hours > MAX_SEND_DELAY_HOURS {
        return None;
    }
    from.checked_add_signed(TimeDelta::try_hours(i64::from(hours))?)
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::TimeZone;

    use super::*;
    use super::{FollowUpAction as A, FollowUpStatus as S};

    const STATUSES: [FollowUpStatus; 8] = [
        S::Draft,
        S::Approved,
        S::Scheduled,
        S::Sending,
        S::Sent,
        S::Failed,
        S::Cancelled,
        S::Unknown,
    ];

    /// Every legal transition; anything not listed must be refused.
    const LEGAL: &[(FollowUpStatus, FollowUpAction, FollowUpStatus)] = &[
        (S::Draft, A::Edit, S::Draft),
        (S::Draft, A::Approve, S::Approved),
        (S::Draft, A::AutoSchedule, S::Scheduled),
        (S::Draft, A::Cancel, S::Cancelled),
        (S::Approved, A::Schedule, S::Scheduled),
        (S::Approved, A::SendNow, S::Scheduled),
        (S::Approved, A::Cancel, S::Cancelled),
        (S::Scheduled, A::Schedule, S::Scheduled),
        (S::Scheduled, A::SendNow, S::Scheduled),
        (S::Scheduled, A::Cancel, S::Cancelled),
        (S::Scheduled, A::Claim, S::Sending),
        (S::Sending, A::RecordSent, S::Sent),
        (S::Sending, A::RecordFailed, S::Failed),
        (S::Sending, A::RecordUnknown, S::Unknown),
        (S::Failed, A::Schedule, S::Scheduled),
        (S::Failed, A::SendNow, S::Scheduled),
        (S::Failed, A::Cancel, S::Cancelled),
        (S::Unknown, A::RecordSent, S::Sent),
        (S::Unknown, A::RecordFailed, S::Failed),
        (S::Unknown, A::ResolveAsSent, S::Sent),
        (S::Unknown, A::ResolveAsResend, S::Scheduled),
    ];

    fn run(
        from: FollowUpStatus,
        actions: &[FollowUpAction],
    ) -> Result<FollowUpStatus, IllegalTransition> {
        actions
            .iter()
            .try_fold(from, |status, &action| next_status(status, action))
    }

    fn at(year: i32, month: u32, day: u32, hour: u32, minute: u32, second: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, month, day, hour, minute, second)
            .unwrap()
    }

    #[test]
    fn statuses_and_actions_are_listed_once_each() {
        assert_eq!(
            STATUSES.iter().collect::<HashSet<_>>().len(),
            STATUSES.len()
        );
        assert_eq!(A::ALL.iter().collect::<HashSet<_>>().len(), A::ALL.len());
        let pairs: HashSet<_> = LEGAL
            .iter()
            .map(|&(from, action, _)| (from, action))
            .collect();
        assert_eq!(
            pairs.len(),
            LEGAL.len(),
            "a (status, action) pair is listed twice"
        );
    }

    #[test]
    fn every_legal_transition_reaches_its_status() {
        for &(from, action, to) in LEGAL {
            assert_eq!(next_status(from, action), Ok(to), "{from} + {action}");
        }
    }

    #[test]
    fn every_other_pair_is_refused_naming_status_and_action() {
        let mut allowed = 0;
        for from in STATUSES {
            for action in A::ALL {
                let legal_to = LEGAL
                    .iter()
                    .find(|&&(f, a, _)| f == from && a == action)
                    .map(|&(_, _, to)| to);
                match legal_to {
                    Some(to) => {
                        allowed += 1;
                        assert_eq!(next_status(from, action), Ok(to), "{from} + {action}");
                    }
                    None => assert_eq!(
                        next_status(from, action),
                        Err(IllegalTransition { from, action }),
                        "{from} + {action} should be refused"
                    ),
                }
            }
        }
        assert_eq!(allowed, LEGAL.len());
    }

    #[test]
    fn refusal_reads_as_a_sentence() {
        assert_eq!(
            IllegalTransition {
                from: S::Sent,
                action: A::Approve
            }
            .to_string(),
            "cannot approve a follow-up that is sent"
        );
        assert_eq!(
            next_status(S::Cancelled, A::SendNow)
                .unwrap_err()
                .to_string(),
            "cannot send a follow-up that is cancelled"
        );
        assert_eq!(
            next_status(S::Unknown, A::Cancel).unwrap_err().to_string(),
            "cannot cancel a follow-up that is unknown"
        );
    }

    #[test]
    fn actions_read_as_a_person_says_them() {
        let labels: Vec<_> = A::ALL.iter().map(|action| action.as_str()).collect();
        assert_eq!(
            labels,
            [
                "edit",
                "approve",
                "schedule",
                "send",
                "auto-schedule",
                "cancel",
                "claim for sending",
                "record as sent",
                "record as failed",
                "record as unknown",
                "resolve as sent",
                "resend",
            ]
        );
        for action in A::ALL {
            assert_eq!(action.to_string(), action.as_str());
        }
    }

    #[test]
    fn happy_path_goes_from_draft_to_sent() {
        let mut status = S::Draft;
        for (action, expected) in [
            (A::Approve, S::Approved),
            (A::Schedule, S::Scheduled),
            (A::Claim, S::Sending),
            (A::RecordSent, S::Sent),
        ] {
            status = next_status(status, action).unwrap();
            assert_eq!(status, expected, "after {action}");
        }
        assert!(is_terminal(status));
    }

    #[test]
    fn send_now_goes_through_the_dispatcher() {
        assert_eq!(run(S::Approved, &[A::SendNow]), Ok(S::Scheduled));
        assert_eq!(
            run(S::Approved, &[A::SendNow, A::Claim, A::RecordSent]),
            Ok(S::Sent)
        );
    }

    #[test]
    fn only_drafts_are_edited_and_edits_keep_the_draft() {
        assert_eq!(run(S::Draft, &[A::Edit, A::Edit, A::Edit]), Ok(S::Draft));
        assert_eq!(
            run(S::Draft, &[A::Edit, A::Approve, A::Edit]),
            Err(IllegalTransition {
                from: S::Approved,
                action: A::Edit
            })
        );
        let editable: Vec<_> = STATUSES.into_iter().filter(|&s| is_editable(s)).collect();
        assert_eq!(editable, [S::Draft]);
    }

    #[test]
    fn coach_schedules_only_approved_but_the_setting_schedules_drafts() {
        assert_eq!(
            next_status(S::Draft, A::Schedule),
            Err(IllegalTransition {
                from: S::Draft,
                action: A::Schedule
            })
        );
        assert_eq!(
            next_status(S::Draft, A::SendNow),
            Err(IllegalTransition {
                from: S::Draft,
                action: A::SendNow
            })
        );
        assert_eq!(next_status(S::Draft, A::AutoSchedule), Ok(S::Scheduled));
        let auto_schedulable: Vec<_> = STATUSES
            .into_iter()
            .filter(|&s| next_status(s, A::AutoSchedule).is_ok())
            .collect();
        assert_eq!(auto_schedulable, [S::Draft]);
    }

    #[test]
    fn a_scheduled_one_can_be_moved() {
        assert_eq!(
            run(S::Approved, &[A::Schedule, A::Schedule, A::SendNow]),
            Ok(S::Scheduled)
        );
    }

    #[test]
    fn dispatcher_claims_only_scheduled_ones() {
        let claimable: Vec<_> = STATUSES
            .into_iter()
            .filter(|&s| next_status(s, A::Claim).is_ok())
            .collect();
        assert_eq!(claimable, [S::Scheduled]);
    }

    #[test]
    fn outcomes_are_recorded_while_sending_and_a_late_answer_settles_unknown() {
        for (action, outcome, late) in [
            (A::RecordSent, S::Sent, true),
            (A::RecordFailed, S::Failed, true),
            (A::RecordUnknown, S::Unknown, false),
        ] {
            assert_eq!(next_status(S::Sending, action), Ok(outcome));
            assert_eq!(next_status(S::Unknown, action).is_ok(), late, "{action:?}");
            for from in STATUSES
                .into_iter()
                .filter(|&s| s != S::Sending && s != S::Unknown)
            {
                assert_eq!(
                    next_status(from, action),
                    Err(IllegalTransition { from, action })
                );
            }
        }
    }

    #[test]
    fn failed_one_is_retried_or_cancelled() {
        let failed = run(S::Scheduled, &[A::Claim, A::RecordFailed]);
        assert_eq!(failed, Ok(S::Failed));
        assert_eq!(
            run(S::Failed, &[A::SendNow, A::Claim, A::RecordSent]),
            Ok(S::Sent)
        );
        assert_eq!(run(S::Failed, &[A::Schedule]), Ok(S::Scheduled));
        assert_eq!(run(S::Failed, &[A::Cancel]), Ok(S::Cancelled));
        assert!(!is_terminal(S::Failed));
    }

    #[test]
    fn unknown_is_resolved_as_sent_or_resent() {
        let unknown = run(S::Scheduled, &[A::Claim, A::RecordUnknown]);
        assert_eq!(unknown, Ok(S::Unknown));
        assert_eq!(run(S::Unknown, &[A::ResolveAsSent]), Ok(S::Sent));
        assert_eq!(
            run(S::Unknown, &[A::ResolveAsResend, A::Claim, A::RecordSent]),
            Ok(S::Sent)
        );
        assert!(!is_terminal(S::Unknown));
    }

    #[test]
    fn only_unknown_ones_are_resolved() {
        for action in [A::ResolveAsSent, A::ResolveAsResend] {
            let resolvable: Vec<_> = STATUSES
                .into_iter()
                .filter(|&s| next_status(s, action).is_ok())
                .collect();
            assert_eq!(resolvable, [S::Unknown], "{action}");
        }
    }

    #[test]
    fn cancel_is_allowed_until_sending() {
        let cancellable: Vec<_> = STATUSES
            .into_iter()
            .filter(|&s| next_status(s, A::Cancel).is_ok())
            .collect();
        assert_eq!(
            cancellable,
            [S::Draft, S::Approved, S::Scheduled, S::Failed]
        );
        for from in [S::Sending, S::Sent, S::Unknown, S::Cancelled] {
            assert_eq!(
                next_status(from, A::Cancel),
                Err(IllegalTransition {
                    from,
                    action: A::Cancel
                })
            );
        }
    }

    #[test]
    fn terminal_states_accept_nothing() {
        let terminal: Vec<_> = STATUSES.into_iter().filter(|&s| is_terminal(s)).collect();
        assert_eq!(terminal, [S::Sent, S::Cancelled]);
        for status in STATUSES {
            let accepts_something = A::ALL
                .into_iter()
                .any(|action| next_status(status, action).is_ok());
            assert_eq!(
                accepts_something,
                !is_terminal(status),
                "{status} terminal = {}",
                is_terminal(status)
            );
        }
    }

    #[test]
    fn send_at_after_adds_whole_hours() {
        let from = at(2025, 3, 10, 9, 30, 15);
        assert_eq!(send_at_after(1, from), Some(at(2025, 3, 10, 10, 30, 15)));
        assert_eq!(send_at_after(48, from), Some(at(2025, 3, 12, 9, 30, 15)));
    }

    #[test]
    fn send_at_after_refuses_zero_and_beyond_the_cap() {
        let from = at(2025, 3, 10, 9, 0, 0);
        assert_eq!(send_at_after(0, from), None);
        assert_eq!(
            send_at_after(MAX_SEND_DELAY_HOURS, from),
            Some(at(2025, 4, 9, 9, 0, 0))
        );
        assert_eq!(send_at_after(MAX_SEND_DELAY_HOURS + 1, from), None);
        assert_eq!(send_at_after(u32::MAX, from), None);
    }

    #[test]
    fn send_at_after_refuses_past_the_end_of_time() {
        let last = DateTime::<Utc>::MAX_UTC;
        assert_eq!(send_at_after(1, last), None);
        let hour_before_last = last - TimeDelta::hours(1);
        assert_eq!(send_at_after(1, hour_before_last), Some(last));
        assert_eq!(send_at_after(2, hour_before_last), None);
    }
}
