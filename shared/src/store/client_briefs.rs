//! A client's pre-session brief: their open commitments (with what later
//! sessions said of them), the themes and risk flags of their latest
//! analysed sessions, and the last follow-up they were sent.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::commitments::{self, CommitmentFilter, CommitmentView};
use super::summaries::SummaryContent;
use super::{Executor, StoreError};
use crate::ai::analyst::RiskFlag;
use crate::domain::{CoachId, CommitmentStatus};

/// How many of the client's latest analysed sessions the brief recalls.
pub const RECENT_SESSIONS: i64 = 3;
/// The most open commitments it lists (newest session first).
const MAX_OPEN_COMMITMENTS: i64 = 50;

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ClientBrief {
    pub client_id: Uuid,
    /// The client's open commitments, newest session first, each with what
    /// a later session said of it.
    pub open_commitments: Vec<CommitmentView>,
    /// The latest analysed sessions, newest first.
    pub recent_sessions: Vec<RecentSession>,
    pub last_follow_up_sent: Option<SentFollowUp>,
}

/// What one recent session's current summary says, for this client.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RecentSession {
    pub session_id: Uuid,
    pub title: String,
    pub held_at: DateTime<Utc>,
    pub themes: Vec<String>,
    /// This client's risk flags in it.
    pub risk_flags: Vec<RiskFlag>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SentFollowUp {
    pub follow_up_id: Uuid,
    pub session_id: Uuid,
    pub subject: String,
    pub sent_at: DateTime<Utc>,
}

/// The brief of `client`; `None` when the coach has no such client.
pub async fn brief(
    db: &impl Executor,
    coach: CoachId,
    client: Uuid,
) -> Result<Option<ClientBrief>, StoreError> {
    if super::clients::get(db, coach, client).await?.is_none() {
        return Ok(None);
    }
    let open_commitments = commitments::list(
        db,
        coach,
        CommitmentFilter {
            client: Some(client),
            status: Some(CommitmentStatus::Open),
            ..CommitmentFilter::default()
        },
        None,
        MAX_OPEN_COMMITMENTS,
    )
    .await?;
    let rows = db
        .fetch_all(
            "SELECT s.id, s.title, s.held_at, v.content
               FROM client_sessions cs
               JOIN sessions s ON s.coach_id = cs.coach_id AND s.id = cs.session_id
               JOIN summaries sm ON sm.coach_id = s.coach_id AND sm.session_id = s.id
               JOIN summary_versions v ON v.summary_id = sm.id AND v.version = sm.current_version
              WHERE cs.coach_id = $1 AND cs.client_id = $2
              ORDER BY s.held_at DESC LIMIT $3",
            &[&coach.0, &client, &RECENT_SESSIONS],
        )
        .await?;
    let recent_sessions = rows
        .iter()
        .map(|r| {
            let content: SummaryContent = serde_json::from_value(r.get(3))
                .map_err(|e| StoreError::Corrupt(format!("summary content: {e}")))?;
            Ok(RecentSession {
                session_id: r.get(0),
                title: r.get(1),
                held_at: r.get(2),
                themes: content.themes,
                risk_flags: content
                    .risk_flags
                    .into_iter()
                    .filter(|flag| flag.client_id == Some(client))
                    .collect(),
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let last_follow_up_sent = db
        .fetch_optional(
            "SELECT f.id, f.session_id, v.subject, f.sent_at
               FROM follow_ups f
               JOIN follow_up_versions v ON v.follow_up_id = f.id
                AND v.version = COALESCE(f.approved_version, f.current_version)
              WHERE f.coach_id = $1 AND f.client_id = $2 AND f.status = 'sent' AND f.sent_at IS NOT NULL
              ORDER BY f.sent_at DESC NULLS LAST LIMIT 1",
            &[&coach.0, &client],
        )
        .await?
        .map(|r| SentFollowUp {
            follow_up_id: r.get(0),
            session_id: r.get(1),
            subject: r.get(2),
            sent_at: r.get(3),
        });
    Ok(Some(ClientBrief {
        client_id: client,
        open_commitments,
        recent_sessions,
        last_follow_up_sent,
    }))
}
