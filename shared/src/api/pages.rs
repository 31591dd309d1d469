//! Pages a person opens from an email. The "session ready" notice links to
//! `/sessions/{id}`, which the web app shows where it is served (`api::web`;
//! CloudFront on AWS). Where no app is built this page says how to open the
//! session instead; it shows no session data, since a link in an email
//! carries no credentials.

use axum::extract::Path;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use uuid::Uuid;

use super::AppState;

/// Where the "session ready" email points, relative to the public URL.
pub fn session_page_path(session: Uuid) -> String {
    format!("/sessions/{session}")
}

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/sessions/{id}", get(session_page))
}

async fn session_page(Path(id): Path<String>) -> Response {
    // Anything but a session id is not a page of ours.
    let Ok(id) = Uuid::parse_str(&id) else {
        return super::problem::ApiError::NotFound("page").into_response();
    };
    let page = format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>Your FlowCoach session</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 42rem; margin: 3rem auto; padding: 0 1rem; line-height: 1.5; color: #1f2933; }}
code, pre {{ background: #f3f4f6; border-radius: 4px; }}
pre {{ padding: .75rem; overflow-x: auto; }}
</style>
</head>
<body>
<main>
<h1>Your session is ready</h1>
<p>FlowCoach has analysed session <code>{id}</code>: its summary, commitments and
follow-up drafts are waiting for your review. Nothing is sent to a client until
you approve it.</p>
<h2>Opening it</h2>
<p>This installation serves no web app (<code>scripts/build-web.sh</code> builds it).
Until it does, read the session through the API with your bearer token (on one
machine, <code>flowcoach token --coach you@example.com</code> prints one):</p>
<pre>curl -H "Authorization: Bearer $TOKEN" /v1/sessions/{id}
curl -H "Authorization: Bearer $TOKEN" /v1/sessions/{id}/summary
curl -H "Authorization: Bearer $TOKEN" /v1/sessions/{id}/follow-ups</pre>
<p>Prefix each path with this site's address. The API is described at
<a href="/v1/openapi.json">/v1/openapi.json</a>.</p>
</main>
</body>
</html>
"#
    );
    (
        StatusCode::OK,
        [
            (header::CACHE_CONTROL, "no-store"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        Html(page),
    )
        .into_response()
}
