//! The embedder port: sentence embeddings for chunks, summaries and queries.

use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum EmbedderError {
    #[error("embedding model unavailable: {0}")]
    Unavailable(String),
    #[error("embedding failed: {0}")]
    Failed(String),
}

#[async_trait]
pub trait Embedder: Send + Sync {
    /// Stable identifier stored beside every vector, e.g. `all-MiniLM-L6-v2`.
    fn model_id(&self) -> &str;
    /// Vector length (384 for all-MiniLM-L6-v2).
    fn dimensions(&self) -> usize;
    /// Loads what the first embedding would (a model from disk), so a
    /// missing model stops start-up with a clear message instead of failing
    /// the first session. Nothing to load by default.
    async fn warm_up(&self) -> Result<(), EmbedderError> {
        Ok(())
    }
    /// One L2-normalised vector per input text, in input order.
    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError>;
}
