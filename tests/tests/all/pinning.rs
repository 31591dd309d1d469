//! RDS Proxy multiplexing (ADR 0004): nothing the app sends PostgreSQL may pin
//! a proxy connection. The runtime talks to the database through a relay that
//! decodes the wire protocol, while a session goes through the whole pipeline
//! and the API's reads and writes.

use std::time::Duration;

use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};
use serde_json::json;

const SETTLE: Duration = Duration::from_secs(120);

#[tokio::test]
async fn the_pipeline_and_the_api_send_no_named_statement_and_no_session_state() {
    let app = TestApp::spawn_with(TestAppOptions {
        watch_wire: true,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn {
        token,
        client,
        session,
        ..
    } = app.check_in_with("s03.srt").await;
    assert_eq!(
        app.wait_until_settled(&token, &session, SETTLE).await["status"],
        "ready"
    );

    // The API's reads, and writes of every kind, including an idempotent create.
    for path in [
        "/v1/me".to_owned(),
        "/v1/clients".to_owned(),
        format!("/v1/clients/{client}"),
        "/v1/sessions".to_owned(),
        format!("/v1/sessions/{session}"),
        format!("/v1/sessions/{session}/summary"),
        format!("/v1/sessions/{session}/follow-ups"),
    ] {
        let (status, body) = app.get(&token, &path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    let patched = app
        .http
        .patch(app.url(&format!("/v1/clients/{client}")))
        .bearer_auth(&token)
        .json(&json!({"tags": ["career"]}));
    assert_eq!(app.send(patched).await.0, 200);
    let created = app
        .http
        .post(app.url("/v1/clients"))
        .bearer_auth(&token)
        .header("Idempotency-Key", "pinning-check-0001")
        .json(&json!({"name": "Helen Achterberg"}));
    assert_eq!(app.send(created).await.0, 201);
    let participants = app
        .http
        .put(app.url(&format!("/v1/sessions/{session}/participants")))
        .bearer_auth(&token)
        .json(&json!({"participants": [{"client_id": client, "speaker_label": "Tobias"}]}));
    assert_eq!(app.send(participants).await.0, 200);
    let (status, body) = app
        .post(
            &token,
            &format!("/v1/sessions/{session}/reprocess"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(
        app.wait_until_settled(&token, &session, SETTLE).await["status"],
        "ready"
    );

    let wire = app.wire.as_ref().expect("the wire is watched").log();
    // The relay saw the traffic: the pipeline and the API ran through it.
    assert!(wire.parses > 100, "only {} statements seen", wire.parses);
    assert!(
        wire.named_statements.is_empty(),
        "named prepared statements pin an RDS Proxy connection: {:#?}",
        wire.named_statements
    );
    assert!(
        wire.session_state.is_empty(),
        "session state pins an RDS Proxy connection: {:#?}",
        wire.session_state
    );
}
