//! `/v1/sessions`: sessions, their participants, transcript upload,
//! processing status, reprocess, summary and follow-up drafts.

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::openapi::RefOr;
use utoipa::{IntoParams, PartialSchema, ToSchema};
use uuid::Uuid;

use super::extract::{present, ApiJson, ApiPath, ApiQuery};
use super::openapi::IdempotencyKey;
use super::pagination::{page, Page, PageQuery};
use super::problem::{ApiError, FieldError};
use super::request_id::current_request_id;
use super::responses::{
    Authenticated, ById, Conflicting, Idempotent, JsonBody, UploadBody, WithQuery,
};
use super::{audit, tenant, AppState, Caller};
use crate::domain::text::label;
use crate::domain::{CoachId, PipelineStage, SessionKind, SessionStatus};
use crate::ingest::{IncomingTranscript, IngestError, DIRECT_UPLOAD_LIMIT};
use crate::store::follow_ups::{self, FollowUpView};
use crate::store::sessions::{
    self, NewSession, Participant, ParticipantInput, Session, SessionChanges, SessionFilter,
};
use crate::store::summaries::{self, SummaryView};
use crate::store::{clients, utterances, Executor};

resource_routes! {
    [list_sessions, create_session],
    [get_session, update_session, delete_session],
    [set_participants],
    [upload_transcript, get_transcript],
    [transcript_upload_url],
    [session_status],
    [reprocess_session],
    [get_summary],
    [list_session_follow_ups],
    // Room for the transcript plus multipart-free framing; the handler enforces the exact limit.
    layer = DefaultBodyLimit::max(DIRECT_UPLOAD_LIMIT + 1),
}

/// A session with who attended.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionView {
    #[serde(flatten)]
    pub session: Session,
    pub participants: Vec<Participant>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateSession {
    /// 1–200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,198}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub title: String,
    #[serde(default = "one_to_one")]
    pub kind: SessionKind,
    /// When the session was held (RFC 3339); relative due dates ("tomorrow") resolve against it.
    pub held_at: DateTime<Utc>,
    #[schema(minimum = 0, maximum = 86_400)]
    pub duration_seconds: Option<i32>,
    /// The transcript speaker label that is the coach, when it is not their name
    /// (1–100 characters once trimmed, no control characters).
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub coach_speaker_label: Option<String>,
    /// The attending clients, each once (at most 50).
    #[serde(default)]
    #[schema(max_items = 50)]
    pub participants: Vec<ParticipantInput>,
}

/// Corrections to a session; an absent field stays as it is.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateSession {
    /// 1–200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,198}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub title: Option<String>,
    pub kind: Option<SessionKind>,
    /// When the session was held (RFC 3339); a reprocess resolves relative due dates against it.
    pub held_at: Option<DateTime<Utc>>,
    /// The transcript speaker label that is the coach (1–100 characters once
    /// trimmed); `null` clears it, so the coach is matched by name. Applies on reprocess.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>, min_length = 1, pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$")]
    pub coach_speaker_label: Option<Option<String>>,
}

fn one_to_one() -> SessionKind {
    SessionKind::OneToOne
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SetParticipants {
    /// The transcript speaker label that is the coach (null: match by name;
    /// 1–100 characters once trimmed, no control characters).
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,98}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub coach_speaker_label: Option<String>,
    /// The attending clients, each once (at most 50).
    #[schema(max_items = 50)]
    pub participants: Vec<ParticipantInput>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionStatusView {
    pub session_id: Uuid,
    pub status: SessionStatus,
    pub stage: Option<PipelineStage>,
    pub failure_stage: Option<PipelineStage>,
    pub failure_reason: Option<String>,
    pub generation: i32,
    pub unmatched_speakers: Vec<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpList {
    pub items: Vec<FollowUpView>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UploadQuery {
    /// The original file name (else the `Content-Disposition` one); its extension helps format detection.
    #[param(value_type = String, required = false, max_length = 255, pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$")]
    pub filename: Option<String>,
}

/// The body of a transcript upload: the file as it was exported.
pub struct TranscriptBytes;

impl PartialSchema for TranscriptBytes {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "WebVTT, SRT, `Name:` text or JSON utterances; at most 4 MiB, not empty.",
            ))
            .min_length(Some(1))
            .into()
    }
}

impl ToSchema for TranscriptBytes {}

/// Longest file name accepted, in characters.
const MAX_FILENAME: usize = 255;

fn check_label(errors: &mut Vec<FieldError>, field: &str, value: Option<&str>) {
    if let Some(Err(e)) = value.map(|l| label(l, 100)) {
        errors.push(FieldError::new(field, e.to_string()));
    }
}

/// The trimmed label, or a field error.
fn parse_label(errors: &mut Vec<FieldError>, field: &str, raw: &str, max: usize) -> String {
    label(raw, max).unwrap_or_else(|e| {
        errors.push(FieldError::new(field, e.to_string()));
        String::new()
    })
}

/// A transcript file name: no control characters, at most `MAX_FILENAME` characters.
fn check_filename(filename: &str) -> Result<(), ApiError> {
    if has_control_characters(filename) {
        return Err(ApiError::field(
            "filename",
            "must not contain control characters",
        ));
    }
    if filename.chars().count() > MAX_FILENAME {
        return Err(ApiError::field(
            "filename",
            format!("must be at most {MAX_FILENAME} characters"),
        ));
    }
    Ok(())
}

/// Participants must be this coach's clients, each once.
async fn check_participants(
    db: &impl Executor,
    coach: CoachId,
    participants: &[ParticipantInput],
    errors: &mut Vec<FieldError>,
) -> Result<(), ApiError> {
    if participants.len() > 50 {
        errors.push(FieldError::new("participants", "at most 50 participants"));
    }
    for (i, participant) in participants.iter().enumerate() {
        let field = format!("participants[{i}].client_id");
        if participants[..i]
            .iter()
            .any(|p| p.client_id == participant.client_id)
        {
            errors.push(FieldError::new(&field, "is listed twice"));
        } else if clients::get(db, coach, participant.client_id)
            .await?
            .is_none()
        {
            errors.push(FieldError::new(&field, "no client with this id"));
        }
        check_label(
            errors,
            &format!("participants[{i}].speaker_label"),
            participant.speaker_label.as_deref(),
        );
    }
    Ok(())
}

async fn view(
    db: &impl Executor,
    coach: CoachId,
    session: Session,
) -> Result<SessionView, ApiError> {
    let participants = sessions::participants(db, coach, session.id).await?;
    Ok(SessionView {
        session,
        participants,
    })
}

async fn find(db: &impl Executor, coach: CoachId, id: Uuid) -> Result<Session, ApiError> {
    sessions::get(db, coach, id)
        .await?
        .ok_or(ApiError::NotFound("session"))
}

impl From<IngestError> for ApiError {
    fn from(error: IngestError) -> Self {
        match error {
            IngestError::SessionNotFound => ApiError::NotFound("session"),
            IngestError::DuplicateTranscript(other) => ApiError::Conflict(format!(
                "This transcript is already attached to session {other}."
            )),
            IngestError::Empty => ApiError::Unprocessable(
                "The transcript is empty. Upload the exported transcript file.".into(),
            ),
            IngestError::NoTranscript => ApiError::Conflict(
                "This session has no transcript yet: upload one and it is processed automatically."
                    .into(),
            ),
            IngestError::Store(e) => ApiError::from(e),
            error @ IngestError::Objects(_) => ApiError::unavailable(
                "The transcript could not be stored right now; try again shortly.",
                error,
            ),
            error @ IngestError::Queue(_) => ApiError::unavailable(
                "Processing could not be started right now; try again shortly.",
                error,
            ),
        }
    }
}

/// The coach's sessions, newest first.
/// Which sessions to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SessionQuery {
    /// Only those in this status.
    #[param(inline)]
    pub status: Option<SessionStatus>,
    /// Only those this client took part in.
    pub client_id: Option<Uuid>,
}

/// The coach's sessions, newest first, each with who attended.
#[utoipa::path(get, path = "/v1/sessions", tag = "sessions", params(SessionQuery, PageQuery),
    responses((status = 200, body = Page<SessionView>), Authenticated, WithQuery))]
async fn list_sessions(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(filter): ApiQuery<SessionQuery>,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<SessionView>>, ApiError> {
    let coach = tenant(&caller);
    let limit = query.limit()?;
    let filter = SessionFilter {
        status: filter.status,
        client: filter.client_id,
    };
    let db = state.db.get().await?;
    let rows = sessions::list(&db, coach, filter, query.after()?, limit + 1).await?;
    let ids: Vec<Uuid> = rows.iter().map(|s| s.id).collect();
    let mut participants = sessions::participants_of(&db, coach, &ids).await?;
    let views = rows
        .into_iter()
        .map(|session| SessionView {
            participants: participants.remove(&session.id).unwrap_or_default(),
            session,
        })
        .collect();
    Ok(Json(page(views, limit, |v| {
        (v.session.created_at, v.session.id)
    })))
}

/// Creates a session awaiting its transcript.
#[utoipa::path(post, path = "/v1/sessions", tag = "sessions", request_body = CreateSession,
    params(IdempotencyKey),
    responses((status = 201, body = SessionView, headers(("Location" = String, description = "The new session's URL"))),
        Authenticated, JsonBody, Idempotent))]
async fn create_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateSession>,
) -> Result<impl IntoResponse, ApiError> {
    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    let mut errors = Vec::new();
    let title = parse_label(&mut errors, "title", &input.title, 200);
    if input
        .duration_seconds
        .is_some_and(|d| !(0..=86_400).contains(&d))
    {
        errors.push(FieldError::new(
            "duration_seconds",
            "must be between 0 and 86400",
        ));
    }
    let coach_speaker_label = input
        .coach_speaker_label
        .as_deref()
        .map(|l| parse_label(&mut errors, "coach_speaker_label", l, 100));
    check_participants(&db, coach, &input.participants, &mut errors).await?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let tx = db.transaction().await?;
    let session = sessions::insert(
        &tx,
        coach,
        &NewSession {
            title,
            kind: input.kind,
            held_at: input.held_at,
            duration_seconds: input.duration_seconds,
            coach_speaker_label,
        },
    )
    .await?;
    sessions::set_participants(&tx, coach, session.id, &input.participants).await?;
    audit(&tx, &caller, "session.create", "session", Some(session.id)).await?;
    tx.commit().await?;
    let location = format!("/v1/sessions/{}", session.id);
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        Json(view(&db, coach, session).await?),
    ))
}

/// One session with its participants and processing status.
#[utoipa::path(get, path = "/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = SessionView), Authenticated, ById))]
async fn get_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SessionView>, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let session = find(&db, coach, id).await?;
    audit(&db, &caller, "session.read", "session", Some(id)).await?;
    Ok(Json(view(&db, coach, session).await?))
}

/// Corrects a session's title, kind, date or coach speaker label; `null` clears
/// `coach_speaker_label`. Reprocess to apply a new date or label to the summary.
#[utoipa::path(patch, path = "/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)),
    request_body = UpdateSession,
    responses((status = 200, body = SessionView), Authenticated, ById, JsonBody))]
async fn update_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<UpdateSession>,
) -> Result<Json<SessionView>, ApiError> {
    let coach = tenant(&caller);
    let mut errors = Vec::new();
    let changes = SessionChanges {
        title: input
            .title
            .as_deref()
            .map(|t| parse_label(&mut errors, "title", t, 200)),
        kind: input.kind,
        held_at: input.held_at,
        coach_speaker_label: input
            .coach_speaker_label
            .map(|label| label.map(|l| parse_label(&mut errors, "coach_speaker_label", &l, 100))),
    };
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let mut db = state.db.get().await?;
    let tx = db.transaction().await?;
    let session = sessions::update(&tx, coach, id, &changes)
        .await?
        .ok_or(ApiError::NotFound("session"))?;
    audit(&tx, &caller, "session.update", "session", Some(id)).await?;
    tx.commit().await?;
    Ok(Json(view(&db, coach, session).await?))
}

/// Deletes a session, its transcript and everything derived from it.
#[utoipa::path(delete, path = "/v1/sessions/{id}", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 204, description = "Deleted"), Authenticated, ById))]
async fn delete_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<StatusCode, ApiError> {
    if !state.ingest.delete_session(tenant(&caller), id).await? {
        return Err(ApiError::NotFound("session"));
    }
    let db = state.db.get().await?;
    audit(&db, &caller, "session.delete", "session", Some(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Replaces who attended and which transcript speaker is whom. Reprocess afterwards to apply it.
#[utoipa::path(put, path = "/v1/sessions/{id}/participants", tag = "sessions", params(("id" = Uuid, Path)),
    request_body = SetParticipants,
    responses((status = 200, body = SessionView), Authenticated, ById, JsonBody))]
async fn set_participants(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<SetParticipants>,
) -> Result<Json<SessionView>, ApiError> {
    let coach = tenant(&caller);
    let mut db = state.db.get().await?;
    find(&db, coach, id).await?;
    let mut errors = Vec::new();
    check_label(
        &mut errors,
        "coach_speaker_label",
        input.coach_speaker_label.as_deref(),
    );
    check_participants(&db, coach, &input.participants, &mut errors).await?;
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let tx = db.transaction().await?;
    sessions::set_participants(&tx, coach, id, &input.participants).await?;
    sessions::set_coach_speaker_label(
        &tx,
        coach,
        id,
        input.coach_speaker_label.as_deref().map(str::trim),
    )
    .await?;
    audit(
        &tx,
        &caller,
        "session.participants.update",
        "session",
        Some(id),
    )
    .await?;
    tx.commit().await?;
    let session = find(&db, coach, id).await?;
    Ok(Json(view(&db, coach, session).await?))
}

/// The transcript as the pipeline parsed it: one entry per speaker turn.
#[derive(Debug, Serialize, ToSchema)]
pub struct TranscriptView {
    /// The processing generation these turns belong to.
    pub generation: i32,
    pub utterances: Vec<UtteranceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UtteranceView {
    /// The speaker label as the transcript names them.
    pub speaker: String,
    /// Milliseconds from the start of the recording, where the format carries times.
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub text: String,
}

/// The parsed transcript of the current generation: speakers and timestamps
/// (404 until the chunk stage has read it).
#[utoipa::path(get, path = "/v1/sessions/{id}/transcript", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = TranscriptView), Authenticated, ById))]
async fn get_transcript(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<TranscriptView>, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let session = find(&db, coach, id).await?;
    let turns = utterances::for_generation(&db, coach, id, session.generation)
        .await?
        .ok_or(ApiError::NotFound("transcript"))?;
    audit(&db, &caller, "transcript.read", "session", Some(id)).await?;
    Ok(Json(TranscriptView {
        generation: session.generation,
        utterances: turns
            .into_iter()
            .map(|turn| UtteranceView {
                speaker: turn.speaker,
                start_ms: turn.start_ms,
                end_ms: turn.end_ms,
                text: turn.text,
            })
            .collect(),
    }))
}

/// Uploads the transcript (≤ 4 MiB: WebVTT, SRT, `Name:` text or JSON utterances) and starts processing.
#[utoipa::path(put, path = "/v1/sessions/{id}/transcript", tag = "sessions",
    params(("id" = Uuid, Path), UploadQuery),
    request_body(content = TranscriptBytes, content_type = "text/plain", description = "The transcript file's bytes (at most 4 MiB, not empty)"),
    responses((status = 202, body = SessionView), Authenticated, ById, UploadBody, Conflicting))]
async fn upload_transcript(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<UploadQuery>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let coach = tenant(&caller);
    let body = body.map_err(|e| ApiError::unreadable_body(&e, DIRECT_UPLOAD_LIMIT))?;
    if body.len() > DIRECT_UPLOAD_LIMIT {
        return Err(ApiError::PayloadTooLarge {
            limit: DIRECT_UPLOAD_LIMIT,
        });
    }
    let filename = query
        .filename
        .or_else(|| filename_from_disposition(&headers));
    if let Some(filename) = &filename {
        check_filename(filename)?;
    }
    let session = state
        .ingest
        .upload(
            coach,
            id,
            IncomingTranscript {
                bytes: body.to_vec(),
                filename,
                request_id: current_request_id(),
            },
        )
        .await?;
    let db = state.db.get().await?;
    audit(
        &db,
        &caller,
        "session.transcript.upload",
        "session",
        Some(id),
    )
    .await?;
    Ok((StatusCode::ACCEPTED, Json(view(&db, coach, session).await?)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UploadUrlRequest {
    /// The file's name; its extension (vtt, srt, txt, json) is kept.
    #[schema(
        min_length = 1,
        max_length = 255,
        pattern = r"^[^\u0000-\u001f\u007f-\u009f]*$"
    )]
    pub filename: String,
}

/// Where to upload a transcript larger than the direct-upload limit (a presigned URL on AWS).
#[utoipa::path(post, path = "/v1/sessions/{id}/transcript-upload-url", tag = "sessions",
    params(("id" = Uuid, Path), IdempotencyKey),
    request_body = UploadUrlRequest,
    responses((status = 200, body = crate::ports::UploadTarget), Authenticated, ById, JsonBody, Idempotent))]
async fn transcript_upload_url(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<UploadUrlRequest>,
) -> Result<Json<crate::ports::UploadTarget>, ApiError> {
    let coach = tenant(&caller);
    check_filename(&input.filename)?;
    let filename = crate::ingest::clean_filename(&input.filename)
        .ok_or_else(|| ApiError::field("filename", "must name the transcript file"))?;
    let db = state.db.get().await?;
    find(&db, coach, id).await?;
    let target = state.uploads.upload_target(coach, id, &filename).await?;
    audit(
        &db,
        &caller,
        "session.transcript.upload_url",
        "session",
        Some(id),
    )
    .await?;
    Ok(Json(target))
}

fn has_control_characters(text: &str) -> bool {
    text.chars().any(char::is_control)
}

/// `Content-Disposition: attachment; filename="x.vtt"`.
fn filename_from_disposition(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    value.split(';').find_map(|part| {
        let (name, raw) = part.trim().split_once('=')?;
        (name.trim().eq_ignore_ascii_case("filename"))
            .then(|| raw.trim().trim_matches('"').to_owned())
    })
}

/// Processing status: the current stage, or the failure and its reason.
#[utoipa::path(get, path = "/v1/sessions/{id}/status", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = SessionStatusView), Authenticated, ById))]
async fn session_status(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SessionStatusView>, ApiError> {
    let db = state.db.get().await?;
    let s = find(&db, tenant(&caller), id).await?;
    Ok(Json(SessionStatusView {
        session_id: s.id,
        status: s.status,
        stage: s.stage,
        failure_stage: s.failure_stage,
        failure_reason: s.failure_reason,
        generation: s.generation,
        unmatched_speakers: s.unmatched_speakers,
        updated_at: s.updated_at,
    }))
}

/// Processes the stored transcript again as a new generation (new summary version and drafts).
#[utoipa::path(post, path = "/v1/sessions/{id}/reprocess", tag = "sessions",
    params(("id" = Uuid, Path), IdempotencyKey),
    responses((status = 202, body = SessionView), Authenticated, ById, Idempotent, Conflicting))]
async fn reprocess_session(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let coach = tenant(&caller);
    let session = state
        .ingest
        .reprocess(coach, id, current_request_id())
        .await?;
    let db = state.db.get().await?;
    audit(&db, &caller, "session.reprocess", "session", Some(id)).await?;
    Ok((StatusCode::ACCEPTED, Json(view(&db, coach, session).await?)))
}

/// The current summary: overview, themes, commitments, risk flags and coaching metrics.
#[utoipa::path(get, path = "/v1/sessions/{id}/summary", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = SummaryView), Authenticated, ById))]
async fn get_summary(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<SummaryView>, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    find(&db, coach, id).await?;
    let summary = summaries::current(&db, coach, id)
        .await?
        .ok_or(ApiError::NotFound("summary"))?;
    audit(&db, &caller, "summary.read", "session", Some(id)).await?;
    Ok(Json(summary))
}

/// The session's follow-up drafts, one per attending client and generation.
#[utoipa::path(get, path = "/v1/sessions/{id}/follow-ups", tag = "sessions", params(("id" = Uuid, Path)),
    responses((status = 200, body = FollowUpList), Authenticated, ById))]
async fn list_session_follow_ups(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<FollowUpList>, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    find(&db, coach, id).await?;
    let items = follow_ups::list_for_session(&db, coach, id).await?;
    audit(&db, &caller, "follow_up.list", "session", Some(id)).await?;
    Ok(Json(FollowUpList { items }))
}
