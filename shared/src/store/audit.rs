//! The append-only audit log of reads and changes of client data.

use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::CoachId;

/// One audit entry. Holds ids and action names only, never client text.
#[derive(Debug, Clone)]
pub struct AuditEntry<'a> {
    pub coach: CoachId,
    pub actor: Option<Uuid>,
    pub action: &'a str,
    pub entity_type: &'a str,
    pub entity_id: Option<Uuid>,
    pub request_id: Option<&'a str>,
    pub details: serde_json::Value,
}

pub async fn record(db: &impl Executor, entry: &AuditEntry<'_>) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO audit_log (coach_id, actor_id, action, entity_type, entity_id, request_id, details)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            &entry.coach.0,
            &entry.actor,
            &entry.action,
            &entry.entity_type,
            &entry.entity_id,
            &entry.request_id,
            &entry.details,
        ],
    )
    .await?;
    Ok(())
}
