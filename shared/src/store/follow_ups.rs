//! Follow-up emails to clients, with every version kept.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::ai::analyst::FollowUpDraft;
use crate::domain::{new_id, CoachId, FollowUpStatus, VersionSource};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpView {
    pub id: Uuid,
    pub session_id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    pub status: FollowUpStatus,
    pub version: i32,
    pub source: VersionSource,
    pub subject: String,
    pub body: String,
    pub template_id: Option<Uuid>,
    pub generation: i32,
    /// Set while the draft must be reviewed before it may be approved.
    pub needs_review: bool,
    /// Why (counts and categories, never client words).
    pub review_reason: Option<String>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Inserts the first version of a generation's draft; a redelivery inserts nothing.
pub async fn insert_ai_draft(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    draft: &FollowUpDraft,
    model: &str,
) -> Result<bool, StoreError> {
    let id = new_id();
    let inserted = db
        .exec(
            "INSERT INTO follow_ups (id, coach_id, session_id, client_id, generation, template_id, current_version, review_reason)
             VALUES ($1, $2, $3, $4, $5, $6, 1, $7) ON CONFLICT (session_id, client_id, generation) DO NOTHING",
            &[&id, &coach.0, &session, &draft.client_id, &generation, &draft.template_id, &draft.review_reason],
        )
        .await?;
    if inserted == 0 {
        return Ok(false);
    }
    db.exec(
        "INSERT INTO follow_up_versions (id, follow_up_id, coach_id, version, subject, body, source, model)
         VALUES ($1, $2, $3, 1, $4, $5, 'ai', $6)",
        &[&new_id(), &id, &coach.0, &draft.subject, &draft.body, &model],
    )
    .await?;
    Ok(true)
}

/// Drafts of older generations that nobody acted on are superseded by a reprocess.
pub async fn cancel_stale_drafts(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
) -> Result<u64, StoreError> {
    Ok(db
        .exec(
            "UPDATE follow_ups SET status = 'cancelled', updated_at = now()
              WHERE coach_id = $1 AND session_id = $2 AND generation < $3 AND status = 'draft'",
            &[&coach.0, &session, &generation],
        )
        .await?)
}

/// The session's follow-ups at their current versions, newest generation first.
pub async fn list_for_session(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Vec<FollowUpView>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT f.id, f.session_id, f.client_id, c.name, f.status::text AS status, f.current_version, v.source::text AS source, v.subject, v.body,
                    f.template_id, f.generation, f.scheduled_at, f.sent_at, f.created_at, f.updated_at, f.review_reason
               FROM follow_ups f
               JOIN follow_up_versions v ON v.follow_up_id = f.id AND v.version = f.current_version
               JOIN clients c ON c.coach_id = f.coach_id AND c.id = f.client_id
              WHERE f.coach_id = $1 AND f.session_id = $2
              ORDER BY f.generation DESC, c.name",
            &[&coach.0, &session],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| FollowUpView {
            id: r.get(0),
            session_id: r.get(1),
            client_id: r.get(2),
            client_name: r.get(3),
            status: r.get(4),
            version: r.get(5),
            source: r.get(6),
            subject: r.get(7),
            body: r.get(8),
            template_id: r.get(9),
            generation: r.get(10),
            scheduled_at: r.get(11),
            sent_at: r.get(12),
            created_at: r.get(13),
            updated_at: r.get(14),
            needs_review: r.get::<_, Option<String>>(15).is_some(),
            review_reason: r.get(15),
        })
        .collect())
}
