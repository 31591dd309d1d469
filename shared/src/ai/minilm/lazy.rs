//! Loads the embedding model on first use, so commands that never embed
//! (`token`, `redrive`) start instantly and need no model on disk.

use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use tokio::sync::OnceCell;

use super::{MiniLmEmbedder, DIMENSIONS, MODEL_ID};
use crate::ai::embedder::{Embedder, EmbedderError};

pub struct LazyMiniLm {
    dir: PathBuf,
    model: OnceCell<Arc<MiniLmEmbedder>>,
}

impl LazyMiniLm {
    pub fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            model: OnceCell::new(),
        }
    }

    pub async fn load(&self) -> Result<Arc<MiniLmEmbedder>, EmbedderError> {
        self.model
            .get_or_try_init(|| async {
                let dir = self.dir.clone();
                tokio::task::spawn_blocking(move || MiniLmEmbedder::load(&dir))
                    .await
                    .map_err(|e| EmbedderError::Unavailable(format!("model loading stopped: {e}")))?
                    .map(Arc::new)
            })
            .await
            .cloned()
    }
}

#[async_trait]
impl Embedder for LazyMiniLm {
    fn model_id(&self) -> &str {
        MODEL_ID
    }

    fn dimensions(&self) -> usize {
        DIMENSIONS
    }

    async fn warm_up(&self) -> Result<(), EmbedderError> {
        self.load().await.map(|_| ())
    }

    async fn embed(&self, texts: &[String]) -> Result<Vec<Vec<f32>>, EmbedderError> {
        self.load().await?.embed(texts).await
    }
}
