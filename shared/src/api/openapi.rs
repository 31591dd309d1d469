//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::http::header;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};

use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "FlowCoach API", version = "1", description = "Coaching supervision and automation: sessions, transcripts, summaries and follow-ups.

**Live events.** `GET /v1/events` (on `flowcoach serve`) upgrades to a WebSocket speaking the subprotocol `flowcoach.events.v1`. \
The bearer token goes in `Authorization` or, from a browser, as a second subprotocol `bearer.<token>`; a bad one is refused at the handshake (401). \
Each message is one JSON object `{\"type\", \"at\", ...}` for the token's coach: \
`session.stage` (`session_id`, `stage`), `session.ready` (`session_id`), `session.failed` (`session_id`, `stage`, `reason`), \
`follow_up.sent` (`follow_up_id`), `follow_up.failed` (`follow_up_id`, `reason`), `follow_up.unknown` (`follow_up_id`), \
`refinement.delta` (`target` `follow_up` or `summary`, `id` the follow-up's or the session's, `text` the next piece of the revision), \
`refinement.done` (`target`, `id`, `version`, `version_id`: the stored version) and `refinement.failed` (`target`, `id`, `reason`) while a refine request runs, \
and `events.missed` (`count`) when the screen fell behind and should refetch. \
On AWS the same events arrive on the stack's WebSocket API (output `LiveEventsUrl`), with the same subprotocols or `?token=`."),
    modifiers(&BearerAuth, &ProblemResponses),
    security(("bearer" = [])),
    components(schemas(super::problem::Problem, super::problem::FieldError))
)]
struct ApiDoc;

/// The `Idempotency-Key` header of a POST (`idempotency::middleware` enforces its format: else 400).
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Only documents the header; the middleware reads it.
pub(super) struct IdempotencyKey {
    /// Makes a retried POST safe: the first response is stored for 24 hours and
    /// replayed for the same body; a different body with the same key is refused (422).
    #[serde(rename = "Idempotency-Key")]
    #[param(value_type = String, required = false, min_length = 8, max_length = 255, pattern = r"^[\u0021-\u007e]{8,255}$")]
    idempotency_key: Option<String>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}

/// The shared problem+json error responses the operations reference.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.responses.extend(super::responses::components());
    }
}

pub(super) fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The full document: every resource router's paths.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut api = utoipa_axum::router::OpenApiRouter::<AppState>::with_openapi(base());
    for resource in super::documented_resource_routers() {
        api = api.merge(resource);
    }
    api.merge(super::unsubscribe::documented_router())
        .into_openapi()
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(|| async { Json(document()) }))
}

/// [`document`] as of this build, written by `flowcoach openapi >
/// shared/openapi.json` (a test fails when it differs from [`document`]).
/// api-docs serves this text: building the document would link every
/// resource's handlers into that function (ADR 16).
pub const PUBLISHED: &str = include_str!("../../openapi.json");

pub(super) fn published_router() -> Router<AppState> {
    Router::new().route(
        "/v1/openapi.json",
        get(|| async { ([(header::CONTENT_TYPE, "application/json")], PUBLISHED) }),
    )
}
