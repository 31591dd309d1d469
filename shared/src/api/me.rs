//! `/v1/me`: the caller's own account.

use axum::extract::State;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::problem::ApiError;
use super::{AppState, Caller};
use crate::store::coaches::{self, Coach};

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_me))
}

/// The signed-in coach.
#[utoipa::path(get, path = "/v1/me", tag = "me",
    responses((status = 200, body = Coach), super::responses::Authenticated))]
async fn get_me(State(state): State<AppState>, caller: Caller) -> Result<Json<Coach>, ApiError> {
    let db = state.db.get().await?;
    let coach = coaches::get(&db, caller.coach)
        .await?
        .ok_or(ApiError::NotFound("coach"))?;
    Ok(Json(coach))
}
