//! Taking transcripts in: API uploads and inbox/bucket drops. Stores the bytes,
//! starts a processing generation and sends the session to the chunk stage.

use std::sync::Arc;

use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::{CoachId, PipelineStage, SessionKind, SessionStatus};
use crate::ports::{
    object_store::transcript_key, ObjectStore, ObjectStoreError, StageMessage, StageQueue,
};
use crate::store::{coaches, sessions, Executor, Pool, StoreError};
use crate::transcript::held_at::{held_at_hint, title_without_date, HeldAtHint};

/// Largest transcript accepted through the API body: the one transcript limit.
pub const DIRECT_UPLOAD_LIMIT: usize = crate::transcript::MAX_TRANSCRIPT_BYTES;

/// Every extension a stored transcript may have, for removing all of a session's objects.
const STORED_EXTENSIONS: [&str; 5] = ["vtt", "srt", "txt", "json", "bin"];

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

impl IngestError {
    /// True when the same transcript may well be taken in later (the
    /// database, object store or queue was briefly unavailable); false when
    /// the file or request itself is the problem.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Store(error) => error.is_transient(),
            Self::Objects(error) => matches!(error, ObjectStoreError::Unavailable(_)),
            Self::Queue(_) => true,
            Self::SessionNotFound
            | Self::DuplicateTranscript(_)
            | Self::Empty
            | Self::NoTranscript => false,
        }
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
pub fn extension_for(filename: Option<&str>) -> &'static str {
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

/// A readable title from a file name, without the date it carries:
/// `2026-10-19_weekly_check-in.vtt` → `weekly check in`.
fn title_from_filename(filename: Option<&str>) -> String {
    let stem = filename
        .map(|f| f.rsplit_once('.').map_or(f, |(stem, _)| stem))
        .unwrap_or_default();
    let title = title_without_date(stem);
    if title.is_empty() {
        "Dropped transcript".to_owned()
    } else {
        title
    }
}

/// When a session was held: the instant or wall-clock time the file gives
/// (in the coach's time zone), noon of the day it gives (so the day is right
/// wherever the coach is), or now.
fn held_at_from(hint: Option<HeldAtHint>, time_zone: Tz, now: DateTime<Utc>) -> DateTime<Utc> {
    let local = |at: chrono::NaiveDateTime| {
        time_zone
            .from_local_datetime(&at)
            .earliest()
            .map(|at| at.with_timezone(&Utc))
    };
    match hint {
        Some(HeldAtHint::Instant(at)) => Some(at),
        Some(HeldAtHint::Local(at)) => local(at),
        Some(HeldAtHint::Day(day)) => {
            local(day.and_time(NaiveTime::MIN) + chrono::Duration::hours(12))
        }
        None => None,
    }
    .unwrap_or(now)
}

/// The file name of a bucket object's key.
fn object_filename(key: &str) -> Option<String> {
    key.rsplit('/').next().and_then(clean_filename)
}

/// The session a bucket object belongs to: the one its name is the id of
/// (`<session id>.<ext>`, a presigned upload), else a new dropped session.
async fn session_for_object(
    db: &impl Executor,
    coach: CoachId,
    filename: Option<&str>,
    bytes: &[u8],
) -> Result<Uuid, StoreError> {
    let named = filename
        .and_then(|f| f.split('.').next())
        .and_then(|stem| Uuid::parse_str(stem).ok());
    if let Some(id) = named {
        if sessions::get(db, coach, id).await?.is_some() {
            return Ok(id);
        }
    }
    let new = dropped_session(db, coach, filename, bytes).await?;
    Ok(sessions::insert(db, coach, &new).await?.id)
}

/// A session for a transcript that arrived without one: titled from its file
/// name and held when the file says, else now (the coach can correct both).
async fn dropped_session(
    db: &impl Executor,
    coach: CoachId,
    filename: Option<&str>,
    bytes: &[u8],
) -> Result<sessions::NewSession, StoreError> {
    let now = Utc::now();
    let time_zone = coaches::get(db, coach)
        .await?
        .and_then(|c| c.time_zone.parse::<Tz>().ok())
        .unwrap_or(Tz::UTC);
    Ok(sessions::NewSession {
        title: title_from_filename(filename),
        kind: SessionKind::OneToOne,
        held_at: held_at_from(held_at_hint(filename, bytes, now), time_zone, now),
        duration_seconds: None,
        coach_speaker_label: None,
    })
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
            drop(db);
            self.resume(&existing, incoming.request_id).await?;
            return Ok(existing);
        }
        drop(db);
        self.store_and_start(coach, &session, incoming, sha256)
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
        let filename = incoming.filename.as_deref().and_then(clean_filename);
        let new = dropped_session(&db, coach, filename.as_deref(), &incoming.bytes).await?;
        let session = sessions::insert(&db, coach, &new).await?;
        drop(db);
        match self
            .store_and_start(coach, &session, incoming, sha256)
            .await
        {
            Ok(session) => Ok((session, true)),
            // Another drop of the same bytes won the race: keep theirs.
            Err(IngestError::DuplicateTranscript(existing)) => {
                let db = self.db.get().await?;
                sessions::delete(&db, coach, session.id).await?;
                let existing = sessions::get(&db, coach, existing)
                    .await?
                    .ok_or(IngestError::DuplicateTranscript(existing))?;
                Ok((existing, false))
            }
            Err(other) => {
                // The drop is retried (or refused) as a whole: remove what this attempt
                // made, so a retry does not find a half-made session.
                self.delete_session(coach, session.id).await?;
                Err(other)
            }
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
        drop(db); // the local queue is a table and takes a connection of its own
        self.queue
            .send(&StageMessage {
                stage: PipelineStage::Chunk,
                coach_id: coach,
                session_id,
                generation,
                request_id,
            })
            .await?;
        let db = self.db.get().await?;
        sessions::get(&db, coach, session_id)
            .await?
            .ok_or(IngestError::SessionNotFound)
    }

    /// Stores the bytes under the session's key and starts processing them.
    /// `session` is the session as read before; its transcript, if any, is replaced.
    async fn store_and_start(
        &self,
        coach: CoachId,
        session: &sessions::Session,
        incoming: IncomingTranscript,
        sha256: String,
    ) -> Result<sessions::Session, IngestError> {
        let session_id = session.id;
        let filename = incoming.filename.as_deref().and_then(clean_filename);
        let key = transcript_key(coach.0, session_id, extension_for(filename.as_deref()));
        let size_bytes = i64::try_from(incoming.bytes.len()).unwrap_or(i64::MAX);
        let previous_key = session.transcript.as_ref().map(|t| t.object_key.clone());
        self.objects
            .put(&key, incoming.bytes, "application/octet-stream")
            .await?;
        let transcript = sessions::StoredTranscript {
            object_key: key.clone(),
            filename,
            size_bytes,
            sha256: sha256.clone(),
        };
        let message = match self
            .attach(coach, session_id, &transcript, incoming.request_id)
            .await
        {
            Ok(message) => message,
            Err(error) => {
                // The object is not the session's transcript (unless it replaced
                // the same key): removing it loses nothing and leaves nothing behind.
                if previous_key.as_deref() != Some(key.as_str()) {
                    self.objects.delete(&key).await?;
                }
                return Err(self.duplicate_or(coach, &sha256, error).await);
            }
        };
        // A new file under another extension replaces the old one.
        if let Some(previous) = previous_key.filter(|previous| *previous != key) {
            self.objects.delete(&previous).await?;
        }
        self.queue.send(&message).await?;
        let db = self.db.get().await?;
        sessions::get(&db, coach, session_id)
            .await?
            .ok_or(IngestError::SessionNotFound)
    }

    /// A unique-key refusal while attaching means another session took the
    /// same bytes first: that is a duplicate, not a failure.
    async fn duplicate_or(&self, coach: CoachId, sha256: &str, error: IngestError) -> IngestError {
        let IngestError::Store(store_error) = &error else {
            return error;
        };
        if !store_error.is_unique_violation() {
            return error;
        }
        let db = match self.db.get().await {
            Ok(db) => db,
            Err(_) => return error,
        };
        match sessions::find_by_transcript(&db, coach, sha256).await {
            Ok(Some(existing)) => IngestError::DuplicateTranscript(existing.id),
            _ => error,
        }
    }

    /// Deletes a session with its transcript: every object the session may
    /// have stored first (so a failure leaves the session to retry the delete,
    /// not an orphaned transcript), then the rows. False when there is no such session.
    pub async fn delete_session(
        &self,
        coach: CoachId,
        session_id: Uuid,
    ) -> Result<bool, IngestError> {
        let stored_key = {
            let db = self.db.get().await?;
            match sessions::get(&db, coach, session_id).await? {
                Some(session) => session.transcript.map(|t| t.object_key),
                None => return Ok(false),
            }
        };
        let mut keys: Vec<String> = STORED_EXTENSIONS
            .iter()
            .map(|ext| transcript_key(coach.0, session_id, ext))
            .collect();
        if let Some(stored) = stored_key.filter(|k| !keys.contains(k)) {
            keys.push(stored);
        }
        for key in &keys {
            self.objects.delete(key).await?;
        }
        let db = self.db.get().await?;
        Ok(sessions::delete(&db, coach, session_id).await?.is_some())
    }

    /// Records a stored transcript on the session and returns the chunk stage's message.
    async fn attach(
        &self,
        coach: CoachId,
        session_id: Uuid,
        transcript: &sessions::StoredTranscript,
        request_id: Option<String>,
    ) -> Result<StageMessage, IngestError> {
        let db = self.db.get().await?;
        let generation = sessions::attach_transcript(&db, coach, session_id, transcript).await?;
        Ok(StageMessage {
            stage: PipelineStage::Chunk,
            coach_id: coach,
            session_id,
            generation,
            request_id,
        })
    }

    /// An object that arrived in the bucket by itself (presigned upload, a
    /// recording tool's drop). Its key names the coach, and the session when it
    /// is `<session id>.<ext>`; other names create a session. Returns the chunk
    /// message to run, or `None` when this object is already registered (a
    /// repeated notification, or an upload the API already started).
    pub async fn register_object(
        &self,
        coach: CoachId,
        key: &str,
        bytes: &[u8],
        request_id: Option<String>,
    ) -> Result<Option<StageMessage>, IngestError> {
        let sha256 = sha256_hex(bytes);
        let filename = object_filename(key);
        let db = self.db.get().await?;
        if let Some(existing) = sessions::find_by_transcript(&db, coach, &sha256).await? {
            tracing::info!(session_id = %existing.id, "object already registered; nothing to do");
            return Ok(None);
        }
        let session_id = session_for_object(&db, coach, filename.as_deref(), bytes).await?;
        drop(db);
        let size_bytes = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
        let transcript = sessions::StoredTranscript {
            object_key: key.to_owned(),
            filename,
            size_bytes,
            sha256,
        };
        Ok(Some(
            self.attach(coach, session_id, &transcript, request_id)
                .await?,
        ))
    }

    /// An object in the bucket too large to read: its session (the one named by
    /// the key, or a new one) shows `failed` with the reason. A repeated
    /// notification for the same key changes nothing.
    pub async fn refuse_object(
        &self,
        coach: CoachId,
        key: &str,
        size: u64,
        reason: &str,
    ) -> Result<(), IngestError> {
        let filename = object_filename(key);
        let db = self.db.get().await?;
        if sessions::find_by_object_key(&db, coach, key)
            .await?
            .is_some()
        {
            return Ok(());
        }
        let session_id = session_for_object(&db, coach, filename.as_deref(), &[]).await?;
        let transcript = sessions::StoredTranscript {
            object_key: key.to_owned(),
            filename,
            size_bytes: i64::try_from(size).unwrap_or(i64::MAX),
            sha256: String::new(),
        };
        sessions::refuse_transcript(&db, coach, session_id, &transcript, reason).await?;
        Ok(())
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
