//! The web app as `flowcoach serve` hosts it: the files `npm run build` wrote
//! to `web/dist`, `index.html` for every path the app routes in the browser,
//! hashed assets cached for a year, and `/config.json` telling the app how
//! this deployment signs in. On AWS, S3 behind CloudFront does the same.

use std::path::{Path, PathBuf};

use axum::extract::Request;
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Json, Router};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

use super::problem::ApiError;
use super::AppState;

/// Built assets carry a content hash in their names, so they never change.
const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
/// Everything else (`index.html` above all) is revalidated, so a new build shows at once.
const REVALIDATE: HeaderValue = HeaderValue::from_static("no-cache");
/// The page runs only its own scripts and talks only to this origin (the API
/// and its WebSocket); CloudFront sends the same on AWS.
const CONTENT_SECURITY_POLICY: HeaderValue = HeaderValue::from_static(
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; \
     connect-src 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; \
     object-src 'none'",
);

/// A built web app.
#[derive(Debug, Clone)]
pub struct WebApp {
    dir: PathBuf,
}

impl WebApp {
    /// The app built into `dir`, if `dir` holds one.
    pub fn built_in(dir: &Path) -> Option<Self> {
        dir.join("index.html").is_file().then(|| Self {
            dir: dir.to_owned(),
        })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `/config.json`, `/` and every other path outside `/v1`.
    pub(super) fn routes(&self) -> Router<AppState> {
        let app = self.clone();
        let fallback = self.clone();
        Router::new()
            .route("/config.json", get(local_config))
            .route("/", any(move |request| app.clone().serve(request)))
            .route(
                "/{*path}",
                any(move |request| fallback.clone().serve(request)),
            )
    }

    async fn serve(self, request: Request) -> Response {
        let path = request.uri().path();
        // Unknown API paths stay problem+json, and the app only answers reads.
        if path == "/v1"
            || path.starts_with("/v1/")
            || !matches!(*request.method(), Method::GET | Method::HEAD)
        {
            return ApiError::NotFound("route").into_response();
        }
        let asset = path.starts_with("/assets/");
        let served = if asset {
            // A missing asset is a 404, not the page: a stale tab must not run HTML as script.
            ServeDir::new(&self.dir).oneshot(request).await
        } else {
            ServeDir::new(&self.dir)
                .fallback(ServeFile::new(self.dir.join("index.html")))
                .oneshot(request)
                .await
        };
        let mut response = match served {
            Ok(response) => response.into_response(),
            Err(never) => match never {},
        };
        if response.status() == StatusCode::NOT_FOUND {
            return ApiError::NotFound("file").into_response();
        }
        let cache = if asset { IMMUTABLE } else { REVALIDATE };
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, cache);
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
        headers.insert(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        response
    }
}

/// One machine signs in with a local bearer token and hears live events on
/// this origin's `/v1/events`.
async fn local_config() -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, REVALIDATE)],
        Json(serde_json::json!({
            "apiBase": "",
            "eventsUrl": null,
            "auth": { "kind": "token" },
        })),
    )
}
