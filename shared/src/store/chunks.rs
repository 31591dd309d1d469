//! Transcript chunks and their embeddings.

use pgvector::Vector;
use uuid::Uuid;

use super::sql::SqlParam;
use super::{Executor, StoreError};
use crate::domain::{new_id, CoachId};
use crate::transcript::model::Chunk;

/// A stored chunk waiting for (or holding) an embedding.
#[derive(Debug, Clone)]
pub struct StoredChunk {
    pub id: Uuid,
    pub ordinal: i32,
    pub text: String,
}

fn to_i64(ms: Option<u64>) -> Option<i64> {
    ms.and_then(|v| i64::try_from(v).ok())
}

/// Replaces the session's chunks with this generation's: older generations'
/// go, and a retried chunk stage rewrites its own rows.
pub async fn replace(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    chunks: &[Chunk],
) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM transcript_chunks WHERE coach_id = $1 AND session_id = $2 AND generation <= $3",
        &[&coach.0, &session, &generation],
    )
    .await?;
    for chunk in chunks {
        let ordinal = i32::try_from(chunk.ordinal)
            .map_err(|_| StoreError::Corrupt("chunk ordinal overflow".into()))?;
        let words = i32::try_from(chunk.word_count).unwrap_or(i32::MAX);
        db.exec(
            "INSERT INTO transcript_chunks (id, coach_id, session_id, generation, ordinal, speakers, start_ms, end_ms,
                 body, word_count)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                &new_id(),
                &coach.0,
                &session,
                &generation,
                &ordinal,
                &chunk.speakers,
                &to_i64(chunk.start_ms),
                &to_i64(chunk.end_ms),
                &chunk.text,
                &words,
            ],
        )
        .await?;
    }
    Ok(())
}

/// This generation's chunks as the chunk stage made them, in order.
pub async fn for_generation(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
) -> Result<Vec<Chunk>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT ordinal, speakers, start_ms, end_ms, body, word_count FROM transcript_chunks
              WHERE coach_id = $1 AND session_id = $2 AND generation = $3 ORDER BY ordinal",
            &[&coach.0, &session, &generation],
        )
        .await?;
    let unsigned = |value: i64| u64::try_from(value).ok();
    rows.iter()
        .map(|r| {
            Ok(Chunk {
                ordinal: u32::try_from(r.get::<_, i32>(0))
                    .map_err(|_| StoreError::Corrupt("negative chunk ordinal".into()))?,
                speakers: r.get(1),
                start_ms: r.get::<_, Option<i64>>(2).and_then(unsigned),
                end_ms: r.get::<_, Option<i64>>(3).and_then(unsigned),
                text: r.get(4),
                word_count: u32::try_from(r.get::<_, i32>(5)).unwrap_or(0),
            })
        })
        .collect()
}

/// Chunks of this generation that have no embedding yet.
pub async fn without_embedding(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
) -> Result<Vec<StoredChunk>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT c.id, c.ordinal, c.body FROM transcript_chunks c
               LEFT JOIN chunk_embeddings e ON e.chunk_id = c.id
              WHERE c.coach_id = $1 AND c.session_id = $2 AND c.generation = $3 AND e.chunk_id IS NULL
              ORDER BY c.ordinal",
            &[&coach.0, &session, &generation],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| StoredChunk {
            id: r.get(0),
            ordinal: r.get(1),
            text: r.get(2),
        })
        .collect())
}

/// Stores a batch of chunk vectors in one statement, so a batch is committed
/// whole or not at all; vectors already stored are kept (a retry that raced
/// another attempt stores each chunk's vector once).
pub async fn insert_embeddings(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    model: &str,
    embeddings: Vec<(Uuid, Vec<f32>)>,
) -> Result<(), StoreError> {
    if embeddings.is_empty() {
        return Ok(());
    }
    let rows: Vec<(Uuid, Vector)> = embeddings
        .into_iter()
        .map(|(chunk, embedding)| (chunk, Vector::from(embedding)))
        .collect();
    let mut sql = String::from(
        "INSERT INTO chunk_embeddings (chunk_id, coach_id, session_id, model, embedding) VALUES ",
    );
    let mut params: Vec<&dyn SqlParam> = vec![&coach.0, &session, &model];
    for (index, (chunk, vector)) in rows.iter().enumerate() {
        let first = 4 + 2 * index;
        if index > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&format!("(${first}, $1, $2, $3, ${})", first + 1));
        params.push(chunk);
        params.push(vector);
    }
    sql.push_str(" ON CONFLICT (chunk_id) DO NOTHING");
    db.exec(&sql, &params).await?;
    Ok(())
}

pub async fn count(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<(i64, i64), StoreError> {
    let row = db
        .fetch_one(
            "SELECT (SELECT count(*) FROM transcript_chunks WHERE coach_id = $1 AND session_id = $2),
                    (SELECT count(*) FROM chunk_embeddings WHERE coach_id = $1 AND session_id = $2)",
            &[&coach.0, &session],
        )
        .await?;
    Ok((row.get(0), row.get(1)))
}
