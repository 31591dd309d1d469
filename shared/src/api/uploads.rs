//! Where a client uploads a transcript too large for the API body: a
//! presigned S3 PUT on AWS; locally, the direct upload endpoint itself.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::problem::ApiError;
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

#[async_trait]
pub trait TranscriptUploads: Send + Sync {
    async fn upload_target(
        &self,
        coach: CoachId,
        session: Uuid,
        filename: &str,
    ) -> Result<UploadTarget, ApiError>;
}

/// One machine: the direct upload endpoint takes any size the parser accepts.
pub struct DirectUploads {
    pub public_url: String,
}

#[async_trait]
impl TranscriptUploads for DirectUploads {
    async fn upload_target(
        &self,
        _coach: CoachId,
        session: Uuid,
        filename: &str,
    ) -> Result<UploadTarget, ApiError> {
        let mut url = url::Url::parse(&format!(
            "{}/v1/sessions/{session}/transcript",
            self.public_url
        ))
        .map_err(ApiError::internal)?;
        url.query_pairs_mut().append_pair("filename", filename);
        Ok(UploadTarget {
            method: "PUT".into(),
            url: url.to_string(),
            headers: Vec::new(),
            expires_at: None,
            max_bytes: crate::ingest::DIRECT_UPLOAD_LIMIT,
            requires_bearer_token: true,
        })
    }
}
