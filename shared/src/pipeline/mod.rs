//! The session pipeline: chunk → analyse → embed → notify. Each stage is an
//! idempotent function of a `StageMessage`: its writes and its "done" mark
//! commit in one transaction, and a stage that finds its work done still
//! sends the next stage's message (or the pipeline would stall).

mod analyse;
mod chunk;
mod embed;
mod notify;
pub mod speakers;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use futures::FutureExt;
use tracing::Instrument;

use crate::telemetry::error_chain;

use crate::ai::analyst::Analyst;
use crate::ai::embedder::Embedder;
use crate::domain::PipelineStage;
use crate::ports::{EventKind, LiveEvent, Mailer, Notifier, ObjectStore, StageMessage, StageQueue};
use crate::store::{self, sessions, Pool, StoreError};
use crate::transcript::model::{Chunk, CoachingMetrics, Transcript};
use crate::transcript::{self, ChunkConfig};

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
    /// Base URL of the web app: the session-ready email links to its session page.
    pub app_url: String,
    /// Sender of notification emails.
    pub mail_from: String,
}

/// A boxed error that keeps its `source()` chain for the logs.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a stage did not finish.
#[derive(Debug, thiserror::Error)]
pub enum StageError {
    /// Infrastructure trouble; the same message may well succeed later. The
    /// cause is kept whole, so the log can show its chain ([`error_chain`]).
    #[error(transparent)]
    Retryable(BoxError),
    /// The input itself is the problem; retrying cannot help. The text is
    /// shown to the coach, so it says what to do.
    #[error("{0}")]
    Permanent(String),
}

impl StageError {
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Retryable(_))
    }

    /// The text recorded for this failure: the whole chain of a retryable
    /// cause, the coach's reason of a permanent one.
    pub fn describe(&self) -> String {
        error_chain(self)
    }
}

impl From<StoreError> for StageError {
    fn from(error: StoreError) -> Self {
        Self::Retryable(Box::new(error))
    }
}

impl From<deadpool_postgres::PoolError> for StageError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        StoreError::Pool(error).into()
    }
}

impl From<tokio_postgres::Error> for StageError {
    fn from(error: tokio_postgres::Error) -> Self {
        StoreError::Db(error).into()
    }
}

/// A stage stopped at its deadline.
#[derive(Debug, thiserror::Error)]
#[error("the {stage} step did not finish within {}", seconds(*.limit))]
pub struct DeadlineExceeded {
    pub stage: PipelineStage,
    pub limit: std::time::Duration,
}

fn seconds(duration: std::time::Duration) -> String {
    let secs = duration.as_secs_f64();
    if secs >= 1.0 && duration.subsec_millis() == 0 {
        format!("{secs:.0} s")
    } else {
        format!("{secs:.1} s")
    }
}

/// The reason shown when a stage panicked: a bug, so retrying cannot help.
pub fn panicked_reason(stage: PipelineStage) -> String {
    format!(
        "An internal error stopped the {stage} step. It will not be retried on its own: \
         reprocess the session, and if it fails again, report it to support."
    )
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
                Err(error) => tracing::warn!(
                    retryable = true,
                    elapsed_ms,
                    error = %error_chain(error),
                    "stage failed"
                ),
            }
            result
        }
        .instrument(span)
        .await
    }

    /// Runs the stage with the guards every runtime needs. Past `deadline` the
    /// stage is dropped, which frees its worker; that counts as a retryable
    /// failure (a slow dependency may answer next time). A panic is contained
    /// and is a permanent failure of this session only: retrying a bug cannot help.
    pub async fn run_guarded(
        &self,
        message: &StageMessage,
        deadline: std::time::Duration,
    ) -> Result<StageOutcome, StageError> {
        let stage = AssertUnwindSafe(self.run(message)).catch_unwind();
        match tokio::time::timeout(deadline, stage).await {
            Ok(Ok(result)) => result,
            Ok(Err(_panic)) => {
                // The panic hook has printed the message and location; the payload
                // may quote session data, so it is not repeated here.
                tracing::error!(
                    stage = %message.stage,
                    session_id = %message.session_id,
                    "stage panicked; failing the session"
                );
                Err(StageError::Permanent(panicked_reason(message.stage)))
            }
            Err(_elapsed) => {
                let error = DeadlineExceeded {
                    stage: message.stage,
                    limit: deadline,
                };
                tracing::warn!(
                    stage = %message.stage,
                    session_id = %message.session_id,
                    %error,
                    "stage stopped at its deadline"
                );
                Err(StageError::Retryable(Box::new(error)))
            }
        }
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
                .publish(LiveEvent::now(
                    message.coach_id,
                    EventKind::SessionFailed {
                        session_id: message.session_id,
                        stage: message.stage,
                        reason: reason.to_owned(),
                    },
                ))
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
            .publish(LiveEvent::now(
                message.coach_id,
                EventKind::SessionStage {
                    session_id: message.session_id,
                    stage: message.stage,
                },
            ))
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
                .map_err(|e| StageError::Retryable(e.into()))?;
        }
        Ok(())
    }

    /// The session's transcript as the chunk stage makes it: fetched, parsed,
    /// measured and chunked (the CPU work off the executor).
    async fn prepared_transcript(
        &self,
        session: &sessions::Session,
    ) -> Result<PreparedTranscript, StageError> {
        let (transcript, sha256) = self.parsed_transcript(session).await?;
        off_the_executor(move || PreparedTranscript {
            metrics: transcript::metrics(&transcript),
            chunks: transcript::chunk(&transcript, &ChunkConfig::default()),
            transcript,
            sha256,
        })
        .await
    }

    /// Fetches and parses the session's transcript; returns it with its sha-256.
    /// A transcript that cannot be parsed is a permanent failure with the parser's advice.
    async fn parsed_transcript(
        &self,
        session: &sessions::Session,
    ) -> Result<(Transcript, String), StageError> {
        let info = transcript_of(session)?;
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
                other => StageError::Retryable(other.into()),
            })?;
        let filename = info.filename.clone();
        let parsed = off_the_executor(move || transcript::parse(&bytes, filename.as_deref()))
            .await?
            .map_err(|e| StageError::Permanent(e.to_string()))?;
        Ok((parsed, info.sha256.clone()))
    }
}

/// The session's stored transcript; a session without one cannot be processed.
fn transcript_of(session: &sessions::Session) -> Result<&sessions::TranscriptInfo, StageError> {
    session.transcript.as_ref().ok_or_else(|| {
        StageError::Permanent(
            "This session has no transcript yet. Upload one and it will be processed.".into(),
        )
    })
}

/// Runs CPU-bound work (parsing, metrics, chunking) on tokio's blocking pool,
/// so it does not hold up the executor's threads: other stages' I/O, lease
/// heartbeats and the API keep running. A panic is raised again here, so
/// `run_guarded` still contains it.
async fn off_the_executor<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, StageError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(value) => Ok(value),
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(error) => Err(StageError::Retryable(Box::new(error))),
    }
}

/// The reason shown when a stage failed on every attempt.
pub fn exhausted_reason(stage: PipelineStage, attempts: i32, last_error: &str) -> String {
    format!(
        "The {stage} step failed {attempts} times (last error: {last_error}). It will not be retried on its own: \
         once the cause is fixed, reprocess the session or run `flowcoach redrive`."
    )
}

/// A parsed transcript with its coaching metrics, chunks and sha-256.
struct PreparedTranscript {
    transcript: Transcript,
    metrics: CoachingMetrics,
    chunks: Vec<Chunk>,
    sha256: String,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("could not reach the model endpoint")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn a_retryable_failure_keeps_its_whole_cause_chain() {
        let cause =
            std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let error = StageError::Retryable(Box::new(Outer(cause)));
        assert_eq!(
            error.describe(),
            "could not reach the model endpoint: connection refused"
        );
        assert!(
            std::error::Error::source(&error).is_some(),
            "the cause is kept, not flattened"
        );
    }

    #[test]
    fn a_deadline_reads_in_seconds() {
        let error = |limit| DeadlineExceeded {
            stage: PipelineStage::Analyse,
            limit,
        };
        assert_eq!(
            error(std::time::Duration::from_secs(300)).to_string(),
            "the analyse step did not finish within 300 s"
        );
        assert_eq!(
            error(std::time::Duration::from_millis(300)).to_string(),
            "the analyse step did not finish within 0.3 s"
        );
    }
}
