//! Versioned session summaries and the commitments they hold.

use chrono::{DateTime, Utc};
use pgvector::Vector;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::sessions::served_metrics;
use super::{Executor, StoreError};
use crate::ai::analyst::{Analysis, AnalysisUsage, ClientInsight, Commitment, RiskFlag};
use crate::domain::{new_id, CoachId, VersionSource};
use crate::transcript::model::SessionMetrics;

/// What a summary version says about the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SummaryContent {
    pub overview: String,
    pub themes: Vec<String>,
    pub client_insights: Vec<ClientInsight>,
    /// Commitments with their owner and, when one was said, the due date.
    pub commitments: Vec<Commitment>,
    /// Feedback on the coach's own practice.
    pub coach_observations: Vec<String>,
    pub risk_flags: Vec<RiskFlag>,
}

impl SummaryContent {
    fn of(analysis: &Analysis) -> Self {
        Self {
            overview: analysis.overview.clone(),
            themes: analysis.themes.clone(),
            client_insights: analysis.client_insights.clone(),
            commitments: analysis.commitments.clone(),
            coach_observations: analysis.coach_observations.clone(),
            risk_flags: analysis.risk_flags.clone(),
        }
    }
}

/// The current version of a session's summary.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryView {
    pub session_id: Uuid,
    pub summary_version_id: Uuid,
    pub version: i32,
    pub generation: i32,
    pub source: VersionSource,
    pub model: Option<String>,
    pub instruction: Option<String>,
    pub content: SummaryContent,
    /// Talk-time share per speaker, questions, longest monologue; which speaker is the coach.
    pub metrics: Option<SessionMetrics>,
    /// Tokens, calls and cost when a language model wrote this version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<AnalysisUsage>,
    pub created_at: DateTime<Utc>,
}

/// Stores the AI analysis of one generation as a new summary version.
/// Returns `None` when this generation's analysis is already stored (a redelivery).
pub async fn insert_ai_version(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
    analysis: &Analysis,
) -> Result<Option<Uuid>, StoreError> {
    let exists = db
        .fetch_optional(
            "SELECT id FROM summary_versions
              WHERE coach_id = $1 AND session_id = $2 AND generation = $3 AND source = 'ai'",
            &[&coach.0, &session, &generation],
        )
        .await?;
    if exists.is_some() {
        return Ok(None);
    }
    let summary_id: Uuid = db
        .fetch_one(
            "INSERT INTO summaries (id, coach_id, session_id, current_version) VALUES ($1, $2, $3, 0)
             ON CONFLICT (session_id) DO UPDATE SET updated_at = now() RETURNING id",
            &[&new_id(), &coach.0, &session],
        )
        .await?
        .get(0);
    let version: i32 = db
        .fetch_one(
            "UPDATE summaries SET current_version = current_version + 1, updated_at = now()
              WHERE id = $1 RETURNING current_version",
            &[&summary_id],
        )
        .await?
        .get(0);
    let content = serde_json::to_value(SummaryContent::of(analysis))
        .map_err(|e| StoreError::Corrupt(format!("summary content: {e}")))?;
    let usage = analysis
        .usage
        .as_ref()
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("analysis usage: {e}")))?;
    let version_id = new_id();
    db.exec(
        "INSERT INTO summary_versions (id, summary_id, coach_id, session_id, version, generation, source, model, content, usage)
         VALUES ($1, $2, $3, $4, $5, $6, 'ai', $7, $8, $9)",
        &[&version_id, &summary_id, &coach.0, &session, &version, &generation, &analysis.model, &content, &usage],
    )
    .await?;
    for commitment in &analysis.commitments {
        db.exec(
            "INSERT INTO commitments (id, coach_id, session_id, summary_version_id, client_id, owner, body, due_on, quote)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            &[
                &new_id(),
                &coach.0,
                &session,
                &version_id,
                &commitment.client_id,
                &commitment.owner,
                &commitment.text,
                &commitment.due,
                &commitment.quote,
            ],
        )
        .await?;
    }
    super::commitments::inherit_status(db, coach, version_id).await?;
    Ok(Some(version_id))
}

pub async fn current(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Option<SummaryView>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT v.id, v.version, v.generation, v.source::text AS source, v.model, v.instruction, v.content, v.created_at, s.metrics, s.speakers, v.usage
               FROM summaries sm
               JOIN summary_versions v ON v.summary_id = sm.id AND v.version = sm.current_version
               JOIN sessions s ON s.coach_id = sm.coach_id AND s.id = sm.session_id
              WHERE sm.coach_id = $1 AND sm.session_id = $2",
            &[&coach.0, &session],
        )
        .await?;
    row.map(|r| {
        let content = serde_json::from_value(r.get(6))
            .map_err(|e| StoreError::Corrupt(format!("summary content: {e}")))?;
        Ok(SummaryView {
            session_id: session,
            summary_version_id: r.get(0),
            version: r.get(1),
            generation: r.get(2),
            source: r.get(3),
            model: r.get(4),
            instruction: r.get(5),
            content,
            created_at: r.get(7),
            metrics: served_metrics(r.get(8), r.get(9))?,
            usage: r
                .get::<_, Option<serde_json::Value>>(10)
                .map(serde_json::from_value)
                .transpose()
                .map_err(|e| StoreError::Corrupt(format!("analysis usage: {e}")))?,
        })
    })
    .transpose()
}

/// The AI version of one generation: what the embed stage embeds.
pub async fn ai_version_text(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    generation: i32,
) -> Result<Option<(Uuid, String)>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT id, content FROM summary_versions
              WHERE coach_id = $1 AND session_id = $2 AND generation = $3 AND source = 'ai'",
            &[&coach.0, &session, &generation],
        )
        .await?;
    Ok(row.map(|r| {
        let content: serde_json::Value = r.get(1);
        let overview = content
            .get("overview")
            .and_then(|v| v.as_str())
            .unwrap_or_default();
        let themes = content
            .get("themes")
            .and_then(|v| v.as_array())
            .map(|t| {
                t.iter()
                    .filter_map(|x| x.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .unwrap_or_default();
        (r.get(0), format!("{overview}\nThemes: {themes}"))
    }))
}

pub async fn insert_embedding(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    summary_version: Uuid,
    model: &str,
    embedding: Vec<f32>,
) -> Result<(), StoreError> {
    db.exec(
        "INSERT INTO summary_embeddings (summary_version_id, coach_id, session_id, model, embedding)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (summary_version_id) DO NOTHING",
        &[&summary_version, &coach.0, &session, &model, &Vector::from(embedding)],
    )
    .await?;
    Ok(())
}

pub async fn count_versions(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<i64, StoreError> {
    let row = db
        .fetch_one(
            "SELECT count(*) FROM summary_versions WHERE coach_id = $1 AND session_id = $2",
            &[&coach.0, &session],
        )
        .await?;
    Ok(row.get(0))
}
