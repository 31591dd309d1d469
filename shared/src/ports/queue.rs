use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{CoachId, PipelineStage};

/// The message each pipeline stage consumes. Small on purpose: the stage
/// reads everything else from PostgreSQL and the object store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageMessage {
    pub stage: PipelineStage,
    pub coach_id: CoachId,
    pub session_id: Uuid,
    /// Processing generation; a reprocess bumps it, a redelivery does not.
    pub generation: i32,
    /// The API request or inbox drop that started the run, for log correlation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl StageMessage {
    /// The same message for the following stage.
    pub fn for_stage(&self, stage: PipelineStage) -> Self {
        Self {
            stage,
            ..self.clone()
        }
    }

    /// One pending message per session, generation and stage.
    pub fn dedup_key(&self) -> String {
        format!("{}:{}:{}", self.session_id, self.generation, self.stage)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum QueueError {
    #[error("queue unavailable: {0}")]
    Unavailable(String),
}

/// Hands a message to a stage's queue (PostgreSQL jobs locally, SQS on AWS).
#[async_trait]
pub trait StageQueue: Send + Sync {
    async fn send(&self, message: &StageMessage) -> Result<(), QueueError>;
}
