//! Clients of one coach.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_postgres::Row;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::{new_id, CoachId, EmailAddress};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Client {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub time_zone: String,
    pub tags: Vec<String>,
    pub consent_ai_processing: bool,
    pub consent_email: bool,
    pub notes: String,
    pub archived: bool,
    pub follow_up_template_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Client {
    /// The first word of the name, for greetings.
    pub fn first_name(&self) -> &str {
        self.name.split_whitespace().next().unwrap_or(&self.name)
    }
}

/// Validated fields of a new client.
#[derive(Debug, Clone)]
pub struct NewClient {
    pub name: String,
    pub email: Option<EmailAddress>,
    pub time_zone: String,
    pub tags: Vec<String>,
    pub consent_ai_processing: bool,
    pub consent_email: bool,
    pub notes: String,
    pub follow_up_template_id: Option<Uuid>,
}

/// A partial update; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ClientChanges {
    pub name: Option<String>,
    pub email: Option<Option<EmailAddress>>,
    pub time_zone: Option<String>,
    pub tags: Option<Vec<String>>,
    pub consent_ai_processing: Option<bool>,
    pub consent_email: Option<bool>,
    pub notes: Option<String>,
    pub archived: Option<bool>,
    pub follow_up_template_id: Option<Option<Uuid>>,
}

const COLUMNS: &str =
    "id, name, email, time_zone, tags, consent_ai_processing, consent_email, notes, archived, \
                       follow_up_template_id, created_at, updated_at";

fn from_row(row: &Row) -> Client {
    Client {
        id: row.get("id"),
        name: row.get("name"),
        email: row.get("email"),
        time_zone: row.get("time_zone"),
        tags: row.get("tags"),
        consent_ai_processing: row.get("consent_ai_processing"),
        consent_email: row.get("consent_email"),
        notes: row.get("notes"),
        archived: row.get("archived"),
        follow_up_template_id: row.get("follow_up_template_id"),
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    }
}

pub async fn insert(
    db: &impl Executor,
    coach: CoachId,
    new: &NewClient,
) -> Result<Client, StoreError> {
    let email = new.email.as_ref().map(EmailAddress::as_str);
    let row = db
        .fetch_one(
            &format!(
                "INSERT INTO clients (id, coach_id, name, email, time_zone, tags, consent_ai_processing,
                     consent_email, notes, follow_up_template_id)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING {COLUMNS}"
            ),
            &[
                &new_id(),
                &coach.0,
                &new.name,
                &email,
                &new.time_zone,
                &new.tags,
                &new.consent_ai_processing,
                &new.consent_email,
                &new.notes,
                &new.follow_up_template_id,
            ],
        )
        .await?;
    Ok(from_row(&row))
}

pub async fn get(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Client>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM clients WHERE coach_id = $1 AND id = $2"),
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}

/// One page of clients, newest first, after the `(created_at, id)` cursor.
pub async fn list(
    db: &impl Executor,
    coach: CoachId,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Client>, StoreError> {
    let (at, id) = after.unzip();
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {COLUMNS} FROM clients WHERE coach_id = $1
                   AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
                 ORDER BY created_at DESC, id DESC LIMIT $4"
            ),
            &[&coach.0, &at, &id, &limit],
        )
        .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// All of a coach's clients, for matching transcript speakers by name.
pub async fn list_all(db: &impl Executor, coach: CoachId) -> Result<Vec<Client>, StoreError> {
    let rows = db
        .fetch_all(
            &format!("SELECT {COLUMNS} FROM clients WHERE coach_id = $1 ORDER BY created_at"),
            &[&coach.0],
        )
        .await?;
    Ok(rows.iter().map(from_row).collect())
}

/// Every speaker label the coach's clients had in their sessions: (client, label).
pub async fn speaker_labels(
    db: &impl Executor,
    coach: CoachId,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT DISTINCT client_id, speaker_label FROM client_sessions
              WHERE coach_id = $1 AND speaker_label IS NOT NULL",
            &[&coach.0],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

pub async fn update(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    changes: &ClientChanges,
) -> Result<Option<Client>, StoreError> {
    let email_set = changes.email.is_some();
    let email = changes
        .email
        .clone()
        .flatten()
        .map(|e| e.as_str().to_owned());
    let template_set = changes.follow_up_template_id.is_some();
    let template = changes.follow_up_template_id.flatten();
    let row = db
        .fetch_optional(
            &format!(
                "UPDATE clients SET
                    name = COALESCE($3, name),
                    email = CASE WHEN $4 THEN $5 ELSE email END,
                    time_zone = COALESCE($6, time_zone),
                    tags = COALESCE($7, tags),
                    consent_ai_processing = COALESCE($8, consent_ai_processing),
                    consent_email = COALESCE($9, consent_email),
                    notes = COALESCE($10, notes),
                    archived = COALESCE($11, archived),
                    follow_up_template_id = CASE WHEN $12 THEN $13 ELSE follow_up_template_id END,
                    updated_at = now()
                 WHERE coach_id = $1 AND id = $2 RETURNING {COLUMNS}"
            ),
            &[
                &coach.0,
                &id,
                &changes.name,
                &email_set,
                &email,
                &changes.time_zone,
                &changes.tags,
                &changes.consent_ai_processing,
                &changes.consent_email,
                &changes.notes,
                &changes.archived,
                &template_set,
                &template,
            ],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}
