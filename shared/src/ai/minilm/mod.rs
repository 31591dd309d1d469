//! all-MiniLM-L6-v2, the local sentence-embedding model: where its files
//! live, what it produces, and the embedder a build links.
//!
//! The embedder over the `flowcoach-minilm` encoder ([`model`]) and its
//! lazy loader ([`lazy`]) are
//! behind the `embedding` feature, so functions that never embed (the API
//! Lambdas, chunk, analyse, notify) link no model or tokenizer code
//! (docs/decisions/0009-lean-lambdas.md).

use std::path::PathBuf;
use std::sync::Arc;

use super::embedder::Embedder;

#[cfg(feature = "embedding")]
pub mod lazy;
#[cfg(feature = "embedding")]
pub mod model;
#[cfg(any(test, not(feature = "embedding")))]
mod not_linked;

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
    Arc::new(not_linked::NotLinked)
}
