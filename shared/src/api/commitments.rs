//! `/v1/commitments`: what the coach's clients (and the coach) committed to
//! in their sessions, from each session's current summary. Marking one done
//! or dropped takes it out of the coach's daily reminder digest.

use axum::extract::State;
use axum::Json;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::pagination::{page, Page, PageQuery};
use super::problem::ApiError;
use super::responses::{Authenticated, ById, JsonBody, WithQuery};
use super::{audit, audit_with, tenant, AppState, Caller};
use crate::domain::CommitmentStatus;
use crate::store::commitments::{self, CommitmentFilter, CommitmentView};

resource_routes! {
    [list_commitments],
    [update_commitment],
}

/// Which commitments to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CommitmentQuery {
    /// Only this client's.
    pub client_id: Option<Uuid>,
    /// Only those in this status.
    #[param(inline)]
    pub status: Option<CommitmentStatus>,
    /// Only those due before this day (`2026-12-05`; not on it). Those
    /// without a due day are left out.
    #[param(value_type = Option<String>, format = Date)]
    pub due_before: Option<NaiveDate>,
    /// Only those due on this day or later (`2026-12-01`, with `due_before`
    /// a window such as "due this week"). Those without a due day are left out.
    #[param(value_type = Option<String>, format = Date)]
    pub due_from: Option<NaiveDate>,
}

/// What the coach says became of a commitment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateCommitment {
    /// `done` or `dropped` takes it out of the reminders; `open` puts it back.
    pub status: CommitmentStatus,
}

/// The commitments of the coach's sessions, newest session first.
#[utoipa::path(get, path = "/v1/commitments", tag = "commitments", params(CommitmentQuery, PageQuery),
    responses((status = 200, body = Page<CommitmentView>), Authenticated, WithQuery))]
async fn list_commitments(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(filter): ApiQuery<CommitmentQuery>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<CommitmentView>>, ApiError> {
    let limit = query.limit()?;
    let filter = CommitmentFilter {
        client: filter.client_id,
        status: filter.status,
        due_before: filter.due_before,
        due_from: filter.due_from,
    };
    let db = state.db.get().await?;
    let rows = commitments::list(&db, tenant(&caller), filter, query.after()?, limit + 1).await?;
    audit(&db, &caller, "commitment.list", "commitment", None).await?;
    Ok(Json(page(rows, limit, |c| (c.session_held_at, c.id))))
}

/// Marks a commitment done, dropped, or open again.
#[utoipa::path(patch, path = "/v1/commitments/{id}", tag = "commitments", params(("id" = Uuid, Path)),
    request_body = UpdateCommitment,
    responses((status = 200, body = CommitmentView), Authenticated, ById, JsonBody))]
async fn update_commitment(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<UpdateCommitment>,
) -> Result<Json<CommitmentView>, ApiError> {
    let db = state.db.get().await?;
    let view = commitments::set_status(&db, tenant(&caller), id, input.status)
        .await?
        .ok_or(ApiError::NotFound("commitment"))?;
    audit_with(
        &db,
        &caller,
        "commitment.status",
        "commitment",
        Some(id),
        serde_json::json!({ "status": input.status.as_str() }),
    )
    .await?;
    Ok(Json(view))
}
