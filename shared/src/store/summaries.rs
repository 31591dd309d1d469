//! Versioned session summaries and the commitments they hold.

use chrono::{DateTime, Utc};
use pgvector::Vector;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::sessions::served_metrics;
use super::{Executor, StoreError};
use crate::ai::analyst::{
    Analysis, AnalysisUsage, ClientInsight, Commitment, FollowThrough, RiskFlag,
};
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
    /// What became of the clients' open commitments from earlier sessions.
    #[serde(default)]
    pub follow_through: Vec<FollowThrough>,
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
            follow_through: analysis.follow_through.clone(),
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
    let usage = super::json::to_optional(analysis.usage.as_ref(), "analysis usage")?;
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
    super::commitments::record_follow_through(
        db,
        coach,
        session,
        generation,
        &analysis.follow_through,
    )
    .await?;
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
            usage: super::json::optional(r.get(10), "analysis usage")?,
        })
    })
    .transpose()
}

/// One kept version of a summary, as its version list shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct SummaryVersion {
    pub version: i32,
    pub generation: i32,
    pub source: VersionSource,
    /// The coach's instruction, on a refinement.
    pub instruction: Option<String>,
    pub model: Option<String>,
    /// The version it was made from: a refinement's base, a revert's target.
    pub based_on: Option<i32>,
    /// The overview this version says (what refinement rewrites).
    pub overview: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub usage: Option<AnalysisUsage>,
    pub created_at: DateTime<Utc>,
}

/// Every version of the session's summary, oldest first; `None` when the
/// session has no summary (yet).
pub async fn versions(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Option<Vec<SummaryVersion>>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT v.version, v.generation, v.source::text AS source, v.instruction, v.model, v.based_on,
                    v.content->>'overview', v.usage, v.created_at
               FROM summary_versions v
              WHERE v.coach_id = $1 AND v.session_id = $2
              ORDER BY v.version",
            &[&coach.0, &session],
        )
        .await?;
    if rows.is_empty() {
        return Ok(None);
    }
    rows.iter()
        .map(|r| {
            Ok(SummaryVersion {
                version: r.get(0),
                generation: r.get(1),
                source: r.get(2),
                instruction: r.get(3),
                model: r.get(4),
                based_on: r.get(5),
                overview: r.get::<_, Option<String>>(6).unwrap_or_default(),
                usage: super::json::optional(r.get(7), "summary usage")?,
                created_at: r.get(8),
            })
        })
        .collect::<Result<_, _>>()
        .map(Some)
}

/// A summary's current version, read under a row lock so two changes of one
/// summary happen one after the other.
#[derive(Debug, Clone, Copy)]
pub struct LockedSummary {
    pub summary_id: Uuid,
    pub version: i32,
}

pub async fn lock(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<Option<LockedSummary>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT id, current_version FROM summaries WHERE coach_id = $1 AND session_id = $2 FOR UPDATE",
            &[&coach.0, &session],
        )
        .await?;
    Ok(row.map(|r| LockedSummary {
        summary_id: r.get(0),
        version: r.get(1),
    }))
}

/// One version's content, by number.
pub async fn version_content(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    version: i32,
) -> Result<Option<SummaryContent>, StoreError> {
    let row = db
        .fetch_optional(
            "SELECT content FROM summary_versions WHERE coach_id = $1 AND session_id = $2 AND version = $3",
            &[&coach.0, &session, &version],
        )
        .await?;
    row.map(|r| {
        serde_json::from_value(r.get(0))
            .map_err(|e| StoreError::Corrupt(format!("summary content: {e}")))
    })
    .transpose()
}

/// How a new summary version came about.
#[derive(Debug, Clone)]
pub struct NewSummaryVersion<'a> {
    pub source: VersionSource,
    pub instruction: Option<&'a str>,
    pub model: Option<&'a str>,
    pub usage: Option<&'a AnalysisUsage>,
}

/// Adds `content` as the next version, made from version `from` (whose
/// generation and commitments it keeps, the commitments' statuses too), and
/// makes it current. Call under [`lock`].
pub async fn add_version(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
    locked: LockedSummary,
    from: i32,
    content: &SummaryContent,
    new: &NewSummaryVersion<'_>,
) -> Result<Uuid, StoreError> {
    let version = locked.version + 1;
    let version_id = new_id();
    let content = serde_json::to_value(content)
        .map_err(|e| StoreError::Corrupt(format!("summary content: {e}")))?;
    let usage = super::json::to_optional(new.usage, "summary usage")?;
    let inserted = db
        .exec(
            "INSERT INTO summary_versions (id, summary_id, coach_id, session_id, version, generation, source, instruction, model, template_id, content, usage, based_on, created_by)
             SELECT $1, summary_id, coach_id, session_id, $4, generation, $5::text::version_source, $6, $7, template_id, $8, $9, version, coach_id
               FROM summary_versions WHERE coach_id = $2 AND session_id = $3 AND version = $10",
            &[
                &version_id,
                &coach.0,
                &session,
                &version,
                &new.source.as_str(),
                &new.instruction,
                &new.model,
                &content,
                &usage,
                &from,
            ],
        )
        .await?;
    if inserted == 0 {
        return Err(StoreError::Corrupt(format!(
            "summary version {from} is missing"
        )));
    }
    db.exec(
        "INSERT INTO commitments (id, coach_id, session_id, summary_version_id, client_id, owner, body, due_on, quote, status, status_changed_at)
         SELECT gen_random_uuid(), c.coach_id, c.session_id, $3, c.client_id, c.owner, c.body, c.due_on, c.quote, c.status, c.status_changed_at
           FROM commitments c JOIN summary_versions v ON v.id = c.summary_version_id
          WHERE v.coach_id = $1 AND v.session_id = $2 AND v.version = $4",
        &[&coach.0, &session, &version_id, &from],
    )
    .await?;
    super::commitments::inherit_status(db, coach, version_id).await?;
    db.exec(
        "UPDATE summaries SET current_version = $2, updated_at = now() WHERE id = $1",
        &[&locked.summary_id, &version],
    )
    .await?;
    Ok(version_id)
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
