//! The embedder of builds without the model.

use async_trait::async_trait;

use super::{DIMENSIONS, MODEL_ID};
use crate::ai::embedder::{Embedder, EmbedderError};

/// Stands in for the model in builds without it. An embed job only reaches
/// such a build when it is routed to the wrong function, which is worth a
/// retry (the routing is fixed by a deploy) and a clear reason, not a panic.
pub(super) struct NotLinked;

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
