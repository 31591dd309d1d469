//! Outbound email claims. An email is claimed here before the provider sees
//! it, so a retry never sends it twice.

use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::{new_id, CoachId};

/// What a claim attempt found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// Ours to send.
    Claimed(Uuid),
    /// Already handed to the provider.
    AlreadySent,
    /// A previous attempt claimed it and never reported back: it may or may
    /// not have gone out. Marked `unknown`; never re-sent automatically.
    Unknown,
}

pub async fn claim(
    db: &impl Executor,
    coach: CoachId,
    dedup_key: &str,
    recipient: &str,
    subject: &str,
) -> Result<Claim, StoreError> {
    let id = new_id();
    let inserted = db
        .exec(
            "INSERT INTO emails (id, coach_id, dedup_key, recipient, subject) VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (dedup_key) DO NOTHING",
            &[&id, &coach.0, &dedup_key, &recipient, &subject],
        )
        .await?;
    if inserted == 1 {
        return Ok(Claim::Claimed(id));
    }
    // A failed attempt (the provider refused before accepting) may be claimed again.
    let reclaimed = db
        .fetch_optional(
            "UPDATE emails SET status = 'claimed', claimed_at = now(), failure_reason = NULL
              WHERE coach_id = $2 AND dedup_key = $1 AND status = 'failed' RETURNING id",
            &[&dedup_key, &coach.0],
        )
        .await?;
    if let Some(row) = reclaimed {
        return Ok(Claim::Claimed(row.get(0)));
    }
    let row = db
        .fetch_one(
            "UPDATE emails SET status = CASE WHEN status = 'claimed' THEN 'unknown'::email_status ELSE status END
              WHERE coach_id = $2 AND dedup_key = $1 RETURNING status::text",
            &[&dedup_key, &coach.0],
        )
        .await?;
    let status: String = row.get(0);
    Ok(if status == "sent" {
        Claim::AlreadySent
    } else {
        Claim::Unknown
    })
}

/// Which of these dedup keys have been claimed already.
pub async fn claimed_keys(db: &impl Executor, keys: &[String]) -> Result<Vec<String>, StoreError> {
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .fetch_all(
            "SELECT dedup_key FROM emails WHERE dedup_key = ANY($1)",
            &[&keys],
        )
        .await?;
    Ok(rows.iter().map(|row| row.get(0)).collect())
}

pub async fn mark_sent(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    provider_message_id: &str,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE emails SET status = 'sent', provider_message_id = $3, finished_at = now()
          WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &id, &provider_message_id],
    )
    .await?;
    Ok(())
}

/// The provider gave no answer: it may have sent the message, so it is
/// never claimed again.
pub async fn mark_unknown(db: &impl Executor, coach: CoachId, id: Uuid) -> Result<(), StoreError> {
    db.exec(
        "UPDATE emails SET status = 'unknown', finished_at = now() WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &id],
    )
    .await?;
    Ok(())
}

/// The provider refused the message; a later attempt may claim it again.
pub async fn mark_failed(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    reason: &str,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE emails SET status = 'failed', failure_reason = $3, finished_at = now()
          WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &id, &reason],
    )
    .await?;
    Ok(())
}

pub async fn count_sent(db: &impl Executor, coach: CoachId) -> Result<i64, StoreError> {
    let row = db
        .fetch_one(
            "SELECT count(*) FROM emails WHERE coach_id = $1 AND status = 'sent'",
            &[&coach.0],
        )
        .await?;
    Ok(row.get(0))
}
