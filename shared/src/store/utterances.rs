//! The normalised utterances the chunk stage parsed, per generation: what
//! the analyse stage reads instead of the transcript object.

use tokio_postgres::types::Json;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::CoachId;
use crate::transcript::model::Utterance;

/// Replaces the session's utterances with this generation's: older
/// generations' go, and a retried chunk stage rewrites its own.
pub async fn replace(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    utterances: &[Utterance],
) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM transcript_utterances WHERE coach_id = $1 AND session_id = $2 AND generation <= $3",
        &[&coach.0, &session, &generation],
    )
    .await?;
    db.exec(
        "INSERT INTO transcript_utterances (coach_id, session_id, generation, utterances) VALUES ($1, $2, $3, $4)",
        &[&coach.0, &session, &generation, &Json(utterances)],
    )
    .await?;
    Ok(())
}

/// This generation's utterances; `None` when it was chunked before they were stored.
pub async fn for_generation(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
) -> Result<Option<Vec<Utterance>>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT utterances FROM transcript_utterances
              WHERE coach_id = $1 AND session_id = $2 AND generation = $3",
            &[&coach.0, &session, &generation],
        )
        .await?;
    row.map(|row| {
        row.try_get::<_, Json<Vec<Utterance>>>(0)
            .map(|Json(utterances)| utterances)
            .map_err(|e| StoreError::Corrupt(format!("stored utterances are unreadable: {e}")))
    })
    .transpose()
}
