//! The HTTP edge: slow or half-open connections are cut off, oversize bodies
//! are refused before they are read, and every error — the router's own, the
//! middleware's, a panic, a failing dependency — is problem+json with a
//! request id and no internal text.

use std::time::Duration;

use axum::routing::get;
use flowcoach_core::api::{build_router, public_routes, resource_routers};
use flowcoach_core::config::HttpSettings;
use flowcoach_core::store;
use flowcoach_tests::{TestApp, TestAppOptions};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tower::ServiceExt;

use crate::support::HELD_AT;

/// Far above every timeout the tests configure: only a server that never
/// lets go reaches it.
const GIVE_UP: Duration = Duration::from_secs(20);

async fn app() -> TestApp {
    app_with(HttpSettings::default()).await
}

async fn app_with(http: HttpSettings) -> TestApp {
    TestApp::spawn_with(TestAppOptions {
        background: false,
        http,
        ..TestAppOptions::default()
    })
    .await
}

fn address(app: &TestApp) -> String {
    app.base_url.trim_start_matches("http://").to_owned()
}

/// Reads until the server closes the connection (or `GIVE_UP` passes, then `None`).
async fn read_until_closed(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut received = Vec::new();
    let read = tokio::time::timeout(GIVE_UP, async {
        let mut buffer = [0u8; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await;
    read.ok().map(|()| received)
}

/// One raw response: status, lower-cased headers, body.
struct RawResponse {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl RawResponse {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or(Value::Null)
    }
}

/// Reads one response's head and its `Content-Length` body (within `GIVE_UP`).
async fn read_response(stream: &mut TcpStream) -> Option<RawResponse> {
    tokio::time::timeout(GIVE_UP, async {
        let mut received = Vec::new();
        let mut buffer = [0u8; 4096];
        loop {
            if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&received[..end]).into_owned();
                let mut lines = head.split("\r\n");
                let status = lines.next()?.split(' ').nth(1)?.parse().ok()?;
                let headers: Vec<(String, String)> = lines
                    .filter_map(|l| l.split_once(':'))
                    .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
                    .collect();
                let length: usize = headers
                    .iter()
                    .find(|(n, _)| n == "content-length")
                    .and_then(|(_, v)| v.parse().ok())
                    .unwrap_or(0);
                let body_start = end + 4;
                while received.len() < body_start + length {
                    match stream.read(&mut buffer).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => received.extend_from_slice(&buffer[..n]),
                    }
                }
                let body = received[body_start..(body_start + length).min(received.len())].to_vec();
                return Some(RawResponse {
                    status,
                    headers,
                    body,
                });
            }
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => return None,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .ok()
    .flatten()
}

fn assert_problem(status: u16, problem: &Value, context: &str) {
    assert_eq!(problem["status"], status, "{context}: {problem}");
    assert!(
        problem["request_id"]
            .as_str()
            .is_some_and(|id| !id.is_empty()),
        "{context}: {problem}"
    );
    assert!(problem["detail"].is_string(), "{context}: {problem}");
}

#[tokio::test]
async fn a_request_whose_headers_never_finish_is_cut_off() {
    let app = app_with(HttpSettings {
        header_read_timeout: Duration::from_secs(1),
        ..HttpSettings::default()
    })
    .await;
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: flowcoach\r\nX-Slow: ")
        .await
        .unwrap();
    assert!(
        read_until_closed(&mut stream).await.is_some(),
        "the connection is still open after {GIVE_UP:?}"
    );
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_is_free() {
    let app = app_with(HttpSettings {
        max_connections: 1,
        ..HttpSettings::default()
    })
    .await;
    let mut holder = TcpStream::connect(address(&app)).await.unwrap();
    holder
        .write_all(b"GET /healthz HTTP/1.1\r\n")
        .await
        .unwrap();
    // Let the server take the holder first.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut waiting = TcpStream::connect(address(&app)).await.unwrap();
    waiting
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: flowcoach\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut byte = [0u8; 1];
    let early = tokio::time::timeout(Duration::from_millis(500), waiting.read(&mut byte)).await;
    assert!(
        early.is_err(),
        "a second connection was served beside the first"
    );
    drop(holder);
    let response = read_response(&mut waiting).await.map(|r| r.status);
    assert_eq!(
        response,
        Some(200),
        "served once the first connection is gone"
    );
}

#[tokio::test]
async fn a_body_that_never_finishes_is_cut_off() {
    let mut http = HttpSettings::default();
    http.limits.body_idle_timeout = Duration::from_secs(1);
    let app = app_with(http).await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    let head = format!(
        "POST /v1/clients HTTP/1.1\r\nHost: flowcoach\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"name\": \"Tob"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let received = read_until_closed(&mut stream)
        .await
        .unwrap_or_else(|| panic!("the connection is still open after {GIVE_UP:?}"));
    if !received.is_empty() {
        let text = String::from_utf8_lossy(&received);
        assert!(text.starts_with("HTTP/1.1 408"), "{text}");
        assert!(text.contains("application/problem+json"), "{text}");
    }
    assert_eq!(app.count("SELECT count(*) FROM clients", &[]).await, 0);
}

#[tokio::test]
async fn a_declared_oversize_upload_is_refused_before_its_body_arrives() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let session = app.create_session(&token, "Huge", HELD_AT, &[]).await;
    let mut stream = TcpStream::connect(address(&app)).await.unwrap();
    let head = format!(
        "PUT /v1/sessions/{session}/transcript?filename=a.vtt HTTP/1.1\r\nHost: flowcoach\r\n\
         Authorization: Bearer {token}\r\nContent-Length: 100000000000\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    let response = read_response(&mut stream)
        .await
        .unwrap_or_else(|| panic!("no answer within {GIVE_UP:?} without a body"));
    assert_eq!(response.status, 413);
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json")
    );
    assert_problem(413, &response.json(), "declared oversize upload");
}

#[tokio::test]
async fn the_routers_own_errors_are_problem_json_with_a_request_id() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let cases = [
        (reqwest::Method::GET, "/v1/nowhere", 404),
        (reqwest::Method::GET, "/nowhere-at-all", 404),
        (reqwest::Method::DELETE, "/v1/clients", 405),
        (reqwest::Method::POST, "/healthz", 405),
    ];
    for (method, path, expected) in cases {
        let response = app
            .http
            .request(method.clone(), app.url(path))
            .bearer_auth(&token)
            .header("x-request-id", "edge-req-1")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json",
            "{method} {path}"
        );
        let problem: Value = response.json().await.unwrap();
        assert_problem(expected, &problem, path);
        assert_eq!(problem["request_id"], "edge-req-1", "{method} {path}");
    }

    let huge = "x".repeat(40 * 1024);
    let response = app
        .http
        .get(app.url("/v1/me"))
        .bearer_auth(&token)
        .header("x-padding", huge)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 431);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = response.json().await.unwrap();
    assert_problem(431, &problem, "huge header");

    let response = app
        .http
        .post(app.url("/v1/clients"))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let problem: Value = response.json().await.unwrap();
    assert_problem(400, &problem, "malformed JSON");
}

/// What hyper itself would refuse with an empty body — a request line or
/// header it cannot parse, a head past its size limit — is problem+json with a
/// request id, and the server goes on serving.
#[tokio::test]
async fn an_unreadable_request_head_is_problem_json_with_a_request_id() {
    let app = app().await;
    let oversize = format!(
        "GET /healthz HTTP/1.1\r\nHost: flowcoach\r\nX-Padding: {}\r\n\r\n",
        "x".repeat(80 * 1024)
    );
    let cases: [(&[u8], u16); 6] = [
        (b"GET /healthz HTTP/7.0\r\nHost: flowcoach\r\n\r\n", 400),
        (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", 400),
        (b"GET /he\x7fthz HTTP/1.1\r\n\r\n", 400),
        (b"GET /healthz HTTP/1.1\r\nNo Colon Here\r\n\r\n", 400),
        (
            b"POST /v1/clients HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 9\r\n\r\n",
            400,
        ),
        (oversize.as_bytes(), 431),
    ];
    for (head, expected) in cases {
        let context = String::from_utf8_lossy(&head[..head.len().min(40)]).into_owned();
        let mut stream = TcpStream::connect(address(&app)).await.unwrap();
        stream.write_all(head).await.unwrap();
        let response = read_response(&mut stream)
            .await
            .unwrap_or_else(|| panic!("{context}: no answer"));
        assert_eq!(response.status, expected, "{context}");
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json"),
            "{context}"
        );
        let problem = response.json();
        assert_problem(expected, &problem, &context);
        assert_eq!(
            response.header("x-request-id"),
            problem["request_id"].as_str(),
            "{context}"
        );
    }
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200, "the server still serves");
}

#[tokio::test]
async fn a_panicking_handler_answers_500_problem_json_and_the_api_keeps_serving() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let mut resources = resource_routers();
    let me = resources.remove(0);
    resources.push(me.route(
        "/v1/boom",
        get(|| async {
            panic!("a handler bug");
            #[allow(unreachable_code)]
            ""
        }),
    ));
    let router = build_router(app.runtime.app_state(), resources, public_routes());
    let request = |path: &str| {
        axum::http::Request::get(path)
            .header("authorization", format!("Bearer {token}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let response = router.clone().oneshot(request("/v1/boom")).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_problem(500, &problem, "panic");
    assert!(
        !problem["detail"].as_str().unwrap().contains("handler bug"),
        "{problem}"
    );
    let response = router.oneshot(request("/v1/me")).await.unwrap();
    assert_eq!(response.status(), 200, "the API still serves after a panic");
}

#[tokio::test]
async fn an_unreachable_database_answers_503_without_its_error_text() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let mut state = app.runtime.app_state();
    // Nothing listens on port 9: every checkout fails with a connect error.
    state.db = store::connect("postgres://postgres@127.0.0.1:9/nowhere", 1).unwrap();
    let router = build_router(state, resource_routers(), public_routes());
    let response = router
        .oneshot(
            axum::http::Request::get("/v1/clients")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_problem(503, &problem, "database down");
    let text = problem.to_string().to_lowercase();
    for internal in ["127.0.0.1", "connect", "refused", "error", "pool"] {
        assert!(!text.contains(internal), "{internal} leaks: {problem}");
    }
}

#[tokio::test]
async fn a_storage_failure_answers_without_file_paths() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let session = app.create_session(&token, "Storage", HELD_AT, &[]).await;
    // A file where the transcripts folder should be: every store fails.
    let objects = app.data_dir.path().join("objects");
    if objects.exists() {
        std::fs::remove_dir_all(&objects).unwrap();
    }
    std::fs::write(&objects, b"not a folder").unwrap();
    let (status, problem) = app
        .upload(
            &token,
            &session,
            "a.vtt",
            b"WEBVTT\n\n00:01.000 --> 00:02.000\n<v Dana>Hello</v>\n".to_vec(),
        )
        .await;
    assert_eq!(status, 503, "{problem}");
    assert_problem(503, &problem, "storage down");
    let text = problem.to_string();
    let root = app.data_dir.path().display().to_string();
    assert!(!text.contains(&root), "a path leaks: {problem}");
    assert!(!text.to_lowercase().contains("os error"), "{problem}");
}

#[tokio::test]
async fn a_database_error_answers_500_without_its_text() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let db = app.db.pool.get().await.unwrap();
    db.batch_execute("ALTER TABLE clients RENAME TO clients_elsewhere")
        .await
        .unwrap();
    let (status, problem) = app.get(&token, "/v1/clients").await;
    assert_eq!(status, 500, "{problem}");
    assert_problem(500, &problem, "database error");
    let text = problem.to_string().to_lowercase();
    for internal in ["relation", "clients", "db error", "database"] {
        assert!(!text.contains(internal), "{internal} leaks: {problem}");
    }
}

#[tokio::test]
async fn a_request_that_runs_too_long_answers_503_problem_json() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let mut state = app.runtime.app_state();
    state.http.request_timeout = Duration::from_millis(200);
    let mut resources = resource_routers();
    let me = resources.remove(0);
    resources.push(me.route(
        "/v1/slow",
        get(|| async {
            tokio::time::sleep(GIVE_UP).await;
            "too late"
        }),
    ));
    let router = build_router(state, resources, public_routes());
    let response = router
        .oneshot(
            axum::http::Request::get("/v1/slow")
                .header("authorization", format!("Bearer {token}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let body = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let problem: Value = serde_json::from_slice(&body).unwrap();
    assert_problem(503, &problem, "request timeout");
}

/// The servers route from the plain routers and the document is built from
/// the documented ones: the two readings of one declaration must agree.
#[tokio::test]
async fn every_operation_in_the_openapi_document_is_routed() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let router = build_router(app.runtime.app_state(), resource_routers(), public_routes());
    let document = serde_json::to_value(flowcoach_core::api::openapi::document()).unwrap();
    let id = uuid::Uuid::now_v7().to_string();
    let mut checked = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        let uri = path
            .split('/')
            .map(|segment| match segment.starts_with('{') {
                true => id.as_str(),
                false => segment,
            })
            .collect::<Vec<_>>()
            .join("/");
        for method in item.as_object().unwrap().keys() {
            let request = axum::http::Request::builder()
                .method(method.to_uppercase().as_str())
                .uri(uri.as_str())
                .header("authorization", format!("Bearer {token}"))
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{}"))
                .unwrap();
            let response = router.clone().oneshot(request).await.unwrap();
            let status = response.status();
            let body = axum::body::to_bytes(response.into_body(), usize::MAX)
                .await
                .unwrap();
            let detail = serde_json::from_slice::<Value>(&body)
                .ok()
                .and_then(|problem| problem["detail"].as_str().map(str::to_owned));
            assert_ne!(status, 405, "{method} {path} is documented but not routed");
            assert_ne!(
                detail.as_deref(),
                Some("route not found"),
                "{method} {path} is documented but not routed"
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} operations in the document");
    // The check can fail: a path nobody routes gets the fallback's answer.
    let (status, problem) = app.get(&token, "/v1/nowhere").await;
    assert_eq!(status, 404);
    assert_eq!(problem["detail"], "route not found", "{problem}");
}
