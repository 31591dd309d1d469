//! Where a client uploads a transcript too large for the API body: a
//! presigned S3 PUT on AWS; locally, the direct upload endpoint itself.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::BoxError;
use crate::domain::CoachId;

/// How to send the transcript's bytes.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadTarget {
    pub method: String,
    pub url: String,
    /// Headers the upload must carry exactly.
    pub headers: Vec<UploadHeader>,
    pub expires_at: Option<DateTime<Utc>>,
    pub max_bytes: usize,
    /// True when the upload needs the API bearer token too (the local server).
    pub requires_bearer_token: bool,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UploadHeader {
    pub name: String,
    pub value: String,
}

/// Why no upload target could be made. The source goes to the log.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    /// The storage service could not sign an upload now; later may work.
    #[error("the upload URL could not be made")]
    Unavailable(#[source] BoxError),
    /// The adapter is set up wrongly (a public URL that does not parse).
    #[error("the upload adapter is misconfigured")]
    Misconfigured(#[source] BoxError),
}

#[async_trait]
pub trait TranscriptUploads: Send + Sync {
    async fn upload_target(
        &self,
        coach: CoachId,
        session: Uuid,
        filename: &str,
    ) -> Result<UploadTarget, UploadError>;
}
