//! The HTTP API (`/v1`): one router per resource, the same code behind the
//! local server and behind each API Lambda.

pub mod auth;
mod clients;
pub mod edge;
mod extract;
mod health;
pub mod idempotency;
mod me;
pub mod openapi;
mod pages;
mod pagination;
pub mod problem;
pub mod request_id;
mod responses;
mod sessions;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::domain::CoachId;
use crate::ingest::Ingest;
use crate::ports::{IdempotencyStore, ObjectStore, TranscriptUploads};
use crate::store::{audit, Executor, Pool};
pub use auth::{Authenticator, Caller, LocalAuth, LocalTokens};
pub use edge::HttpLimits;
pub use pages::session_page_path;
pub use problem::ApiError;

/// Everything a handler may use.
#[derive(Clone)]
pub struct AppState {
    pub db: Pool,
    pub ingest: Ingest,
    pub objects: Arc<dyn ObjectStore>,
    pub auth: Arc<dyn Authenticator>,
    pub idempotency: Arc<dyn IdempotencyStore>,
    pub uploads: Arc<dyn TranscriptUploads>,
    /// Timeouts and sizes every request is held to (`edge`).
    pub http: HttpLimits,
}

/// Appends to the audit log (ids and action names only) on the connection or
/// transaction the handler already holds: a Lambda container has one
/// connection, so asking the pool for a second would wait forever.
async fn audit(
    db: &impl Executor,
    caller: &Caller,
    action: &str,
    entity_type: &str,
    entity_id: Option<uuid::Uuid>,
) -> Result<(), ApiError> {
    audit::record(
        db,
        &audit::AuditEntry {
            coach: caller.coach,
            actor: Some(caller.coach.0),
            action,
            entity_type,
            entity_id,
            request_id: request_id::current_request_id().as_deref(),
            details: serde_json::json!({}),
        },
    )
    .await?;
    Ok(())
}

/// The resources, each its own router (and, on AWS, its own Lambda).
pub fn resource_routers() -> Vec<(&'static str, OpenApiRouter<AppState>)> {
    vec![
        ("me", me::router()),
        ("clients", clients::router()),
        ("sessions", sessions::router()),
    ]
}

/// Builds the authenticated `/v1` API from the given resource routers, plus
/// health checks and the OpenAPI document.
pub fn build_router(state: AppState, resources: Vec<OpenApiRouter<AppState>>) -> Router {
    let mut api = OpenApiRouter::with_openapi(openapi::base());
    for resource in resources {
        api = api.merge(resource);
    }
    let (authenticated, _) = api.split_for_parts();
    let authenticated = authenticated
        .layer(middleware::from_fn_with_state(
            state.clone(),
            idempotency::middleware,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            auth::require_caller,
        ));
    let limits = state.http.clone();
    let router = Router::new()
        .merge(health::router())
        .merge(openapi::router())
        .merge(pages::router())
        .merge(authenticated)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(idempotency::MAX_POST_BODY))
        .with_state(state);
    edge::layered(router, &limits)
}

/// The whole API, as `flowcoach serve` hosts it.
pub fn router(state: AppState) -> Router {
    build_router(
        state,
        resource_routers().into_iter().map(|(_, r)| r).collect(),
    )
}

async fn not_found() -> ApiError {
    ApiError::NotFound("route")
}

/// The caller's coach id, for scoping every query.
fn tenant(caller: &Caller) -> CoachId {
    caller.coach
}
