//! `/v1/clients`: a coach's clients.

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::RefOr;
use utoipa::{PartialSchema, ToSchema};
use uuid::Uuid;

use super::extract::{present, ApiJson, ApiPath, ApiQuery};
use super::openapi::IdempotencyKey;
use super::pagination::{page, Page, PageQuery};
use super::problem::{ApiError, FieldError};
use super::responses::{Authenticated, ById, Idempotent, JsonBody, WithQuery};
use super::{audit, tenant, AppState, Caller};
use crate::domain::text::{label, prose};
use crate::domain::{CoachId, EmailAddress};
use crate::store::client_briefs::{self, ClientBrief};
use crate::store::clients::{self, Client, ClientChanges, NewClient};
use crate::store::{templates, Executor};

resource_routes! {
    [list_clients, create_client],
    [get_client, update_client],
    [client_brief],
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateClient {
    /// 1–200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,198}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub name: String,
    /// Where follow-ups go; empty or absent: none.
    #[schema(value_type = Option<EmailField>)]
    pub email: Option<String>,
    /// IANA time zone, e.g. `Europe/Berlin` (default UTC).
    pub time_zone: Option<String>,
    /// At most 30.
    #[serde(default)]
    #[schema(value_type = Vec<Tag>, max_items = 30)]
    pub tags: Vec<String>,
    /// Consent to transcripts being analysed (default true).
    pub consent_ai_processing: Option<bool>,
    /// Consent to receive follow-up emails (default false).
    pub consent_email: Option<bool>,
    /// Free text: lines and tabs, no other control characters.
    #[serde(default)]
    #[schema(
        max_length = 10_000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub notes: String,
    /// One of the coach's follow-up templates.
    pub follow_up_template_id: Option<Uuid>,
}

/// A client tag: 1–50 characters once trimmed, no control characters.
pub struct Tag;

impl PartialSchema for Tag {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .description(Some(
                "1–50 characters once trimmed, no control characters.",
            ))
            .min_length(Some(1))
            .pattern(Some(r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,48}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"))
            .into()
    }
}

impl ToSchema for Tag {}

/// A client's email field: an address, or blank for none.
pub struct EmailField;

impl PartialSchema for EmailField {
    fn schema() -> RefOr<Schema> {
        let address = ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Email)));
        let blank = ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"));
        AnyOfBuilder::new()
            .item(address)
            .item(blank)
            .description(Some("An email address, or blank for none."))
            .into()
    }
}

impl ToSchema for EmailField {}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateClient {
    /// 1–200 characters once trimmed, no control characters.
    #[schema(
        min_length = 1,
        pattern = r"^[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000](?:[^\u0000-\u001f\u007f-\u009f]{0,198}[^\u0000-\u0020\u007f-\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000])?[\t\n\u000b\u000c\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$"
    )]
    pub name: Option<String>,
    /// Where follow-ups go; `null` or blank clears it.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<EmailField>)]
    pub email: Option<Option<String>>,
    pub time_zone: Option<String>,
    /// Replaces the tags (at most 30).
    #[schema(value_type = Option<Vec<Tag>>, max_items = 30)]
    pub tags: Option<Vec<String>>,
    pub consent_ai_processing: Option<bool>,
    pub consent_email: Option<bool>,
    #[schema(
        max_length = 10_000,
        pattern = r"^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]*$"
    )]
    pub notes: Option<String>,
    pub archived: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<Uuid>)]
    pub follow_up_template_id: Option<Option<Uuid>>,
}

/// Field checks shared by create and update; each failure names its field.
#[derive(Default)]
struct Checks(Vec<FieldError>);

impl Checks {
    fn name(&mut self, name: &str) -> String {
        label(name, 200).unwrap_or_else(|e| {
            self.0.push(FieldError::new("name", e.to_string()));
            String::new()
        })
    }

    fn email(&mut self, email: &str) -> Option<EmailAddress> {
        EmailAddress::parse(email)
            .map_err(|e| self.0.push(FieldError::new("email", e.to_string())))
            .ok()
    }

    fn time_zone(&mut self, tz: &str) -> String {
        if tz.parse::<chrono_tz::Tz>().is_err() {
            self.0.push(FieldError::new(
                "time_zone",
                "must be an IANA time zone such as Europe/Berlin",
            ));
        }
        tz.to_owned()
    }

    fn tags(&mut self, tags: &[String]) -> Vec<String> {
        let parsed: Result<Vec<String>, _> = tags.iter().map(|t| label(t, 50)).collect();
        match parsed {
            Ok(tags) if tags.len() <= 30 => tags,
            Ok(_) => {
                self.0.push(FieldError::new("tags", "at most 30 tags"));
                Vec::new()
            }
            Err(e) => {
                self.0
                    .push(FieldError::new("tags", format!("each tag {e}")));
                Vec::new()
            }
        }
    }

    fn notes(&mut self, notes: &str) -> String {
        prose(notes, 10_000).unwrap_or_else(|e| {
            self.0.push(FieldError::new("notes", e.to_string()));
            String::new()
        })
    }

    async fn template(
        &mut self,
        db: &impl Executor,
        coach: CoachId,
        id: Uuid,
    ) -> Result<(), ApiError> {
        if templates::get_follow_up(db, coach, id).await?.is_none() {
            self.0.push(FieldError::new(
                "follow_up_template_id",
                "no follow-up template with this id",
            ));
        }
        Ok(())
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

/// The coach's clients, newest first.
#[utoipa::path(get, path = "/v1/clients", tag = "clients", params(PageQuery),
    responses((status = 200, body = Page<Client>), Authenticated, WithQuery))]
async fn list_clients(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<Client>>, ApiError> {
    let limit = query.limit()?;
    let db = state.db.get().await?;
    let rows = clients::list(&db, tenant(&caller), query.after()?, limit + 1).await?;
    audit(&db, &caller, "client.list", "client", None).await?;
    Ok(Json(page(rows, limit, |c| (c.created_at, c.id))))
}

/// Adds a client.
#[utoipa::path(post, path = "/v1/clients", tag = "clients", request_body = CreateClient,
    params(IdempotencyKey),
    responses((status = 201, body = Client, headers(("Location" = String, description = "The new client's URL"))),
        Authenticated, JsonBody, Idempotent))]
async fn create_client(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<CreateClient>,
) -> Result<impl IntoResponse, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let mut checks = Checks::default();
    let name = checks.name(&input.name);
    let email = input
        .email
        .as_deref()
        .filter(|e| !e.trim().is_empty())
        .and_then(|e| checks.email(e));
    let time_zone = checks.time_zone(input.time_zone.as_deref().unwrap_or("UTC"));
    let tags = checks.tags(&input.tags);
    let notes = checks.notes(&input.notes);
    if let Some(template) = input.follow_up_template_id {
        checks.template(&db, coach, template).await?;
    }
    checks.finish()?;
    let client = clients::insert(
        &db,
        coach,
        &NewClient {
            name,
            email,
            time_zone,
            tags,
            consent_ai_processing: input.consent_ai_processing.unwrap_or(true),
            consent_email: input.consent_email.unwrap_or(false),
            notes,
            follow_up_template_id: input.follow_up_template_id,
        },
    )
    .await?;
    audit(&db, &caller, "client.create", "client", Some(client.id)).await?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, format!("/v1/clients/{}", client.id))],
        Json(client),
    ))
}

/// One client.
#[utoipa::path(get, path = "/v1/clients/{id}", tag = "clients", params(("id" = Uuid, Path)),
    responses((status = 200, body = Client), Authenticated, ById))]
async fn get_client(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Client>, ApiError> {
    let db = state.db.get().await?;
    let client = clients::get(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("client"))?;
    audit(&db, &caller, "client.read", "client", Some(id)).await?;
    Ok(Json(client))
}

/// The coach's brief before the client's next session: their open
/// commitments with what later sessions said became of them (done, not
/// done, not mentioned, in the client's words), the themes and the client's
/// risk flags of their latest analysed sessions, and the last follow-up sent.
#[utoipa::path(get, path = "/v1/clients/{id}/brief", tag = "clients", params(("id" = Uuid, Path)),
    responses((status = 200, body = ClientBrief), Authenticated, ById))]
async fn client_brief(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<ClientBrief>, ApiError> {
    let db = state.db.get().await?;
    let brief = client_briefs::brief(&db, tenant(&caller), id)
        .await?
        .ok_or(ApiError::NotFound("client"))?;
    audit(&db, &caller, "client.brief", "client", Some(id)).await?;
    Ok(Json(brief))
}

/// Changes some fields of a client; `null` clears `email` or `follow_up_template_id`.
#[utoipa::path(patch, path = "/v1/clients/{id}", tag = "clients", params(("id" = Uuid, Path)),
    request_body = UpdateClient,
    responses((status = 200, body = Client), Authenticated, ById, JsonBody))]
async fn update_client(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(input): ApiJson<UpdateClient>,
) -> Result<Json<Client>, ApiError> {
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let mut checks = Checks::default();
    let changes = ClientChanges {
        name: input.name.as_deref().map(|n| checks.name(n)),
        email: input.email.map(|e| {
            e.filter(|e| !e.trim().is_empty())
                .and_then(|e| checks.email(&e))
        }),
        time_zone: input.time_zone.as_deref().map(|tz| checks.time_zone(tz)),
        tags: input.tags.as_deref().map(|t| checks.tags(t)),
        consent_ai_processing: input.consent_ai_processing,
        consent_email: input.consent_email,
        notes: input.notes.as_deref().map(|n| checks.notes(n)),
        archived: input.archived,
        follow_up_template_id: input.follow_up_template_id,
    };
    if let Some(Some(template)) = input.follow_up_template_id {
        checks.template(&db, coach, template).await?;
    }
    checks.finish()?;
    let client = clients::update(&db, coach, id, &changes)
        .await?
        .ok_or(ApiError::NotFound("client"))?;
    audit(&db, &caller, "client.update", "client", Some(id)).await?;
    Ok(Json(client))
}
