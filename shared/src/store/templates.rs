//! Follow-up and summary templates: built-ins (no coach) and a coach's own,
//! each change a new kept version. A deleted template is archived: drafts
//! keep naming the template and version they were written from.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tokio_postgres::Row;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::ai::analyst::FollowUpTemplate;
use crate::ai::builtin_templates::WARM_RECAP_ID;
use crate::domain::{new_id, CoachId, TemplateKind};

/// The key in `coaches.settings` of the coach's default follow-up template.
pub const DEFAULT_FOLLOW_UP_TEMPLATE: &str = "default_follow_up_template_id";

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateView {
    pub id: Uuid,
    pub kind: TemplateKind,
    pub name: String,
    /// Filled in like the body; one line.
    pub subject: String,
    pub body: String,
    /// Guidance for an AI writing or refining in this template's style.
    pub instructions: String,
    /// Shipped with FlowCoach: read-only; copy it to change it.
    pub built_in: bool,
    /// The current version; send it back as `If-Match` to change it.
    pub version: i32,
    /// The one the coach's follow-ups use unless a client has their own.
    pub is_default: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One kept version of a template.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TemplateVersion {
    pub version: i32,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub instructions: String,
    pub created_at: DateTime<Utc>,
}

/// A template's text, as saved.
#[derive(Debug, Clone)]
pub struct TemplateText {
    pub name: String,
    pub subject: String,
    pub body: String,
    pub instructions: String,
}

/// A template locked for a change.
#[derive(Debug, Clone, Copy)]
pub struct Locked {
    pub built_in: bool,
    pub version: i32,
}

const VIEW_COLUMNS: &str =
    "t.id, t.kind::text, t.name, t.subject, t.body, t.instructions, t.coach_id IS NULL,
    t.current_version, t.id::text = COALESCE(co.settings->>'default_follow_up_template_id', $2),
    t.created_at, t.updated_at";

/// The coach's usable templates (their own, not archived, and the built-ins).
const VIEW_FROM: &str = "templates t JOIN coaches co ON co.id = $1
    WHERE (t.coach_id = $1 OR t.coach_id IS NULL) AND t.archived_at IS NULL";

fn view_from_row(r: &Row) -> TemplateView {
    TemplateView {
        id: r.get(0),
        kind: r.get(1),
        name: r.get(2),
        subject: r.get(3),
        body: r.get(4),
        instructions: r.get(5),
        built_in: r.get(6),
        version: r.get(7),
        is_default: r.get(8),
        created_at: r.get(9),
        updated_at: r.get(10),
    }
}

fn builtin_default() -> String {
    WARM_RECAP_ID.to_string()
}

/// Built-ins first, then the coach's own, by name.
pub async fn list(
    db: &impl Executor,
    coach: CoachId,
    kind: Option<TemplateKind>,
) -> Result<Vec<TemplateView>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {VIEW_COLUMNS} FROM {VIEW_FROM}
                    AND ($3::text IS NULL OR t.kind::text = $3)
                  ORDER BY t.coach_id IS NOT NULL, lower(t.name), t.id"
            ),
            &[
                &coach.0,
                &builtin_default(),
                &kind.map(TemplateKind::as_str),
            ],
        )
        .await?;
    Ok(rows.iter().map(view_from_row).collect())
}

pub async fn get(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<TemplateView>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {VIEW_COLUMNS} FROM {VIEW_FROM} AND t.id = $3"),
            &[&coach.0, &builtin_default(), &id],
        )
        .await?;
    Ok(row.as_ref().map(view_from_row))
}

/// Locks a template the coach may see, for a change.
pub async fn lock(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Locked>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT coach_id IS NULL, current_version FROM templates
              WHERE id = $2 AND (coach_id = $1 OR coach_id IS NULL) AND archived_at IS NULL
              FOR UPDATE",
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.map(|r| Locked {
        built_in: r.get(0),
        version: r.get(1),
    }))
}

/// A new template of the coach's at version 1.
pub async fn insert(
    db: &impl Executor,
    coach: CoachId,
    kind: TemplateKind,
    text: &TemplateText,
) -> Result<Uuid, StoreError> {
    let id = new_id();
    db.exec(
        "INSERT INTO templates (id, coach_id, kind, name, subject, body, instructions, current_version)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1)",
        &[&id, &coach.0, &kind, &text.name, &text.subject, &text.body, &text.instructions],
    )
    .await?;
    insert_version(db, Some(coach.0), id, 1, text).await?;
    Ok(id)
}

/// The coach's template at a new version (the caller holds its lock).
pub async fn add_version(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    version: i32,
    text: &TemplateText,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE templates SET name = $3, subject = $4, body = $5, instructions = $6,
                current_version = $7, updated_at = now()
          WHERE coach_id = $1 AND id = $2",
        &[
            &coach.0,
            &id,
            &text.name,
            &text.subject,
            &text.body,
            &text.instructions,
            &version,
        ],
    )
    .await?;
    insert_version(db, Some(coach.0), id, version, text).await
}

pub(super) async fn insert_version(
    db: &impl Executor,
    coach: Option<Uuid>,
    id: Uuid,
    version: i32,
    text: &TemplateText,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO template_versions (template_id, coach_id, version, name, subject, body, instructions)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (template_id, version) DO NOTHING",
        &[&id, &coach, &version, &text.name, &text.subject, &text.body, &text.instructions],
    )
    .await?;
    Ok(())
}

/// Archives the coach's template: it leaves the lists, stops being the
/// coach's default and any client's, and keeps its versions.
pub async fn archive(db: &impl Executor, coach: CoachId, id: Uuid) -> Result<(), StoreError> {
    db.exec(
        "UPDATE templates SET archived_at = now(), updated_at = now() WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &id],
    )
    .await?;
    db.exec(
        "UPDATE clients SET follow_up_template_id = NULL, updated_at = now()
          WHERE coach_id = $1 AND follow_up_template_id = $2",
        &[&coach.0, &id],
    )
    .await?;
    db.exec(
        "UPDATE coaches SET settings = settings - $3, updated_at = now()
          WHERE id = $1 AND settings->>$3 = $2::uuid::text",
        &[&coach.0, &id, &DEFAULT_FOLLOW_UP_TEMPLATE],
    )
    .await?;
    Ok(())
}

/// Every version, oldest first; `None` when the coach has no such template.
pub async fn versions(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Vec<TemplateVersion>>, StoreError> {
    if get(db, coach, id).await?.is_none() {
        return Ok(None);
    }
    let rows = db
        .fetch_all(
            "SELECT version, name, subject, body, instructions, created_at FROM template_versions
              WHERE template_id = $1 ORDER BY version",
            &[&id],
        )
        .await?;
    Ok(Some(
        rows.iter()
            .map(|r| TemplateVersion {
                version: r.get(0),
                name: r.get(1),
                subject: r.get(2),
                body: r.get(3),
                instructions: r.get(4),
                created_at: r.get(5),
            })
            .collect(),
    ))
}

/// Sets (or, with `None`, removes) the coach's default follow-up template.
pub async fn set_default_follow_up(
    db: &impl Executor,
    coach: CoachId,
    id: Option<Uuid>,
) -> Result<(), StoreError> {
    let value = id.map(|id| serde_json::Value::from(id.to_string()));
    super::coaches::set_setting(db, coach, DEFAULT_FOLLOW_UP_TEMPLATE, value).await
}

fn follow_up_from_row(row: &Row) -> FollowUpTemplate {
    FollowUpTemplate {
        id: row.get("id"),
        version: row.get("current_version"),
        name: row.get("name"),
        subject: row.get("subject"),
        body: row.get("body"),
        instructions: row.get("instructions"),
    }
}

/// A follow-up template this coach may use: their own (not archived) or a built-in.
pub async fn get_follow_up(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<FollowUpTemplate>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT id, current_version, name, subject, body, instructions FROM templates
              WHERE id = $2 AND kind = 'follow_up' AND (coach_id = $1 OR coach_id IS NULL)
                AND archived_at IS NULL",
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.as_ref().map(follow_up_from_row))
}
