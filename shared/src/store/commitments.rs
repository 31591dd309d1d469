//! Commitments from the current version of each session's summary: the
//! coach's list, marking one done or dropped, and the daily digest's items.
//!
//! Each summary version holds its own commitments; only the current
//! version's are the session's. A new version inherits the status of the
//! same commitment (same owner, same words) in the versions before it, so a
//! refinement does not bring a done commitment back.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tokio_postgres::Row;
use utoipa::ToSchema;
use uuid::Uuid;

use super::coaches::{self, Coach};
use super::{Executor, StoreError};
use crate::ai::analyst::{EarlierCommitment, FollowThrough, FollowThroughOutcome};
use crate::domain::{CoachId, CommitmentStatus};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CommitmentView {
    pub id: Uuid,
    pub session_id: Uuid,
    pub session_title: String,
    pub session_held_at: DateTime<Utc>,
    /// Set when a client owns it; `None` for the coach's own.
    pub client_id: Option<Uuid>,
    pub client_name: Option<String>,
    /// The speaker who made it, as named in the transcript.
    pub owner: String,
    pub text: String,
    /// The day it is due by, when one was said.
    pub due_on: Option<NaiveDate>,
    /// The transcript words it was taken from.
    pub quote: String,
    pub status: CommitmentStatus,
    pub status_changed_at: Option<DateTime<Utc>>,
    /// What a later session said became of it: the latest report that
    /// tells done or not done, else the latest that it was not mentioned.
    pub follow_through: Option<FollowThroughReport>,
}

/// A later session's word on a commitment.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FollowThroughReport {
    pub outcome: FollowThroughOutcome,
    /// The session that spoke of it (or did not).
    pub session_id: Uuid,
    pub session_held_at: DateTime<Utc>,
    /// The client's words; none when it was not mentioned.
    pub quote: Option<String>,
}

/// The commitments a list asks for; `None` matches all.
#[derive(Debug, Clone, Copy, Default)]
pub struct CommitmentFilter {
    pub client: Option<Uuid>,
    pub status: Option<CommitmentStatus>,
    /// Due before this day (not on it); those without a due day never match.
    pub due_before: Option<NaiveDate>,
    /// Due on this day or later; those without a due day never match.
    pub due_from: Option<NaiveDate>,
}

const COLUMNS: &str =
    "c.id, c.session_id, s.title, s.held_at, c.client_id, cl.name, c.owner, c.body,
    c.due_on, c.quote, c.status::text, c.status_changed_at,
    ft.outcome, ft.reported_in, ft.reported_at, ft.quote";

/// The current summary version's commitments, with their session and client.
const CURRENT: &str = "commitments c
    JOIN summary_versions v ON v.id = c.summary_version_id
    JOIN summaries sm ON sm.id = v.summary_id AND sm.current_version = v.version
    JOIN sessions s ON s.coach_id = c.coach_id AND s.id = c.session_id
    LEFT JOIN clients cl ON cl.coach_id = c.coach_id AND cl.id = c.client_id
    LEFT JOIN LATERAL (
        SELECT r.outcome::text AS outcome, r.reported_in, rs.held_at AS reported_at, r.quote
          FROM follow_through_reports r
          JOIN sessions rs ON rs.coach_id = r.coach_id AND rs.id = r.reported_in
         WHERE r.coach_id = c.coach_id AND r.session_id = c.session_id
           AND r.owner = c.owner AND r.body = c.body
         ORDER BY r.outcome = 'not_mentioned', rs.held_at DESC
         LIMIT 1) ft ON true";

fn from_row(r: &Row) -> CommitmentView {
    CommitmentView {
        id: r.get(0),
        session_id: r.get(1),
        session_title: r.get(2),
        session_held_at: r.get(3),
        client_id: r.get(4),
        client_name: r.get(5),
        owner: r.get(6),
        text: r.get(7),
        due_on: r.get(8),
        quote: r.get(9),
        status: r.get(10),
        status_changed_at: r.get(11),
        follow_through: r
            .get::<_, Option<String>>(12)
            .and_then(|outcome| outcome_from_label(&outcome))
            .map(|outcome| FollowThroughReport {
                outcome,
                session_id: r.get(13),
                session_held_at: r.get(14),
                quote: r.get(15),
            }),
    }
}

fn outcome_from_label(label: &str) -> Option<FollowThroughOutcome> {
    match label {
        "done" => Some(FollowThroughOutcome::Done),
        "not_done" => Some(FollowThroughOutcome::NotDone),
        "not_mentioned" => Some(FollowThroughOutcome::NotMentioned),
        _ => None,
    }
}

fn outcome_label(outcome: FollowThroughOutcome) -> &'static str {
    match outcome {
        FollowThroughOutcome::Done => "done",
        FollowThroughOutcome::NotDone => "not_done",
        FollowThroughOutcome::NotMentioned => "not_mentioned",
    }
}

/// Records what session `reported_in` (generation `generation`) says
/// became of earlier commitments, replacing its earlier analyses' reports.
pub async fn record_follow_through(
    db: &impl Executor,
    coach: CoachId,
    reported_in: Uuid,
    generation: i32,
    reports: &[FollowThrough],
) -> Result<(), StoreError> {
    db.exec(
        "DELETE FROM follow_through_reports WHERE coach_id = $1 AND reported_in = $2 AND generation < $3",
        &[&coach.0, &reported_in, &generation],
    )
    .await?;
    for report in reports {
        db.exec(
            "INSERT INTO follow_through_reports (coach_id, session_id, owner, body, reported_in, generation, outcome, quote)
             VALUES ($1, $2, $3, $4, $5, $6, $7::text::follow_through_outcome, $8)
             ON CONFLICT (coach_id, session_id, owner, body, reported_in) DO UPDATE
                SET generation = excluded.generation, outcome = excluded.outcome, quote = excluded.quote
              WHERE follow_through_reports.generation <= excluded.generation",
            &[
                &coach.0,
                &report.session_id,
                &report.owner,
                &report.text,
                &reported_in,
                &generation,
                &outcome_label(report.outcome),
                &report.quote,
            ],
        )
        .await?;
    }
    Ok(())
}

/// The open commitments `clients` made in sessions held before `before`,
/// newest session first (at most `limit`): what the next analysis looks for.
pub async fn open_earlier(
    db: &impl Executor,
    coach: CoachId,
    clients: &[Uuid],
    before: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<EarlierCommitment>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "SELECT c.session_id, c.client_id, c.owner, c.body, c.due_on FROM {CURRENT}
                  WHERE c.coach_id = $1 AND c.client_id = ANY($2) AND c.status = 'open'
                    AND s.held_at < $3
                  ORDER BY s.held_at DESC, c.id LIMIT $4"
            ),
            &[&coach.0, &clients, &before, &limit],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| EarlierCommitment {
            session_id: r.get(0),
            client_id: r.get(1),
            owner: r.get(2),
            text: r.get(3),
            due: r.get(4),
        })
        .collect())
}

/// A page of the coach's commitments, newest session first, after the
/// cursor's `(session held_at, id)`.
pub async fn list(
    db: &impl Executor,
    coach: CoachId,
    filter: CommitmentFilter,
    after: Option<(DateTime<Utc>, Uuid)>,
    limit: i64,
) -> Result<Vec<CommitmentView>, StoreError> {
    let (at, id) = after.unzip();
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {COLUMNS} FROM {CURRENT}
                  WHERE c.coach_id = $1
                    AND ($2::uuid IS NULL OR c.client_id = $2)
                    AND ($3::text IS NULL OR c.status::text = $3)
                    AND ($4::date IS NULL OR c.due_on < $4)
                    AND ($8::date IS NULL OR c.due_on >= $8)
                    AND ($5::timestamptz IS NULL OR (s.held_at, c.id) < ($5, $6))
                  ORDER BY s.held_at DESC, c.id DESC LIMIT $7"
            ),
            &[
                &coach.0,
                &filter.client,
                &filter.status.map(CommitmentStatus::as_str),
                &filter.due_before,
                &at,
                &id,
                &limit,
                &filter.due_from,
            ],
        )
        .await?;
    Ok(rows.iter().map(from_row).collect())
}

pub async fn get(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
) -> Result<Option<CommitmentView>, StoreError> {
    let row = db
        .fetch_optional(
            &format!("SELECT {COLUMNS} FROM {CURRENT} WHERE c.coach_id = $1 AND c.id = $2"),
            &[&coach.0, &id],
        )
        .await?;
    Ok(row.as_ref().map(from_row))
}

/// Sets a current commitment's status; `None` when the coach has none with this id.
pub async fn set_status(
    db: &impl Executor,
    coach: CoachId,
    id: Uuid,
    status: CommitmentStatus,
) -> Result<Option<CommitmentView>, StoreError> {
    if get(db, coach, id).await?.is_none() {
        return Ok(None);
    }
    db.exec(
        "UPDATE commitments SET status = $3::text::commitment_status,
                status_changed_at = CASE WHEN status::text = $3 THEN status_changed_at ELSE now() END
          WHERE coach_id = $1 AND id = $2",
        &[&coach.0, &id, &status.as_str()],
    )
    .await?;
    get(db, coach, id).await
}

/// Gives the commitments of a new summary version the status the same
/// commitment had in the session's earlier versions.
pub async fn inherit_status(
    db: &impl Executor,
    coach: CoachId,
    summary_version: Uuid,
) -> Result<(), StoreError> {
    db.exec(
        "UPDATE commitments c SET status = p.status, status_changed_at = p.status_changed_at
           FROM commitments p
          WHERE c.coach_id = $1 AND c.summary_version_id = $2
            AND p.coach_id = c.coach_id AND p.session_id = c.session_id
            AND p.summary_version_id <> c.summary_version_id
            AND p.status <> 'open' AND p.owner = c.owner AND p.body = c.body",
        &[&coach.0, &summary_version],
    )
    .await?;
    Ok(())
}

/// Coaches with open client commitments due within `days` (inclusive; a
/// span wide enough for every coach's local one): the digest's candidates.
pub async fn coaches_with_open(
    db: &impl Executor,
    days: (NaiveDate, NaiveDate),
) -> Result<Vec<Coach>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {} FROM coaches co
                  WHERE EXISTS (SELECT 1 FROM {CURRENT}
                                 WHERE c.coach_id = co.id AND c.status = 'open'
                                   AND c.client_id IS NOT NULL AND NOT cl.archived
                                   AND c.due_on BETWEEN $1 AND $2)
                  ORDER BY co.id",
                coaches::COLUMNS
            ),
            &[&days.0, &days.1],
        )
        .await?;
    Ok(rows.iter().map(coaches::from_row).collect())
}

/// A coach's open client commitments due within `days` (inclusive),
/// earliest first: one digest's items.
pub async fn due_between(
    db: &impl Executor,
    coach: CoachId,
    days: (NaiveDate, NaiveDate),
) -> Result<Vec<CommitmentView>, StoreError> {
    let rows = db
        .fetch_all(
            &format!(
                "SELECT {COLUMNS} FROM {CURRENT}
                  WHERE c.coach_id = $1 AND c.status = 'open'
                    AND c.client_id IS NOT NULL AND NOT cl.archived
                    AND c.due_on BETWEEN $2 AND $3
                  ORDER BY c.due_on, cl.name, c.id"
            ),
            &[&coach.0, &days.0, &days.1],
        )
        .await?;
    Ok(rows.iter().map(from_row).collect())
}
