//! A follow-up's text through its versions: refined by the language model
//! at the coach's instruction (streamed to the coach's screens as it is
//! written), compared word by word, and reverted. Like an edit, each is a
//! new version of a draft; an approved follow-up is no longer changed (409).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::follow_ups::{
    check_version, current_view, lock, sentence, MAX_BODY_CHARS, MAX_SUBJECT_CHARS,
};
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
use crate::domain::follow_up_lifecycle::{next_status, FollowUpAction};
use crate::domain::revision_diff::{word_diff, DiffSpan};
use crate::domain::text::{first_name, label};
use crate::domain::VersionSource;
use crate::ports::RefinementTarget;
use crate::store::follow_ups::{self, FollowUpView, NewVersion};
use crate::store::summaries;

resource_routes! {
    [refine_follow_up],
    [diff_versions],
    [revert_follow_up],
}

/// Two versions to compare.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffQuery {
    /// The older version.
    pub from: i32,
    /// The newer version.
    pub to: i32,
}

/// What changed from one version to another, word by word.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDiff {
    pub from: i32,
    pub to: i32,
    pub subject: Vec<DiffSpan>,
    pub body: Vec<DiffSpan>,
}

/// The version to go back to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevertTo {
    #[schema(minimum = 1)]
    pub version: i32,
}

/// Rewrites the draft to the coach's instruction through the language
/// model: a new version that keeps the instruction and the model. The
/// revision streams to the coach's open screens as `refinement.delta`
/// events and ends with `refinement.done` (its version); this answers the
/// stored version whole. With `If-Match`, only if that is the current version.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/refine", tag = "follow-ups",
    params(("id" = Uuid, Path), IfMatch, IdempotencyKey),
    request_body = RefineInstruction,
    responses((status = 200, body = FollowUpView, headers(("ETag" = String, description = "The new version"))),
        Authenticated, ById, JsonBody, Idempotent, Conflicting, IfMatched, LanguageModel))]
async fn refine_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RefineInstruction>,
) -> Result<Response, ApiError> {
    let instruction = input.checked()?;
    super::refinement::refinement(&state)?;
    let expected = expected_version(&headers, "follow-up")?;
    let coach = tenant(&caller);
    let (current, request) = {
        let db = state.db.get().await?;
        let current = current_view(&db, &caller, id).await?;
        if let Some(expected) = expected.filter(|expected| *expected != current.version) {
            return Err(ApiError::PreconditionFailed(format!(
                "The follow-up is at version {}, not {expected}: it changed since you read it.",
                current.version
            )));
        }
        refinable(current.status)?;
        let versions = follow_ups::versions(&db, coach, id)
            .await?
            .ok_or(ApiError::NotFound("follow-up"))?;
        let summary = summaries::current(&db, coach, current.session_id).await?;
        let request = RefineRequest {
            draft: Draft::Email {
                subject: current.subject.clone(),
                body: current.body.clone(),
                recipient: first_name(&current.client_name).to_owned(),
            },
            instruction: instruction.clone(),
            earlier_instructions: applied_instructions(&versions),
            session_notes: summary
                .map(|summary| session_notes(&summary.content, Some(current.client_id)))
                .unwrap_or_default(),
        };
        (current, request)
    };
    let revising = Revising {
        coach,
        target: RefinementTarget::FollowUp,
        id,
    };
    let refined = revise(&state, revising, &request).await?;
    let body = revised_text(&refined.text, MAX_BODY_CHARS)?;
    // A subject the model made too long or multi-line keeps the old one.
    let subject = refined
        .subject
        .as_deref()
        .and_then(|subject| label(subject, MAX_SUBJECT_CHARS).ok())
        .unwrap_or_else(|| current.subject.clone());

    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let locked = lock(&tx, &caller, id).await?;
    if locked.version != current.version {
        return Err(changed_meanwhile("follow-up"));
    }
    refinable(locked.status)?;
    let version = locked.version + 1;
    let version_id = follow_ups::add_version(
        &tx,
        coach,
        id,
        version,
        &NewVersion {
            subject: &subject,
            body: &body,
            source: VersionSource::AiRefinement,
            instruction: Some(&instruction),
            model: Some(&refined.model),
            based_on: Some(current.version),
            usage: Some(&refined.usage),
        },
    )
    .await?;
    audit_with(
        &tx,
        &caller,
        "follow_up.refine",
        "follow_up",
        Some(id),
        serde_json::json!({ "version": version, "based_on": current.version }),
    )
    .await?;
    tx.commit().await?;
    super::refinement::done(&state, revising, version, version_id).await;
    let view = current_view(&db, &caller, id).await?;
    Ok(with_etag(view.version, view))
}

/// Word by word, what changed from version `from` to version `to`.
#[utoipa::path(get, path = "/v1/follow-ups/{id}/diff", tag = "follow-ups",
    params(("id" = Uuid, Path), DiffQuery),
    responses((status = 200, body = FollowUpDiff), Authenticated, ById, WithQuery))]
async fn diff_versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DiffQuery>,
) -> Result<Json<FollowUpDiff>, ApiError> {
    let db = state.db.get().await?;
    let versions = follow_ups::versions(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))?;
    let from = version_in(&versions, query.from, "from")?;
    let to = version_in(&versions, query.to, "to")?;
    audit(&db, &caller, "follow_up.diff", "follow_up", Some(id)).await?;
    Ok(Json(FollowUpDiff {
        from: from.version,
        to: to.version,
        subject: word_diff(&from.subject, &to.subject),
        body: word_diff(&from.body, &to.body),
    }))
}

/// Goes back to an earlier version: its text becomes a new, current
/// version (nothing is deleted). With `If-Match`, only if that is the
/// current version.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/revert", tag = "follow-ups",
    params(("id" = Uuid, Path), IfMatch, IdempotencyKey),
    request_body = RevertTo,
    responses((status = 200, body = FollowUpView, headers(("ETag" = String, description = "The new version"))),
        Authenticated, ById, JsonBody, Idempotent, Conflicting, IfMatched))]
async fn revert_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<RevertTo>,
) -> Result<Response, ApiError> {
    let expected = expected_version(&headers, "follow-up")?;
    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let locked = lock(&tx, &caller, id).await?;
    check_version(&locked, expected)?;
    refinable(locked.status)?;
    let versions = follow_ups::versions(&tx, coach, id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))?;
    let target = version_in(&versions, input.version, "version")?;
    if target.version == locked.version {
        return Err(ApiError::field("version", "is the current version already"));
    }
    let version = locked.version + 1;
    follow_ups::add_version(
        &tx,
        coach,
        id,
        version,
        &NewVersion {
            subject: &target.subject,
            body: &target.body,
            source: VersionSource::Revert,
            instruction: None,
            model: None,
            based_on: Some(target.version),
            usage: None,
        },
    )
    .await?;
    audit_with(
        &tx,
        &caller,
        "follow_up.revert",
        "follow_up",
        Some(id),
        serde_json::json!({ "version": version, "based_on": target.version }),
    )
    .await?;
    tx.commit().await?;
    let view = current_view(&db, &caller, id).await?;
    Ok(with_etag(view.version, view))
}

/// Only a draft's text changes: refining or reverting is an edit.
fn refinable(status: crate::domain::FollowUpStatus) -> Result<(), ApiError> {
    next_status(status, FollowUpAction::Edit)
        .map(|_| ())
        .map_err(|illegal| {
            ApiError::Conflict(sentence(&format!(
                "{illegal}; only a draft's text can change"
            )))
        })
}
