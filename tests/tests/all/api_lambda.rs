//! The API Lambdas answer API Gateway v2 events (from `events/`) exactly as
//! the local server answers the same requests.

use axum::Router;
use flowcoach_core::api::{lambda, AppState};
use flowcoach_core::aws::adapters::CognitoClaims;
use flowcoach_core::store;
use flowcoach_tests::fixtures::workspace_root;
use flowcoach_tests::{TestApp, TestAppOptions};
use serde_json::Value;
use tower::ServiceExt;

struct Ids<'a> {
    email: &'a str,
    name: &'a str,
    client_id: &'a str,
    session_id: &'a str,
}

fn load_event(name: &str, ids: &Ids<'_>) -> (lambda_http::Request, Value) {
    load_event_with(name, ids, |_| {})
}

/// The sample event with its Cognito claims changed by `edit`.
fn load_event_with(
    name: &str,
    ids: &Ids<'_>,
    edit: impl FnOnce(&mut serde_json::Map<String, Value>),
) -> (lambda_http::Request, Value) {
    let path = workspace_root().join(format!("events/apigw-{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text
        .replace("{{email}}", ids.email)
        .replace("{{name}}", ids.name)
        .replace("{{client_id}}", ids.client_id)
        .replace("{{session_id}}", ids.session_id);
    let mut raw: Value = serde_json::from_str(&text).expect("event is JSON");
    if let Some(claims) = raw["requestContext"]["authorizer"]["jwt"]["claims"].as_object_mut() {
        edit(claims);
    }
    let text = raw.to_string();
    (
        lambda_http::request::from_str(&text).expect("an API Gateway v2 event"),
        raw,
    )
}

/// Drops what legitimately differs between two answers: generated ids, times, request ids.
fn normalise(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    !matches!(
                        k.as_str(),
                        "id" | "created_at" | "updated_at" | "request_id" | "next_cursor"
                    )
                })
                .map(|(k, v)| (k.clone(), normalise(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(normalise).collect()),
        other => other.clone(),
    }
}

type LambdaRouter = fn(AppState) -> Router;

/// The router of the Lambda that serves a path, as API Gateway routes it:
/// `/v1/<resource>` to its own function, everything else to api-docs.
fn function_for(path: &str) -> LambdaRouter {
    let functions: [(&str, LambdaRouter); 5] = [
        ("me", lambda::me),
        ("clients", lambda::clients),
        ("sessions", lambda::sessions),
        ("follow-ups", lambda::follow_ups),
        ("search", lambda::search),
    ];
    functions
        .into_iter()
        .find(|(resource, _)| path.starts_with(&format!("/v1/{resource}")))
        .map_or(lambda::docs, |(_, function)| function)
}

/// The API as a Lambda container runs it: Cognito claims for identity and a
/// pool of one connection, so a handler that holds a connection while asking
/// for another fails here.
fn lambda_state(app: &TestApp) -> AppState {
    let mut state = app.runtime.app_state();
    state.db = store::connect(&app.db.url, 1).expect("lambda pool");
    state.auth = std::sync::Arc::new(CognitoClaims::new(state.db.clone()));
    state
}

async fn via_lambda(state: &AppState, request: lambda_http::Request) -> (u16, Value) {
    let app = function_for(request.uri().path())(state.clone());
    let (parts, body) = request.into_parts();
    let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
    let response = app.oneshot(request).await.expect("router answers");
    let status = response.status().as_u16();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body");
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(Value::Null),
    )
}

async fn via_local_server(app: &TestApp, token: &str, raw: &Value) -> (u16, Value) {
    let method = reqwest::Method::from_bytes(
        raw["requestContext"]["http"]["method"]
            .as_str()
            .unwrap()
            .as_bytes(),
    )
    .unwrap();
    let mut url = app.url(raw["rawPath"].as_str().unwrap());
    if let Some(query) = raw["rawQueryString"].as_str().filter(|q| !q.is_empty()) {
        url = format!("{url}?{query}");
    }
    let mut request = app.http.request(method, url).bearer_auth(token);
    if let Some(body) = raw["body"].as_str() {
        request = request
            .header("content-type", "application/json")
            .body(body.to_owned());
    }
    app.send(request).await
}

#[tokio::test]
async fn every_sample_api_event_gets_the_answer_the_local_server_gives() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client_id = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let session_id = app
        .create_session(
            &token,
            "Existing",
            "2026-09-01T09:00:00Z",
            &[(&client_id, None)],
        )
        .await;
    let lambda_state = lambda_state(&app);
    let ids = Ids {
        email: "dana@example.com",
        name: "Dana Whitfield",
        client_id: &client_id,
        session_id: &session_id,
    };

    let names = [
        ("me-get", 200),
        ("clients-create", 201),
        ("clients-list", 200),
        ("clients-get", 200),
        ("sessions-create", 201),
        ("sessions-status", 200),
        ("sessions-get-other-coach", 404),
        ("follow-ups-list", 200),
        ("search", 200),
        ("docs-openapi", 200),
    ];
    for (name, expected) in names {
        let (request, raw) = load_event(name, &ids);
        let (lambda_status, lambda_body) = via_lambda(&lambda_state, request).await;
        let (local_status, local_body) = via_local_server(&app, &token, &raw).await;
        assert_eq!(lambda_status, expected, "{name}: {lambda_body}");
        assert_eq!(lambda_status, local_status, "{name}");
        assert_eq!(normalise(&lambda_body), normalise(&local_body), "{name}");
    }
}

#[tokio::test]
async fn an_event_without_verified_claims_is_refused() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let state = lambda_state(&app);
    let ids = Ids {
        email: "not-an-email",
        name: "x",
        client_id: "",
        session_id: "",
    };
    let (request, _) = load_event("me-get", &ids);
    let (status, problem) = via_lambda(&state, request).await;
    assert_eq!(status, 401, "{problem}");
}

fn dana() -> Ids<'static> {
    Ids {
        email: "dana@example.com",
        name: "Dana Whitfield",
        client_id: "",
        session_id: "",
    }
}

#[tokio::test]
async fn a_cognito_user_stays_the_same_coach_when_their_email_changes() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let state = lambda_state(&app);
    let (request, _) = load_event("me-get", &dana());
    let (status, first) = via_lambda(&state, request).await;
    assert_eq!(status, 200, "{first}");

    let (request, _) = load_event_with("me-get", &dana(), |claims| {
        claims.insert("email".into(), "dana.whitfield@example.org".into());
    });
    let (status, second) = via_lambda(&state, request).await;
    assert_eq!(status, 200, "{second}");
    assert_eq!(
        first["id"], second["id"],
        "the same Cognito user, the same coach"
    );
    assert_eq!(app.count("SELECT count(*) FROM coaches", &[]).await, 1);

    // Another Cognito user claiming Dana's (verified) email gets no access to her account.
    let (request, _) = load_event_with("me-get", &dana(), |claims| {
        claims.insert("sub".into(), "0b7e4f6a-1111-4c1f-9e7b-2a3d4c5b6a71".into());
    });
    let (status, problem) = via_lambda(&state, request).await;
    assert_eq!(status, 401, "{problem}");
}

#[tokio::test]
async fn an_existing_coach_is_linked_to_their_cognito_user_once() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let (coach, _) = app.coach("dana@example.com", "Dana Whitfield").await;
    let state = lambda_state(&app);
    let (request, _) = load_event("me-get", &dana());
    let (status, me) = via_lambda(&state, request).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(
        me["id"],
        coach.0.to_string(),
        "linked by the verified email"
    );
}

#[tokio::test]
async fn an_email_without_email_verified_is_not_verified() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let state = lambda_state(&app);
    for verified in [None, Some("false")] {
        let (request, _) = load_event_with("me-get", &dana(), |claims| match verified {
            None => {
                claims.remove("email_verified");
            }
            Some(value) => {
                claims.insert("email_verified".into(), value.into());
            }
        });
        let (status, problem) = via_lambda(&state, request).await;
        assert_eq!(status, 401, "email_verified {verified:?}: {problem}");
    }
    assert_eq!(app.count("SELECT count(*) FROM coaches", &[]).await, 0);
}
