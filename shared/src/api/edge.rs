//! The layers every request passes, on the local server and in each API
//! Lambda alike: request id, trace span, panic and timeout answers, body
//! limits, and problem+json for every error the router or a layer produces
//! on its own. (Connection-level limits — header read time, concurrent
//! connections — live in the local server: `runtime::local`.)

use std::any::Any;
use std::time::Duration;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

use super::problem::ApiError;
use super::request_id;

/// How long and how large a request may be.
#[derive(Debug, Clone)]
pub struct HttpLimits {
    /// From the request's head to the end of its response.
    pub request_timeout: Duration,
    /// Longest pause between two pieces of a request body.
    pub body_idle_timeout: Duration,
    /// Largest body of any request (transcripts are the largest); a declared
    /// `Content-Length` above it is refused before the body is read.
    pub max_body_bytes: usize,
    /// Largest request head (request line and headers) answered with a
    /// problem+json 431; the local server's HTTP parser cuts off larger ones.
    pub max_header_bytes: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(30),
            body_idle_timeout: Duration::from_secs(10),
            // Transcripts are the largest bodies; POSTs have their own,
            // smaller limit (`idempotency::MAX_POST_BODY`).
            max_body_bytes: crate::ingest::DIRECT_UPLOAD_LIMIT,
            max_header_bytes: 16 * 1024,
        }
    }
}

/// Wraps `router` in the layers. Each `layer` call wraps all before it: the
/// last one listed sees the request first.
pub fn layered(router: Router, limits: &HttpLimits) -> Router {
    router
        .layer(RequestBodyLimitLayer::new(limits.max_body_bytes))
        .layer(RequestBodyTimeoutLayer::new(limits.body_idle_timeout))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            limits.request_timeout,
        ))
        .layer(middleware::from_fn_with_state(
            limits.max_header_bytes,
            refuse_oversized_head,
        ))
        .layer(CatchPanicLayer::custom(answer_panic))
        .layer(middleware::from_fn_with_state(
            limits.max_body_bytes,
            problem_for_bare_errors,
        ))
        .layer(middleware::from_fn(request_id::scope))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(request_id::drop_unusable))
}

fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        request_id = request_id::of(request).unwrap_or_default(),
        method = %request.method(),
        route,
    )
}

/// Error responses without a body of ours — axum's 404/405 and text
/// rejections, tower-http's 408/413/503 — become problem+json. JSON bodies
/// (problems, `/readyz`) pass as they are.
async fn problem_for_bare_errors(
    State(max_body_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.starts_with("application/json") || v.starts_with("application/problem+json")
        });
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let allow = response.headers().get(header::ALLOW).cloned();
    let mut problem = ApiError::for_status(status, max_body_bytes).into_response();
    if let Some(allow) = allow {
        problem.headers_mut().insert(header::ALLOW, allow);
    }
    problem
}

/// A panicking handler answers 500 like any internal error; the server goes on.
fn answer_panic(panic: Box<dyn Any + Send + 'static>) -> Response {
    let message = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("a panic without a message");
    ApiError::internal(format!("the handler panicked: {message}")).into_response()
}

/// Refuses a request head larger than `max_header_bytes` with a problem+json 431.
async fn refuse_oversized_head(
    State(max_header_bytes): State<usize>,
    request: Request,
    next: Next,
) -> Response {
    let head_bytes = request.uri().to_string().len()
        + request
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum::<usize>();
    if head_bytes > max_header_bytes {
        return ApiError::HeadersTooLarge.into_response();
    }
    next.run(request).await
}
