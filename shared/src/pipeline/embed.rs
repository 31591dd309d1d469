//! Stage 3: embeddings for the generation's chunks and its AI summary, for search.

use super::{Begin, Pipeline, StageError, StageOutcome};
use crate::domain::PipelineStage;
use crate::ports::StageMessage;
use crate::store::{chunks, sessions, summaries};

/// Texts per model call: bounds memory and lets a retry resume part-way.
const BATCH: usize = 16;

pub(super) async fn run(
    pipeline: &Pipeline,
    message: &StageMessage,
) -> Result<StageOutcome, StageError> {
    let session = match pipeline.begin(message).await? {
        Begin::Run(session) => session,
        Begin::Finished(outcome) => return Ok(outcome),
    };
    let pending = {
        let db = pipeline.db.get().await?;
        chunks::without_embedding(&db, message.coach_id, session.id, message.generation).await?
    };
    let model = pipeline.embedder.model_id().to_owned();
    let embed = |texts: Vec<String>| async move {
        pipeline
            .embedder
            .embed(&texts)
            .await
            .map_err(|e| StageError::Retryable(e.into()))
    };

    // Each batch is stored as soon as it is computed (inserts are idempotent),
    // so a retry after a crash only embeds what is still missing.
    for batch in pending.chunks(BATCH) {
        let vectors = embed(batch.iter().map(|c| c.text.clone()).collect()).await?;
        let db = pipeline.db.get().await?;
        for (chunk, vector) in batch.iter().zip(vectors) {
            chunks::insert_embedding(&db, message.coach_id, session.id, chunk.id, &model, vector)
                .await?;
        }
    }

    let summary = {
        let db = pipeline.db.get().await?;
        summaries::ai_version_text(&db, message.coach_id, session.id, message.generation).await?
    };
    if let Some((version_id, text)) = summary {
        let vector = embed(vec![text]).await?.into_iter().next();
        let vector = vector
            .ok_or_else(|| StageError::Retryable("the embedder returned no vector".into()))?;
        let db = pipeline.db.get().await?;
        summaries::insert_embedding(
            &db,
            message.coach_id,
            session.id,
            version_id,
            &model,
            vector,
        )
        .await?;
    }

    let sha256 = session
        .transcript
        .as_ref()
        .map(|t| t.sha256.clone())
        .unwrap_or_default();
    let db = pipeline.db.get().await?;
    sessions::complete_stage(
        &db,
        message.coach_id,
        session.id,
        message.generation,
        PipelineStage::Embed,
        &sha256,
    )
    .await?;
    drop(db);
    tracing::info!(chunks = pending.len(), "embeddings stored");
    pipeline.pass_on(message).await?;
    Ok(StageOutcome::Completed)
}
