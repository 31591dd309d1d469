//! The session pipeline: chunk → analyse → embed → notify. Each stage is an
//! idempotent function of a `StageMessage`: its writes and its "done" mark
//! commit in one transaction, and a stage that finds its work done still
//! sends the next stage's message (or the pipeline would stall).

mod analyse;
mod chunk;
mod embed;
mod notify;
pub mod speakers;

use std::sync::Arc;

use tracing::Instrument;

use crate::ai::analyst::Analyst;
use crate::ai::embedder::Embedder;
use crate::domain::PipelineStage;
use crate::ports::{
    Mailer, Notifier, ObjectStore, SessionEvent, SessionEventKind, StageMessage, StageQueue,
};
use crate::store::{self, sessions, Pool, StoreError};
use crate::transcript::{self, model::Transcript};

/// The ports and settings every stage runs against.
#[derive(Clone)]
pub struct Pipeline {
    pub db: Pool,
    pub objects: Arc<dyn ObjectStore>,
    pub queue: Arc<dyn StageQueue>,
    pub analyst: Arc<dyn Analyst>,
    pub embedder: Arc<dyn Embedder>,
    pub mailer: Arc<dyn Mailer>,
    pub notifier: Arc<dyn Notifier>,
    pub settings: PipelineSettings,
}

#[derive(Debug, Clone)]
pub struct PipelineSettings {
    /// Base URL that links in emails point at.
    pub public_url: String,
    /// Sender of notification emails.
    pub mail_from: String,
}

/// Why a stage did not finish.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// Infrastructure trouble; the same message may well succeed later.
    #[error("{0}")]
    Retryable(String),
    /// The input itself is the problem; retrying cannot help. The text is
    /// shown to the coach, so it says what to do.
    #[error("{0}")]
    Permanent(String),
}

impl StageError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable(_))
    }
}

impl From<StoreError> for StageError {
    fn from(error: StoreError) -> Self {
        Self::Retryable(error.to_string())
    }
}

impl From<deadpool_postgres::PoolError> for StageError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        Self::Retryable(format!("database pool: {error}"))
    }
}

impl From<tokio_postgres::Error> for StageError {
    fn from(error: tokio_postgres::Error) -> Self {
        Self::Retryable(format!("database: {error}"))
    }
}

/// What a stage did with its message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StageOutcome {
    /// Did the work and passed the session on.
    Completed,
    /// The work was already done (a redelivery); passed the session on again.
    AlreadyDone,
    /// The session was deleted or a newer generation started: nothing to do.
    Superseded,
}

impl Pipeline {
    /// Runs the stage named in the message.
    pub async fn run(&self, message: &StageMessage) -> Result<StageOutcome, StageError> {
        let span = tracing::info_span!(
            "stage",
            stage = %message.stage,
            session_id = %message.session_id,
            generation = message.generation,
            request_id = message.request_id.as_deref().unwrap_or("")
        );
        async {
            let started = std::time::Instant::now();
            let result = match message.stage {
                PipelineStage::Chunk => chunk::run(self, message).await,
                PipelineStage::Analyse => analyse::run(self, message).await,
                PipelineStage::Embed => embed::run(self, message).await,
                PipelineStage::Notify => notify::run(self, message).await,
            };
            let elapsed_ms = started.elapsed().as_millis() as u64;
            match &result {
                Ok(outcome) => tracing::info!(?outcome, elapsed_ms, "stage finished"),
                // A permanent reason is written for the coach and may name a client: it
                // goes on the session, not into the logs.
                Err(StageError::Permanent(_)) => {
                    tracing::warn!(
                        retryable = false,
                        elapsed_ms,
                        "stage failed; reason recorded on the session"
                    )
                }
                Err(error) => tracing::warn!(retryable = true, elapsed_ms, %error, "stage failed"),
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Marks the session `failed` at this stage with a reason a person can act on.
    /// Called when an error is permanent or the retries are used up.
    pub async fn fail_session(
        &self,
        message: &StageMessage,
        reason: &str,
    ) -> Result<(), StoreError> {
        let db = self.db.get().await?;
        let changed = sessions::mark_failed(
            &db,
            message.coach_id,
            message.session_id,
            message.generation,
            message.stage,
            reason,
        )
        .await?;
        if changed {
            self.notifier
                .publish(SessionEvent {
                    coach_id: message.coach_id,
                    session_id: message.session_id,
                    kind: SessionEventKind::Failed {
                        stage: message.stage,
                        reason: reason.to_owned(),
                    },
                })
                .await;
        }
        Ok(())
    }

    /// Starts a stage: loads the session, skips work a redelivery finds done
    /// (passing the session on again, or the pipeline would stall) and marks
    /// the session as being in this stage.
    async fn begin(&self, message: &StageMessage) -> Result<Begin, StageError> {
        let db = self.db.get().await?;
        let session = sessions::get(&db, message.coach_id, message.session_id)
            .await?
            .filter(|s| s.generation == message.generation);
        let Some(session) = session else {
            return Ok(Begin::Finished(StageOutcome::Superseded));
        };
        if sessions::stage_done(
            &db,
            message.coach_id,
            session.id,
            message.generation,
            message.stage,
        )
        .await?
        {
            drop(db);
            self.pass_on(message).await?;
            return Ok(Begin::Finished(StageOutcome::AlreadyDone));
        }
        if !sessions::enter_stage(
            &db,
            message.coach_id,
            message.session_id,
            message.generation,
            message.stage,
        )
        .await?
        {
            return Ok(Begin::Finished(StageOutcome::Superseded));
        }
        self.notifier
            .publish(SessionEvent {
                coach_id: message.coach_id,
                session_id: message.session_id,
                kind: SessionEventKind::Stage {
                    stage: message.stage,
                },
            })
            .await;
        Ok(Begin::Run(Box::new(session)))
    }

    /// Sends the session on to the stage after this one. Call it holding no
    /// pooled connection: the local queue is a table and takes one of its own.
    async fn pass_on(&self, message: &StageMessage) -> Result<(), StageError> {
        if let Some(next) = message.stage.next() {
            self.queue
                .send(&message.for_stage(next))
                .await
                .map_err(|e| StageError::Retryable(e.to_string()))?;
        }
        Ok(())
    }

    /// Fetches and parses the session's transcript; returns it with its sha-256.
    /// A transcript that cannot be parsed is a permanent failure with the parser's advice.
    async fn parsed_transcript(
        &self,
        session: &sessions::Session,
    ) -> Result<(Transcript, String), StageError> {
        let info = session.transcript.as_ref().ok_or_else(|| {
            StageError::Permanent(
                "This session has no transcript yet. Upload one and it will be processed.".into(),
            )
        })?;
        let bytes = self
            .objects
            .get_at_most(&info.object_key, transcript::MAX_TRANSCRIPT_BYTES)
            .await
            .map_err(|e| match e {
                crate::ports::ObjectStoreError::NotFound(_) => StageError::Permanent(
                    "The transcript file is missing from storage. Upload the transcript again."
                        .into(),
                ),
                crate::ports::ObjectStoreError::TooLarge { size, limit } => StageError::Permanent(
                    transcript::TranscriptError::TooLarge {
                        bytes: usize::try_from(size).unwrap_or(usize::MAX),
                        limit,
                    }
                    .to_string(),
                ),
                other => StageError::Retryable(other.to_string()),
            })?;
        let parsed = transcript::parse(&bytes, info.filename.as_deref())
            .map_err(|e| StageError::Permanent(e.to_string()))?;
        Ok((parsed, info.sha256.clone()))
    }
}

/// The reason shown when a stage failed on every attempt.
pub fn exhausted_reason(stage: PipelineStage, attempts: i32, last_error: &str) -> String {
    format!(
        "The {stage} step failed {attempts} times (last error: {last_error}). It will not be retried on its own: \
         once the cause is fixed, reprocess the session or run `flowcoach redrive`."
    )
}

/// How a stage starts.
enum Begin {
    /// The stage has work to do on this session.
    Run(Box<sessions::Session>),
    /// Nothing to do; the stage ends with this outcome.
    Finished(StageOutcome),
}

/// Puts dead-lettered stage jobs back on their queues and their sessions back
/// to `processing`. Returns how many jobs were redriven.
pub async fn redrive(db: &Pool, queue: Option<&str>) -> Result<usize, StoreError> {
    let client = db.get().await?;
    let redriven = store::jobs::redrive(&client, queue).await?;
    for job in &redriven {
        if let Ok(message) = serde_json::from_value::<StageMessage>(job.payload.clone()) {
            sessions::enter_stage(
                &client,
                message.coach_id,
                message.session_id,
                message.generation,
                message.stage,
            )
            .await?;
        }
    }
    Ok(redriven.len())
}
