//! `/v1/me`: the caller's own account and settings.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::extract::{present, ApiJson};
use super::problem::ApiError;
use super::responses::{Authenticated, JsonBody};
use super::{audit_with, AppState, Caller};
use crate::domain::follow_up_lifecycle::MAX_SEND_DELAY_HOURS;
use crate::store::coaches::{self, Coach};
use crate::store::templates;

pub(super) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(get_me, update_me))
}

/// The coach's settings; an absent field is left as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    /// Send a follow-up draft without approval once it is this many hours
    /// old (1–720); `null` turns it off (the default). Drafts held for
    /// review are never sent this way.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>, minimum = 1, maximum = 720)]
    pub send_without_approval_after_hours: Option<Option<u32>>,
    /// The coach's IANA time zone (`Europe/Berlin`): the daily reminder
    /// digest goes out at 08:00 there.
    #[schema(example = "Europe/Berlin")]
    pub time_zone: Option<String>,
    /// The follow-up template used for clients without their own (a
    /// built-in or one of the coach's); `null` goes back to the warm recap.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub default_follow_up_template_id: Option<Option<Uuid>>,
}

/// The signed-in coach.
#[utoipa::path(get, path = "/v1/me", tag = "me",
    responses((status = 200, body = Coach), Authenticated))]
async fn get_me(State(state): State<AppState>, caller: Caller) -> Result<Json<Coach>, ApiError> {
    let db = state.db.get().await?;
    let coach = coaches::get(&db, caller.coach)
        .await?
        .ok_or(ApiError::NotFound("coach"))?;
    Ok(Json(coach))
}

/// Changes the coach's settings (`settings` in the answer).
#[utoipa::path(patch, path = "/v1/me", tag = "me", request_body = UpdateMe,
    responses((status = 200, body = Coach), Authenticated, JsonBody))]
async fn update_me(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<UpdateMe>,
) -> Result<Json<Coach>, ApiError> {
    if let Some(time_zone) = &input.time_zone {
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err(ApiError::field(
                "time_zone",
                "must be an IANA time zone such as Europe/Berlin",
            ));
        }
    }
    let db = state.db.get().await?;
    if let Some(template) = input.default_follow_up_template_id {
        if let Some(id) = template {
            if templates::get_follow_up(&db, caller.coach, id)
                .await?
                .is_none()
            {
                return Err(ApiError::field(
                    "default_follow_up_template_id",
                    "no follow-up template with this id",
                ));
            }
        }
        templates::set_default_follow_up(&db, caller.coach, template).await?;
        audit_with(
            &db,
            &caller,
            "coach.settings",
            "coach",
            Some(caller.coach.0),
            serde_json::json!({ "default_follow_up_template_id": template }),
        )
        .await?;
    }
    if let Some(time_zone) = &input.time_zone {
        coaches::set_time_zone(&db, caller.coach, time_zone).await?;
        audit_with(
            &db,
            &caller,
            "coach.settings",
            "coach",
            Some(caller.coach.0),
            serde_json::json!({ "time_zone": time_zone }),
        )
        .await?;
    }
    if let Some(hours) = input.send_without_approval_after_hours {
        if hours.is_some_and(|hours| hours == 0 || hours > MAX_SEND_DELAY_HOURS) {
            return Err(ApiError::field(
                "send_without_approval_after_hours",
                format!("must be between 1 and {MAX_SEND_DELAY_HOURS}, or null for off"),
            ));
        }
        let hours = hours.and_then(|hours| i32::try_from(hours).ok());
        coaches::set_auto_send_hours(&db, caller.coach, hours).await?;
        audit_with(
            &db,
            &caller,
            "coach.settings",
            "coach",
            Some(caller.coach.0),
            serde_json::json!({ "send_without_approval_after_hours": hours }),
        )
        .await?;
    }
    let coach = coaches::get(&db, caller.coach)
        .await?
        .ok_or(ApiError::NotFound("coach"))?;
    Ok(Json(coach))
}
