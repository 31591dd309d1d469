//! `/v1/templates`: the follow-up templates a coach writes with — the
//! built-ins (read-only; copy one to change it) and the coach's own, each
//! change a new kept version. A template is checked in the sandbox when it
//! is saved: one that does not compile, uses what the sandbox forbids or
//! exceeds its limits is refused with the line and column of the mistake.
//! A preview fills a template in against one of the coach's sessions and
//! clients, or against sample values.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::openapi::IdempotencyKey;
use super::problem::{ApiError, FieldError};
use super::responses::{
    Authenticated, ById, Conflicting, Idempotent, IfMatched, JsonBody, WithQuery,
};
use super::versioning::{expected_version, with_etag, IfMatch};
use super::{audit, audit_with, tenant, AppState, Caller};
use crate::ai::analyst::{AnalysisRequest, ClientParticipant, FollowUpTemplate};
use crate::ai::local::follow_up_context;
use crate::ai::template::{render, sample_context, validate, MAX_TEMPLATE_BYTES};
use crate::delivery::message::text_to_html;
use crate::domain::text::{label, prose};
use crate::domain::{Attendance, CoachId, TemplateKind};
use crate::store::templates::{self, TemplateText, TemplateVersion, TemplateView};
use crate::store::{clients, coaches, sessions, summaries, Executor};
use crate::transcript::model::CoachingMetrics;

const MAX_NAME_CHARS: usize = 200;
/// A subject is a template too, filled in to one line.
const MAX_SUBJECT_CHARS: usize = 500;
const MAX_INSTRUCTIONS_CHARS: usize = 4_000;

resource_routes! {
    [list_templates, create_template],
    [get_template, update_template, delete_template],
    [list_template_versions],
    [preview_template],
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TemplateQuery {
    /// Only templates of this kind.
    #[param(inline)]
    pub kind: Option<TemplateKind>,
}

/// A new follow-up template: its text, or a copy of another template (a
/// built-in, say) with any of the fields given here changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTemplate {
    /// The template to copy.
    pub copy_of: Option<Uuid>,
    /// 1–200 characters; a copy is called "Copy of …" unless named.
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    /// Required unless copying.
    #[schema(min_length = 1, max_length = 500)]
    pub subject: Option<String>,
    /// Required unless copying; at most 20 KiB.
    #[schema(min_length = 1, max_length = 20480)]
    pub body: Option<String>,
    #[schema(max_length = 4000)]
    pub instructions: Option<String>,
}

/// A change of the coach's template: a new version with the fields given.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateTemplate {
    #[schema(min_length = 1, max_length = 200)]
    pub name: Option<String>,
    #[schema(min_length = 1, max_length = 500)]
    pub subject: Option<String>,
    #[schema(min_length = 1, max_length = 20480)]
    pub body: Option<String>,
    #[schema(max_length = 4000)]
    pub instructions: Option<String>,
}

/// What to fill a template in with: one of the coach's sessions and a client
/// who attended it, or (both absent) sample values. A `subject` or `body`
/// given here is previewed instead of the saved one, to try an edit out.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewTemplate {
    pub session_id: Option<Uuid>,
    pub client_id: Option<Uuid>,
    #[schema(min_length = 1, max_length = 500)]
    pub subject: Option<String>,
    #[schema(min_length = 1, max_length = 20480)]
    pub body: Option<String>,
}

/// The template filled in, as the client would receive it.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplatePreview {
    pub subject: String,
    pub text: String,
    pub html: String,
    /// True when filled in with sample values rather than a session's.
    pub sample: bool,
}

/// The coach's follow-up templates and the built-ins.
#[utoipa::path(get, path = "/v1/templates", tag = "templates", params(TemplateQuery),
    responses((status = 200, body = Vec<TemplateView>), Authenticated, WithQuery))]
async fn list_templates(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<TemplateQuery>,
) -> Result<Json<Vec<TemplateView>>, ApiError> {
    let db = state.db.get().await?;
    let list = templates::list(&db, tenant(&caller), query.kind).await?;
    audit(&db, &caller, "template.list", "template", None).await?;
    Ok(Json(list))
}

/// Saves a new follow-up template (version 1), or a copy of one.
#[utoipa::path(post, path = "/v1/templates", tag = "templates", params(IdempotencyKey),
    request_body = CreateTemplate,
    responses((status = 201, body = TemplateView, headers(("ETag" = String, description = "The version"))),
        Authenticated, JsonBody, Idempotent))]
async fn create_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateTemplate>,
) -> Result<Response, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let source = match input.copy_of {
        Some(id) => Some(
            templates::get(&db, coach, id)
                .await?
                .ok_or_else(|| ApiError::field("copy_of", "no template with this id"))?,
        ),
        None => None,
    };
    let mut errors = Vec::new();
    let required = |field: &str, value: &Option<String>, errors: &mut Vec<FieldError>| {
        if value.is_none() && source.is_none() {
            errors.push(FieldError::new(
                field,
                "is required unless copying a template",
            ));
        }
    };
    required("subject", &input.subject, &mut errors);
    required("body", &input.body, &mut errors);
    let text = TemplateText {
        name: input
            .name
            .or_else(|| source.as_ref().map(|s| format!("Copy of {}", s.name)))
            .unwrap_or_default(),
        subject: input
            .subject
            .or_else(|| source.as_ref().map(|s| s.subject.clone()))
            .unwrap_or_default(),
        body: input
            .body
            .or_else(|| source.as_ref().map(|s| s.body.clone()))
            .unwrap_or_default(),
        instructions: input
            .instructions
            .or_else(|| source.as_ref().map(|s| s.instructions.clone()))
            .unwrap_or_default(),
    };
    if errors.is_empty() {
        let text = checked(text)?;
        let id = templates::insert(&db, coach, TemplateKind::FollowUp, &text).await?;
        audit_with(
            &db,
            &caller,
            "template.create",
            "template",
            Some(id),
            serde_json::json!({ "copy_of": input.copy_of }),
        )
        .await?;
        let view = templates::get(&db, coach, id)
            .await?
            .ok_or(ApiError::NotFound("template"))?;
        let location = format!("/v1/templates/{id}");
        Ok((
            StatusCode::CREATED,
            [(header::LOCATION, location)],
            with_etag(view.version, view),
        )
            .into_response())
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// One template at its current version; its `ETag` is that version.
#[utoipa::path(get, path = "/v1/templates/{id}", tag = "templates", params(("id" = Uuid, Path)),
    responses((status = 200, body = TemplateView, headers(("ETag" = String, description = "The current version"))),
        Authenticated, ById))]
async fn get_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Response, ApiError> {
    let db = state.db.get().await?;
    let view = templates::get(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    audit(&db, &caller, "template.read", "template", Some(id)).await?;
    Ok(with_etag(view.version, view))
}

/// Changes one of the coach's templates: a new version. With `If-Match`,
/// only if that is still the current version. Built-ins are read-only (409).
#[utoipa::path(patch, path = "/v1/templates/{id}", tag = "templates", params(("id" = Uuid, Path), IfMatch),
    request_body = UpdateTemplate,
    responses((status = 200, body = TemplateView, headers(("ETag" = String, description = "The new version"))),
        Authenticated, ById, JsonBody, Conflicting, IfMatched))]
async fn update_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    headers: HeaderMap,
    ApiJson(input): ApiJson<UpdateTemplate>,
) -> Result<Response, ApiError> {
    let expected = expected_version(&headers, "template")?;
    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let version = lock_own(&tx, coach, id, expected).await?;
    let current = templates::get(&tx, coach, id)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    let text = checked(TemplateText {
        name: input.name.unwrap_or(current.name),
        subject: input.subject.unwrap_or(current.subject),
        body: input.body.unwrap_or(current.body),
        instructions: input.instructions.unwrap_or(current.instructions),
    })?;
    templates::add_version(&tx, coach, id, version + 1, &text).await?;
    audit_with(
        &tx,
        &caller,
        "template.update",
        "template",
        Some(id),
        serde_json::json!({ "version": version + 1 }),
    )
    .await?;
    tx.commit().await?;
    let view = templates::get(&db, coach, id)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    Ok(with_etag(view.version, view))
}

/// Deletes one of the coach's templates. Clients and the coach's default
/// that used it fall back to the coach's default, then the warm recap;
/// drafts made from it keep naming it. Built-ins cannot be deleted (409).
#[utoipa::path(delete, path = "/v1/templates/{id}", tag = "templates", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), Authenticated, ById, Conflicting))]
async fn delete_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    lock_own(&tx, coach, id, None).await?;
    templates::archive(&tx, coach, id).await?;
    audit(&tx, &caller, "template.delete", "template", Some(id)).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Every version of a template, oldest first.
#[utoipa::path(get, path = "/v1/templates/{id}/versions", tag = "templates", params(("id" = Uuid, Path)),
    responses((status = 200, body = Vec<TemplateVersion>), Authenticated, ById))]
async fn list_template_versions(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Vec<TemplateVersion>>, ApiError> {
    let db = state.db.get().await?;
    let versions = templates::versions(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    audit(&db, &caller, "template.versions", "template", Some(id)).await?;
    Ok(Json(versions))
}

/// Fills the template in (or the `subject` and `body` given) against a
/// session and client of the coach's, or sample values; changes nothing.
#[utoipa::path(post, path = "/v1/templates/{id}/preview", tag = "templates",
    params(("id" = Uuid, Path), IdempotencyKey), request_body = PreviewTemplate,
    responses((status = 200, body = TemplatePreview), Authenticated, ById, JsonBody, Idempotent))]
async fn preview_template(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<PreviewTemplate>,
) -> Result<Json<TemplatePreview>, ApiError> {
    // An edit tried out is held to what a save would accept.
    let mut errors = Vec::new();
    check_sources(input.subject.as_deref(), input.body.as_deref(), &mut errors);
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let template = templates::get(&db, coach, id)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    let subject = input.subject.unwrap_or(template.subject);
    let body = input.body.unwrap_or(template.body);
    let (context, sample) = match (input.session_id, input.client_id) {
        (None, None) => (sample_context(), true),
        (Some(session), Some(client)) => {
            (session_context(&db, coach, session, client).await?, false)
        }
        _ => {
            return Err(ApiError::field(
                "session_id",
                "give both session_id and client_id, or neither for sample values",
            ))
        }
    };
    let fill = |field: &str, text: &str| {
        render(text, &context)
            .map_err(|error| ApiError::Validation(vec![field_error(field, &error)]))
    };
    let subject = fill("subject", &subject)?;
    let text = fill("body", &body)?;
    audit(&db, &caller, "template.preview", "template", Some(id)).await?;
    Ok(Json(TemplatePreview {
        subject: subject.lines().next().unwrap_or("").trim().to_owned(),
        html: text_to_html(&text),
        text,
        sample,
    }))
}

/// Locks the coach's own template, checking `If-Match`; its version.
async fn lock_own(
    tx: &impl Executor,
    coach: CoachId,
    id: Uuid,
    expected: Option<i32>,
) -> Result<i32, ApiError> {
    let locked = templates::lock(tx, coach, id)
        .await?
        .ok_or(ApiError::NotFound("template"))?;
    if locked.built_in {
        return Err(ApiError::Conflict(
            "Built-in templates are read-only: copy it (POST /v1/templates with copy_of) and change the copy.".into(),
        ));
    }
    match expected {
        Some(expected) if expected != locked.version => Err(ApiError::PreconditionFailed(format!(
            "The template is at version {}, not {expected}: it changed since you read it.",
            locked.version
        ))),
        _ => Ok(locked.version),
    }
}

/// The text checked as a coach will be told: the name a label, the subject
/// and body templates the sandbox compiles and fills in with sample values,
/// the instructions prose. Every mistake is listed, each with its field and,
/// in a template, its line and column.
fn checked(text: TemplateText) -> Result<TemplateText, ApiError> {
    let mut errors = Vec::new();
    let name = label(&text.name, MAX_NAME_CHARS)
        .map_err(|e| errors.push(FieldError::new("name", e.to_string())))
        .unwrap_or_default();
    check_sources(Some(&text.subject), Some(&text.body), &mut errors);
    let instructions = prose(&text.instructions, MAX_INSTRUCTIONS_CHARS)
        .map_err(|e| errors.push(FieldError::new("instructions", e.to_string())))
        .unwrap_or_default();
    if errors.is_empty() {
        Ok(TemplateText {
            name,
            instructions,
            ..text
        })
    } else {
        Err(ApiError::Validation(errors))
    }
}

/// The subject (one line, at most 500 characters) and the body as templates
/// the sandbox compiles and fills in with sample values; each one given.
fn check_sources(subject: Option<&str>, body: Option<&str>, errors: &mut Vec<FieldError>) {
    if let Some(subject) = subject {
        if subject.lines().count() > 1 || subject.chars().count() > MAX_SUBJECT_CHARS {
            errors.push(FieldError::new(
                "subject",
                format!("must be one line of at most {MAX_SUBJECT_CHARS} characters"),
            ));
        }
    }
    for (field, source, limit) in [
        ("subject", subject, MAX_SUBJECT_CHARS * 4),
        ("body", body, MAX_TEMPLATE_BYTES),
    ] {
        let Some(source) = source else { continue };
        if source.trim().is_empty() {
            errors.push(FieldError::new(field, "must not be empty"));
        } else if let Err(e) = prose(source, limit) {
            errors.push(FieldError::new(field, e.to_string()));
        } else if let Err(error) = validate(source) {
            errors.push(field_error(field, &error));
        }
    }
}

fn field_error(field: &str, error: &crate::ai::template::TemplateError) -> FieldError {
    match error.position() {
        Some(at) => FieldError::at(field, error.to_string(), at.line, at.column),
        None => FieldError::new(field, error.to_string()),
    }
}

/// The context the analyser fills the client's follow-up in with, from the
/// session's current summary.
async fn session_context(
    db: &impl Executor,
    coach: CoachId,
    session_id: Uuid,
    client_id: Uuid,
) -> Result<serde_json::Value, ApiError> {
    let session = sessions::get(db, coach, session_id)
        .await?
        .ok_or_else(|| ApiError::field("session_id", "no session with this id"))?;
    let summary = summaries::current(db, coach, session_id)
        .await?
        .ok_or_else(|| ApiError::field("session_id", "the session has no summary yet"))?;
    let owner = coaches::get(db, coach)
        .await?
        .ok_or(ApiError::NotFound("coach"))?;
    let mut attending = Vec::new();
    for participant in sessions::participants(db, coach, session_id).await? {
        if participant.attendance != Attendance::Attended {
            continue;
        }
        if let Some(client) = clients::get(db, coach, participant.client_id).await? {
            attending.push(ClientParticipant {
                client_id: client.id,
                first_name: client.first_name().to_owned(),
                full_name: client.name.clone(),
                speaker_label: participant.speaker_label.clone(),
                // The context does not depend on the template.
                template: FollowUpTemplate {
                    id: Uuid::nil(),
                    version: 0,
                    name: String::new(),
                    subject: String::new(),
                    body: String::new(),
                    instructions: String::new(),
                },
            });
        }
    }
    let Some(client) = attending.iter().find(|c| c.client_id == client_id).cloned() else {
        return Err(ApiError::field(
            "client_id",
            "no client of yours attended this session",
        ));
    };
    let time_zone: Tz = owner.time_zone.parse().unwrap_or(Tz::UTC);
    let request = AnalysisRequest {
        session_title: session.title.clone(),
        held_on: session.held_at.with_timezone(&time_zone).date_naive(),
        coach_name: owner.display_name.clone(),
        coach_signature: owner.signature(),
        coach_speaker_label: session.coach_speaker_label.clone(),
        clients: attending,
        utterances: Vec::new(),
        chunks: Vec::new(),
        metrics: CoachingMetrics::default(),
        next_session_on: None,
        analyser: Default::default(),
        earlier_commitments: Vec::new(),
    };
    Ok(follow_up_context(
        &request,
        &client,
        &summary.content.themes,
        &summary.content.commitments,
        &summary.content.client_insights,
    ))
}
