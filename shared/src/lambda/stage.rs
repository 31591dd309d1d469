//! A pipeline stage behind SQS: each record is one `StageMessage`. Retryable
//! failures are reported as batch item failures (SQS redelivers them, then
//! parks them in the DLQ); permanent failures fail the session at once and
//! are acknowledged, so they do not burn retries.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent, SqsMessage};

use crate::domain::PipelineStage;
use crate::pipeline::{Pipeline, StageError};
use crate::ports::StageMessage;

/// Runs every record of the batch through `stage`.
pub async fn handle_batch(
    pipeline: &Pipeline,
    stage: PipelineStage,
    event: SqsEvent,
) -> SqsBatchResponse {
    let mut response = SqsBatchResponse::default();
    for record in event.records {
        let id = record.message_id.clone().unwrap_or_default();
        if let Err(error) = handle_record(pipeline, stage, &record).await {
            tracing::warn!(message_id = %id, %error, "record will be retried");
            response.add_failure(id);
        }
    }
    response
}

async fn handle_record(
    pipeline: &Pipeline,
    stage: PipelineStage,
    record: &SqsMessage,
) -> Result<(), StageError> {
    let body = record.body.as_deref().unwrap_or_default();
    let message: StageMessage = match serde_json::from_str(body) {
        Ok(message) => message,
        Err(error) => {
            // Unreadable forever: acknowledge it rather than loop it to the DLQ.
            tracing::error!(%error, "dropping an unreadable stage message");
            return Ok(());
        }
    };
    if message.stage != stage {
        tracing::error!(expected = %stage, got = %message.stage, "stage message sent to the wrong queue; dropping");
        return Ok(());
    }
    match pipeline.run(&message).await {
        Ok(_) => Ok(()),
        Err(StageError::Permanent(reason)) => {
            pipeline
                .fail_session(&message, &reason)
                .await
                .map_err(StageError::from)?;
            Ok(())
        }
        Err(retryable) => Err(retryable),
    }
}
