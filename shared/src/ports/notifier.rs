use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{CoachId, PipelineStage};

/// What happened, with the id of what it happened to. Ids, statuses and
/// reasons a person can act on only: never client words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type")]
pub enum EventKind {
    #[serde(rename = "session.stage")]
    SessionStage {
        session_id: Uuid,
        stage: PipelineStage,
    },
    #[serde(rename = "session.ready")]
    SessionReady { session_id: Uuid },
    #[serde(rename = "session.failed")]
    SessionFailed {
        session_id: Uuid,
        stage: PipelineStage,
        reason: String,
    },
    #[serde(rename = "follow_up.sent")]
    FollowUpSent { follow_up_id: Uuid },
    #[serde(rename = "follow_up.failed")]
    FollowUpFailed { follow_up_id: Uuid, reason: String },
    /// Handed to the mail provider, outcome not recorded: the coach decides.
    #[serde(rename = "follow_up.unknown")]
    FollowUpUnknown { follow_up_id: Uuid },
}

/// A live event for the coach's open screens:
/// `{"type": "session.ready", "session_id": "…", "at": "…"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LiveEvent {
    /// Whose screens it goes to; not part of what they receive.
    #[serde(skip)]
    pub coach_id: CoachId,
    pub at: DateTime<Utc>,
    #[serde(flatten)]
    pub kind: EventKind,
}

impl LiveEvent {
    /// `kind`, happening now, for `coach`.
    pub fn now(coach_id: CoachId, kind: EventKind) -> Self {
        Self {
            coach_id,
            at: Utc::now(),
            kind,
        }
    }
}

/// Publishes live events (in-process broadcast locally, WebSocket push on AWS).
/// Delivery is best effort: a coach with no open screen simply misses it.
#[async_trait]
pub trait Notifier: Send + Sync {
    async fn publish(&self, event: LiveEvent);
}

/// Where open screens listen for live events (`GET /v1/events`): every
/// event from now on, each screen picking its coach's.
pub trait LiveEvents: Send + Sync {
    fn subscribe(&self) -> tokio::sync::broadcast::Receiver<LiveEvent>;
}
