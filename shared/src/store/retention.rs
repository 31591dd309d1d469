//! The retention purge's SQL: which sessions' transcripts are past their
//! coach's retention, removing their rows, and the once-a-day claim.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{coaches, Executor, StoreError};
use crate::domain::CoachId;

/// A session whose transcript is past its coach's retention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DueTranscript {
    pub coach: CoachId,
    pub session: Uuid,
    /// The transcript's object in the store.
    pub object_key: String,
    pub delete_summaries: bool,
}

/// What the purge removed of one session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PurgedRows {
    pub chunks: u64,
    pub embeddings: u64,
    pub utterances: u64,
    pub summaries: u64,
}

/// Up to `limit` sessions, oldest first, that still hold a transcript and
/// were held longer ago than their coach's retention. Only finished
/// sessions (`ready`, `failed`): a transcript being processed is never
/// pulled from under a stage.
pub async fn due(
    db: &impl Executor,
    now: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<DueTranscript>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT s.coach_id, s.id, s.transcript_key,
                    COALESCE(c.settings -> $2 = 'true'::jsonb, false) AS delete_summaries
               FROM sessions s
               JOIN coaches c ON c.id = s.coach_id
              WHERE s.transcript_purged_at IS NULL AND s.transcript_key IS NOT NULL
                AND s.status IN ('ready', 'failed')
                AND jsonb_typeof(c.settings -> $1) = 'number'
                AND s.held_at < $3 - (c.settings ->> $1)::int * interval '1 day'
              ORDER BY s.held_at, s.id
              LIMIT $4",
            &[
                &coaches::TRANSCRIPT_RETENTION_DAYS,
                &coaches::DELETE_SUMMARIES_WITH_TRANSCRIPTS,
                &now,
                &limit,
            ],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|row| DueTranscript {
            coach: CoachId(row.get("coach_id")),
            session: row.get("id"),
            object_key: row.get("transcript_key"),
            delete_summaries: row.get("delete_summaries"),
        })
        .collect())
}

/// Removes the session's transcript rows (utterances, chunks with their
/// embeddings, and with `delete_summaries` its summary, whose versions,
/// embeddings and commitments go with it) and marks the session purged at
/// `now`: no object key, file name or hash is left to find the transcript by.
/// Run in one transaction with the caller's other changes.
pub async fn purge(
    db: &impl Executor,
    due: &DueTranscript,
    now: DateTime<Utc>,
) -> Result<PurgedRows, StoreError> {
    let scope: [&dyn super::sql::SqlParam; 2] = [&due.coach.0, &due.session];
    let embeddings = db
        .exec(
            "DELETE FROM chunk_embeddings WHERE coach_id = $1 AND session_id = $2",
            &scope,
        )
        .await?;
    let chunks = db
        .exec(
            "DELETE FROM transcript_chunks WHERE coach_id = $1 AND session_id = $2",
            &scope,
        )
        .await?;
    let utterances = db
        .exec(
            "DELETE FROM transcript_utterances WHERE coach_id = $1 AND session_id = $2",
            &scope,
        )
        .await?;
    let summaries = if due.delete_summaries {
        db.exec(
            "DELETE FROM summaries WHERE coach_id = $1 AND session_id = $2",
            &scope,
        )
        .await?
    } else {
        0
    };
    db.exec(
        "UPDATE sessions SET transcript_purged_at = $3, transcript_key = NULL,
                transcript_filename = NULL, transcript_sha256 = NULL, transcript_size = NULL,
                unmatched_speakers = '{}', updated_at = now()
          WHERE coach_id = $1 AND id = $2",
        &[&due.coach.0, &due.session, &now],
    )
    .await?;
    Ok(PurgedRows {
        chunks,
        embeddings,
        utterances,
        summaries,
    })
}

/// Claims today's run of `job`: true (and the run recorded) when it last ran
/// a day or more before `now`, or never; false when it already ran. Two
/// servers claiming at once get one true between them.
pub async fn claim_daily_run(
    db: &impl Executor,
    job: &str,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let claimed = db
        .exec(
            "INSERT INTO maintenance_runs (job, last_run_at) VALUES ($1, $2)
             ON CONFLICT (job) DO UPDATE SET last_run_at = EXCLUDED.last_run_at
              WHERE maintenance_runs.last_run_at <= EXCLUDED.last_run_at - interval '1 day'",
            &[&job, &now],
        )
        .await?;
    Ok(claimed == 1)
}
