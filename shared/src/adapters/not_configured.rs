//! Stands in for a service a function was not given. An API function that
//! serves no transcripts has no bucket and no queues (least privilege), and
//! links no S3 or SQS code (ADR 9); its state still needs something in those
//! places. Every call fails as the real adapter would without its
//! configuration, naming what is missing, so a route wired to the wrong
//! function is a clear 503 in the log, never a panic.

use async_trait::async_trait;
use uuid::Uuid;

use crate::domain::CoachId;
use crate::ports::uploads::{UploadError, UploadTarget};
use crate::ports::{
    ObjectStore, ObjectStoreError, QueueError, StageMessage, StageQueue, TranscriptUploads,
};

/// The transcript bucket and the stage queues of a function that has neither.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoTranscriptServices;

const NO_BUCKET: &str = "this function is not configured with a transcript bucket";
const NO_QUEUES: &str = "this function is not configured with the stage queues";

#[async_trait]
impl ObjectStore for NoTranscriptServices {
    async fn put(&self, _: &str, _: Vec<u8>, _: &str) -> Result<(), ObjectStoreError> {
        Err(ObjectStoreError::Unavailable(NO_BUCKET.into()))
    }

    async fn get(&self, _: &str) -> Result<Vec<u8>, ObjectStoreError> {
        Err(ObjectStoreError::Unavailable(NO_BUCKET.into()))
    }

    async fn get_at_most(&self, _: &str, _: usize) -> Result<Vec<u8>, ObjectStoreError> {
        Err(ObjectStoreError::Unavailable(NO_BUCKET.into()))
    }

    async fn delete(&self, _: &str) -> Result<(), ObjectStoreError> {
        Err(ObjectStoreError::Unavailable(NO_BUCKET.into()))
    }
}

#[async_trait]
impl TranscriptUploads for NoTranscriptServices {
    async fn upload_target(
        &self,
        _: CoachId,
        _: Uuid,
        _: &str,
    ) -> Result<UploadTarget, UploadError> {
        Err(UploadError::Misconfigured(NO_BUCKET.into()))
    }
}

#[async_trait]
impl StageQueue for NoTranscriptServices {
    async fn send(&self, _: &StageMessage) -> Result<(), QueueError> {
        Err(QueueError::Unavailable(NO_QUEUES.into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::PipelineStage;

    #[tokio::test]
    async fn every_call_fails_naming_what_is_missing() {
        let none = NoTranscriptServices;
        let key = "transcripts/a/b.vtt";
        for result in [
            none.put(key, b"x".to_vec(), "text/vtt").await,
            none.get(key).await.map(drop),
            none.get_at_most(key, 10).await.map(drop),
            none.delete(key).await,
        ] {
            assert!(
                matches!(&result, Err(ObjectStoreError::Unavailable(why)) if why.contains("transcript bucket")),
                "{result:?}"
            );
        }
        let upload = none
            .upload_target(CoachId(Uuid::new_v4()), Uuid::new_v4(), "a.vtt")
            .await;
        assert!(matches!(upload, Err(UploadError::Misconfigured(_))));
        let message = StageMessage {
            stage: PipelineStage::Chunk,
            coach_id: CoachId(Uuid::new_v4()),
            session_id: Uuid::new_v4(),
            generation: 1,
            request_id: None,
        };
        let sent = none.send(&message).await;
        assert!(
            matches!(&sent, Err(QueueError::Unavailable(why)) if why.contains("stage queues")),
            "{sent:?}"
        );
    }
}
