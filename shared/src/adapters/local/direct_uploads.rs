use async_trait::async_trait;
use uuid::Uuid;

use crate::domain::CoachId;
use crate::ports::uploads::{TranscriptUploads, UploadError, UploadTarget};

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
    ) -> Result<UploadTarget, UploadError> {
        let mut url = url::Url::parse(&format!(
            "{}/v1/sessions/{session}/transcript",
            self.public_url
        ))
        .map_err(|e| UploadError::Misconfigured(e.into()))?;
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
