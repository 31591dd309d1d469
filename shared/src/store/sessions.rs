//! Sessions, their participants and their processing status.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokio_postgres::Row;
use utoipa::ToSchema;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::ai::analyst::SpeakerRole;
use crate::domain::{new_id, Attendance, CoachId, PipelineStage, SessionKind, SessionStatus};
use crate::transcript::model::{CoachingMetrics, SessionMetrics};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TranscriptInfo {
    pub filename: Option<String>,
    pub format: Option<String>,
    pub size_bytes: i64,
    pub sha256: String,
    pub language: Option<String>,
    #[serde(skip)]
    pub object_key: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Session {
    pub id: Uuid,
    #[serde(skip)]
    pub coach_id: Uuid,
    pub title: String,
    pub kind: SessionKind,
    pub held_at: DateTime<Utc>,
    pub duration_seconds: Option<i32>,
    pub coach_speaker_label: Option<String>,
    pub status: SessionStatus,
    /// The stage running now, while `processing`.
    pub stage: Option<PipelineStage>,
    pub failure_stage: Option<PipelineStage>,
    pub failure_reason: Option<String>,
    pub generation: i32,
    pub transcript: Option<TranscriptInfo>,
    /// When the retention purge removed the transcript (its text, chunks and
    /// search vectors); the analysis stays unless the coach chose otherwise.
    pub transcript_purged_at: Option<DateTime<Utc>>,
    /// Transcript speakers that match neither the coach nor a participant.
    pub unmatched_speakers: Vec<String>,
    /// Coaching metrics of the last processing, with which speaker is the coach.
    pub metrics: Option<SessionMetrics>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Session {
    pub fn coach(&self) -> CoachId {
        CoachId(self.coach_id)
    }
}

/// A client who attended (or missed) a session.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Participant {
    pub client_id: Uuid,
    pub name: String,
    pub speaker_label: Option<String>,
    pub attendance: Attendance,
}

/// One participant as the coach sets it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct ParticipantInput {
    pub client_id: Uuid,
    /// The transcript speaker label that is this client (1–100 characters once trimmed, no control characters).
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub speaker_label: Option<String>,
    #[serde(default = "attended")]
    pub attendance: Attendance,
}

fn attended() -> Attendance {
    Attendance::Attended
}

#[derive(Debug, Clone)]
pub struct NewSession {
    pub title: String,
    pub kind: SessionKind,
    pub held_at: DateTime<Utc>,
    pub duration_seconds: Option<i32>,
    pub coach_speaker_label: Option<String>,
}

/// Facts of a session the coach corrects; `None` leaves a field as it is.
#[derive(Debug, Clone, Default)]
pub struct SessionChanges {
    pub title: Option<String>,
    pub kind: Option<SessionKind>,
    pub held_at: Option<DateTime<Utc>>,
    /// `Some(None)` clears the label (the coach is matched by name again).
    pub coach_speaker_label: Option<Option<String>>,
}

/// What is known about a transcript when it is stored.
#[derive(Debug, Clone)]
pub struct StoredTranscript {
    pub object_key: String,
    pub filename: Option<String>,
    pub size_bytes: i64,
    pub sha256: String,
}

// Enum columns are read as text: see `store::sql`.
const COLUMNS: &str = "id, coach_id, title, kind::text AS kind, held_at, duration_seconds, coach_speaker_label, \
    status::text AS status, stage::text AS stage, failure_stage::text AS failure_stage, failure_reason, generation, \
    transcript_key, transcript_format, transcript_size, transcript_sha256, transcript_language, transcript_filename, \
    transcript_purged_at, unmatched_speakers, metrics, speakers, created_at, updated_at";

/// A speaker as the chunk stage stored it (`speakers` column).
#[derive(Deserialize)]
struct StoredSpeaker {
    label: String,
    role: SpeakerRole,
}

/// The stored metrics, marked with the speaker the chunk stage took for the coach.
pub(crate) fn served_metrics(
    metrics: Option<serde_json::Value>,
    speakers: serde_json::Value,
) -> Result<Option<SessionMetrics>, StoreError> {
    let Some(metrics) = metrics else {
        return Ok(None);
    };
    let metrics: CoachingMetrics = serde_json::from_value(metrics)
        .map_err(|e| StoreError::Corrupt(format!("session metrics: {e}")))?;
    let speakers: Vec<StoredSpeaker> = serde_json::from_value(speakers)
        .map_err(|e| StoreError::Corrupt(format!("session speakers: {e}")))?;
    let coach = speakers.iter().find(|s| s.role == SpeakerRole::Coach);
    Ok(Some(metrics.with_coach(coach.map(|s| s.label.as_str()))))
}

/// The coaching metrics the chunk stage stored, as computed (for the analyse stage).
pub async fn coaching_metrics(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Option<CoachingMetrics>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT metrics FROM sessions WHERE coach_id = $1 AND id = $2",
            &[&coach.0, &session],
        )
        .await?;
    row.and_then(|r| r.get::<_, Option<serde_json::Value>>(0))
        .map(|metrics| {
            serde_json::from_value(metrics)
                .map_err(|e| StoreError::Corrupt(format!("session metrics: {e}")))
        })
        .transpose()
}

fn from_row(row: &Row) -> Result<Session, StoreError> {
    let transcript = row
        .get::<_, Option<String>>("transcript_key")
        .map(|object_key| TranscriptInfo {
            filename: row.get("transcript_filename"),
            format: row.get("transcript_format"),
            size_bytes: row
                .get::<_, Option<i64>>("transcript_size")
                .unwrap_or_default(),
            sha256: row
                .get::<_, Option<String>>("transcript_sha256")
                .unwrap_or_default(),
            language: row.get("transcript_language"),
            object_key,
        });
    Ok(Session {
        id: row.get("id"),
        coach_id: row.get("coach_id"),
        title: row.get("title"),
        kind: row.get("kind"),
        held_at: row.get("held_at"),
        duration_seconds: row.get("duration_seconds"),
        coach_speaker_label: row.get("coach_speaker_label"),
        status: row.get("status"),
        stage: row.get("stage"),
        failure_stage: row.get("failure_stage"),
        failure_reason: row.get("failure_reason"),
        generation: row.get("generation"),
        transcript,
        transcript_purged_at: row.get("transcript_purged_at"),
        unmatched_speakers: row.get("unmatched_speakers"),
        metrics: served_metrics(row.get("metrics"), row.get("speakers"))?,
        created_at: row.get("created_at"),
        updated_at: row.get("updated_at"),
    })
}

pub async fn insert(
    db: &impl Executor,
    coach: CoachId,
    new: &NewSession,
) -> Result<Session, StoreError> {
    let row = db
        .fetch_one(
            &format!(
                "INSERT INTO sessions (id, coach_id, title, kind, held_at, duration_seconds, coach_speaker_label)
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {COLUMNS}"
            ),
            &[&new_id(), &coach.0, &new.title, &new.kind, &new.held_at, &new.duration_seconds, &new.coach_speaker_label],
        )
        .await?;
    from_row(&row)
}

pub async fn get(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Session>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM sessions WHERE coach_id = $1 AND id = $2"),
            &[&coach.0, &id],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Locks the session row for the rest of the transaction (short writes only).
pub async fn get_for_update(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Session>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM sessions WHERE coach_id = $1 AND id = $2 FOR UPDATE"),
            &[&coach.0, &id],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn find_by_transcript(
    db: &impl Executor,
    coach: CoachId,
    sha256: &str,
) -> Result<Option<Session>, StoreError> {
    let row = db
        .fetch_optional(
            &format!(
                "SELECT {COLUMNS} FROM sessions WHERE coach_id = $1 AND transcript_sha256 = $2"
            ),
            &[&coach.0, &sha256],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Which sessions to list.
#[derive(Debug, Clone, Copy, Default)]
pub struct SessionFilter {
    pub status: Option<SessionStatus>,
    /// Only sessions this client was a participant of.
    pub client: Option<Uuid>,
}

pub async fn list(
    db: &impl Executor,
    coach: CoachId,
    filter: SessionFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<Session>, StoreError> {
    let (at, id) = after.unzip();
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {COLUMNS} FROM sessions WHERE coach_id = $1
                   AND ($2::timestamptz IS NULL OR (created_at, id) < ($2, $3))
                   AND ($4::text IS NULL OR status::text = $4)
                   AND ($5::uuid IS NULL OR EXISTS (
                         SELECT 1 FROM client_sessions cs
                          WHERE cs.coach_id = sessions.coach_id AND cs.session_id = sessions.id
                            AND cs.client_id = $5))
                 ORDER BY created_at DESC, id DESC LIMIT $6"
            ),
            &[
                &coach.0,
                &at,
                &id,
                &filter.status.map(SessionStatus::as_str),
                &filter.client,
                &limit,
            ],
        )
        .await?;
    rows.iter().map(from_row).collect()
}

/// Deletes the session and, by cascade, everything derived from it.
/// Returns the transcript's object key so the caller can remove the object.
pub async fn delete(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<Option<String>>, StoreError> {
    let row = db
        .fetch_optional(
            "DELETE FROM sessions WHERE coach_id = $1 AND id = $2 RETURNING transcript_key",
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

pub async fn participants(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Vec<Participant>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT cs.client_id, c.name, cs.speaker_label, cs.attendance::text AS attendance
               FROM client_sessions cs JOIN clients c ON c.coach_id = cs.coach_id AND c.id = cs.client_id
              WHERE cs.coach_id = $1 AND cs.session_id = $2
              ORDER BY c.name",
            &[&coach.0, &session],
        )
        .await?;
    Ok(rows.iter().map(participant_from_row).collect())
}

fn participant_from_row(row: &Row) -> Participant {
    Participant {
        client_id: row.get("client_id"),
        name: row.get("name"),
        speaker_label: row.get("speaker_label"),
        attendance: row.get("attendance"),
    }
}

/// The participants of each of `sessions`, in one query (a page of the list).
pub async fn participants_of(
    db: &impl Executor,
    coach: CoachId,
    sessions: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, Vec<Participant>>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT cs.session_id, cs.client_id, c.name, cs.speaker_label, cs.attendance::text AS attendance
               FROM client_sessions cs JOIN clients c ON c.coach_id = cs.coach_id AND c.id = cs.client_id
              WHERE cs.coach_id = $1 AND cs.session_id = ANY($2)
              ORDER BY c.name",
            &[&coach.0, &sessions],
        )
        .await?;
    let mut by_session: std::collections::HashMap<Uuid, Vec<Participant>> = Default::default();
    for row in &rows {
        by_session
            .entry(row.get("session_id"))
            .or_default()
            .push(participant_from_row(row));
    }
    Ok(by_session)
}

/// Replaces the participant list. The composite foreign key rejects another coach's clients.
pub async fn set_participants(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    participants: &[ParticipantInput],
) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM client_sessions WHERE coach_id = $1 AND session_id = $2",
        &[&coach.0, &session],
    )
    .await?;
    for p in participants {
        db.exec(
            "INSERT INTO client_sessions (session_id, client_id, coach_id, speaker_label, attendance)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (session_id, client_id) DO UPDATE SET speaker_label = EXCLUDED.speaker_label,
                 attendance = EXCLUDED.attendance",
            &[&session, &p.client_id, &coach.0, &p.speaker_label, &p.attendance],
        )
        .await?;
    }
    Ok(())
}

/// Adds a client the transcript's speakers matched as a participant; a client
/// already on the session keeps its row as the coach set it.
pub async fn add_matched_participant(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    client: Uuid,
    speaker_label: &str,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO client_sessions (session_id, client_id, coach_id, speaker_label) VALUES ($1, $2, $3, $4)
         ON CONFLICT (session_id, client_id) DO NOTHING",
        &[&session, &client, &coach.0, &speaker_label],
    )
    .await?;
    Ok(())
}

/// The speaker map the chunk stage stored (JSON, as `record_chunking` wrote it).
pub async fn speakers(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<serde_json::Value, StoreError> {
    Ok(db
        .fetch_one(
            "SELECT speakers FROM sessions WHERE coach_id = $1 AND id = $2",
            &[&coach.0, &session],
        )
        .await?
        .get(0))
}

/// Applies the coach's corrections; `None` when there is no such session.
pub async fn update(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    changes: &SessionChanges,
) -> Result<Option<Session>, StoreError> {
    let label_set = changes.coach_speaker_label.is_some();
    let label = changes.coach_speaker_label.clone().flatten();
    let row = db
        .fetch_optional(
            &format!(
                "UPDATE sessions SET title = COALESCE($3, title), kind = COALESCE($4, kind),
                     held_at = COALESCE($5, held_at),
                     coach_speaker_label = CASE WHEN $6 THEN $7 ELSE coach_speaker_label END,
                     updated_at = now()
                  WHERE coach_id = $1 AND id = $2 RETURNING {COLUMNS}"
            ),
            &[
                &coach.0,
                &id,
                &changes.title,
                &changes.kind,
                &changes.held_at,
                &label_set,
                &label,
            ],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

pub async fn set_coach_speaker_label(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    label: Option<&str>,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE sessions SET coach_speaker_label = $3, updated_at = now() WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &session, &label],
    )
    .await?;
    Ok(())
}

/// Records a newly stored transcript and starts a new processing generation.
/// Returns the new generation.
pub async fn attach_transcript(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    transcript: &StoredTranscript,
) -> Result<i32, StoreError> {
    let row = db
        .fetch_one(
            "UPDATE sessions SET transcript_key = $3, transcript_filename = $4, transcript_size = $5,
                 transcript_sha256 = $6, transcript_format = NULL, transcript_purged_at = NULL,
                 status = 'processing', stage = 'chunk',
                 failure_stage = NULL, failure_reason = NULL, unmatched_speakers = '{}', metrics = NULL,
                 generation = generation + 1, updated_at = now()
             WHERE coach_id = $1 AND id = $2 RETURNING generation",
            &[&coach.0, &session, &transcript.object_key, &transcript.filename, &transcript.size_bytes, &transcript.sha256],
        )
        .await?;
    Ok(row.get(0))
}

/// The session that refused the object at `key` (an oversize bucket upload), if any.
pub async fn find_by_object_key(
    db: &impl Executor,
    coach: CoachId,
    key: &str,
) -> Result<Option<Session>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM sessions WHERE coach_id = $1 AND transcript_key = $2"),
            &[&coach.0, &key],
        )
        .await?;
    row.as_ref().map(from_row).transpose()
}

/// Records an object that was refused unread (too large): the session shows
/// `failed` with the reason, and keeps the key so deleting the session removes
/// the object too. No hash is known, since nothing was read.
pub async fn refuse_transcript(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    transcript: &StoredTranscript,
    reason: &str,
) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE sessions SET transcript_key = $3, transcript_filename = $4, transcript_size = $5,
                 transcript_sha256 = NULL, transcript_format = NULL, status = 'failed', stage = NULL,
                 failure_stage = 'chunk', failure_reason = $6, generation = generation + 1, updated_at = now()
             WHERE coach_id = $1 AND id = $2",
            &[&coach.0, &session, &transcript.object_key, &transcript.filename, &transcript.size_bytes, &reason],
        )
        .await?;
    Ok(updated == 1)
}

/// Starts a new generation over the stored transcript (reprocess, redrive of a failed session).
pub async fn start_generation(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Option<i32>, StoreError> {
    let row = db
        .fetch_optional(
            "UPDATE sessions SET status = 'processing', stage = 'chunk', failure_stage = NULL, failure_reason = NULL,
                 generation = generation + 1, updated_at = now()
             WHERE coach_id = $1 AND id = $2 AND transcript_key IS NOT NULL RETURNING generation",
            &[&coach.0, &session],
        )
        .await?;
    Ok(row.map(|r| r.get(0)))
}

/// Moves a processing session to `stage`, unless a newer generation started.
pub async fn enter_stage(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    stage: PipelineStage,
) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE sessions SET status = 'processing', stage = $4, failure_stage = NULL, failure_reason = NULL,
                 updated_at = now()
             WHERE coach_id = $1 AND id = $2 AND generation = $3 AND status <> 'ready'",
            &[&coach.0, &session, &generation, &stage],
        )
        .await?;
    Ok(updated == 1)
}

/// Fails the session at `stage`, unless another attempt has finished that
/// stage (or the whole session) meanwhile: a late failure flips nothing.
pub async fn mark_failed(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    stage: PipelineStage,
    reason: &str,
) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE sessions SET status = 'failed', stage = NULL, failure_stage = $4, failure_reason = $5,
                 updated_at = now()
             WHERE coach_id = $1 AND id = $2 AND generation = $3 AND status <> 'ready'
               AND NOT EXISTS (SELECT 1 FROM stage_runs r
                                WHERE r.session_id = $2 AND r.generation = $3 AND r.stage = $4)",
            &[&coach.0, &session, &generation, &stage, &reason],
        )
        .await?;
    Ok(updated == 1)
}

pub async fn mark_ready(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
) -> Result<bool, StoreError> {
    let updated = db
        .exec(
            "UPDATE sessions SET status = 'ready', stage = NULL, failure_stage = NULL, failure_reason = NULL,
                 updated_at = now()
             WHERE coach_id = $1 AND id = $2 AND generation = $3",
            &[&coach.0, &session, &generation],
        )
        .await?;
    Ok(updated == 1)
}

/// What the chunk stage learnt about the transcript.
pub struct ChunkingOutcome<'a> {
    pub format: &'a str,
    pub speakers: &'a serde_json::Value,
    pub unmatched_speakers: &'a [String],
    pub metrics: &'a serde_json::Value,
    pub duration_seconds: Option<i32>,
}

pub async fn record_chunking(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    outcome: &ChunkingOutcome<'_>,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE sessions SET transcript_format = $4, speakers = $5, unmatched_speakers = $6, metrics = $7,
             duration_seconds = COALESCE(duration_seconds, $8), updated_at = now()
         WHERE coach_id = $1 AND id = $2 AND generation = $3",
        &[
            &coach.0,
            &session,
            &generation,
            &outcome.format,
            outcome.speakers,
            &outcome.unmatched_speakers,
            outcome.metrics,
            &outcome.duration_seconds,
        ],
    )
    .await?;
    Ok(())
}

/// Stage idempotency: has this stage finished for this generation and transcript?
pub async fn stage_done(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    stage: PipelineStage,
) -> Result<bool, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT 1 FROM stage_runs WHERE coach_id = $1 AND session_id = $2 AND generation = $3 AND stage = $4",
            &[&coach.0, &session, &generation, &stage],
        )
        .await?;
    Ok(row.is_some())
}

/// Marks a stage finished; returns false when another delivery finished it first.
pub async fn complete_stage(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    stage: PipelineStage,
    transcript_sha256: &str,
) -> Result<bool, StoreError> {
    let inserted = db
        .exec(
            "INSERT INTO stage_runs (coach_id, session_id, generation, stage, transcript_sha256)
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
            &[&coach.0, &session, &generation, &stage, &transcript_sha256],
        )
        .await?;
    Ok(inserted == 1)
}
