//! Coaches: the tenants.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Row;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::ai::analyst::AnalyserChoice;
use crate::domain::{new_id, CoachId, CoachRole, EmailAddress};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Coach {
    pub id: Uuid,
    pub email: String,
    pub display_name: String,
    pub time_zone: String,
    pub role: CoachRole,
    #[schema(value_type = Object)]
    pub settings: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

impl Coach {
    pub fn coach_id(&self) -> CoachId {
        CoachId(self.id)
    }

    /// The name follow-ups are signed with: the `sender_name` setting, else the display name.
    pub fn signature(&self) -> String {
        self.settings
            .get(SENDER_NAME)
            .and_then(|v| v.as_str())
            .filter(|s| !s.trim().is_empty())
            .unwrap_or(&self.display_name)
            .to_owned()
    }

    /// The analyser the coach chose (the `analyser` setting); the
    /// deployment's default when unset or unreadable.
    pub fn analyser(&self) -> AnalyserChoice {
        self.settings
            .get(ANALYSER)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
            .unwrap_or_default()
    }
}

/// The setting that chooses the analyser: `local` or `language_model`.
pub const ANALYSER: &str = "analyser";

/// The setting that names the coach to clients (`Coach::signature`).
pub const SENDER_NAME: &str = "sender_name";

pub(super) const COLUMNS: &str =
    "id, email, display_name, time_zone, role::text AS role, settings, created_at";

pub(super) fn from_row(row: &Row) -> Coach {
    Coach {
        id: row.get("id"),
        email: row.get("email"),
        display_name: row.get("display_name"),
        time_zone: row.get("time_zone"),
        role: row.get("role"),
        settings: row.get("settings"),
        created_at: row.get("created_at"),
    }
}

pub async fn get(db: &impl Executor, id: CoachId) -> Result<Option<Coach>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM coaches WHERE id = $1"),
            &[&id.0],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}

/// The keys in `coaches.settings` of the retention setting
/// (read by `store::retention::due`): days a transcript is kept (absent: until
/// deleted), and whether summaries go with transcripts (absent: they stay).
pub const TRANSCRIPT_RETENTION_DAYS: &str = "transcript_retention_days";
pub const DELETE_SUMMARIES_WITH_TRANSCRIPTS: &str = "delete_summaries_with_transcripts";

/// The key in `coaches.settings` of the "send without approval" setting.
pub const AUTO_SEND_HOURS: &str = "send_without_approval_after_hours";

/// Sets (or, with `None`, removes) the hours after which the coach's drafts
/// are sent without approval.
pub async fn set_auto_send_hours(
    db: &impl Executor,
    coach: CoachId,
    hours: Option<i32>,
) -> Result<(), StoreError> {
    set_setting(
        db,
        coach,
        AUTO_SEND_HOURS,
        hours.map(serde_json::Value::from),
    )
    .await
}

/// Sets one key of `coaches.settings`, or removes it with `None`.
pub async fn set_setting(
    db: &impl Executor,
    coach: CoachId,
    key: &str,
    value: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE coaches SET settings = CASE WHEN $3::jsonb IS NULL THEN settings - $2
                                            ELSE jsonb_set(settings, ARRAY[$2], $3::jsonb) END,
                updated_at = now()
          WHERE id = $1",
        &[&coach.0, &key, &value],
    )
    .await?;
    Ok(())
}

pub async fn set_time_zone(
    db: &impl Executor,
    coach: CoachId,
    time_zone: &str,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE coaches SET time_zone = $2, updated_at = now() WHERE id = $1",
        &[&coach.0, &time_zone],
    )
    .await?;
    Ok(())
}

pub async fn find_by_email(
    db: &impl Executor,
    email: &EmailAddress,
) -> Result<Option<Coach>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM coaches WHERE lower(email) = lower($1)"),
            &[&email.as_str()],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}

/// Returns the coach with this email, creating it when missing.
pub async fn ensure(
    db: &impl Executor,
    email: &EmailAddress,
    display_name: &str,
    role: CoachRole,
) -> Result<Coach, StoreError> {
    let row = db
        .fetch_one(
            &format!(
                "INSERT INTO coaches (id, email, display_name, role) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (lower(email)) DO UPDATE SET updated_at = coaches.updated_at
                 RETURNING {COLUMNS}"
            ),
            &[&new_id(), &email.as_str(), &display_name, &role],
        )
        .await?;
    Ok(from_row(&row))
}

/// The coach bound to this Cognito user (`sub`). On their first sign-in the
/// user is bound once: to the coach with their verified email if that coach
/// is not bound yet, else to a new coach. `None` when there is no coach for
/// the user and none can be made: no verified email, or the email belongs to
/// a coach bound to another user.
pub async fn for_cognito_user(
    db: &impl Executor,
    sub: &str,
    verified_email: Option<&EmailAddress>,
    display_name: &str,
) -> Result<Option<Coach>, StoreError> {
    let by_sub = format!("SELECT {COLUMNS} FROM coaches WHERE cognito_sub = $1");
    if let Some(row) = db.fetch_optional(&by_sub, &[&sub]).await? {
        return Ok(Some(from_row(&row)));
    }
    let Some(email) = verified_email else {
        return Ok(None);
    };
    let linked = db
        .fetch_optional(
            &format!(
                "UPDATE coaches SET cognito_sub = $1, updated_at = now()
                 WHERE lower(email) = lower($2) AND cognito_sub IS NULL
                 RETURNING {COLUMNS}"
            ),
            &[&sub, &email.as_str()],
        )
        .await?;
    if let Some(row) = linked {
        return Ok(Some(from_row(&row)));
    }
    let created = db
        .fetch_optional(
            &format!(
                "INSERT INTO coaches (id, email, display_name, role, cognito_sub)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT DO NOTHING
                 RETURNING {COLUMNS}"
            ),
            &[
                &new_id(),
                &email.as_str(),
                &display_name,
                &CoachRole::Coach,
                &sub,
            ],
        )
        .await?;
    if let Some(row) = created {
        return Ok(Some(from_row(&row)));
    }
    // A concurrent first sign-in of the same user may have won the insert.
    let row = db.fetch_optional(&by_sub, &[&sub]).await?;
    Ok(row.as_ref().map(from_row))
}
