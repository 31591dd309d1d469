//! Runs pipeline stages from the PostgreSQL job queue. A job is leased, not
//! locked: the worker renews the lease while the stage runs, and if the
//! worker dies the lease expires and another worker takes the job.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::domain::PipelineStage;
use crate::pipeline::{exhausted_reason, Pipeline, StageError};
use crate::ports::StageMessage;
use crate::store::jobs::{self, ClaimedJob, FailureOutcome};
use crate::store::StoreError;
use crate::telemetry::error_chain;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// How long a claimed job stays invisible to other workers.
    pub visibility_timeout: Duration,
    /// The longest one stage may run; past it the stage is stopped and the
    /// attempt counts as failed.
    pub stage_timeout: Duration,
    /// First retry delay; doubles per attempt up to `max_backoff`.
    pub base_backoff: Duration,
    pub max_backoff: Duration,
    /// Poll interval when nothing wakes the worker.
    pub idle_poll: Duration,
    /// How long shutdown waits for a running stage before giving its lease back.
    pub shutdown_grace: Duration,
}

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            visibility_timeout: Duration::from_secs(300),
            stage_timeout: Duration::from_secs(600),
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(300),
            idle_poll: Duration::from_millis(500),
            shutdown_grace: Duration::from_secs(10),
        }
    }
}

pub fn backoff(settings: &WorkerSettings, attempts: i32) -> Duration {
    let exponent = u32::try_from(attempts.saturating_sub(1))
        .unwrap_or(0)
        .min(16);
    settings
        .base_backoff
        .saturating_mul(2u32.saturating_pow(exponent))
        .min(settings.max_backoff)
}

fn stage_queues() -> Vec<&'static str> {
    PipelineStage::ALL.iter().map(|s| s.queue_name()).collect()
}

/// What running a stage gave: the message on success, or the message (when
/// readable) and the error.
type StageResult = Result<StageMessage, (Option<StageMessage>, StageError)>;

/// How a claimed job's run ended.
enum Run {
    Finished(StageResult),
    /// Another worker holds the job now; this one stopped and records nothing.
    LeaseLost,
}

/// Claims and runs one due job. Returns false when there was none.
pub async fn run_once(pipeline: &Pipeline, settings: &WorkerSettings) -> Result<bool, StoreError> {
    let queues = stage_queues();
    let job = {
        let db = pipeline.db.get().await?;
        jobs::claim(&db, &queues, settings.visibility_timeout).await?
    };
    let Some(job) = job else { return Ok(false) };
    if let Run::Finished(result) = process(pipeline, settings, &job).await {
        settle(pipeline, settings, &job, result).await?;
    }
    Ok(true)
}

/// Runs the job's stage under its deadline while renewing its lease, so a
/// slow stage is never mistaken for a dead worker. The renewal runs in this
/// future: when the worker's task dies, the lease stops being renewed too.
async fn process(pipeline: &Pipeline, settings: &WorkerSettings, job: &ClaimedJob) -> Run {
    tokio::select! {
        result = execute(pipeline, settings, job) => Run::Finished(result),
        () = keep_leased(pipeline, settings, job) => Run::LeaseLost,
    }
}

/// Renews the lease every third of the visibility timeout; returns only when
/// the lease turns out to be lost. A failed renewal is tried again: the lease
/// has two more periods to run.
async fn keep_leased(pipeline: &Pipeline, settings: &WorkerSettings, job: &ClaimedJob) {
    let period = settings.visibility_timeout / 3;
    loop {
        tokio::time::sleep(period).await;
        let renewed = match pipeline.db.get().await {
            Ok(db) => jobs::renew(&db, job, settings.visibility_timeout).await,
            Err(e) => Err(StoreError::Pool(e)),
        };
        match renewed {
            Ok(true) => {}
            Ok(false) => {
                tracing::warn!(job_id = %job.id, "the job's lease was lost while its stage ran; stopping it");
                return;
            }
            Err(error) => {
                tracing::warn!(job_id = %job.id, error = %error_chain(&error), "could not renew the job's lease; trying again");
            }
        }
    }
}

async fn execute(pipeline: &Pipeline, settings: &WorkerSettings, job: &ClaimedJob) -> StageResult {
    let message: StageMessage = serde_json::from_value(job.payload.clone()).map_err(|e| {
        (
            None,
            StageError::Permanent(format!("unreadable stage message: {e}")),
        )
    })?;
    match pipeline.run_guarded(&message, settings.stage_timeout).await {
        Ok(_) => Ok(message),
        Err(error) => Err((Some(message), error)),
    }
}

/// Acknowledges, retries or buries the job, and fails the session when it is buried.
async fn settle(
    pipeline: &Pipeline,
    settings: &WorkerSettings,
    job: &ClaimedJob,
    result: StageResult,
) -> Result<(), StoreError> {
    let db = pipeline.db.get().await?;
    let (message, error) = match result {
        Ok(_) => {
            if !jobs::ack(&db, job).await? {
                tracing::warn!(job_id = %job.id, "job finished after its lease was taken over");
            }
            return Ok(());
        }
        Err(failure) => failure,
    };
    let permanent = !error.is_retryable();
    let described = error.describe();
    let outcome = jobs::fail(
        &db,
        job,
        &described,
        backoff(settings, job.attempts),
        permanent,
    )
    .await?;
    drop(db);
    tracing::warn!(job_id = %job.id, queue = %job.queue, attempts = job.attempts, ?outcome, permanent, "job failed");
    if outcome == FailureOutcome::Dead {
        if let Some(message) = message {
            let reason = if permanent {
                described
            } else {
                exhausted_reason(message.stage, job.attempts, &described)
            };
            pipeline.fail_session(&message, &reason).await?;
        }
    }
    Ok(())
}

/// Marks jobs whose worker died on their last attempt as dead and fails their sessions.
pub async fn bury_abandoned(pipeline: &Pipeline) -> Result<usize, StoreError> {
    let buried = {
        let db = pipeline.db.get().await?;
        jobs::bury_expired(&db).await?
    };
    for job in &buried {
        if let Ok(message) = serde_json::from_value::<StageMessage>(job.payload.clone()) {
            let reason = exhausted_reason(
                message.stage,
                job.attempts,
                job.last_error.as_deref().unwrap_or("the worker stopped"),
            );
            pipeline.fail_session(&message, &reason).await?;
        }
    }
    Ok(buried.len())
}

/// Runs until `shutdown` fires. On shutdown a running stage gets
/// `shutdown_grace` to finish; after that its lease is given back.
pub async fn run(
    pipeline: Pipeline,
    settings: WorkerSettings,
    wake: Arc<Notify>,
    shutdown: CancellationToken,
) {
    let queues = stage_queues();
    while !shutdown.is_cancelled() {
        let claimed = match pipeline.db.get().await {
            Ok(db) => jobs::claim(&db, &queues, settings.visibility_timeout).await,
            Err(e) => Err(StoreError::Pool(e)),
        };
        let job = match claimed {
            Ok(Some(job)) => job,
            Ok(None) => {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = tokio::time::sleep(settings.idle_poll) => {}
                    _ = shutdown.cancelled() => {}
                }
                continue;
            }
            Err(error) => {
                tracing::error!(error = %error_chain(&error), "could not claim a job; retrying");
                tokio::time::sleep(settings.idle_poll).await;
                continue;
            }
        };
        let span = tracing::info_span!("job", job_id = %job.id, queue = %job.queue, attempt = job.attempts);
        let work = process(&pipeline, &settings, &job).instrument(span);
        tokio::pin!(work);
        let run = tokio::select! {
            run = &mut work => Some(run),
            _ = shutdown.cancelled() => {
                tokio::time::timeout(settings.shutdown_grace, &mut work).await.ok()
            }
        };
        match run {
            Some(Run::Finished(result)) => {
                if let Err(error) = settle(&pipeline, &settings, &job, result).await {
                    tracing::error!(error = %error_chain(&error), "could not record the job's outcome; its lease will expire");
                }
            }
            Some(Run::LeaseLost) => {}
            None => release(&pipeline, &job).await,
        }
    }
}

async fn release(pipeline: &Pipeline, job: &ClaimedJob) {
    let released = match pipeline.db.get().await {
        Ok(db) => jobs::release(&db, job).await,
        Err(e) => Err(StoreError::Pool(e)),
    };
    match released {
        Ok(_) => tracing::info!(job_id = %job.id, "released the job's lease on shutdown"),
        Err(error) => {
            tracing::error!(error = %error_chain(&error), "could not release the lease; it will expire")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let settings = WorkerSettings {
            base_backoff: Duration::from_secs(2),
            max_backoff: Duration::from_secs(30),
            ..WorkerSettings::default()
        };
        assert_eq!(backoff(&settings, 1), Duration::from_secs(2));
        assert_eq!(backoff(&settings, 2), Duration::from_secs(4));
        assert_eq!(backoff(&settings, 3), Duration::from_secs(8));
        assert_eq!(backoff(&settings, 10), Duration::from_secs(30));
    }
}
