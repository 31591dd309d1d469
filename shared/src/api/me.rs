//! `/v1/me`: the caller's own account and settings.

use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::{present, ApiJson};
use super::problem::{ApiError, FieldError};
use super::responses::{Authenticated, JsonBody};
use super::{audit_with, AppState, Caller};
use crate::ai::analyst::AnalyserChoice;
use crate::domain::follow_up_lifecycle::MAX_SEND_DELAY_HOURS;
use crate::domain::retention;
use crate::domain::text::label;
use crate::store::coaches::{self, Coach};
use crate::store::templates;

resource_routes! {
    [get_me, update_me],
}

/// The coach's settings; an absent field is left as it is.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMe {
    /// The name clients see on follow-ups: their sender name and sign-off
    /// (1–100 characters once trimmed, no control characters); `null` goes back
    /// to the coach's display name.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, max_length = 100)]
    pub sender_name: Option<Option<String>>,
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
    /// Remove a session's transcript (its text, chunks and search vectors,
    /// in the database and every stored copy of the file) once the session
    /// was held this many days ago (7–3650), in a daily purge; `null` keeps
    /// transcripts until they are deleted (the default).
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<u32>, minimum = 7, maximum = 3650)]
    pub transcript_retention_days: Option<Option<u32>>,
    /// Whether a session's summary, and the commitments drawn from it, goes
    /// with its transcript (default `false`: summaries are kept).
    pub delete_summaries_with_transcripts: Option<bool>,
    /// Which analyser writes this coach's analyses: `local` (rule-based,
    /// offline), `language_model` (the configured model), or `default`
    /// (the model when the deployment configures one).
    pub analyser: Option<AnalyserChoice>,
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
    // Every field is checked before any is changed: a refused PATCH changes nothing.
    let mut errors = Vec::new();
    let sender_name = input.sender_name.as_ref().map(|name| {
        name.as_deref().map(|name| {
            label(name, 100).unwrap_or_else(|e| {
                errors.push(FieldError::new("sender_name", e.to_string()));
                String::new()
            })
        })
    });
    if let Some(time_zone) = &input.time_zone {
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            errors.push(FieldError::new(
                "time_zone",
                "must be an IANA time zone such as Europe/Berlin",
            ));
        }
    }
    let hours = input.send_without_approval_after_hours.map(|hours| {
        if hours.is_some_and(|hours| hours == 0 || hours > MAX_SEND_DELAY_HOURS) {
            errors.push(FieldError::new(
                "send_without_approval_after_hours",
                format!("must be between 1 and {MAX_SEND_DELAY_HOURS}, or null for off"),
            ));
        }
        hours.and_then(|hours| i32::try_from(hours).ok())
    });
    let retention_days = input.transcript_retention_days.map(|days| {
        days.and_then(|days| {
            retention::transcript_days(days)
                .map_err(|e| {
                    errors.push(FieldError::new("transcript_retention_days", e.to_string()));
                })
                .ok()
        })
    });
    let mut db = state.db.get().await?;
    if let Some(Some(id)) = input.default_follow_up_template_id {
        if templates::get_follow_up(&db, caller.coach, id)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(
                "default_follow_up_template_id",
                "no follow-up template with this id",
            ));
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let tx = db.transaction().await?;
    let mut changed = serde_json::Map::new();
    if let Some(template) = input.default_follow_up_template_id {
        templates::set_default_follow_up(&tx, caller.coach, template).await?;
        changed.insert(
            templates::DEFAULT_FOLLOW_UP_TEMPLATE.into(),
            serde_json::json!(template),
        );
    }
    if let Some(name) = sender_name {
        // The audit says whether a name is set, never the text.
        changed.insert(
            coaches::SENDER_NAME.into(),
            serde_json::json!(name.is_some()),
        );
        coaches::set_setting(
            &tx,
            caller.coach,
            coaches::SENDER_NAME,
            name.map(Into::into),
        )
        .await?;
    }
    if let Some(time_zone) = &input.time_zone {
        coaches::set_time_zone(&tx, caller.coach, time_zone).await?;
        changed.insert("time_zone".into(), serde_json::json!(time_zone));
    }
    if let Some(hours) = hours {
        coaches::set_auto_send_hours(&tx, caller.coach, hours).await?;
        changed.insert(coaches::AUTO_SEND_HOURS.into(), serde_json::json!(hours));
    }
    if let Some(days) = retention_days {
        coaches::set_setting(
            &tx,
            caller.coach,
            coaches::TRANSCRIPT_RETENTION_DAYS,
            days.map(Into::into),
        )
        .await?;
        changed.insert(
            coaches::TRANSCRIPT_RETENTION_DAYS.into(),
            serde_json::json!(days),
        );
    }
    if let Some(delete) = input.delete_summaries_with_transcripts {
        coaches::set_setting(
            &tx,
            caller.coach,
            coaches::DELETE_SUMMARIES_WITH_TRANSCRIPTS,
            Some(delete.into()),
        )
        .await?;
        changed.insert(
            coaches::DELETE_SUMMARIES_WITH_TRANSCRIPTS.into(),
            serde_json::json!(delete),
        );
    }
    if let Some(analyser) = input.analyser {
        let value = serde_json::json!(analyser);
        let stored = (analyser != AnalyserChoice::Default).then(|| value.clone());
        coaches::set_setting(&tx, caller.coach, coaches::ANALYSER, stored).await?;
        changed.insert(coaches::ANALYSER.into(), value);
    }
    if !changed.is_empty() {
        audit_with(
            &tx,
            &caller,
            "coach.settings",
            "coach",
            Some(caller.coach.0),
            serde_json::Value::Object(changed),
        )
        .await?;
    }
    tx.commit().await?;
    let coach = coaches::get(&db, caller.coach)
        .await?
        .ok_or(ApiError::NotFound("coach"))?;
    Ok(Json(coach))
}
