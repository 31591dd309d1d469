use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_s3::presigning::PresigningConfig;

use super::describe;
use crate::domain::CoachId;
use crate::ports::uploads::{TranscriptUploads, UploadError, UploadHeader, UploadTarget};
use crate::ports::{ObjectStore, ObjectStoreError};

/// Transcripts in an S3 bucket (SSE-KMS and versioning are bucket settings).
#[derive(Clone, Debug)]
pub struct S3ObjectStore {
    client: aws_sdk_s3::Client,
    /// `None` in functions that were given no bucket (least privilege).
    bucket: Option<String>,
}

/// A URL the caller can use without AWS credentials until it expires.
#[derive(Debug, Clone)]
pub struct PresignedRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

impl S3ObjectStore {
    pub fn new(client: aws_sdk_s3::Client, bucket: Option<String>) -> Self {
        Self { client, bucket }
    }

    fn bucket(&self) -> Result<&str, ObjectStoreError> {
        self.bucket.as_deref().ok_or_else(|| {
            ObjectStoreError::Unavailable(
                "this function is not configured with a TRANSCRIPTS_BUCKET".into(),
            )
        })
    }

    fn presigning(ttl: Duration) -> Result<PresigningConfig, ObjectStoreError> {
        PresigningConfig::expires_in(ttl)
            .map_err(|e| ObjectStoreError::Unavailable(format!("presigning: {e}")))
    }

    /// A presigned PUT for uploading straight to the bucket.
    pub async fn presign_upload(
        &self,
        key: &str,
        content_type: &str,
        ttl: Duration,
    ) -> Result<PresignedRequest, ObjectStoreError> {
        let request = self
            .client
            .put_object()
            .bucket(self.bucket()?)
            .key(key)
            .content_type(content_type)
            .presigned(Self::presigning(ttl)?)
            .await
            .map_err(|e| ObjectStoreError::Unavailable(describe(&e)))?;
        Ok(PresignedRequest {
            method: request.method().to_owned(),
            url: request.uri().to_owned(),
            headers: request
                .headers()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect(),
        })
    }

    /// A presigned GET for downloading an object (exports, transcripts).
    pub async fn presign_download(
        &self,
        key: &str,
        ttl: Duration,
    ) -> Result<PresignedRequest, ObjectStoreError> {
        let request = self
            .client
            .get_object()
            .bucket(self.bucket()?)
            .key(key)
            .presigned(Self::presigning(ttl)?)
            .await
            .map_err(|e| ObjectStoreError::Unavailable(describe(&e)))?;
        Ok(PresignedRequest {
            method: "GET".into(),
            url: request.uri().to_owned(),
            headers: Vec::new(),
        })
    }

    /// Object size in bytes, or `None` when it does not exist.
    pub async fn size(&self, key: &str) -> Result<Option<u64>, ObjectStoreError> {
        match self
            .client
            .head_object()
            .bucket(self.bucket()?)
            .key(key)
            .send()
            .await
        {
            Ok(head) => Ok(head.content_length().and_then(|n| u64::try_from(n).ok())),
            Err(e) if e.as_service_error().is_some_and(|s| s.is_not_found()) => Ok(None),
            Err(e) => Err(ObjectStoreError::Unavailable(describe(&e))),
        }
    }
}

#[async_trait]
impl ObjectStore for S3ObjectStore {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ObjectStoreError> {
        self.client
            .put_object()
            .bucket(self.bucket()?)
            .key(key)
            .content_type(content_type)
            .body(bytes.into())
            .send()
            .await
            .map_err(|e| ObjectStoreError::Unavailable(describe(&e)))?;
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError> {
        self.get_at_most(key, usize::MAX).await
    }

    async fn get_at_most(&self, key: &str, limit: usize) -> Result<Vec<u8>, ObjectStoreError> {
        let object = match self
            .client
            .get_object()
            .bucket(self.bucket()?)
            .key(key)
            .send()
            .await
        {
            Ok(object) => object,
            Err(e) if e.as_service_error().is_some_and(|s| s.is_no_such_key()) => {
                return Err(ObjectStoreError::NotFound(key.to_owned()))
            }
            Err(e) => return Err(ObjectStoreError::Unavailable(describe(&e))),
        };
        // The response's headers give the size before any of the body is read.
        let too_large = |size: u64| ObjectStoreError::TooLarge { size, limit };
        let cap = u64::try_from(limit).unwrap_or(u64::MAX);
        if let Some(size) = object.content_length().and_then(|n| u64::try_from(n).ok()) {
            if size > cap {
                return Err(too_large(size));
            }
        }
        let mut body = object.body;
        let mut bytes = Vec::new();
        while let Some(piece) = body
            .try_next()
            .await
            .map_err(|e| ObjectStoreError::Unavailable(format!("reading {key}: {e}")))?
        {
            bytes.extend_from_slice(&piece);
            if bytes.len() > limit {
                return Err(too_large(u64::try_from(bytes.len()).unwrap_or(u64::MAX)));
            }
        }
        Ok(bytes)
    }

    /// Deletes every version and delete marker of the key, so erasure leaves
    /// nothing behind in a versioned bucket.
    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        let mut key_marker: Option<String> = None;
        let mut version_marker: Option<String> = None;
        let mut found_versions = false;
        loop {
            let page = self
                .client
                .list_object_versions()
                .bucket(self.bucket()?)
                .prefix(key)
                .set_key_marker(key_marker.clone())
                .set_version_id_marker(version_marker.clone())
                .send()
                .await
                .map_err(|e| ObjectStoreError::Unavailable(describe(&e)))?;
            let versions = page
                .versions()
                .iter()
                .filter(|v| v.key() == Some(key))
                .map(|v| v.version_id());
            let markers = page
                .delete_markers()
                .iter()
                .filter(|m| m.key() == Some(key))
                .map(|m| m.version_id());
            for version in versions.chain(markers) {
                found_versions = true;
                self.client
                    .delete_object()
                    .bucket(self.bucket()?)
                    .key(key)
                    .set_version_id(version.map(str::to_owned))
                    .send()
                    .await
                    .map_err(|e| ObjectStoreError::Unavailable(describe(&e)))?;
            }
            if page.is_truncated() != Some(true) {
                break;
            }
            key_marker = page.next_key_marker().map(str::to_owned);
            version_marker = page.next_version_id_marker().map(str::to_owned);
        }
        // An unversioned bucket lists no versions: delete the object itself. (On a
        // versioned bucket this would only add a delete marker, so it is skipped.)
        if !found_versions {
            self.client
                .delete_object()
                .bucket(self.bucket()?)
                .key(key)
                .send()
                .await
                .map_err(|e| ObjectStoreError::Unavailable(describe(&e)))?;
        }
        Ok(())
    }
}

/// Uploads land at the session's own key; the bucket notification starts processing.
#[async_trait]
impl TranscriptUploads for S3ObjectStore {
    async fn upload_target(
        &self,
        coach: CoachId,
        session: uuid::Uuid,
        filename: &str,
    ) -> Result<UploadTarget, UploadError> {
        const VALID_FOR: Duration = Duration::from_secs(15 * 60);
        let extension = crate::ingest::extension_for(Some(filename));
        let key = crate::ports::object_store::transcript_key(coach.0, session, extension);
        let presigned = self
            .presign_upload(&key, "application/octet-stream", VALID_FOR)
            .await
            .map_err(|e| UploadError::Unavailable(e.into()))?;
        Ok(UploadTarget {
            method: presigned.method,
            url: presigned.url,
            headers: presigned
                .headers
                .into_iter()
                .map(|(name, value)| UploadHeader { name, value })
                .collect(),
            expires_at: Some(
                chrono::Utc::now() + chrono::Duration::from_std(VALID_FOR).unwrap_or_default(),
            ),
            max_bytes: crate::transcript::MAX_TRANSCRIPT_BYTES,
            requires_bearer_token: false,
        })
    }
}
