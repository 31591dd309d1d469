//! Taking transcripts in: API uploads and inbox/bucket drops. Stores the bytes,
//! starts a processing generation and sends the session to the chunk stage.

use std::sync::Arc;

use chrono::Utc;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::{CoachId, PipelineStage, SessionKind, SessionStatus};
use crate::ports::{object_store::transcript_key, ObjectStore, StageMessage, StageQueue};
use crate::store::{sessions, Pool, StoreError};

/// Largest transcript accepted through the API body (Lambda's payload limit is 6 MB).
pub const DIRECT_UPLOAD_LIMIT: usize = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("session not found")]
    SessionNotFound,
    #[error("this transcript is already attached to session {0}")]
    DuplicateTranscript(Uuid),
    #[error("the transcript is empty")]
    Empty,
    #[error("the session has no transcript to process yet")]
    NoTranscript,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("could not store the transcript: {0}")]
    Objects(#[from] crate::ports::ObjectStoreError),
    #[error("could not queue the session for processing: {0}")]
    Queue(#[from] crate::ports::QueueError),
}

impl From<deadpool_postgres::PoolError> for IngestError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        Self::Store(StoreError::Pool(error))
    }
}

/// What arrived and from where.
#[derive(Debug, Clone)]
pub struct IncomingTranscript {
    pub bytes: Vec<u8>,
    pub filename: Option<String>,
    pub request_id: Option<String>,
}

#[derive(Clone)]
pub struct Ingest {
    pub db: Pool,
    pub objects: Arc<dyn ObjectStore>,
    pub queue: Arc<dyn StageQueue>,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The stored object's extension: the file's own when it is a known one.
fn extension_for(filename: Option<&str>) -> &'static str {
    let ext = filename
        .and_then(|f| f.rsplit_once('.'))
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "vtt" => "vtt",
        "srt" => "srt",
        "txt" => "txt",
        "json" => "json",
        _ => "bin",
    }
}

/// Keeps only a file name's last path segment and printable characters.
pub fn clean_filename(raw: &str) -> Option<String> {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().to_owned();
    (!cleaned.is_empty()).then_some(cleaned)
}

impl Ingest {
    /// Attaches a transcript to an existing session and starts processing it.
    /// Uploading the same bytes again is a no-op that re-sends the current stage.
    pub async fn upload(
        &self,
        coach: CoachId,
        session_id: Uuid,
        incoming: IncomingTranscript,
    ) -> Result<sessions::Session, IngestError> {
        if incoming.bytes.is_empty() {
            return Err(IngestError::Empty);
        }
        let sha256 = sha256_hex(&incoming.bytes);
        let db = self.db.get().await?;
        let session = sessions::get(&db, coach, session_id)
            .await?
            .ok_or(IngestError::SessionNotFound)?;
        if let Some(existing) = sessions::find_by_transcript(&db, coach, &sha256).await? {
            if existing.id != session_id {
                return Err(IngestError::DuplicateTranscript(existing.id));
            }
            self.resume(&existing, incoming.request_id).await?;
            return Ok(existing);
        }
        drop(db);
        self.store_and_start(coach, session.id, incoming, sha256)
            .await
    }

    /// A file dropped into the inbox or bucket: one session per distinct file.
    /// Returns the session and whether it was created now.
    pub async fn drop_file(
        &self,
        coach: CoachId,
        incoming: IncomingTranscript,
    ) -> Result<(sessions::Session, bool), IngestError> {
        let sha256 = sha256_hex(&incoming.bytes);
        let db = self.db.get().await?;
        if let Some(existing) = sessions::find_by_transcript(&db, coach, &sha256).await? {
            self.resume(&existing, incoming.request_id).await?;
            return Ok((existing, false));
        }
        let title = incoming
            .filename
            .as_deref()
            .map(|f| f.rsplit_once('.').map(|(stem, _)| stem).unwrap_or(f))
            .map(|stem| stem.replace(['_', '-'], " ").trim().to_owned())
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| "Dropped transcript".to_owned());
        let session = sessions::insert(
            &db,
            coach,
            &sessions::NewSession {
                title,
                kind: SessionKind::OneToOne,
                held_at: Utc::now(),
                duration_seconds: None,
                coach_speaker_label: None,
            },
        )
        .await?;
        drop(db);
        match self
            .store_and_start(coach, session.id, incoming.clone(), sha256.clone())
            .await
        {
            Ok(session) => Ok((session, true)),
            // Another drop of the same bytes won the race: keep theirs.
            Err(IngestError::Store(e)) if e.is_unique_violation() => {
                let db = self.db.get().await?;
                sessions::delete(&db, coach, session.id).await?;
                let existing = sessions::find_by_transcript(&db, coach, &sha256)
                    .await?
                    .ok_or(IngestError::Store(e))?;
                Ok((existing, false))
            }
            Err(other) => Err(other),
        }
    }

    /// Starts a new generation over the stored transcript.
    pub async fn reprocess(
        &self,
        coach: CoachId,
        session_id: Uuid,
        request_id: Option<String>,
    ) -> Result<sessions::Session, IngestError> {
        let db = self.db.get().await?;
        let session = sessions::get(&db, coach, session_id)
            .await?
            .ok_or(IngestError::SessionNotFound)?;
        if session.transcript.is_none() {
            return Err(IngestError::NoTranscript);
        }
        let generation = sessions::start_generation(&db, coach, session_id)
            .await?
            .ok_or(IngestError::NoTranscript)?;
        self.queue
            .send(&StageMessage {
                stage: PipelineStage::Chunk,
                coach_id: coach,
                session_id,
                generation,
                request_id,
            })
            .await?;
        sessions::get(&db, coach, session_id)
            .await?
            .ok_or(IngestError::SessionNotFound)
    }

    async fn store_and_start(
        &self,
        coach: CoachId,
        session_id: Uuid,
        incoming: IncomingTranscript,
        sha256: String,
    ) -> Result<sessions::Session, IngestError> {
        let filename = incoming.filename.as_deref().and_then(clean_filename);
        let key = transcript_key(coach.0, session_id, extension_for(filename.as_deref()));
        let size_bytes = i64::try_from(incoming.bytes.len()).unwrap_or(i64::MAX);
        self.objects
            .put(&key, incoming.bytes, "application/octet-stream")
            .await?;
        let db = self.db.get().await?;
        let generation = sessions::attach_transcript(
            &db,
            coach,
            session_id,
            &sessions::StoredTranscript {
                object_key: key,
                filename,
                size_bytes,
                sha256,
            },
        )
        .await?;
        self.queue
            .send(&StageMessage {
                stage: PipelineStage::Chunk,
                coach_id: coach,
                session_id,
                generation,
                request_id: incoming.request_id,
            })
            .await?;
        sessions::get(&db, coach, session_id)
            .await?
            .ok_or(IngestError::SessionNotFound)
    }

    /// Re-sends the current stage of a session still processing (a retried upload
    /// after a lost response must not leave it stalled). Duplicates are absorbed.
    async fn resume(
        &self,
        session: &sessions::Session,
        request_id: Option<String>,
    ) -> Result<(), IngestError> {
        if session.status == SessionStatus::Processing {
            let stage = session.stage.unwrap_or(PipelineStage::Chunk);
            self.queue
                .send(&StageMessage {
                    stage,
                    coach_id: session.coach(),
                    session_id: session.id,
                    generation: session.generation,
                    request_id,
                })
                .await?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filenames_lose_their_folders_and_control_characters() {
        assert_eq!(
            clean_filename("../../etc/pass\u{0}wd.vtt").as_deref(),
            Some("passwd.vtt")
        );
        assert_eq!(
            clean_filename("C:\\Users\\dana\\s1.srt").as_deref(),
            Some("s1.srt")
        );
        assert_eq!(clean_filename("  "), None);
    }

    #[test]
    fn stored_extension_comes_from_known_file_types_only() {
        assert_eq!(extension_for(Some("a.VTT")), "vtt");
        assert_eq!(extension_for(Some("a.exe")), "bin");
        assert_eq!(extension_for(None), "bin");
    }
}
