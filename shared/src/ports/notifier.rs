use async_trait::async_trait;
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{CoachId, PipelineStage};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum SessionEventKind {
    #[serde(rename = "session.stage")]
    Stage { stage: PipelineStage },
    #[serde(rename = "session.ready")]
    Ready,
    #[serde(rename = "session.failed")]
    Failed {
        stage: PipelineStage,
        reason: String,
    },
}

/// A live event for the coach's open screens. Ids and statuses only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionEvent {
    pub coach_id: CoachId,
    pub session_id: Uuid,
    #[serde(flatten)]
    pub kind: SessionEventKind,
}

/// Publishes live events (in-process broadcast locally, WebSocket push on AWS).
/// Delivery is best effort: a coach with no open screen simply misses it.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn publish(&self, event: SessionEvent);
}
