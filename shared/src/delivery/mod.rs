//! Follow-ups to the client's inbox. The dispatcher claims the follow-ups
//! that are due, refuses those it may not send (no address, no consent, a
//! suppressed address) with the reason on the follow-up, hands each other
//! one to the mailer exactly once, and records what the provider said.
//!
//! Exactly once: the claim (`scheduled → sending`, under `FOR UPDATE SKIP
//! LOCKED`) is committed before the hand-off, so no second dispatcher can
//! take it; a dispatcher that stops between hand-off and record leaves it
//! `sending`, which the sweep turns `unknown` for the coach to resolve,
//! never resending it by itself (ADR 12).

pub mod digest;
pub mod message;
pub mod unsubscribe;

use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use uuid::Uuid;

use crate::domain::follow_up_lifecycle::{next_status, FollowUpAction};
use crate::domain::{new_id, FollowUpStatus};
use crate::ports::{EventKind, LiveEvent, MailError, Mailer, Notifier, OutgoingEmail};
use crate::store::audit::{self, AuditEntry};
use crate::store::delivery::{self, DueFollowUp, Outcome};
use crate::store::emails::{self, Claim};
use crate::store::{Pool, StoreError};
pub use unsubscribe::UnsubscribeLinks;

/// Follow-ups claimed per transaction.
const CLAIM_BATCH: i64 = 100;

/// A hand-off without an outcome for this long is declared `unknown`: far
/// longer than any mail provider call takes.
pub const UNFINISHED_AFTER: TimeDelta = TimeDelta::minutes(10);

/// Sends due follow-ups.
#[derive(Clone)]
pub struct Dispatcher {
    pub db: Pool,
    pub mailer: Arc<dyn Mailer>,
    /// Tells the coach's open screens what became of each follow-up.
    pub notifier: Arc<dyn Notifier>,
    /// FlowCoach's sending address; the coach's name is shown with it.
    pub mail_from: String,
    pub links: UnsubscribeLinks,
}

/// What one dispatch did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Dispatched {
    /// Accepted by the mail provider.
    pub sent: usize,
    /// Refused by the mail provider, or not reachable.
    pub failed: usize,
    /// Not handed off: no address, no consent, or a suppressed address.
    pub blocked: usize,
    /// Handed off without an answer: now `unknown`, for the coach to resolve.
    pub unknown: usize,
}

/// What became of one hand-off.
enum HandedOff {
    Sent,
    Failed,
    Unknown,
}

/// What one run of the every-minute trigger did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Delivery {
    /// Hand-offs that never reported back, now `unknown`.
    pub unfinished: usize,
    /// Drafts of coaches who send without approval, now scheduled.
    pub auto_scheduled: usize,
    #[serde(flatten)]
    pub dispatched: Dispatched,
}

impl Delivery {
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}

/// A claimed follow-up on its way to the mailer.
struct HandOff {
    due: DueFollowUp,
    to: String,
    email_id: Uuid,
}

impl Dispatcher {
    /// One run of the every-minute trigger (the tick of `flowcoach serve`,
    /// the dispatch-follow-ups Lambda on AWS): declare the hand-offs that
    /// never reported back `unknown`, schedule the drafts of coaches who
    /// send without approval, then send what is due.
    pub async fn deliver(&self, now: DateTime<Utc>) -> Result<Delivery, StoreError> {
        Ok(Delivery {
            unfinished: self.sweep_unfinished(now).await?,
            auto_scheduled: self.auto_schedule(now).await?,
            dispatched: self.dispatch_due(now).await?,
        })
    }

    /// Sends everything due at `now`, batch after batch, until nothing is.
    pub async fn dispatch_due(&self, now: DateTime<Utc>) -> Result<Dispatched, StoreError> {
        let mut total = Dispatched::default();
        loop {
            let (hand_offs, blocked) = self.claim(now).await?;
            total.blocked += blocked;
            if hand_offs.is_empty() && blocked == 0 {
                return Ok(total);
            }
            for hand_off in hand_offs {
                match self.hand_off(hand_off).await? {
                    HandedOff::Sent => total.sent += 1,
                    HandedOff::Failed => total.failed += 1,
                    HandedOff::Unknown => total.unknown += 1,
                }
            }
        }
    }

    /// Schedules, for now, the drafts of coaches who send without approval
    /// once their hours have passed (never one held for review), each
    /// audited as the lifecycle's `auto-schedule`.
    pub async fn auto_schedule(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let action = FollowUpAction::AutoSchedule;
        let scheduled_status = step(FollowUpStatus::Draft, action)?;
        let mut db = self.db.get().await?;
        let tx = db.transaction().await?;
        let scheduled = delivery::auto_schedule(&tx, now).await?;
        for (coach, id, version) in &scheduled {
            audit::record(
                &tx,
                &AuditEntry {
                    coach: *coach,
                    actor: None,
                    action: action.audit_action(),
                    entity_type: "follow_up",
                    entity_id: Some(*id),
                    request_id: None,
                    details: serde_json::json!({
                        "from": FollowUpStatus::Draft,
                        "to": scheduled_status,
                        "version": version,
                    }),
                },
            )
            .await?;
        }
        tx.commit().await?;
        Ok(scheduled.len())
    }

    /// Turns hand-offs that never reported back into `unknown`.
    pub async fn sweep_unfinished(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let db = self.db.get().await?;
        let swept = delivery::sweep_unfinished(&db, now - UNFINISHED_AFTER).await?;
        for (coach, id) in &swept {
            tracing::warn!(coach = %coach, follow_up = %id, "a follow-up's hand-off never reported back; now unknown");
            self.notifier
                .publish(LiveEvent::now(
                    *coach,
                    EventKind::FollowUpUnknown { follow_up_id: *id },
                ))
                .await;
        }
        Ok(swept.len())
    }

    /// One transaction: lock a batch of due follow-ups, move each to
    /// `sending` (and at once to `failed` when it may not be sent), and
    /// record an email claim for the rest. Committed before any hand-off.
    async fn claim(&self, now: DateTime<Utc>) -> Result<(Vec<HandOff>, usize), StoreError> {
        let mut db = self.db.get().await?;
        let tx = db.transaction().await?;
        let due = delivery::lock_due(&tx, now, CLAIM_BATCH).await?;
        let mut hand_offs = Vec::with_capacity(due.len());
        let mut blocked = Vec::new();
        let sending = step(FollowUpStatus::Scheduled, FollowUpAction::Claim)?;
        for item in due {
            delivery::record(
                &tx,
                item.id,
                FollowUpStatus::Scheduled,
                sending,
                &Outcome::Claimed,
            )
            .await?;
            match deliverable_address(&item) {
                Err(reason) => {
                    let failed = step(sending, FollowUpAction::RecordFailed)?;
                    delivery::record(&tx, item.id, sending, failed, &Outcome::Failed { reason })
                        .await?;
                    blocked.push(LiveEvent::now(
                        item.coach,
                        EventKind::FollowUpFailed {
                            follow_up_id: item.id,
                            reason: reason.to_owned(),
                        },
                    ));
                }
                Ok(to) => {
                    let dedup_key = format!("follow-up:{}:{}", item.id, new_id());
                    match emails::claim(&tx, item.coach, &dedup_key, &to, &item.subject).await? {
                        Claim::Claimed(email_id) => hand_offs.push(HandOff {
                            due: item,
                            to,
                            email_id,
                        }),
                        // A fresh key is never claimed before.
                        Claim::AlreadySent | Claim::Unknown => {
                            return Err(StoreError::Corrupt(format!(
                                "email claim {dedup_key} existed before it was made"
                            )))
                        }
                    }
                }
            }
        }
        tx.commit().await?;
        let refused = blocked.len();
        for event in blocked {
            self.notifier.publish(event).await;
        }
        Ok((hand_offs, refused))
    }

    /// The follow-up as the email to `to`, with its unsubscribe link.
    fn email(&self, due: &DueFollowUp, to: &str) -> Result<OutgoingEmail, MailError> {
        let unsubscribe_url = self.links.url(due.coach, to).map_err(|error| {
            MailError::Rejected(format!("the unsubscribe link could not be signed: {error}"))
        })?;
        message::follow_up_email(due, to, &self.mail_from, &unsubscribe_url)
    }

    /// Hands one claimed follow-up to the mailer and records the outcome.
    /// Returns what became of it.
    async fn hand_off(&self, hand_off: HandOff) -> Result<HandedOff, StoreError> {
        let HandOff { due, to, email_id } = hand_off;
        let result = match self.email(&due, &to) {
            Ok(email) => self.mailer.send(&email).await,
            Err(error) => Err(error),
        };
        let db = self.db.get().await?;
        let sending = FollowUpStatus::Sending;
        match result {
            Ok(message_id) => {
                record_answer(
                    &db,
                    due.id,
                    FollowUpAction::RecordSent,
                    &Outcome::Sent {
                        message_id: &message_id,
                    },
                )
                .await?;
                emails::mark_sent(&db, due.coach, email_id, &message_id).await?;
                self.notifier
                    .publish(LiveEvent::now(
                        due.coach,
                        EventKind::FollowUpSent {
                            follow_up_id: due.id,
                        },
                    ))
                    .await;
                Ok(HandedOff::Sent)
            }
            Err(MailError::Uncertain(detail)) => {
                // It may have gone out: never resent on its own, the coach resolves it.
                tracing::warn!(coach = %due.coach, follow_up = %due.id, %detail, "the mail provider gave no answer for a follow-up; now unknown");
                let unknown = step(sending, FollowUpAction::RecordUnknown)?;
                delivery::record(
                    &db,
                    due.id,
                    sending,
                    unknown,
                    &Outcome::Failed {
                        reason: "Handed to the mail provider, which gave no answer: it may or may not have been sent.",
                    },
                )
                .await?;
                emails::mark_unknown(&db, due.coach, email_id).await?;
                self.notifier
                    .publish(LiveEvent::now(
                        due.coach,
                        EventKind::FollowUpUnknown {
                            follow_up_id: due.id,
                        },
                    ))
                    .await;
                Ok(HandedOff::Unknown)
            }
            Err(error) => {
                let reason = error.to_string();
                tracing::warn!(coach = %due.coach, follow_up = %due.id, "the mail provider did not take a follow-up");
                record_answer(
                    &db,
                    due.id,
                    FollowUpAction::RecordFailed,
                    &Outcome::Failed { reason: &reason },
                )
                .await?;
                emails::mark_failed(&db, due.coach, email_id, &reason).await?;
                self.notifier
                    .publish(LiveEvent::now(
                        due.coach,
                        EventKind::FollowUpFailed {
                            follow_up_id: due.id,
                            reason,
                        },
                    ))
                    .await;
                Ok(HandedOff::Failed)
            }
        }
    }
}

/// Records the provider's answer on a hand-off still `sending`, or on one a
/// sweep declared `unknown` while the answer was on its way: the answer is
/// what happened. One the coach has resolved meanwhile is left as they did.
async fn record_answer(
    db: &impl crate::store::Executor,
    id: Uuid,
    action: FollowUpAction,
    outcome: &Outcome<'_>,
) -> Result<(), StoreError> {
    for from in [FollowUpStatus::Sending, FollowUpStatus::Unknown] {
        if delivery::record(db, id, from, step(from, action)?, outcome).await? {
            return Ok(());
        }
    }
    Ok(())
}

/// The lifecycle's next status; the dispatcher only takes legal steps, so
/// an illegal one is a bug worth stopping for.
fn step(from: FollowUpStatus, action: FollowUpAction) -> Result<FollowUpStatus, StoreError> {
    next_status(from, action).map_err(|illegal| StoreError::Corrupt(illegal.to_string()))
}

/// Where the follow-up may go, or why it may not go anywhere (shown to the
/// coach on the follow-up).
fn deliverable_address(due: &DueFollowUp) -> Result<String, &'static str> {
    let Some(address) = due.client_email.as_deref().filter(|a| !a.trim().is_empty()) else {
        return Err("Not sent: the client has no email address.");
    };
    if !due.consent_email {
        return Err("Not sent: the client has not agreed to receive follow-up emails.");
    }
    match due.suppressed.as_deref() {
        Some("unsubscribed") => Err("Not sent: the client unsubscribed from your follow-ups."),
        Some("bounced") => Err("Not sent: mail to the client's address bounced."),
        Some("complained") => Err("Not sent: the client marked your follow-ups as spam."),
        Some(_) => Err("Not sent: the client's address is suppressed."),
        None => Ok(address.trim().to_owned()),
    }
}
