//! The HTTP API (`/v1`): one router per resource, the same code behind the
//! local server and behind each API Lambda.

// First, so that every resource module below sees `resource_routes!`.
#[macro_use]
mod resource;
pub mod auth;
mod clients;
mod commitments;
pub mod edge;
mod events;
mod extract;
mod follow_up_revisions;
mod follow_ups;
mod health;
pub mod idempotency;
mod me;
pub mod openapi;
mod pages;
mod pagination;
pub mod problem;
mod refinement;
pub mod request_id;
mod responses;
mod search;
mod sessions;
mod summary_revisions;
mod templates;
mod unsubscribe;
mod versioning;
pub mod web;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use utoipa_axum::router::OpenApiRouter;

use crate::ai::answerer::Answerer;
use crate::ai::embedder::Embedder;
use crate::ai::refiner::Refiner;
use crate::delivery::UnsubscribeLinks;
use crate::domain::CoachId;
use crate::ingest::Ingest;
use crate::ports::{IdempotencyStore, LiveEvents, Notifier, ObjectStore, TranscriptUploads};
use crate::store::{audit, Executor, Pool};
pub use auth::{Authenticator, Caller, LocalAuth, LocalTokens};
pub use edge::HttpLimits;
pub use pages::session_page_path;
pub use problem::ApiError;
pub use web::WebApp;

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
    /// Checks the unsubscribe links in follow-ups; `None` where this
    /// deployment sends none (every link is then not found).
    pub unsubscribe: Option<UnsubscribeLinks>,
    /// Live events for `GET /v1/events`; `None` where this process serves
    /// no WebSocket (the AWS functions: API Gateway's WebSocket API does).
    pub live: Option<Arc<dyn LiveEvents>>,
    /// Revisions by the language model; `None` where none is configured
    /// (the refine endpoints then say what to configure).
    pub refinement: Option<Refinement>,
    /// What search needs; `None` where this function does not serve it.
    pub search: Option<Search>,
}

/// The embedding model questions are embedded with, and the language model
/// that writes answers where one is configured (else answers are quoted).
#[derive(Clone)]
pub struct Search {
    pub embedder: Arc<dyn Embedder>,
    pub answerer: Option<Arc<dyn Answerer>>,
}

/// The language model that refines drafts, and where the revisions stream.
#[derive(Clone)]
pub struct Refinement {
    pub refiner: Arc<dyn Refiner>,
    pub notifier: Arc<dyn Notifier>,
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
    audit_with(
        db,
        caller,
        action,
        entity_type,
        entity_id,
        serde_json::json!({}),
    )
    .await
}

/// [`audit`] with details: ids, statuses and versions, never client text.
async fn audit_with(
    db: &impl Executor,
    caller: &Caller,
    action: &str,
    entity_type: &str,
    entity_id: Option<uuid::Uuid>,
    details: serde_json::Value,
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
            details,
        },
    )
    .await?;
    Ok(())
}

/// Every authenticated resource, as served and as documented: one list, so
/// the document and the servers cannot disagree on which resources exist.
type ResourceRoutes = (fn() -> Router<AppState>, fn() -> OpenApiRouter<AppState>);
const RESOURCES: [ResourceRoutes; 9] = [
    (me::router, me::documented_router),
    (clients::router, clients::documented_router),
    (sessions::router, sessions::documented_router),
    (
        summary_revisions::router,
        summary_revisions::documented_router,
    ),
    (follow_ups::router, follow_ups::documented_router),
    (
        follow_up_revisions::router,
        follow_up_revisions::documented_router,
    ),
    (commitments::router, commitments::documented_router),
    (templates::router, templates::documented_router),
    (search::router, search::documented_router),
];

/// Every authenticated resource's routes (the local server serves them all).
pub fn resource_routers() -> Vec<Router<AppState>> {
    RESOURCES.iter().map(|(router, _)| router()).collect()
}

/// [`resource_routers`] with their OpenAPI path items, for the document.
fn documented_resource_routers() -> Vec<OpenApiRouter<AppState>> {
    RESOURCES
        .iter()
        .map(|(_, documented)| documented())
        .collect()
}

/// What needs no bearer token: the health checks, the OpenAPI document, the
/// unsubscribe pages, live events and the placeholder session page. api-docs
/// serves these; the document names every resource's handlers, so the
/// resource functions leave it out.
pub fn public_routes() -> Router<AppState> {
    public_api_routes(openapi::router()).merge(pages::router())
}

/// [`public_routes`] but the session page, which the web app shows itself,
/// with `openapi` serving the document.
fn public_api_routes(openapi: Router<AppState>) -> Router<AppState> {
    Router::new()
        .merge(health::router())
        .merge(openapi)
        .merge(unsubscribe::router())
        .merge(events::router())
}

/// Builds the authenticated `/v1` API from the given resource routers, beside
/// the given unauthenticated routes.
pub fn build_router(
    state: AppState,
    resources: Vec<Router<AppState>>,
    public: Router<AppState>,
) -> Router {
    let authenticated = resources
        .into_iter()
        .fold(Router::new(), Router::merge)
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
        .merge(public)
        .merge(authenticated)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(idempotency::MAX_POST_BODY))
        .with_state(state);
    edge::layered(router, &limits)
}

/// The whole API, as `flowcoach serve` hosts it, with the web app where one is built.
pub fn router(state: AppState, web: Option<&WebApp>) -> Router {
    let public = match web {
        Some(web) => public_api_routes(openapi::router()).merge(web.routes()),
        None => public_routes(),
    };
    build_router(state, resource_routers(), public)
}

/// What each API Lambda serves: one function per binary, so that each links
/// only its own handlers (and, through its state, only its own SDK clients;
/// ADR 9). API Gateway routes `/v1/<resource>` to its function and everything
/// public to api-docs.
pub mod lambda {
    use axum::Router;

    use super::{build_router, health, AppState};

    pub fn me(state: AppState) -> Router {
        build_router(state, vec![super::me::router()], health::router())
    }

    pub fn clients(state: AppState) -> Router {
        build_router(state, vec![super::clients::router()], health::router())
    }

    pub fn sessions(state: AppState) -> Router {
        build_router(
            state,
            vec![
                super::sessions::router(),
                super::summary_revisions::router(),
            ],
            health::router(),
        )
    }

    pub fn follow_ups(state: AppState) -> Router {
        build_router(
            state,
            vec![
                super::follow_ups::router(),
                super::follow_up_revisions::router(),
                super::commitments::router(),
                super::templates::router(),
            ],
            health::router(),
        )
    }

    /// `/v1/search`: the one API function that links the embedding model.
    pub fn search(state: AppState) -> Router {
        build_router(state, vec![super::search::router()], health::router())
    }

    /// The public routes with the published document
    /// ([`super::openapi::PUBLISHED`]): building the live one would link
    /// every resource's handlers into this function (ADR 16).
    pub fn docs(state: AppState) -> Router {
        let public = super::public_api_routes(super::openapi::published_router())
            .merge(super::pages::router());
        build_router(state, Vec::new(), public)
    }
}

async fn not_found() -> ApiError {
    ApiError::NotFound("route")
}

/// The caller's coach id, for scoping every query.
fn tenant(caller: &Caller) -> CoachId {
    caller.coach
}
