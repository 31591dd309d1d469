//! `/v1/follow-ups`: the coach's follow-up emails through their lifecycle —
//! read, edit (each edit a new version, guarded by `If-Match`), approve,
//! schedule in the client's time zone, send now, cancel, and resolve one
//! whose hand-off to the mail provider has no recorded outcome.
//!
//! The lifecycle's rules are the domain's (`domain::follow_up_lifecycle`);
//! each change here runs under the follow-up's row lock, so two changes of
//! one follow-up happen one after the other, and is audited with the
//! statuses before and after.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Json;
use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone, Utc};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::IdempotencyKey;
use super::pagination::{page, Page, PageQuery};
use super::problem::{ApiError, FieldError};
use super::responses::{
    Authenticated, ById, Conflicting, Idempotent, IfMatched, JsonBody, Versioned, WithQuery,
};
use super::versioning::{expected_version, with_etag, IfMatch};
use super::{audit, audit_with, tenant, AppState, Caller};
use crate::domain::follow_up_lifecycle::{
    next_status, send_at_after, FollowUpAction, MAX_SEND_DELAY_HOURS,
};
use crate::domain::text::{label, prose};
use crate::domain::FollowUpStatus;
use crate::store::follow_ups::{
    self, FollowUpFilter, FollowUpVersion, FollowUpView, Locked, NewVersion, StateChange,
};
use crate::store::Executor;

/// Longest subject a coach may give a follow-up.
pub(super) const MAX_SUBJECT_CHARS: usize = 200;
/// Longest body.
pub(super) const MAX_BODY_CHARS: usize = 20_000;

resource_routes! {
    [list_follow_ups],
    [get_follow_up, edit_follow_up],
    [list_versions],
    [approve_follow_up],
    [schedule_follow_up],
    [send_follow_up_now],
    [cancel_follow_up],
    [resolve_follow_up],
}

/// Which follow-ups to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FollowUpQuery {
    /// Only those in this status.
    #[param(inline)]
    pub status: Option<FollowUpStatus>,
    /// Only those to this client.
    pub client_id: Option<Uuid>,
    /// Only those of this session.
    pub session_id: Option<Uuid>,
}

/// A coach's edit: the subject, the body, or both.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EditFollowUp {
    /// 1–200 characters once trimmed, one line.
    #[schema(min_length = 1, max_length = 200)]
    pub subject: Option<String>,
    /// The email's text: lines and tabs, no other control characters.
    #[schema(min_length = 1, max_length = 20000)]
    pub body: Option<String>,
}

/// When to send: a wall-clock time in the client's time zone, or a number
/// of hours from now (exactly one of the two).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScheduleFollowUp {
    /// Local time in the client's time zone, without an offset:
    /// `2026-12-03T09:00` or `2026-12-03T09:00:00`. A time the clocks skip
    /// is refused; a time they pass twice means the first.
    #[schema(example = "2026-12-03T09:00")]
    pub local_time: Option<String>,
    /// Hours from now, 1–720.
    #[schema(minimum = 1, maximum = 720)]
    pub in_hours: Option<u32>,
}

/// What became of a follow-up whose hand-off has no recorded outcome.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The client did get it: mark it sent.
    Sent,
    /// Send it again (the client may get it twice).
    Resend,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveFollowUp {
    pub outcome: Outcome,
}

/// The coach's follow-ups, newest first.
#[utoipa::path(get, path = "/v1/follow-ups", tag = "follow-ups", params(FollowUpQuery, PageQuery),
    responses((status = 200, body = Page<FollowUpView>), Authenticated, WithQuery))]
async fn list_follow_ups(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(filter): ApiQuery<FollowUpQuery>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<FollowUpView>>, ApiError> {
    let limit = query.limit()?;
    let filter = FollowUpFilter {
        status: filter.status,
        client: filter.client_id,
        session: filter.session_id,
    };
    let db = state.db.get().await?;
    let rows = follow_ups::list(&db, tenant(&caller), filter, query.after()?, limit + 1).await?;
    audit(&db, &caller, "follow_up.list", "follow_up", None).await?;
    Ok(Json(page(rows, limit, |f| (f.created_at, f.id))))
}

/// One follow-up at its current version; its `ETag` is that version.
#[utoipa::path(get, path = "/v1/follow-ups/{id}", tag = "follow-ups", params(("id" = Uuid, Path)),
    responses((status = 200, body = FollowUpView, headers(("ETag" = String, description = "The current version, for If-Match"))),
        Authenticated, ById))]
async fn get_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let db = state.db.get().await?;
    let view = follow_ups::get(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))?;
    audit(&db, &caller, "follow_up.read", "follow_up", Some(id)).await?;
    Ok(with_etag(view.version, view))
}

/// Edits a draft: a new version with the coach's subject and/or body.
/// Needs `If-Match` with the version the edit was made against.
#[utoipa::path(patch, path = "/v1/follow-ups/{id}", tag = "follow-ups", params(("id" = Uuid, Path), IfMatch),
    request_body = EditFollowUp,
    responses((status = 200, body = FollowUpView, headers(("ETag" = String, description = "The new version"))),
        Authenticated, ById, JsonBody, Conflicting, Versioned))]
async fn edit_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<EditFollowUp>,
) -> Result<Response, ApiError> {
    let mut errors = Vec::new();
    let subject = input.subject.as_deref().and_then(|subject| {
        label(subject, MAX_SUBJECT_CHARS)
            .map_err(|err| errors.push(FieldError::new("subject", err.to_string())))
            .ok()
    });
    let body = input.body.as_deref().and_then(|body| {
        prose(body, MAX_BODY_CHARS)
            .ok()
            .filter(|body| !body.trim().is_empty())
            .or_else(|| {
                errors.push(FieldError::new(
                    "body",
                    format!("must hold text, at most {MAX_BODY_CHARS} characters and no control characters but lines and tabs"),
                ));
                None
            })
    });
    if input.subject.is_none() && input.body.is_none() {
        errors.push(FieldError::new("body", "give a subject, a body or both"));
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let expected = expected_version(&headers, "follow-up")?.ok_or_else(|| {
        ApiError::PreconditionRequired(
            "Send the follow-up's ETag as If-Match, so an edit never overwrites one you have not seen."
                .into(),
        )
    })?;

    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let locked = lock(&tx, &caller, id).await?;
    check_version(&locked, Some(expected))?;
    next_status(locked.status, FollowUpAction::Edit).map_err(|illegal| {
        ApiError::Conflict(sentence(&format!("{illegal}; only a draft can be edited")))
    })?;
    let current = follow_ups::get(&tx, coach, id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))?;
    let version = locked.version + 1;
    follow_ups::add_version(
        &tx,
        coach,
        id,
        version,
        &NewVersion::edit(
            subject.as_deref().unwrap_or(&current.subject),
            body.as_deref().unwrap_or(&current.body),
        ),
    )
    .await?;
    audit_with(
        &tx,
        &caller,
        FollowUpAction::Edit.audit_action(),
        "follow_up",
        Some(id),
        serde_json::json!({ "version": version }),
    )
    .await?;
    tx.commit().await?;
    let view = current_view(&db, &caller, id).await?;
    Ok(with_etag(view.version, view))
}

/// Every version of the follow-up's text, oldest first.
#[utoipa::path(get, path = "/v1/follow-ups/{id}/versions", tag = "follow-ups", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<FollowUpVersion>), Authenticated, ById))]
async fn list_versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<FollowUpVersion>>, ApiError> {
    let db = state.db.get().await?;
    let versions = follow_ups::versions(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))?;
    audit(&db, &caller, "follow_up.versions", "follow_up", Some(id)).await?;
    Ok(Json(versions))
}

/// Approves the draft at its current version: that version is the one sent.
/// Approving a draft held for review is the coach's review of it. With
/// `If-Match`, only if that is still the current version.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/approve", tag = "follow-ups",
    params(("id" = Uuid, Path), IfMatch, IdempotencyKey),
    responses((status = 200, body = FollowUpView), Authenticated, ById, Idempotent, Conflicting, IfMatched))]
async fn approve_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let expected = expected_version(&headers, "follow-up")?;
    transition(
        &state,
        &caller,
        id,
        FollowUpAction::Approve,
        expected,
        |locked, to| {
            Ok(StateChange {
                approved_version: Some(locked.version),
                clear_review: true,
                ..StateChange::to(to)
            })
        },
    )
    .await
}

/// Schedules an approved follow-up (or moves its time): at a local time in
/// the client's time zone, or in some hours. Sent by the dispatcher when due.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/schedule", tag = "follow-ups",
    params(("id" = Uuid, Path), IdempotencyKey), request_body = ScheduleFollowUp,
    responses((status = 200, body = FollowUpView), Authenticated, ById, JsonBody, Idempotent, Conflicting))]
async fn schedule_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ScheduleFollowUp>,
) -> Result<Response, ApiError> {
    let when = match (input.local_time.as_deref(), input.in_hours) {
        (Some(local), None) => When::Local(parse_local_time(local)?),
        (None, Some(hours)) => When::InHours(hours),
        _ => {
            return Err(ApiError::field(
                "local_time",
                "give either local_time or in_hours",
            ))
        }
    };
    let now = Utc::now();
    let db = state.db.get().await?;
    // The client's time zone, read before the lock: it is the client's, not
    // the follow-up's, and a schedule never changes it.
    let time_zone = follow_ups::get(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))?
        .client_time_zone;
    drop(db);
    let send_at = when.resolve(&time_zone, now)?;
    transition(
        &state,
        &caller,
        id,
        FollowUpAction::Schedule,
        None,
        |_, to| {
            Ok(StateChange {
                scheduled_at: Some(Some(send_at)),
                ..StateChange::to(to)
            })
        },
    )
    .await
}

/// Sends an approved (or scheduled, or failed) follow-up at the next
/// dispatch, within a minute.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/send-now", tag = "follow-ups",
    params(("id" = Uuid, Path), IdempotencyKey),
    responses((status = 200, body = FollowUpView), Authenticated, ById, Idempotent, Conflicting))]
async fn send_follow_up_now(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    transition(
        &state,
        &caller,
        id,
        FollowUpAction::SendNow,
        None,
        |_, to| {
            Ok(StateChange {
                scheduled_at: Some(Some(now)),
                ..StateChange::to(to)
            })
        },
    )
    .await
}

/// Cancels a follow-up that has not been handed to the mail provider.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/cancel", tag = "follow-ups",
    params(("id" = Uuid, Path), IdempotencyKey),
    responses((status = 200, body = FollowUpView), Authenticated, ById, Idempotent, Conflicting))]
async fn cancel_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    transition(
        &state,
        &caller,
        id,
        FollowUpAction::Cancel,
        None,
        |_, to| {
            Ok(StateChange {
                scheduled_at: Some(None),
                ..StateChange::to(to)
            })
        },
    )
    .await
}

/// Resolves a follow-up in `unknown` (handed to the provider, outcome not
/// recorded): the coach knows it arrived, or has it sent again.
#[utoipa::path(post, path = "/v1/follow-ups/{id}/resolve", tag = "follow-ups",
    params(("id" = Uuid, Path), IdempotencyKey), request_body = ResolveFollowUp,
    responses((status = 200, body = FollowUpView), Authenticated, ById, JsonBody, Idempotent, Conflicting))]
async fn resolve_follow_up(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<ResolveFollowUp>,
) -> Result<Response, ApiError> {
    let now = Utc::now();
    let (action, scheduled_at) = match input.outcome {
        Outcome::Sent => (FollowUpAction::ResolveAsSent, None),
        Outcome::Resend => (FollowUpAction::ResolveAsResend, Some(Some(now))),
    };
    transition(&state, &caller, id, action, None, |_, to| {
        Ok(StateChange {
            scheduled_at,
            ..StateChange::to(to)
        })
    })
    .await
}

/// A send time as the coach gave it.
enum When {
    Local(NaiveDateTime),
    InHours(u32),
}

impl When {
    fn resolve(&self, time_zone: &str, now: DateTime<Utc>) -> Result<DateTime<Utc>, ApiError> {
        match *self {
            Self::InHours(hours) => send_at_after(hours, now).ok_or_else(|| {
                ApiError::field(
                    "in_hours",
                    format!("must be between 1 and {MAX_SEND_DELAY_HOURS}"),
                )
            }),
            Self::Local(local) => {
                let send_at = in_time_zone(local, time_zone)?;
                if send_at <= now {
                    return Err(ApiError::field(
                        "local_time",
                        format!("{local} in {time_zone} has passed"),
                    ));
                }
                Ok(send_at)
            }
        }
    }
}

/// `2026-12-03T09:00` or `2026-12-03T09:00:00`, with no offset.
fn parse_local_time(text: &str) -> Result<NaiveDateTime, ApiError> {
    ["%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text.trim(), format).ok())
        .ok_or_else(|| {
            ApiError::field(
                "local_time",
                "must be a local date and time such as 2026-12-03T09:00, without an offset",
            )
        })
}

/// The instant a wall-clock time names in a time zone: a time the clocks
/// skip (spring forward) is refused, one they pass twice (fall back) is the
/// first of the two.
fn in_time_zone(local: NaiveDateTime, time_zone: &str) -> Result<DateTime<Utc>, ApiError> {
    let zone: chrono_tz::Tz = time_zone.parse().map_err(|_| {
        ApiError::internal(format!(
            "a client's stored time zone {time_zone:?} is not an IANA zone"
        ))
    })?;
    match zone.from_local_datetime(&local) {
        LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => Ok(at.with_timezone(&Utc)),
        LocalResult::None => Err(ApiError::field(
            "local_time",
            format!("{local} does not exist in {time_zone}: the clocks skip it"),
        )),
    }
}

pub(super) fn check_version(locked: &Locked, expected: Option<i32>) -> Result<(), ApiError> {
    match expected {
        Some(expected) if expected != locked.version => Err(ApiError::PreconditionFailed(format!(
            "The follow-up is at version {}, not {expected}: it changed since you read it.",
            locked.version
        ))),
        _ => Ok(()),
    }
}

pub(super) async fn lock(
    tx: &impl Executor,
    caller: &Caller,
    id: Uuid,
) -> Result<Locked, ApiError> {
    follow_ups::lock(tx, tenant(caller), id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))
}

/// One lifecycle step under the row lock: checks the version and the
/// transition, applies what `change` says, audits it, and answers with the
/// follow-up as it now is.
async fn transition(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    action: FollowUpAction,
    expected: Option<i32>,
    change: impl FnOnce(&Locked, FollowUpStatus) -> Result<StateChange, ApiError>,
) -> Result<Response, ApiError> {
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let locked = lock(&tx, caller, id).await?;
    check_version(&locked, expected)?;
    let to = next_status(locked.status, action)
        .map_err(|illegal| ApiError::Conflict(sentence(&illegal.to_string())))?;
    let change = change(&locked, to)?;
    follow_ups::apply(&tx, tenant(caller), id, &change).await?;
    audit_with(
        &tx,
        caller,
        action.audit_action(),
        "follow_up",
        Some(id),
        serde_json::json!({ "from": locked.status, "to": to, "version": locked.version }),
    )
    .await?;
    tx.commit().await?;
    let view = current_view(&db, caller, id).await?;
    Ok(with_etag(view.version, view))
}

pub(super) async fn current_view(
    db: &impl Executor,
    caller: &Caller,
    id: Uuid,
) -> Result<FollowUpView, ApiError> {
    follow_ups::get(db, tenant(caller), id)
        .await?
        .ok_or(ApiError::NotFound("follow-up"))
}

/// "cannot approve …" as a sentence: "Cannot approve ….".
pub(super) fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    let capitalised: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    format!("{capitalised}.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(text: &str) -> NaiveDateTime {
        parse_local_time(text).expect("a local time")
    }

    #[test]
    fn local_times_are_read_in_the_clients_zone_across_daylight_saving() {
        // New York: EDT (UTC-4) until 2026-11-01 02:00, then EST (UTC-5).
        let before = in_time_zone(local("2026-10-31T09:00"), "America/New_York").expect("valid");
        assert_eq!(before.to_rfc3339(), "2026-10-31T13:00:00+00:00");
        let after = in_time_zone(local("2026-11-02T09:00:00"), "America/New_York").expect("valid");
        assert_eq!(after.to_rfc3339(), "2026-11-02T14:00:00+00:00");
        // 01:30 happens twice on 2026-11-01: the first (EDT) is meant.
        let twice = in_time_zone(local("2026-11-01T01:30"), "America/New_York").expect("valid");
        assert_eq!(twice.to_rfc3339(), "2026-11-01T05:30:00+00:00");
        // 02:30 never happens on 2026-03-08.
        assert!(matches!(
            in_time_zone(local("2026-03-08T02:30"), "America/New_York"),
            Err(ApiError::Validation(_))
        ));
    }

    #[test]
    fn a_schedule_must_be_in_the_future_and_within_bounds() {
        let now = Utc
            .with_ymd_and_hms(2026, 12, 1, 12, 0, 0)
            .single()
            .expect("valid");
        let past = When::Local(local("2026-12-01T11:59")).resolve("UTC", now);
        assert!(matches!(past, Err(ApiError::Validation(_))));
        let soon = When::Local(local("2026-12-01T12:01"))
            .resolve("UTC", now)
            .expect("future");
        assert_eq!(soon.to_rfc3339(), "2026-12-01T12:01:00+00:00");
        let in_two = When::InHours(2).resolve("UTC", now).expect("in range");
        assert_eq!(in_two.to_rfc3339(), "2026-12-01T14:00:00+00:00");
        assert!(When::InHours(0).resolve("UTC", now).is_err());
        assert!(When::InHours(MAX_SEND_DELAY_HOURS + 1)
            .resolve("UTC", now)
            .is_err());
        assert!(
            parse_local_time("2026-12-01T12:01+01:00").is_err(),
            "an offset is refused"
        );
        assert!(parse_local_time("tomorrow").is_err());
    }
}
