//! API conventions: problem+json with request ids, validation field errors,
//! cursor pagination, Idempotency-Key replay, health checks.

use flowcoach_tests::{TestApp, TestAppOptions};

async fn app() -> TestApp {
    TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await
}

#[tokio::test]
async fn errors_are_problem_json_with_the_request_id_and_field_errors() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let response = app
        .http
        .post(app.url("/v1/clients"))
        .bearer_auth(&token)
        .header("x-request-id", "req-123")
        .json(&serde_json::json!({"name": " ", "email": "nope", "time_zone": "Mars/Olympus"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(response.headers()["x-request-id"], "req-123");
    assert_eq!(
        response.headers()["content-type"],
        "application/problem+json"
    );
    let problem: serde_json::Value = response.json().await.unwrap();
    assert_eq!(problem["request_id"], "req-123");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["name", "email", "time_zone"]);

    let (status, problem) = app.get("not-a-token", "/v1/clients").await;
    assert_eq!(status, 401);
    assert!(problem["detail"]
        .as_str()
        .unwrap()
        .contains("flowcoach token"));

    let (status, problem) = app.get(&token, "/v1/nowhere").await;
    assert_eq!(status, 404);
    assert_eq!(problem["status"], 404);
}

#[tokio::test]
async fn clients_page_with_cursors_and_update_partially() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(
            app.create_client(&token, &format!("Client {i}"), &format!("c{i}@example.com"))
                .await,
        );
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/clients?limit=2&cursor={c}"),
            None => "/v1/clients?limit=2".to_owned(),
        };
        let (status, page) = app.get(&token, &path).await;
        assert_eq!(status, 200, "{page}");
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|c| c["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    created.reverse();
    assert_eq!(seen, created, "newest first, each exactly once");

    let id = &created[0];
    let response = app
        .http
        .patch(app.url(&format!("/v1/clients/{id}")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"email": null, "tags": ["leadership"], "consent_email": true}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let client: serde_json::Value = response.json().await.unwrap();
    assert_eq!(client["email"], serde_json::Value::Null);
    assert_eq!(client["tags"], serde_json::json!(["leadership"]));
    assert_eq!(client["consent_email"], true);
    assert_eq!(client["name"], "Client 4", "untouched fields stay");
}

#[tokio::test]
async fn an_idempotency_key_replays_the_first_response_and_refuses_a_different_body() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let post = |body: serde_json::Value| {
        app.http
            .post(app.url("/v1/clients"))
            .bearer_auth(&token)
            .header("Idempotency-Key", "create-helen-0001")
            .json(&body)
    };
    let body = serde_json::json!({"name": "Helen Achterberg"});
    let first = post(body.clone()).send().await.unwrap();
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.unwrap();
    let second = post(body).send().await.unwrap();
    assert_eq!(second.status(), 201);
    assert_eq!(second.headers()["idempotent-replayed"], "true");
    let second: serde_json::Value = second.json().await.unwrap();
    assert_eq!(first["id"], second["id"]);
    let (_, list) = app.get(&token, "/v1/clients").await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        1,
        "one client, not two"
    );

    let different = post(serde_json::json!({"name": "Someone Else"}))
        .send()
        .await
        .unwrap();
    assert_eq!(different.status(), 422);
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = app().await;
    let health = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(health.status(), 200);
    let ready: serde_json::Value = app
        .http
        .get(app.url("/readyz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(ready["status"], "ready");
}
