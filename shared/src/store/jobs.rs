//! The durable local job queue. A job is claimed by a lease (no row lock is
//! held while it runs), acknowledged by its lease token, retried with backoff
//! and parked as `dead` with its last error when attempts run out.

use std::time::Duration;

use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::new_id;

#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub queue: String,
    pub payload: serde_json::Value,
    /// Attempts including this one.
    pub attempts: i32,
    pub max_attempts: i32,
    pub lease_token: Uuid,
}

#[derive(Debug, Clone)]
pub struct DeadJob {
    pub id: Uuid,
    pub queue: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
    pub last_error: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureOutcome {
    Requeued,
    Dead,
    /// The lease was lost (expired and taken by another worker): nothing changed.
    LeaseLost,
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

/// Enqueues a job. A job with the same `dedup_key` already waiting or running
/// absorbs it (returns false).
pub async fn enqueue(
    db: &impl Executor,
    queue: &str,
    payload: &serde_json::Value,
    dedup_key: Option<&str>,
    max_attempts: i32,
    delay: Duration,
) -> Result<bool, StoreError> {
    let inserted = db
        .exec(
            "INSERT INTO jobs (id, queue, payload, dedup_key, max_attempts, run_after)
             VALUES ($1, $2, $3, $4, $5, now() + $6::bigint * interval '1 millisecond')
             ON CONFLICT (dedup_key) WHERE status IN ('queued', 'running') DO NOTHING",
            &[
                &new_id(),
                &queue,
                payload,
                &dedup_key,
                &max_attempts,
                &millis(delay),
            ],
        )
        .await?;
    Ok(inserted == 1)
}

/// Claims the next due job of the given queues, or one whose lease expired
/// (its worker died: that attempt counts, so a job that kills its worker
/// cannot loop forever).
pub async fn claim(
    db: &impl Executor,
    queues: &[&str],
    lease: Duration,
) -> Result<Option<ClaimedJob>, StoreError> {
    let token = Uuid::new_v4();
    let row = db
        .fetch_optional(
            "UPDATE jobs SET status = 'running', attempts = attempts + 1, lease_token = $3,
                 lease_expires_at = now() + $2::bigint * interval '1 millisecond', updated_at = now()
              WHERE id = (
                  SELECT id FROM jobs
                   WHERE queue = ANY($1) AND run_after <= now() AND attempts < max_attempts
                     AND (status = 'queued' OR (status = 'running' AND lease_expires_at < now()))
                   ORDER BY run_after, created_at
                   FOR UPDATE SKIP LOCKED
                   LIMIT 1)
              RETURNING id, queue, payload, attempts, max_attempts",
            &[&queues, &millis(lease), &token],
        )
        .await?;
    Ok(row.map(|r| ClaimedJob {
        id: r.get(0),
        queue: r.get(1),
        payload: r.get(2),
        attempts: r.get(3),
        max_attempts: r.get(4),
        lease_token: token,
    }))
}

/// Extends a running job's lease by `lease` from now: the heartbeat of a
/// worker that is still on it. False when the lease was lost (taken over,
/// buried or released), so the worker knows the job is no longer its own.
pub async fn renew(
    db: &impl Executor,
    job: &ClaimedJob,
    lease: Duration,
) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE jobs SET lease_expires_at = now() + $3::bigint * interval '1 millisecond', updated_at = now()
              WHERE id = $1 AND lease_token = $2 AND status = 'running'",
            &[&job.id, &job.lease_token, &millis(lease)],
        )
        .await?;
    Ok(updated == 1)
}

/// Marks a job done; false when the lease was lost to another worker.
pub async fn ack(db: &impl Executor, job: &ClaimedJob) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE jobs SET status = 'done', lease_token = NULL, lease_expires_at = NULL, updated_at = now()
              WHERE id = $1 AND lease_token = $2 AND status = 'running'",
            &[&job.id, &job.lease_token],
        )
        .await?;
    Ok(updated == 1)
}

/// Records a failed attempt: back in the queue after `delay`, or dead when
/// attempts are used up or `permanent` is set.
pub async fn fail(
    db: &impl Executor,
    job: &ClaimedJob,
    error: &str,
    delay: Duration,
    permanent: bool,
) -> Result<FailureOutcome, StoreError> {
    let row = db
        .fetch_optional(
            "UPDATE jobs SET
                 status = CASE WHEN $5 OR attempts >= max_attempts THEN 'dead'::job_status ELSE 'queued'::job_status END,
                 run_after = now() + $4::bigint * interval '1 millisecond',
                 last_error = $3, lease_token = NULL, lease_expires_at = NULL, updated_at = now()
              WHERE id = $1 AND lease_token = $2 AND status = 'running'
              RETURNING status::text",
            &[&job.id, &job.lease_token, &error, &millis(delay), &permanent],
        )
        .await?;
    Ok(match row.map(|r| r.get::<_, String>(0)) {
        None => FailureOutcome::LeaseLost,
        Some(status) if status == "dead" => FailureOutcome::Dead,
        Some(_) => FailureOutcome::Requeued,
    })
}

/// Gives a job back without counting the attempt (graceful shutdown).
pub async fn release(db: &impl Executor, job: &ClaimedJob) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE jobs SET status = 'queued', attempts = GREATEST(attempts - 1, 0), lease_token = NULL,
                 lease_expires_at = NULL, run_after = now(), updated_at = now()
              WHERE id = $1 AND lease_token = $2 AND status = 'running'",
            &[&job.id, &job.lease_token],
        )
        .await?;
    Ok(updated == 1)
}

/// Jobs whose worker died on their last attempt can never be claimed again:
/// park them as dead so they show up for `redrive`. A live worker renews its
/// lease, so only a job nobody is running any more has one that expired.
pub async fn bury_expired(db: &impl Executor) -> Result<Vec<DeadJob>, StoreError> {
    let rows = db
        .fetch_all(
            "UPDATE jobs SET status = 'dead', lease_token = NULL, lease_expires_at = NULL, updated_at = now(),
                 last_error = COALESCE(last_error || '; ', '') || 'the worker stopped before finishing its last attempt'
              WHERE status = 'running' AND lease_expires_at < now() AND attempts >= max_attempts
              RETURNING id, queue, payload, attempts, last_error",
            &[],
        )
        .await?;
    Ok(rows.iter().map(dead_from_row).collect())
}

fn dead_from_row(r: &tokio_postgres::Row) -> DeadJob {
    DeadJob {
        id: r.get(0),
        queue: r.get(1),
        payload: r.get(2),
        attempts: r.get(3),
        last_error: r.get(4),
    }
}

pub async fn list_dead(
    db: &impl Executor,
    queue: Option<&str>,
) -> Result<Vec<DeadJob>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT id, queue, payload, attempts, last_error FROM jobs
              WHERE status = 'dead' AND ($1::text IS NULL OR queue = $1) ORDER BY updated_at",
            &[&queue],
        )
        .await?;
    Ok(rows.iter().map(dead_from_row).collect())
}

/// Puts dead jobs back on their queue with fresh attempts. A dead job whose
/// twin is already waiting stays dead (the twin will do its work).
pub async fn redrive(db: &impl Executor, queue: Option<&str>) -> Result<Vec<DeadJob>, StoreError> {
    let rows = db
        .fetch_all(
            "UPDATE jobs j SET status = 'queued', attempts = 0, run_after = now(), updated_at = now()
              WHERE j.status = 'dead' AND ($1::text IS NULL OR j.queue = $1)
                AND (j.dedup_key IS NULL OR NOT EXISTS (
                     SELECT 1 FROM jobs t WHERE t.dedup_key = j.dedup_key AND t.status IN ('queued', 'running')))
              RETURNING j.id, j.queue, j.payload, j.attempts, j.last_error",
            &[&queue],
        )
        .await?;
    Ok(rows.iter().map(dead_from_row).collect())
}

/// Removes finished jobs older than `age` so the table stays small.
pub async fn purge_done(db: &impl Executor, age: Duration) -> Result<u64, StoreError> {
    Ok(db
        .exec(
            "DELETE FROM jobs WHERE status = 'done' AND updated_at < now() - $1::bigint * interval '1 millisecond'",
            &[&millis(age)],
        )
        .await?)
}
