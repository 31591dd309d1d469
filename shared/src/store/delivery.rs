//! The follow-up dispatcher's SQL: claiming what is due, recording what the
//! mail provider said, finding hand-offs that never reported back, and the
//! per-coach suppression list.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::{CoachId, FollowUpStatus};

/// A due follow-up with everything its email needs, locked by the claim.
#[derive(Debug, Clone)]
pub struct DueFollowUp {
    pub id: Uuid,
    pub coach: CoachId,
    pub client_id: Uuid,
    /// The approved version (the current one when none was pinned).
    pub version: i32,
    pub subject: String,
    pub body: String,
    pub client_name: String,
    pub client_email: Option<String>,
    pub consent_email: bool,
    /// The name clients see: the coach's sender name, else their display name.
    pub coach_name: String,
    pub coach_email: String,
    /// Why the client's address may not be written to, if it may not.
    pub suppressed: Option<String>,
}

/// Locks up to `limit` follow-ups scheduled at or before `now`, oldest
/// first, skipping those another dispatcher holds. Call inside a
/// transaction: the locks last until it ends.
pub async fn lock_due(
    db: &impl Executor,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueFollowUp>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT f.id, f.coach_id, f.client_id, v.version, v.subject, v.body,
                    c.name, c.email, c.consent_email,
                    COALESCE(NULLIF(btrim(co.settings->>'sender_name'), ''), co.display_name),
                    co.email, s.reason
               FROM follow_ups f
               JOIN follow_up_versions v
                 ON v.follow_up_id = f.id AND v.version = COALESCE(f.approved_version, f.current_version)
               JOIN clients c ON c.coach_id = f.coach_id AND c.id = f.client_id
               JOIN coaches co ON co.id = f.coach_id
               LEFT JOIN suppressions s ON s.coach_id = f.coach_id AND s.email = lower(c.email)
              WHERE f.status = 'scheduled' AND f.scheduled_at <= $1
              ORDER BY f.scheduled_at, f.id
              LIMIT $2
              FOR UPDATE OF f SKIP LOCKED",
            &[&now, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| DueFollowUp {
            id: r.get(0),
            coach: CoachId(r.get(1)),
            client_id: r.get(2),
            version: r.get(3),
            subject: r.get(4),
            body: r.get(5),
            client_name: r.get(6),
            client_email: r.get(7),
            consent_email: r.get(8),
            coach_name: r.get(9),
            coach_email: r.get(10),
            suppressed: r.get(11),
        })
        .collect())
}

/// Moves a follow-up from `from` to `to`, recording the provider's message
/// id, the reason it failed, or when it was sent. Returns whether it was
/// still in `from` (a sweep may have declared it `unknown` meanwhile).
pub async fn record(
    db: &impl Executor,
    id: Uuid,
    from: FollowUpStatus,
    to: FollowUpStatus,
    outcome: &Outcome<'_>,
) -> Result<bool, StoreError> {
    let (message_id, reason) = match outcome {
        Outcome::Claimed => (None, None),
        Outcome::Sent { message_id } => (Some(*message_id), None),
        Outcome::Failed { reason } => (None, Some(*reason)),
    };
    let sent = matches!(outcome, Outcome::Sent { .. });
    // A new claim starts without the last attempt's failure; a sent one has none.
    let claimed = matches!(outcome, Outcome::Claimed);
    let changed = db
        .exec(
            "UPDATE follow_ups SET status = $3,
                    provider_message_id = COALESCE($4, provider_message_id),
                    failure_reason = CASE WHEN $7 OR $6 THEN NULL ELSE COALESCE($5, failure_reason) END,
                    sent_at = CASE WHEN $6 THEN now() ELSE sent_at END,
                    updated_at = now()
              WHERE id = $1 AND status = $2",
            &[&id, &from, &to, &message_id, &reason, &sent, &claimed],
        )
        .await?;
    Ok(changed == 1)
}

/// What a dispatcher step records.
#[derive(Debug, Clone, Copy)]
pub enum Outcome<'a> {
    Claimed,
    Sent { message_id: &'a str },
    Failed { reason: &'a str },
}

/// Drafts of coaches who send without approval, old enough at `now` by
/// their coach's setting, and not held for review: scheduled for now with
/// their current version pinned. Returns them.
pub async fn auto_schedule(
    db: &impl Executor,
    now: DateTime<Utc>,
) -> Result<Vec<(CoachId, Uuid, i32)>, StoreError> {
    let rows = db
        .fetch_all(
            "UPDATE follow_ups f
                SET status = 'scheduled', scheduled_at = $1, approved_version = f.current_version,
                    approved_at = $1, updated_at = now()
               FROM coaches co
              WHERE co.id = f.coach_id AND f.status = 'draft' AND f.review_reason IS NULL
                AND jsonb_typeof(co.settings -> 'send_without_approval_after_hours') = 'number'
                AND f.created_at + make_interval(hours => (co.settings ->> 'send_without_approval_after_hours')::integer) <= $1
          RETURNING f.coach_id, f.id, f.current_version",
            &[&now],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| (CoachId(r.get(0)), r.get(1), r.get(2)))
        .collect())
}

/// Follow-ups handed to the provider longer ago than `before` whose outcome
/// never came back (the dispatcher stopped between hand-off and record):
/// now `unknown`, for the coach to resolve. Returns them.
pub async fn sweep_unfinished(
    db: &impl Executor,
    before: DateTime<Utc>,
) -> Result<Vec<(CoachId, Uuid)>, StoreError> {
    let rows = db
        .fetch_all(
            "UPDATE follow_ups SET status = 'unknown', updated_at = now(),
                    failure_reason = 'Handed to the mail provider, but whether it was sent was never recorded.'
              WHERE status = 'sending' AND updated_at < $1
          RETURNING coach_id, id",
            &[&before],
        )
        .await?;
    Ok(rows.iter().map(|r| (CoachId(r.get(0)), r.get(1))).collect())
}

/// Why an address is suppressed: stored as the label.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionReason {
    Unsubscribed,
    Bounced,
    Complained,
}

impl SuppressionReason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unsubscribed => "unsubscribed",
            Self::Bounced => "bounced",
            Self::Complained => "complained",
        }
    }
}

/// The coach and follow-up a message the mail provider accepted belongs
/// to; `None` for any other message (a coach's own notice).
pub async fn sent_follow_up(
    db: &impl Executor,
    provider_message_id: &str,
) -> Result<Option<(CoachId, Uuid)>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT coach_id, id FROM follow_ups WHERE provider_message_id = $1",
            &[&provider_message_id],
        )
        .await?;
    Ok(row.map(|r| (CoachId(r.get(0)), r.get(1))))
}

/// Stops the coach's follow-ups to `email`; the first reason stays.
pub async fn suppress(
    db: &impl Executor,
    coach: CoachId,
    email: &str,
    reason: SuppressionReason,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO suppressions (coach_id, email, reason) VALUES ($1, lower($2), $3)
         ON CONFLICT (coach_id, email) DO NOTHING",
        &[&coach.0, &email, &reason.as_str()],
    )
    .await?;
    Ok(())
}
