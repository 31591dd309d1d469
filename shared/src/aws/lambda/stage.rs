//! A pipeline stage behind SQS: each record is one `StageMessage` (or, for
//! the chunk stage, an S3 notification of a new transcript). Retryable
//! failures are reported as batch item failures (SQS redelivers them, then
//! parks them in the DLQ); permanent failures fail the session at once and
//! are acknowledged, so they do not burn retries. Each record's stage stops
//! before the invocation's deadline, and a panic fails only its own record.

use std::panic::AssertUnwindSafe;
use std::time::{Duration, SystemTime};

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};
use futures::FutureExt;

use super::s3_event::{coach_of_key, S3Notification};
use crate::domain::PipelineStage;
use crate::ingest::Ingest;
use crate::pipeline::{exhausted_reason, Pipeline, StageError};
use crate::ports::{ObjectStoreError, StageMessage};
use crate::transcript::TranscriptError;

/// One stage function's handler.
pub struct StageHandler<'a> {
    pub pipeline: &'a Pipeline,
    pub ingest: &'a Ingest,
    pub stage: PipelineStage,
    /// The queue's `maxReceiveCount`: the receive on which a failing message
    /// goes to the DLQ, and its session is marked `failed`.
    pub max_receive_count: u32,
    /// The longest one record's stage may run when the invocation leaves more time.
    pub stage_timeout: Duration,
}

/// Kept back from the invocation's deadline to record a stopped stage's
/// outcome and answer SQS before Lambda cuts the function off.
const WRAP_UP: Duration = Duration::from_secs(1);

impl StageHandler<'_> {
    /// Runs every record of the batch; returns the ones SQS should redeliver.
    /// `invocation_deadline` (from the Lambda context) bounds each record's
    /// stage, so the function answers before it is cut off.
    pub async fn handle(
        &self,
        event: SqsEvent,
        invocation_deadline: Option<SystemTime>,
    ) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for record in event.records {
            let id = record.message_id.clone().unwrap_or_default();
            // A stage's panic fails its session inside `run_guarded`; this
            // catches one outside a stage, so the rest of the batch still runs.
            let handled = AssertUnwindSafe(self.handle_record(&record, invocation_deadline))
                .catch_unwind()
                .await;
            match handled {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::warn!(message_id = %id, error = %error.describe(), "record will be retried");
                    response.add_failure(id);
                }
                Err(_panic) => {
                    tracing::error!(message_id = %id, "handling the record panicked; it will be retried");
                    response.add_failure(id);
                }
            }
        }
        response
    }

    async fn handle_record(
        &self,
        record: &SqsMessage,
        invocation_deadline: Option<SystemTime>,
    ) -> Result<(), StageError> {
        let body = record.body.as_deref().unwrap_or_default();
        if self.stage == PipelineStage::Chunk {
            if let Some(notification) = S3Notification::parse(body) {
                return self
                    .handle_s3_notification(
                        &notification,
                        record.message_id.clone(),
                        invocation_deadline,
                    )
                    .await;
            }
        }
        let message: StageMessage = match serde_json::from_str(body) {
            Ok(message) => message,
            Err(error) => {
                // Unreadable forever: acknowledge it rather than loop it to the DLQ.
                tracing::error!(%error, "dropping an unreadable stage message");
                return Ok(());
            }
        };
        if message.stage != self.stage {
            tracing::error!(expected = %self.stage, got = %message.stage, "stage message sent to the wrong queue; dropping");
            return Ok(());
        }
        let result = self.run(&message, invocation_deadline).await;
        if let Err(error) = &result {
            let receives = record
                .attributes
                .get("ApproximateReceiveCount")
                .and_then(|n| n.parse::<u32>().ok())
                .unwrap_or(1);
            if receives >= self.max_receive_count {
                // Its last delivery: SQS parks it in the DLQ; the coach must see why.
                let attempts = i32::try_from(receives).unwrap_or(i32::MAX);
                let reason = exhausted_reason(message.stage, attempts, &error.describe());
                self.pipeline
                    .fail_session(&message, &reason)
                    .await
                    .map_err(StageError::from)?;
            }
        }
        result
    }

    async fn run(
        &self,
        message: &StageMessage,
        invocation_deadline: Option<SystemTime>,
    ) -> Result<(), StageError> {
        let deadline = stage_deadline(self.stage_timeout, invocation_deadline, SystemTime::now());
        match self.pipeline.run_guarded(message, deadline).await {
            Ok(_) => Ok(()),
            Err(StageError::Permanent(reason)) => {
                self.pipeline
                    .fail_session(message, &reason)
                    .await
                    .map_err(StageError::from)?;
                Ok(())
            }
            Err(retryable) => Err(retryable),
        }
    }

    /// A transcript landed in the bucket: register it with its session
    /// (creating one for a plain drop), then chunk it right here.
    async fn handle_s3_notification(
        &self,
        notification: &S3Notification,
        message_id: Option<String>,
        invocation_deadline: Option<SystemTime>,
    ) -> Result<(), StageError> {
        if notification.is_test_event() {
            return Ok(());
        }
        for (key, notified_size) in notification.created_objects() {
            let Some(coach) = coach_of_key(&key) else {
                tracing::warn!("ignoring an object outside transcripts/<coach id>/");
                continue;
            };
            // Refused from its size before a byte of it is read: the notification's
            // size, else the size the object store reports.
            let limit = crate::transcript::MAX_TRANSCRIPT_BYTES;
            let read = match notified_size.filter(|size| *size > limit as u64) {
                Some(size) => Err(ObjectStoreError::TooLarge { size, limit }),
                None => self.pipeline.objects.get_at_most(&key, limit).await,
            };
            let bytes = match read {
                Ok(bytes) => bytes,
                // Deleted since (e.g. the session was deleted): nothing to process.
                Err(ObjectStoreError::NotFound(_)) => continue,
                Err(ObjectStoreError::TooLarge { size, limit }) => {
                    let reason = TranscriptError::TooLarge {
                        bytes: usize::try_from(size).unwrap_or(usize::MAX),
                        limit,
                    }
                    .to_string();
                    self.ingest
                        .refuse_object(coach, &key, size, &reason)
                        .await
                        .map_err(|e| StageError::Retryable(e.into()))?;
                    continue;
                }
                Err(other) => return Err(StageError::Retryable(other.into())),
            };
            let started = self
                .ingest
                .register_object(coach, &key, &bytes, message_id.clone())
                .await
                .map_err(|e| StageError::Retryable(e.into()))?;
            if let Some(message) = started {
                self.run(&message, invocation_deadline).await?;
            }
        }
        Ok(())
    }
}

/// How long a stage starting `now` may run: `cap`, or less when the
/// invocation ends sooner, keeping `WRAP_UP` to record the outcome.
fn stage_deadline(
    cap: Duration,
    invocation_deadline: Option<SystemTime>,
    now: SystemTime,
) -> Duration {
    let Some(end) = invocation_deadline else {
        return cap;
    };
    let remaining = end.duration_since(now).unwrap_or(Duration::ZERO);
    remaining.saturating_sub(WRAP_UP).min(cap)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stage_stops_before_the_invocation_does() {
        let cap = Duration::from_secs(600);
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000);
        let deadline = |left: Duration| stage_deadline(cap, Some(now + left), now);
        assert_eq!(
            stage_deadline(cap, None, now),
            cap,
            "no context: the setting"
        );
        assert_eq!(
            deadline(Duration::from_secs(3600)),
            cap,
            "plenty of time: the setting"
        );
        assert_eq!(
            deadline(Duration::from_secs(300)),
            Duration::from_secs(300) - WRAP_UP
        );
        assert_eq!(
            deadline(Duration::from_millis(500)),
            Duration::ZERO,
            "no time left"
        );
        assert_eq!(
            stage_deadline(cap, Some(now - Duration::from_secs(1)), now),
            Duration::ZERO,
            "already past"
        );
    }
}
