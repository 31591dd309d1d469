//! Coach B gets 404 on every one of coach A's resources and never sees them in lists.

use flowcoach_tests::fixtures::shared_transcript;
use flowcoach_tests::TestApp;
use reqwest::Method;

use crate::support::HELD_AT;

#[tokio::test]
async fn another_coach_gets_404_on_every_resource_and_empty_lists() {
    let app = TestApp::spawn().await;
    let (_, token_a) = app.coach("dana@example.com", "Dana Whitfield").await;
    let (_, token_b) = app.coach("marcus@example.com", "Marcus Oyelaran").await;
    let client = app
        .create_client(&token_a, "Tobias Renner", "tobias@example.com")
        .await;
    let session = app
        .create_session(&token_a, "A's session", HELD_AT, &[(&client, None)])
        .await;
    app.upload(&token_a, &session, "s03.srt", shared_transcript("s03.srt"))
        .await;
    assert_eq!(
        app.wait_until_settled(&token_a, &session, std::time::Duration::from_secs(180))
            .await["status"],
        "ready"
    );

    let (_, follow_ups) = app.get(&token_a, "/v1/follow-ups").await;
    let follow_up = follow_ups["items"][0]["id"]
        .as_str()
        .expect("A's draft")
        .to_owned();

    let participants = serde_json::json!({"participants": [{"client_id": client}]});
    let mut requests: Vec<(Method, String, Option<serde_json::Value>)> = vec![
        (Method::GET, format!("/v1/follow-ups/{follow_up}"), None),
        (
            Method::PATCH,
            format!("/v1/follow-ups/{follow_up}"),
            Some(serde_json::json!({"body": "Mine now"})),
        ),
        (
            Method::GET,
            format!("/v1/follow-ups/{follow_up}/versions"),
            None,
        ),
        (
            Method::POST,
            format!("/v1/follow-ups/{follow_up}/schedule"),
            Some(serde_json::json!({"in_hours": 1})),
        ),
        (
            Method::POST,
            format!("/v1/follow-ups/{follow_up}/resolve"),
            Some(serde_json::json!({"outcome": "sent"})),
        ),
    ];
    for action in ["approve", "send-now", "cancel"] {
        requests.push((
            Method::POST,
            format!("/v1/follow-ups/{follow_up}/{action}"),
            None,
        ));
    }
    requests.extend(vec![
        (Method::GET, format!("/v1/clients/{client}"), None),
        (
            Method::PATCH,
            format!("/v1/clients/{client}"),
            Some(serde_json::json!({"name": "Mine now"})),
        ),
        (Method::GET, format!("/v1/sessions/{session}"), None),
        (Method::GET, format!("/v1/sessions/{session}/status"), None),
        (Method::GET, format!("/v1/sessions/{session}/summary"), None),
        (
            Method::GET,
            format!("/v1/sessions/{session}/transcript"),
            None,
        ),
        (
            Method::GET,
            format!("/v1/sessions/{session}/follow-ups"),
            None,
        ),
        (
            Method::PUT,
            format!("/v1/sessions/{session}/participants"),
            Some(participants),
        ),
        (
            Method::POST,
            format!("/v1/sessions/{session}/reprocess"),
            Some(serde_json::json!({})),
        ),
        (Method::DELETE, format!("/v1/sessions/{session}"), None),
    ]);
    for (method, path, body) in requests {
        let mut request = app
            .http
            .request(method.clone(), app.url(&path))
            .bearer_auth(&token_b)
            .header("If-Match", "\"1\"");
        if let Some(body) = body {
            request = request.json(&body);
        }
        let (status, problem) = app.send(request).await;
        assert_eq!(status, 404, "{method} {path}: {problem}");
        assert!(problem["request_id"].is_string(), "{method} {path}");
    }
    let (status, _) = app
        .upload(&token_b, &session, "x.vtt", shared_transcript("s01.vtt"))
        .await;
    assert_eq!(status, 404);

    // B cannot attach A's client to B's own session either.
    let (status, problem) = app
        .post(
            &token_b,
            "/v1/sessions",
            &serde_json::json!({"title": "B", "held_at": HELD_AT, "participants": [{"client_id": client}]}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "participants[0].client_id");

    for list in ["/v1/clients", "/v1/sessions", "/v1/follow-ups"] {
        let (status, body) = app.get(&token_b, list).await;
        assert_eq!(status, 200);
        assert_eq!(body["items"], serde_json::json!([]), "{list}");
    }
    // A's data is untouched by B's attempts.
    let (status, body) = app.get(&token_a, &format!("/v1/clients/{client}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["name"], "Tobias Renner");
    let (_, status_body) = app
        .get(&token_a, &format!("/v1/sessions/{session}/status"))
        .await;
    assert_eq!(status_body["generation"], 1);
    let (_, draft) = app
        .get(&token_a, &format!("/v1/follow-ups/{follow_up}"))
        .await;
    assert_eq!(
        (draft["status"].as_str(), draft["version"].as_i64()),
        (Some("draft"), Some(1))
    );
}

#[tokio::test]
async fn a_signed_token_for_a_coach_that_does_not_exist_is_refused() {
    let app = TestApp::spawn().await;
    let ghost = flowcoach_core::domain::CoachId(uuid::Uuid::new_v4());
    let token = app
        .runtime
        .tokens
        .issue(
            ghost,
            "ghost@example.com",
            flowcoach_core::domain::CoachRole::Coach,
            chrono::Duration::hours(1),
        )
        .unwrap();
    let (status, problem) = app
        .post(
            &token,
            "/v1/clients",
            &serde_json::json!({"name": "Tobias"}),
        )
        .await;
    assert_eq!(status, 401, "{problem}");
    assert!(problem["request_id"].is_string(), "{problem}");
    let (status, _) = app.get(&token, "/v1/me").await;
    assert_eq!(status, 401);
}
