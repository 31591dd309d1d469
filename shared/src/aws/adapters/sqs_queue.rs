use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_sqs::types::MessageAttributeValue;

use super::describe;
use crate::domain::PipelineStage;
use crate::ports::{QueueError, StageMessage, StageQueue};

/// Stage queues on SQS. Each function knows only the URLs of the queues it
/// sends to (`FLOWCOACH_QUEUE_URL_<STAGE>`).
#[derive(Clone, Debug)]
pub struct SqsStageQueue {
    client: aws_sdk_sqs::Client,
    urls: HashMap<PipelineStage, String>,
}

impl SqsStageQueue {
    pub fn new(client: aws_sdk_sqs::Client, urls: HashMap<PipelineStage, String>) -> Self {
        Self { client, urls }
    }
}

fn string_attribute(value: &str) -> Result<MessageAttributeValue, QueueError> {
    MessageAttributeValue::builder()
        .data_type("String")
        .string_value(value)
        .build()
        .map_err(|e| QueueError::Unavailable(e.to_string()))
}

#[async_trait]
impl StageQueue for SqsStageQueue {
    async fn send(&self, message: &StageMessage) -> Result<(), QueueError> {
        let url = self.urls.get(&message.stage).ok_or_else(|| {
            QueueError::Unavailable(format!(
                "no queue URL configured for the {} stage",
                message.stage
            ))
        })?;
        let body =
            serde_json::to_string(message).map_err(|e| QueueError::Unavailable(e.to_string()))?;
        let mut request = self.client.send_message().queue_url(url).message_body(body);
        // Carried as attributes so logs and traces correlate without parsing the body.
        if let Some(request_id) = &message.request_id {
            request = request.message_attributes("request_id", string_attribute(request_id)?);
        }
        if let Ok(trace) = std::env::var("_X_AMZN_TRACE_ID") {
            request = request.message_attributes("trace_id", string_attribute(&trace)?);
        }
        request
            .send()
            .await
            .map_err(|e| QueueError::Unavailable(describe(&e)))?;
        Ok(())
    }
}
