//! The search queries: which of a coach's sessions a search may look in,
//! the ranked candidates of each retriever (full text and nearest vectors,
//! over transcript chunks, summaries and commitments), and the rows a
//! result is made of. Every statement is scoped by `coach_id`.

use chrono::{DateTime, NaiveDate, Utc};
use pgvector::Vector;
use uuid::Uuid;

use super::{Executor, StoreError};
use crate::domain::CoachId;

/// Full-text matches ranked at most: ranking every match of a broad query
/// over tens of thousands of chunks costs far more than finding them.
const RANKED_MATCHES_CAP: i64 = 2_000;

/// The question's words as an OR of their stems: a question rarely uses
/// every word of the passage that answers it, so each stem counts and the
/// ranking rewards passages with more of them. Stop words fall away.
const LOOSE_QUERY: &str =
    "(SELECT nullif(replace(plainto_tsquery('english', $2)::text, ' & ', ' | '), '')::tsquery)";

/// Which sessions a search may look in.
#[derive(Debug, Clone, Default)]
pub struct ScopeFilter {
    pub session: Option<Uuid>,
    /// Sessions any of these clients took part in; empty: every client.
    pub clients: Vec<Uuid>,
    /// Held on these dates (the coach's time zone), both included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl ScopeFilter {
    pub fn is_everything(&self) -> bool {
        self.session.is_none()
            && self.clients.is_empty()
            && self.from.is_none()
            && self.to.is_none()
    }
}

/// The ids of the coach's sessions that `filter` admits.
pub async fn sessions_in_scope(
    db: &impl Executor,
    coach: CoachId,
    time_zone: &str,
    filter: &ScopeFilter,
) -> Result<Vec<Uuid>, StoreError> {
    let clients: Option<&[Uuid]> = (!filter.clients.is_empty()).then_some(&filter.clients);
    let rows = db
        .fetch_all(
            "SELECT s.id FROM sessions s
              WHERE s.coach_id = $1
                AND ($2::uuid IS NULL OR s.id = $2)
                AND ($3::date IS NULL OR (s.held_at AT TIME ZONE $6)::date >= $3)
                AND ($4::date IS NULL OR (s.held_at AT TIME ZONE $6)::date <= $4)
                AND ($5::uuid[] IS NULL OR EXISTS (
                      SELECT 1 FROM client_sessions cs
                       WHERE cs.coach_id = s.coach_id AND cs.session_id = s.id
                         AND cs.client_id = ANY($5)))",
            &[
                &coach.0,
                &filter.session,
                &filter.from,
                &filter.to,
                &clients,
                &time_zone,
            ],
        )
        .await?;
    Ok(rows.iter().map(|r| r.get(0)).collect())
}

/// A candidate and its retriever's score (higher is better).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ranked {
    pub id: Uuid,
    pub score: f64,
}

fn ranked(rows: &[tokio_postgres::Row]) -> Vec<Ranked> {
    rows.iter()
        .map(|r| Ranked {
            id: r.get(0),
            score: r.get(1),
        })
        .collect()
}

/// The stems the question is searched by (the database's own reading of
/// it), for highlighting the words that matched.
pub async fn query_stems(db: &impl Executor, question: &str) -> Result<Vec<String>, StoreError> {
    let row = db
        .fetch_one(
            "SELECT coalesce(array_agg(lexeme ORDER BY lexeme), '{}')
               FROM unnest(to_tsvector('english', $1)) AS t(lexeme)",
            &[&question],
        )
        .await?;
    Ok(row.get(0))
}

/// Transcript chunks by full text, best first.
pub async fn keyword_chunks(
    db: &impl Executor,
    coach: CoachId,
    question: &str,
    scope: Option<&[Uuid]>,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "WITH q AS (SELECT {LOOSE_QUERY} AS query),
                 matched AS (
                   SELECT c.id, c.search_text FROM transcript_chunks c, q
                    WHERE c.coach_id = $1 AND c.search_text @@ q.query
                      AND ($3::uuid[] IS NULL OR c.session_id = ANY($3))
                    LIMIT {RANKED_MATCHES_CAP})
                 SELECT m.id, ts_rank_cd(m.search_text, q.query, 32)::float8 AS rank
                   FROM matched m, q ORDER BY rank DESC, m.id LIMIT $4"
            ),
            &[&coach.0, &question, &scope, &limit],
        )
        .await?;
    Ok(ranked(&rows))
}

/// Transcript chunks nearest to `vector` (cosine), exactly, among the
/// coach's vectors of `model`: another model's vectors are another space.
pub async fn semantic_chunks(
    db: &impl Executor,
    coach: CoachId,
    model: &str,
    vector: &[f32],
    scope: Option<&[Uuid]>,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT e.chunk_id, (1 - (e.embedding <=> $2))::float8 AS similarity
               FROM chunk_embeddings e
              WHERE e.coach_id = $1 AND e.model = $3
                AND ($4::uuid[] IS NULL OR e.session_id = ANY($4))
              ORDER BY e.embedding <=> $2 LIMIT $5",
            &[
                &coach.0,
                &Vector::from(vector.to_vec()),
                &model,
                &scope,
                &limit,
            ],
        )
        .await?;
    Ok(ranked(&rows))
}

/// The current summary version's searchable words: overview and themes.
const SUMMARY_TEXT: &str = "coalesce(v.content->>'overview', '') || ' ' ||
    coalesce((SELECT string_agg(t, ', ') FROM jsonb_array_elements_text(v.content->'themes') t), '')";

const CURRENT_SUMMARY: &str = "summaries sm
    JOIN summary_versions v ON v.summary_id = sm.id AND v.version = sm.current_version";

/// Current summaries by full text (few per coach: no index needed), as
/// summary version ids.
pub async fn keyword_summaries(
    db: &impl Executor,
    coach: CoachId,
    question: &str,
    scope: Option<&[Uuid]>,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "WITH q AS (SELECT {LOOSE_QUERY} AS query)
                 SELECT v.id, ts_rank_cd(to_tsvector('english', {SUMMARY_TEXT}), q.query, 32)::float8 AS rank
                   FROM {CURRENT_SUMMARY}, q
                  WHERE sm.coach_id = $1 AND ($3::uuid[] IS NULL OR sm.session_id = ANY($3))
                    AND to_tsvector('english', {SUMMARY_TEXT}) @@ q.query
                  ORDER BY rank DESC, v.id LIMIT $4"
            ),
            &[&coach.0, &question, &scope, &limit],
        )
        .await?;
    Ok(ranked(&rows))
}

/// Summaries nearest to `vector`, as the current version's id; the vector
/// is the session's analysis (a refined overview keeps its session's).
pub async fn semantic_summaries(
    db: &impl Executor,
    coach: CoachId,
    model: &str,
    vector: &[f32],
    scope: Option<&[Uuid]>,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "SELECT DISTINCT ON (v.id) v.id, (1 - (e.embedding <=> $2))::float8 AS similarity
                   FROM summary_embeddings e
                   JOIN {CURRENT_SUMMARY} ON sm.coach_id = e.coach_id AND sm.session_id = e.session_id
                  WHERE e.coach_id = $1 AND e.model = $3
                    AND ($4::uuid[] IS NULL OR e.session_id = ANY($4))
                  ORDER BY v.id, e.embedding <=> $2"
            ),
            &[&coach.0, &Vector::from(vector.to_vec()), &model, &scope],
        )
        .await?;
    let mut found = ranked(&rows);
    found.sort_by(|a, b| b.score.total_cmp(&a.score));
    found.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(found)
}

/// The current summaries' commitments by full text (their words and the
/// quote they rest on).
pub async fn keyword_commitments(
    db: &impl Executor,
    coach: CoachId,
    question: &str,
    scope: Option<&[Uuid]>,
    limit: i64,
) -> Result<Vec<Ranked>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "WITH q AS (SELECT {LOOSE_QUERY} AS query)
                 SELECT c.id, ts_rank_cd(to_tsvector('english', c.body || ' ' || c.quote), q.query, 32)::float8 AS rank
                   FROM commitments c
                   JOIN {CURRENT_SUMMARY} ON v.id = c.summary_version_id, q
                  WHERE c.coach_id = $1 AND ($3::uuid[] IS NULL OR c.session_id = ANY($3))
                    AND to_tsvector('english', c.body || ' ' || c.quote) @@ q.query
                  ORDER BY rank DESC, c.id LIMIT $4"
            ),
            &[&coach.0, &question, &scope, &limit],
        )
        .await?;
    Ok(ranked(&rows))
}

/// A session, as its passages show it.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub id: Uuid,
    pub title: String,
    pub held_at: DateTime<Utc>,
    /// The stored speaker map (label → coach or client).
    pub speakers: serde_json::Value,
    /// Its clients: (id, name).
    pub clients: Vec<(Uuid, String)>,
}

pub async fn sessions(
    db: &impl Executor,
    coach: CoachId,
    ids: &[Uuid],
) -> Result<Vec<SessionRow>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT s.id, s.title, s.held_at, s.speakers,
                    coalesce(array_agg(cl.id ORDER BY cl.name) FILTER (WHERE cl.id IS NOT NULL), '{}'),
                    coalesce(array_agg(cl.name ORDER BY cl.name) FILTER (WHERE cl.id IS NOT NULL), '{}')
               FROM sessions s
               LEFT JOIN client_sessions cs ON cs.coach_id = s.coach_id AND cs.session_id = s.id
               LEFT JOIN clients cl ON cl.coach_id = cs.coach_id AND cl.id = cs.client_id
              WHERE s.coach_id = $1 AND s.id = ANY($2)
              GROUP BY s.id",
            &[&coach.0, &ids],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| {
            let ids: Vec<Uuid> = r.get(4);
            let names: Vec<String> = r.get(5);
            SessionRow {
                id: r.get(0),
                title: r.get(1),
                held_at: r.get(2),
                speakers: r.get(3),
                clients: ids.into_iter().zip(names).collect(),
            }
        })
        .collect())
}

/// A transcript chunk as a passage.
#[derive(Debug, Clone)]
pub struct ChunkRow {
    pub id: Uuid,
    pub session_id: Uuid,
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// `Speaker: words` lines.
    pub body: String,
}

pub async fn chunks(
    db: &impl Executor,
    coach: CoachId,
    ids: &[Uuid],
) -> Result<Vec<ChunkRow>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT id, session_id, start_ms, end_ms, body FROM transcript_chunks
              WHERE coach_id = $1 AND id = ANY($2)",
            &[&coach.0, &ids],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| ChunkRow {
            id: r.get(0),
            session_id: r.get(1),
            start_ms: r.get(2),
            end_ms: r.get(3),
            body: r.get(4),
        })
        .collect())
}

/// A summary (its current version) as a passage.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub version_id: Uuid,
    pub session_id: Uuid,
    pub overview: String,
    pub themes: Vec<String>,
}

pub async fn summaries(
    db: &impl Executor,
    coach: CoachId,
    version_ids: &[Uuid],
) -> Result<Vec<SummaryRow>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT v.id, v.session_id, coalesce(v.content->>'overview', ''),
                    coalesce(ARRAY(SELECT jsonb_array_elements_text(v.content->'themes')), '{}')
               FROM summary_versions v
              WHERE v.coach_id = $1 AND v.id = ANY($2)",
            &[&coach.0, &version_ids],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| SummaryRow {
            version_id: r.get(0),
            session_id: r.get(1),
            overview: r.get(2),
            themes: r.get(3),
        })
        .collect())
}

/// A commitment as a passage.
#[derive(Debug, Clone)]
pub struct CommitmentRow {
    pub id: Uuid,
    pub session_id: Uuid,
    pub client_id: Option<Uuid>,
    pub owner: String,
    pub body: String,
    pub quote: String,
    pub due_on: Option<NaiveDate>,
}

pub async fn commitments(
    db: &impl Executor,
    coach: CoachId,
    ids: &[Uuid],
) -> Result<Vec<CommitmentRow>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT id, session_id, client_id, owner, body, quote, due_on FROM commitments
              WHERE coach_id = $1 AND id = ANY($2)",
            &[&coach.0, &ids],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| CommitmentRow {
            id: r.get(0),
            session_id: r.get(1),
            client_id: r.get(2),
            owner: r.get(3),
            body: r.get(4),
            quote: r.get(5),
            due_on: r.get(6),
        })
        .collect())
}

/// The coach's clients, for reading names in a question.
pub async fn client_names(
    db: &impl Executor,
    coach: CoachId,
) -> Result<Vec<(Uuid, String)>, StoreError> {
    let rows = db
        .fetch_all(
            "SELECT id, name FROM clients WHERE coach_id = $1 ORDER BY name",
            &[&coach.0],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Which of `words` stem to one of `stems`, by the database's own English
/// reading (the one full text search uses): (word, stem) pairs.
pub async fn words_with_stems(
    db: &impl Executor,
    words: &[String],
    stems: &[String],
) -> Result<Vec<(String, String)>, StoreError> {
    if words.is_empty() || stems.is_empty() {
        return Ok(Vec::new());
    }
    let rows = db
        .fetch_all(
            "SELECT w, t.lexeme FROM unnest($1::text[]) AS w,
                    unnest(to_tsvector('english', w)) AS t
              WHERE t.lexeme = ANY($2)",
            &[&words, &stems],
        )
        .await?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Whether the coach has this session.
pub async fn has_session(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<bool, StoreError> {
    let row = db
        .fetch_one(
            "SELECT EXISTS (SELECT 1 FROM sessions WHERE coach_id = $1 AND id = $2)",
            &[&coach.0, &session],
        )
        .await?;
    Ok(row.get(0))
}
