//! Follow-up and summary templates: built-ins (no coach) and a coach's own.

use tokio_postgres::Row;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::ai::analyst::FollowUpTemplate;
use crate::domain::CoachId;

fn from_row(row: &Row) -> FollowUpTemplate {
    FollowUpTemplate {
        id: row.get("id"),
        name: row.get("name"),
        subject: row.get("subject"),
        body: row.get("body"),
        instructions: row.get("instructions"),
    }
}

/// A follow-up template this coach may use: their own or a built-in.
pub async fn get_follow_up(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<FollowUpTemplate>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT id, name, subject, body, instructions FROM templates
              WHERE id = $2 AND kind = 'follow_up' AND (coach_id = $1 OR coach_id IS NULL)",
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}
