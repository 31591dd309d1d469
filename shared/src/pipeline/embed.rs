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
    let mut pending = {
        let db = pipeline.db.get().await?;
        chunks::without_embedding(&db, message.coach_id, session.id, message.generation).await?
    };
    // Texts of similar length share a batch: the model pads every text to the
    // batch's longest, so mixed lengths would spend work on padding.
    pending.sort_by_key(|chunk| chunk.text.len());
    let model = pipeline.embedder.model_id().to_owned();
    let embed = |texts: Vec<String>| async move {
        pipeline
            .embedder
            .embed(&texts)
            .await
            .map_err(|e| StageError::Retryable(e.into()))
    };

    // Each batch is committed as soon as it is computed (inserts are
    // idempotent), so a retry or a worker taking the job over after a crash
    // embeds only what is still missing.
    for batch in pending.chunks(BATCH) {
        let vectors = embed(batch.iter().map(|c| c.text.clone()).collect()).await?;
        if vectors.len() != batch.len() {
            return Err(StageError::Retryable(
                format!(
                    "the embedder returned {} vectors for {} texts",
                    vectors.len(),
                    batch.len()
                )
                .into(),
            ));
        }
        let embeddings = batch.iter().map(|chunk| chunk.id).zip(vectors).collect();
        let db = pipeline.db.get().await?;
        chunks::insert_embeddings(&db, message.coach_id, session.id, &model, embeddings).await?;
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
