//! Where API `Idempotency-Key` records live: PostgreSQL on one machine,
//! DynamoDB on AWS. The API middleware (`api::idempotency`) is written against
//! this trait and maps its errors to problems.

use async_trait::async_trait;

use super::BoxError;
use crate::domain::CoachId;

/// How long a key is remembered.
pub const KEY_TTL: chrono::Duration = chrono::Duration::hours(24);

/// A stored response to replay.
#[derive(Debug, Clone)]
pub struct StoredResponse {
    pub status: u16,
    pub body: Vec<u8>,
    pub content_type: Option<String>,
    pub location: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Begin {
    /// First use of the key: the caller runs the request, then calls `finish`.
    Started,
    /// Same key, same request, finished: replay this.
    Replay(StoredResponse),
    /// Same key, same request, still running.
    InFlight,
    /// Same key, different request.
    Mismatch,
}

/// Why a record could not be read or written. The source goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum IdempotencyError {
    /// The records cannot be reached now; the same request may succeed later.
    #[error("idempotency records are unavailable")]
    Unavailable(#[source] BoxError),
    /// The records were reached but the operation failed (a bug, bad data).
    #[error("an idempotency record could not be used")]
    Failed(#[source] BoxError),
}

#[async_trait]
pub trait IdempotencyStore: Send + Sync {
    async fn begin(
        &self,
        coach: CoachId,
        key: &str,
        request_hash: &str,
    ) -> Result<Begin, IdempotencyError>;
    async fn finish(
        &self,
        coach: CoachId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), IdempotencyError>;
    /// Forgets a key whose request failed on the server, so the client may retry it.
    async fn abandon(&self, coach: CoachId, key: &str) -> Result<(), IdempotencyError>;
}
