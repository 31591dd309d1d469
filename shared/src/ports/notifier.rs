use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::domain::{CoachId, PipelineStage};

/// What happened, with the id of what it happened to. Ids, statuses and
/// reasons a person can act on only: never client words — except a
/// revision's text as it is written, which goes to the coach's own screens
/// and is never logged.
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
    /// The next piece of a revision the language model is writing.
    #[serde(rename = "refinement.delta")]
    RefinementDelta {
        target: RefinementTarget,
        /// The follow-up's id, or the session's for its summary.
        id: Uuid,
        text: String,
    },
    /// The revision is stored as `version`.
    #[serde(rename = "refinement.done")]
    RefinementDone {
        target: RefinementTarget,
        id: Uuid,
        version: i32,
        version_id: Uuid,
    },
    #[serde(rename = "refinement.failed")]
    RefinementFailed {
        target: RefinementTarget,
        id: Uuid,
        reason: String,
    },
}

impl EventKind {
    /// Whether the event carries the coach's draft text (kept out of logs).
    pub fn carries_text(&self) -> bool {
        matches!(self, Self::RefinementDelta { .. })
    }
}

/// What a refinement revises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RefinementTarget {
    FollowUp,
    Summary,
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
