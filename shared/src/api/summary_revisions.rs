//! A session summary through its versions: the overview refined by the
//! language model at the coach's instruction (streamed to the coach's
//! screens as it is written), the versions listed and compared word by
//! word, and an earlier one brought back.
//!
//! Refinement rewrites the overview only: the commitments and risk flags
//! are the analysis's grounded findings, and each new version carries them
//! over as they are (with the statuses the coach gave the commitments).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::IdempotencyKey;
use super::problem::ApiError;
use super::refinement::{
    applied_instructions, changed_meanwhile, revise, revised_text, session_notes, version_in,
    RefineInstruction, Revising,
};
use super::responses::{
    Authenticated, ById, Conflicting, Idempotent, IfMatched, JsonBody, LanguageModel, WithQuery,
};
use super::versioning::{expected_version, with_etag, IfMatch};
use super::{audit, audit_with, tenant, AppState, Caller};
use crate::ai::refiner::{Draft, RefineRequest};
use crate::domain::revision_diff::{word_diff, DiffSpan};
use crate::domain::{CoachId, VersionSource};
use crate::ports::RefinementTarget;
use crate::store::summaries::{
    self, LockedSummary, NewSummaryVersion, SummaryVersion, SummaryView,
};
use crate::store::Executor;

/// Longest overview a revision may be.
const MAX_OVERVIEW_CHARS: usize = 10_000;

resource_routes! {
    [refine_summary],
    [list_summary_versions],
    [diff_summary_versions],
    [revert_summary],
}

/// Two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryDiffQuery {
    /// The older version.
    pub from: i32,
    /// The newer version.
    pub to: i32,
}

/// What changed in the overview from one version to another, word by word.
#[derive(Debug, Serialize, ToSchema)]
pub struct SummaryDiff {
    pub from: i32,
    pub to: i32,
    pub overview: Vec<DiffSpan>,
}

/// The version to go back to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertSummaryTo {
    #[schema(minimum = 1)]
    pub version: i32,
}

/// Rewrites the summary's overview to the coach's instruction through the
/// language model: a new version keeping the instruction and the model,
/// with the commitments and risk flags as they were. The revision streams
/// to the coach's open screens as `refinement.delta` events (`target`
/// `summary`, `id` the session's) and ends with `refinement.done`; this
/// answers the stored summary whole. With `If-Match`, only if that is the
/// current version.
#[utoipa::path(post, path = "/v1/sessions/{id}/summary/refine", tag = "sessions",
    params(("id" = Uuid, Path), IfMatch, IdempotencyKey),
    request_body = RefineInstruction,
    responses((status = 200, body = SummaryView, headers(("ETag" = String, description = "The new version"))),
        Authenticated, ById, JsonBody, Idempotent, Conflicting, IfMatched, LanguageModel))]
async fn refine_summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(session): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RefineInstruction>,
) -> Result<Response, ApiError> {
    let instruction = input.checked()?;
    super::refinement::refinement(&state)?;
    let expected = expected_version(&headers, "summary")?;
    let coach = tenant(&caller);
    let (current, request) = {
        let db = state.db.get().await?;
        let current = current_summary(&db, coach, session).await?;
        check_version(current.version, expected)?;
        let versions = summaries::versions(&db, coach, session)
            .await?
            .unwrap_or_default();
        let request = RefineRequest {
            draft: Draft::Overview(current.content.overview.clone()),
            instruction: instruction.clone(),
            earlier_instructions: applied_instructions(&versions),
            session_notes: session_notes(&current.content, None),
        };
        (current, request)
    };
    let revising = Revising {
        coach,
        target: RefinementTarget::Summary,
        id: session,
    };
    let refined = revise(&state, revising, &request).await?;
    let overview = revised_text(&refined.text, MAX_OVERVIEW_CHARS)?;

    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let locked = lock(&tx, coach, session).await?;
    if locked.version != current.version {
        return Err(changed_meanwhile("summary"));
    }
    let mut content = current.content.clone();
    content.overview = overview.trim().to_owned();
    let version_id = summaries::add_version(
        &tx,
        coach,
        session,
        locked,
        current.version,
        &content,
        &NewSummaryVersion {
            source: VersionSource::AiRefinement,
            instruction: Some(&instruction),
            model: Some(&refined.model),
            usage: Some(&refined.usage),
        },
    )
    .await?;
    let version = locked.version + 1;
    audit_with(
        &tx,
        &caller,
        "summary.refine",
        "session",
        Some(session),
        serde_json::json!({ "version": version, "based_on": current.version }),
    )
    .await?;
    tx.commit().await?;
    super::refinement::done(&state, revising, version, version_id).await;
    let view = current_summary(&db, coach, session).await?;
    Ok(with_etag(view.version, view))
}

/// Every version of the session's summary, oldest first, each with how it
/// came about (the analysis, a refinement and its instruction, a revert).
#[utoipa::path(get, path = "/v1/sessions/{id}/summary/versions", tag = "sessions",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<SummaryVersion>), Authenticated, ById))]
async fn list_summary_versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<Vec<SummaryVersion>>, ApiError> {
    let db = state.db.get().await?;
    let versions = summaries::versions(&db, tenant(&caller), session)
        .await?
        .ok_or(ApiError::NotFound("summary"))?;
    audit(&db, &caller, "summary.versions", "session", Some(session)).await?;
    Ok(Json(versions))
}

/// Word by word, what changed in the overview from version `from` to `to`.
#[utoipa::path(get, path = "/v1/sessions/{id}/summary/diff", tag = "sessions",
    params(("id" = Uuid, Path), SummaryDiffQuery),
    responses((status = 200, body = SummaryDiff), Authenticated, ById, WithQuery))]
async fn diff_summary_versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(session): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<SummaryDiffQuery>,
) -> Result<Json<SummaryDiff>, ApiError> {
    let db = state.db.get().await?;
    let versions = summaries::versions(&db, tenant(&caller), session)
        .await?
        .ok_or(ApiError::NotFound("summary"))?;
    let from = version_in(&versions, query.from, "from")?;
    let to = version_in(&versions, query.to, "to")?;
    audit(&db, &caller, "summary.diff", "session", Some(session)).await?;
    Ok(Json(SummaryDiff {
        from: from.version,
        to: to.version,
        overview: word_diff(&from.overview, &to.overview),
    }))
}

/// Goes back to an earlier version of the summary: its content becomes a
/// new, current version (nothing is deleted). With `If-Match`, only if that
/// is the current version.
#[utoipa::path(post, path = "/v1/sessions/{id}/summary/revert", tag = "sessions",
    params(("id" = Uuid, Path), IfMatch, IdempotencyKey),
    request_body = RevertSummaryTo,
    responses((status = 200, body = SummaryView, headers(("ETag" = String, description = "The new version"))),
        Authenticated, ById, JsonBody, Idempotent, Conflicting, IfMatched))]
async fn revert_summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(session): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RevertSummaryTo>,
) -> Result<Response, ApiError> {
    let expected = expected_version(&headers, "summary")?;
    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let locked = lock(&tx, coach, session).await?;
    check_version(locked.version, expected)?;
    let versions = summaries::versions(&tx, coach, session)
        .await?
        .ok_or(ApiError::NotFound("summary"))?;
    let target = version_in(&versions, input.version, "version")?;
    if target.version == locked.version {
        return Err(ApiError::field("version", "is the current version already"));
    }
    let content = summaries::version_content(&tx, coach, session, target.version)
        .await?
        .ok_or(ApiError::NotFound("summary"))?;
    summaries::add_version(
        &tx,
        coach,
        session,
        locked,
        target.version,
        &content,
        &NewSummaryVersion {
            source: VersionSource::Revert,
            instruction: None,
            model: None,
            usage: None,
        },
    )
    .await?;
    audit_with(
        &tx,
        &caller,
        "summary.revert",
        "session",
        Some(session),
        serde_json::json!({ "version": locked.version + 1, "based_on": target.version }),
    )
    .await?;
    tx.commit().await?;
    let view = current_summary(&db, coach, session).await?;
    Ok(with_etag(view.version, view))
}

async fn current_summary(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<SummaryView, ApiError> {
    summaries::current(db, coach, session)
        .await?
        .ok_or(ApiError::NotFound("summary"))
}

async fn lock(
    db: &impl Executor,
    coach: CoachId,
    session: Uuid,
) -> Result<LockedSummary, ApiError> {
    summaries::lock(db, coach, session)
        .await?
        .ok_or(ApiError::NotFound("summary"))
}

fn check_version(current: i32, expected: Option<i32>) -> Result<(), ApiError> {
    match expected {
        Some(expected) if expected != current => Err(ApiError::PreconditionFailed(format!(
            "The summary is at version {current}, not {expected}: it changed since you read it."
        ))),
        _ => Ok(()),
    }
}
