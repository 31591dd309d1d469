use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum ObjectStoreError {
    #[error("object {0} not found")]
    NotFound(String),
    #[error("object key {0} is not allowed")]
    InvalidKey(String),
    #[error("object store unavailable: {0}")]
    Unavailable(String),
    /// The object is larger than the caller would read; nothing was read.
    #[error("object is {size} bytes, over the {limit} bytes allowed")]
    TooLarge { size: u64, limit: usize },
}

/// Where transcripts and exports are kept (a folder locally, S3 on AWS).
#[async_trait]
pub trait ObjectStore: Send + Sync {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        content_type: &str,
    ) -> Result<(), ObjectStoreError>;
    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError>;
    /// Like `get`, but an object over `limit` bytes is refused from its stored
    /// size, before its body is read.
    async fn get_at_most(&self, key: &str, limit: usize) -> Result<Vec<u8>, ObjectStoreError>;
    /// Removes the object and every stored version of it; a missing object is not an error.
    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError>;
}

/// The key a session's transcript is stored under: ids only, never an email.
pub fn transcript_key(coach: uuid::Uuid, session: uuid::Uuid, extension: &str) -> String {
    format!("transcripts/{coach}/{session}.{extension}")
}
