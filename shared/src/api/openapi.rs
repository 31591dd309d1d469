//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use axum::routing::get;
use axum::{Json, Router};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "FlowCoach API", version = "1", description = "Coaching supervision and automation: sessions, transcripts, summaries and follow-ups."),
    modifiers(&BearerAuth),
    security(("bearer" = [])),
    components(schemas(super::problem::Problem, super::problem::FieldError))
)]
struct ApiDoc;

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

pub(super) fn base() -> utoipa::openapi::OpenApi {
    ApiDoc::openapi()
}

/// The full document: every resource router's paths.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut api = utoipa_axum::router::OpenApiRouter::<AppState>::with_openapi(base());
    for (_, resource) in super::resource_routers() {
        api = api.merge(resource);
    }
    api.into_openapi()
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/v1/openapi.json", get(|| async { Json(document()) }))
}
