//! all-MiniLM-L6-v2, the local sentence-embedding model: where its files
//! live, what it produces, and the embedder a build links.
//!
//! The candle forward pass ([`model`]) and its lazy loader ([`lazy`]) are
//! behind the `embedding` feature, so functions that never embed (the API
//! Lambdas, chunk, analyse, notify) link no model or tokenizer code
//! (docs/decisions/0009-lean-lambdas.md).

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;

use super::embedder::{Embedder, EmbedderError};

#[cfg(feature = "embedding")]
mod allocator;
#[cfg(feature = "embedding")]
pub mod lazy;
#[cfg(feature = "embedding")]
pub mod model;

#[cfg(feature = "embedding")]
pub use lazy::LazyMiniLm;
#[cfg(feature = "embedding")]
pub use model::MiniLmEmbedder;

/// Identifier stored beside every vector this model produces.
pub const MODEL_ID: &str = "all-MiniLM-L6-v2";
/// Length of every vector this model produces.
pub const DIMENSIONS: usize = 384;
/// Longer inputs are truncated; chunkers keep chunks at ≤ ~180 words to fit.
pub const MAX_TOKENS: usize = 256;

/// Where `scripts/fetch-model.sh` installs the model: `$FLOWCOACH_MODEL_DIR`,
/// else `$HOME/.cache/flowcoach/models/all-MiniLM-L6-v2`.
pub fn default_model_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("FLOWCOACH_MODEL_DIR").filter(|dir| !dir.is_empty()) {
        return PathBuf::from(dir);
    }
    // Without HOME the path stays relative; loading then reports it as missing.
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".cache/flowcoach/models").join(MODEL_ID)
}

/// The embedder this build links: the model in `dir`, loaded on first use.
#[cfg(feature = "embedding")]
pub fn embedder(dir: PathBuf) -> Arc<dyn Embedder> {
    Arc::new(LazyMiniLm::new(dir))
}

/// The embedder this build links: none — it refuses every call, saying so.
#[cfg(not(feature = "embedding"))]
pub fn embedder(_dir: PathBuf) -> Arc<dyn Embedder> {
    Arc::new(NotLinked)
}

/// Stands in for the model in builds without it. An embed job only reaches
/// such a build when it is routed to the wrong function, which is worth a
/// retry (the routing is fixed by a deploy) and a clear reason, not a panic.
#[cfg_attr(feature = "embedding", allow(dead_code))]
struct NotLinked;

#[async_trait]
impl Embedder for NotLinked {
    fn model_id(&self) -> &str {
        MODEL_ID
    }

    fn dimensions(&self) -> usize {
        DIMENSIONS
    }

    async fn warm_up(&self) -> Result<(), EmbedderError> {
        Err(not_linked())
    }

    async fn embed(&self, _texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError> {
        Err(not_linked())
    }
}

#[cfg_attr(feature = "embedding", allow(dead_code))]
fn not_linked() -> EmbedderError {
    EmbedderError::Unavailable(
        "this build has no embedding model (built without the `embedding` feature); \
         embed jobs belong to stage-embed or `flowcoach serve`"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_stand_in_refuses_with_a_reason_instead_of_vectors() {
        let stand_in = NotLinked;
        assert_eq!(stand_in.model_id(), MODEL_ID);
        let refused = stand_in.embed(&["hello".to_owned()]).await.unwrap_err();
        assert!(
            matches!(&refused, EmbedderError::Unavailable(reason) if reason.contains("stage-embed")),
            "{refused}"
        );
        assert!(stand_in.warm_up().await.is_err());
    }
}
