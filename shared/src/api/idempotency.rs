//! `Idempotency-Key` on POSTs: the first request with a key runs and its
//! response is stored; a repeat with the same body replays it; the same key
//! with a different body is refused.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use super::auth::Caller;
use super::problem::ApiError;
use super::AppState;
use crate::ports::idempotency::{Begin, IdempotencyError, StoredResponse};

pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";
/// Largest POST body the API accepts (transcripts go through PUT).
pub const MAX_POST_BODY: usize = 1024 * 1024;

/// Records that cannot be used fail the request: without them a retry could run twice.
impl From<IdempotencyError> for ApiError {
    fn from(error: IdempotencyError) -> Self {
        match error {
            IdempotencyError::Unavailable(source) => ApiError::unavailable(
                "Idempotency records are unavailable right now; try again shortly.",
                source,
            ),
            IdempotencyError::Failed(source) => {
                ApiError::internal_while("using an idempotency record", source)
            }
        }
    }
}

fn valid_key(key: &str) -> bool {
    (8..=255).contains(&key.len()) && key.chars().all(|c| c.is_ascii_graphic())
}

fn request_hash(method: &Method, path: &str, body: &[u8]) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_str());
    hasher.update([0]);
    hasher.update(path);
    hasher.update([0]);
    hasher.update(body);
    hex::encode(hasher.finalize())
}

pub async fn middleware(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    if request.method() != Method::POST {
        return Ok(next.run(request).await);
    }
    let Some(key) = request.headers().get(IDEMPOTENCY_KEY_HEADER) else {
        return Ok(next.run(request).await);
    };
    let key = key
        .to_str()
        .ok()
        .filter(|k| valid_key(k))
        .ok_or_else(|| {
            ApiError::BadRequest("Idempotency-Key must be 8–255 visible ASCII characters.".into())
        })?
        .to_owned();
    let caller = request
        .extensions()
        .get::<Caller>()
        .cloned()
        .ok_or_else(|| ApiError::Unauthorized("This endpoint needs a bearer token.".into()))?;
    let (parts, body) = request.into_parts();
    let bytes = axum::body::to_bytes(body, MAX_POST_BODY)
        .await
        .map_err(|e| ApiError::unreadable_body(&e, MAX_POST_BODY))?;
    let hash = request_hash(&parts.method, parts.uri.path(), &bytes);

    match state.idempotency.begin(caller.coach, &key, &hash).await? {
        Begin::Replay(stored) => return Ok(replay(stored)),
        Begin::InFlight => {
            return Err(ApiError::Conflict("A request with this Idempotency-Key is still being processed; retry shortly.".into()))
        }
        Begin::Mismatch => {
            return Err(ApiError::Unprocessable(
                "This Idempotency-Key was already used for a different request. Use a new key for a new request.".into(),
            ))
        }
        Begin::Started => {}
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status().is_server_error() {
        // The work may not have happened: let the client retry with the same key.
        state.idempotency.abandon(caller.coach, &key).await?;
        return Ok(response);
    }
    let (parts, body) = response.into_parts();
    let body: Bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .map_err(ApiError::internal)?;
    let header_text = |name| {
        parts
            .headers
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .map(str::to_owned)
    };
    let stored = StoredResponse {
        status: parts.status.as_u16(),
        body: body.to_vec(),
        content_type: header_text(header::CONTENT_TYPE),
        location: header_text(header::LOCATION),
    };
    state
        .idempotency
        .finish(caller.coach, &key, &stored)
        .await?;
    Ok(Response::from_parts(parts, Body::from(body)))
}

fn replay(stored: StoredResponse) -> Response {
    let status = StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK);
    let mut response = (status, stored.body).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, stored.content_type),
        (header::LOCATION, stored.location),
    ] {
        if let Some(value) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, value);
        }
    }
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}
