//! Follow-up emails to clients, with every version kept.

use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::ai::analyst::{AnalysisUsage, FollowUpDraft};
use crate::domain::{new_id, CoachId, FollowUpStatus, VersionSource};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpView {
    pub id: Uuid,
    pub session_id: Uuid,
    pub client_id: Uuid,
    pub client_name: String,
    /// The client's IANA time zone: a schedule's local time is read in it.
    pub client_time_zone: String,
    pub status: FollowUpStatus,
    /// The current version; send it back as `If-Match` to edit or approve.
    pub version: i32,
    pub source: VersionSource,
    pub subject: String,
    pub body: String,
    pub template_id: Option<Uuid>,
    /// The version of that template the draft was written from.
    pub template_version: Option<i32>,
    pub generation: i32,
    /// Set while the draft must be reviewed before it may be approved.
    pub needs_review: bool,
    /// Why (counts and categories, never client words).
    pub review_reason: Option<String>,
    /// The version the approval pinned: the one that is sent.
    pub approved_version: Option<i32>,
    pub approved_at: Option<DateTime<Utc>>,
    pub scheduled_at: Option<DateTime<Utc>>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Why the provider refused it, on a `failed` one.
    pub failure_reason: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One kept version of a follow-up's text.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowUpVersion {
    pub version: i32,
    pub subject: String,
    pub body: String,
    pub source: VersionSource,
    /// The coach's instruction, on a refinement.
    pub instruction: Option<String>,
    /// The model that wrote it, on the analysis's draft and a refinement.
    pub model: Option<String>,
    /// The version it was made from: a refinement's draft, a revert's target.
    pub based_on: Option<i32>,
    /// What the language model was charged for a refinement.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<AnalysisUsage>,
    pub created_at: DateTime<Utc>,
}

/// A version to add: the coach's edit, a refinement or a revert.
#[derive(Debug, Clone)]
pub struct NewVersion<'a> {
    pub subject: &'a str,
    pub body: &'a str,
    pub source: VersionSource,
    pub instruction: Option<&'a str>,
    pub model: Option<&'a str>,
    pub based_on: Option<i32>,
    pub usage: Option<&'a AnalysisUsage>,
}

impl<'a> NewVersion<'a> {
    /// The coach's own edit.
    pub fn edit(subject: &'a str, body: &'a str) -> Self {
        Self {
            subject,
            body,
            source: VersionSource::CoachEdit,
            instruction: None,
            model: None,
            based_on: None,
            usage: None,
        }
    }
}

/// The follow-ups a list asks for; `None` matches all.
#[derive(Debug, Clone, Copy, Default)]
pub struct FollowUpFilter {
    pub status: Option<FollowUpStatus>,
    pub client: Option<Uuid>,
    pub session: Option<Uuid>,
}

/// What a transition changes besides the status; `None` leaves a column as it is.
#[derive(Debug, Clone)]
pub struct StateChange {
    pub status: FollowUpStatus,
    /// `Some(None)` clears it.
    pub scheduled_at: Option<Option<DateTime<Utc>>>,
    pub approved_version: Option<i32>,
    pub sent_at: Option<DateTime<Utc>>,
    /// Approving a held draft is the coach's review of it.
    pub clear_review: bool,
}

impl StateChange {
    /// Only the status changes.
    pub fn to(status: FollowUpStatus) -> Self {
        Self {
            status,
            scheduled_at: None,
            approved_version: None,
            sent_at: None,
            clear_review: false,
        }
    }
}

/// A follow-up's state, read under a row lock for a transition.
#[derive(Debug, Clone, Copy)]
pub struct Locked {
    pub status: FollowUpStatus,
    pub version: i32,
    pub client_id: Uuid,
}

const VIEW_COLUMNS: &str =
    "f.id, f.session_id, f.client_id, c.name, c.time_zone, f.status::text AS status,
    f.current_version, v.source::text AS source, v.subject, v.body, f.template_id, f.generation,
    f.review_reason, f.approved_version, f.approved_at, f.scheduled_at, f.sent_at, f.failure_reason,
    f.created_at, f.updated_at, f.template_version";

const VIEW_FROM: &str = "follow_ups f
    JOIN follow_up_versions v ON v.follow_up_id = f.id AND v.version = f.current_version
    JOIN clients c ON c.coach_id = f.coach_id AND c.id = f.client_id";

fn view_from_row(r: &tokio_postgres::Row) -> FollowUpView {
    let review_reason: Option<String> = r.get(12);
    FollowUpView {
        id: r.get(0),
        session_id: r.get(1),
        client_id: r.get(2),
        client_name: r.get(3),
        client_time_zone: r.get(4),
        status: r.get(5),
        version: r.get(6),
        source: r.get(7),
        subject: r.get(8),
        body: r.get(9),
        template_id: r.get(10),
        generation: r.get(11),
        needs_review: review_reason.is_some(),
        review_reason,
        approved_version: r.get(13),
        approved_at: r.get(14),
        scheduled_at: r.get(15),
        sent_at: r.get(16),
        failure_reason: r.get(17),
        created_at: r.get(18),
        updated_at: r.get(19),
        template_version: r.get(20),
    }
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
            "INSERT INTO follow_ups (id, coach_id, session_id, client_id, generation, template_id, template_version,
                                     current_version, review_reason)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8) ON CONFLICT (session_id, client_id, generation) DO NOTHING",
            &[&id, &coach.0, &session, &draft.client_id, &generation, &draft.template_id, &draft.template_version,
              &draft.review_reason],
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
            &format!(
                "SELECT {VIEW_COLUMNS} FROM {VIEW_FROM}
                  WHERE f.coach_id = $1 AND f.session_id = $2
                  ORDER BY f.generation DESC, c.name"
            ),
            &[&coach.0, &session],
        )
        .await?;
    Ok(rows.iter().map(view_from_row).collect())
}

/// A page of the coach's follow-ups, newest first, after the cursor's `(created_at, id)`.
pub async fn list(
    db: &impl Executor,
    coach: CoachId,
    filter: FollowUpFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<FollowUpView>, StoreError> {
    let (at, id) = after.unzip();
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {VIEW_COLUMNS} FROM {VIEW_FROM}
                  WHERE f.coach_id = $1
                    AND ($2::text IS NULL OR f.status::text = $2)
                    AND ($3::uuid IS NULL OR f.client_id = $3)
                    AND ($4::uuid IS NULL OR f.session_id = $4)
                    AND ($5::timestamptz IS NULL OR (f.created_at, f.id) < ($5, $6))
                  ORDER BY f.created_at DESC, f.id DESC LIMIT $7"
            ),
            &[
                &coach.0,
                &filter.status.map(FollowUpStatus::as_str),
                &filter.client,
                &filter.session,
                &at,
                &id,
                &limit,
            ],
        )
        .await?;
    Ok(rows.iter().map(view_from_row).collect())
}

pub async fn get(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<FollowUpView>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {VIEW_COLUMNS} FROM {VIEW_FROM} WHERE f.coach_id = $1 AND f.id = $2"),
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.as_ref().map(view_from_row))
}

/// Every version of the follow-up's text, oldest first; `None` when the
/// coach has no such follow-up.
pub async fn versions(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Vec<FollowUpVersion>>, StoreError> {
    if exists(db, coach, id).await? {
        let rows = db
            .fetch_all(
                "SELECT version, subject, body, source::text AS source, created_at, instruction, model, based_on, usage
                   FROM follow_up_versions WHERE coach_id = $1 AND follow_up_id = $2
                  ORDER BY version",
                &[&coach.0, &id],
            )
            .await?;
        return rows
            .iter()
            .map(|r| {
                Ok(FollowUpVersion {
                    version: r.get(0),
                    subject: r.get(1),
                    body: r.get(2),
                    source: r.get(3),
                    created_at: r.get(4),
                    instruction: r.get(5),
                    model: r.get(6),
                    based_on: r.get(7),
                    usage: super::json::optional(r.get(8), "refinement usage")?,
                })
            })
            .collect::<Result<_, _>>()
            .map(Some);
    }
    Ok(None)
}

async fn exists(db: &impl Executor, coach: CoachId, id: Uuid) -> Result<bool, StoreError> {
    Ok(db
        .fetch_optional(
            "SELECT 1 FROM follow_ups WHERE coach_id = $1 AND id = $2",
            &[&coach.0, &id],
        )
        .await?
        .is_some())
}

/// Reads the follow-up's state and holds its row until the transaction ends,
/// so two transitions of one follow-up run one after the other.
pub async fn lock(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Locked>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT status::text AS status, current_version, client_id FROM follow_ups
              WHERE coach_id = $1 AND id = $2 FOR UPDATE",
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.map(|r| Locked {
        status: r.get(0),
        version: r.get(1),
        client_id: r.get(2),
    }))
}

/// Adds the next version and makes it current. Call under [`lock`], with
/// `version` one past the locked one.
pub async fn add_version(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    version: i32,
    new: &NewVersion<'_>,
) -> Result<Uuid, StoreError> {
    let version_id = new_id();
    let usage = super::json::to_optional(new.usage, "refinement usage")?;
    db.exec(
        "INSERT INTO follow_up_versions (id, follow_up_id, coach_id, version, subject, body, source, instruction, model, based_on, usage, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::version_source, $8, $9, $10, $11, $3)",
        &[
            &version_id,
            &id,
            &coach.0,
            &version,
            &new.subject,
            &new.body,
            &new.source.as_str(),
            &new.instruction,
            &new.model,
            &new.based_on,
            &usage,
        ],
    )
    .await?;
    db.exec(
        "UPDATE follow_ups SET current_version = $3, updated_at = now() WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &id, &version],
    )
    .await?;
    Ok(version_id)
}

/// Records a transition the lifecycle allowed. Call under [`lock`].
pub async fn apply(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    change: &StateChange,
) -> Result<(), StoreError> {
    let (set_schedule, scheduled_at) = match change.scheduled_at {
        Some(at) => (true, at),
        None => (false, None),
    };
    db.exec(
        "UPDATE follow_ups SET status = $3,
                scheduled_at = CASE WHEN $4 THEN $5 ELSE scheduled_at END,
                approved_version = COALESCE($6, approved_version),
                approved_at = CASE WHEN $6::integer IS NULL THEN approved_at ELSE now() END,
                sent_at = COALESCE($7, sent_at),
                review_reason = CASE WHEN $8 THEN NULL ELSE review_reason END,
                updated_at = now()
          WHERE coach_id = $1 AND id = $2",
        &[
            &coach.0,
            &id,
            &change.status,
            &set_schedule,
            &scheduled_at,
            &change.approved_version,
            &change.sent_at,
            &change.clear_review,
        ],
    )
    .await?;
    Ok(())
}
