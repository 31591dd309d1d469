//! API `Idempotency-Key` records in PostgreSQL: the SQL behind
//! `adapters::postgres::PgIdempotencyStore` (DynamoDB on AWS).

use chrono::{DateTime, Utc};

use super::{Executor, StoreError};
use crate::domain::CoachId;
use crate::ports::idempotency::{Begin, StoredResponse};

pub async fn begin(
    db: &impl Executor,
    coach: CoachId,
    key: &str,
    request_hash: &str,
    expires_at: DateTime<Utc>,
) -> Result<Begin, StoreError> {
    // Expired records are replaced: expiry is checked here, not left to a sweeper.
    db.exec(
        "DELETE FROM idempotency_records WHERE coach_id = $1 AND key = $2 AND expires_at <= now()",
        &[&coach.0, &key],
    )
    .await?;
    let inserted = db
        .exec(
            "INSERT INTO idempotency_records (coach_id, key, request_hash, expires_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT DO NOTHING",
            &[&coach.0, &key, &request_hash, &expires_at],
        )
        .await?;
    if inserted == 1 {
        return Ok(Begin::Started);
    }
    let row = db
        .fetch_one(
            "SELECT request_hash, status_code, response_body, content_type, location
               FROM idempotency_records WHERE coach_id = $1 AND key = $2",
            &[&coach.0, &key],
        )
        .await?;
    let stored_hash: String = row.get(0);
    if stored_hash != request_hash {
        return Ok(Begin::Mismatch);
    }
    let status: Option<i32> = row.get(1);
    Ok(match status {
        None => Begin::InFlight,
        Some(code) => Begin::Replay(StoredResponse {
            status: u16::try_from(code).unwrap_or(500),
            body: row.get::<_, Option<Vec<u8>>>(2).unwrap_or_default(),
            content_type: row.get(3),
            location: row.get(4),
        }),
    })
}

pub async fn finish(
    db: &impl Executor,
    coach: CoachId,
    key: &str,
    response: &StoredResponse,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE idempotency_records SET status_code = $3, response_body = $4, content_type = $5, location = $6
          WHERE coach_id = $1 AND key = $2",
        &[&coach.0, &key, &i32::from(response.status), &response.body, &response.content_type, &response.location],
    )
    .await?;
    Ok(())
}

/// Forgets a key whose request failed on the server, so the client may retry it.
pub async fn abandon(db: &impl Executor, coach: CoachId, key: &str) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM idempotency_records WHERE coach_id = $1 AND key = $2",
        &[&coach.0, &key],
    )
    .await?;
    Ok(())
}

pub async fn purge_expired(db: &impl Executor) -> Result<u64, StoreError> {
    Ok(db
        .exec(
            "DELETE FROM idempotency_records WHERE expires_at <= now()",
            &[],
        )
        .await?)
}
