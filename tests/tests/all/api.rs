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

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    body: serde_json::Value,
) -> (u16, serde_json::Value) {
    app.send(app.http.patch(app.url(path)).bearer_auth(token).json(&body))
        .await
}

fn error_fields(problem: &serde_json::Value) -> Vec<&str> {
    problem["errors"]
        .as_array()
        .map(|errors| errors.iter().filter_map(|e| e["field"].as_str()).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn a_session_is_corrected_with_patch_and_bad_fields_are_named() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let session = app
        .create_session(&token, "Check-in", "2026-09-08T09:00:00Z", &[])
        .await;
    let path = format!("/v1/sessions/{session}");

    let (status, body) = patch(
        &app,
        &token,
        &path,
        serde_json::json!({"title": "  Quarterly review ", "kind": "group",
            "held_at": "2026-10-19T15:00:00Z", "coach_speaker_label": " Speaker 1 "}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["title"], "Quarterly review");
    assert_eq!(body["kind"], "group");
    assert_eq!(body["held_at"], "2026-10-19T15:00:00Z");
    assert_eq!(body["coach_speaker_label"], "Speaker 1");

    // Absent fields stay; `null` clears the speaker label.
    let (status, body) = patch(
        &app,
        &token,
        &path,
        serde_json::json!({"coach_speaker_label": null}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["coach_speaker_label"], serde_json::Value::Null);
    assert_eq!(body["title"], "Quarterly review");
    let (_, fetched) = app.get(&token, &path).await;
    assert_eq!(fetched["kind"], "group");
    assert_eq!(fetched["coach_speaker_label"], serde_json::Value::Null);

    for (input, field) in [
        (serde_json::json!({"title": "   "}), "title"),
        (serde_json::json!({"title": "a".repeat(201)}), "title"),
        (
            serde_json::json!({"coach_speaker_label": "Speaker\u{7}1"}),
            "coach_speaker_label",
        ),
    ] {
        let (status, problem) = patch(&app, &token, &path, input.clone()).await;
        assert_eq!(status, 422, "{input} -> {problem}");
        assert_eq!(error_fields(&problem), vec![field], "{problem}");
    }
    let (status, _) = patch(&app, &token, &path, serde_json::json!({"colour": "red"})).await;
    assert_eq!(status, 422, "unknown fields are refused");
    let (status, _) = patch(&app, &token, &path, serde_json::json!({"held_at": "soon"})).await;
    assert_eq!(status, 422);
    let (_, unchanged) = app.get(&token, &path).await;
    assert_eq!(
        unchanged["title"], "Quarterly review",
        "a refused PATCH changes nothing"
    );

    let (_, other) = app.coach("omar@example.com", "Omar Haddad").await;
    let (status, problem) = patch(
        &app,
        &other,
        &path,
        serde_json::json!({"title": "Mine now"}),
    )
    .await;
    assert_eq!(status, 404, "{problem}");
    let (_, still) = app.get(&token, &path).await;
    assert_eq!(still["title"], "Quarterly review");

    let session_id = uuid::Uuid::parse_str(&session).unwrap();
    let audited = app
        .count(
            "SELECT count(*) FROM audit_log WHERE action = 'session.update' AND entity_id = $1",
            &[&session_id],
        )
        .await;
    assert_eq!(audited, 2, "each successful PATCH is audited once");
}

/// Polls the summary until it is of `generation`.
async fn summary_of_generation(
    app: &TestApp,
    token: &str,
    session: &str,
    generation: i64,
) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + SETTLE;
    loop {
        let (status, summary) = app
            .get(token, &format!("/v1/sessions/{session}/summary"))
            .await;
        if status == 200 && summary["generation"] == generation {
            return summary;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no summary of generation {generation}: {summary}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

const SETTLE: std::time::Duration = std::time::Duration::from_secs(180);

const PROMISE: &str = "Dana Whitfield: What will you do before we meet again?\n\
Tobias Renner: I'll send the revised plan to my manager tomorrow.\n\
Dana Whitfield: Good. How will you know it landed well?\n\
Tobias Renner: If she replies with questions, not corrections.\n";

#[tokio::test]
async fn a_new_held_at_moves_due_dates_on_reprocess_and_the_metrics_name_the_coach() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let tobias = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Check-in",
            "2026-09-08T09:00:00Z",
            &[(&tobias, None)],
        )
        .await;
    let (status, body) = app
        .upload(
            &token,
            &session,
            "check-in.txt",
            PROMISE.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");

    let summary = summary_of_generation(&app, &token, &session, 1).await;
    let dues: Vec<&str> = summary["content"]["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["due"].as_str())
        .collect();
    assert_eq!(dues, vec!["2026-09-09"], "{summary}");

    // The coach is named, and their talk share is the headline figure.
    let metrics = &summary["metrics"];
    assert_eq!(metrics["coach_speaker"], "Dana Whitfield", "{metrics}");
    let speakers = metrics["speakers"].as_array().unwrap();
    let coach: Vec<&serde_json::Value> =
        speakers.iter().filter(|s| s["is_coach"] == true).collect();
    assert_eq!(coach.len(), 1, "{metrics}");
    assert_eq!(coach[0]["speaker"], "Dana Whitfield");
    assert_eq!(metrics["coach_talk_share"], coach[0]["talk_share"]);
    assert!(speakers
        .iter()
        .any(|s| s["speaker"] == "Tobias Renner" && s["is_coach"] == false));
    let (_, view) = app.get(&token, &format!("/v1/sessions/{session}")).await;
    assert_eq!(view["metrics"]["coach_speaker"], "Dana Whitfield", "{view}");

    let (status, body) = patch(
        &app,
        &token,
        &format!("/v1/sessions/{session}"),
        serde_json::json!({"held_at": "2026-10-19T09:00:00Z"}),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            &token,
            &format!("/v1/sessions/{session}/reprocess"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let summary = summary_of_generation(&app, &token, &session, 2).await;
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let dues: Vec<&str> = summary["content"]["commitments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["due"].as_str())
        .collect();
    assert_eq!(dues, vec!["2026-10-20"], "{summary}");
}

#[tokio::test]
async fn the_parsed_transcript_reads_back_with_speakers_and_times_only_once_chunked() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let tobias = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Check-in",
            "2026-09-08T09:00:00Z",
            &[(&tobias, None)],
        )
        .await;
    let (status, body) = app
        .get(&token, &format!("/v1/sessions/{session}/transcript"))
        .await;
    assert_eq!(status, 404, "nothing parsed yet: {body}");

    let vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:04.500\n<v Dana Whitfield>How did the week go?\n\n\
               00:00:05.000 --> 00:00:09.000\n<v Tobias Renner>Better than I feared, honestly.\n";
    let (status, body) = app
        .upload(&token, &session, "check-in.vtt", vtt.as_bytes().to_vec())
        .await;
    assert_eq!(status, 202, "{body}");
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");

    let (status, transcript) = app
        .get(&token, &format!("/v1/sessions/{session}/transcript"))
        .await;
    assert_eq!(status, 200, "{transcript}");
    assert_eq!(transcript["generation"], 1);
    let turns = transcript["utterances"].as_array().expect("utterances");
    assert_eq!(turns.len(), 2, "{transcript}");
    assert_eq!(turns[0]["speaker"], "Dana Whitfield");
    assert_eq!(turns[0]["start_ms"], 1000);
    assert_eq!(turns[0]["end_ms"], 4500);
    assert_eq!(turns[1]["speaker"], "Tobias Renner");
    assert_eq!(turns[1]["text"], "Better than I feared, honestly.");

    // Another coach cannot read it.
    let (_, other) = app.coach("erin@example.com", "Erin Other").await;
    let (status, _) = app
        .get(&other, &format!("/v1/sessions/{session}/transcript"))
        .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn sessions_list_with_their_participants_filtered_by_status_and_client() {
    let app = app().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let tobias = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let ana = app
        .create_client(&token, "Ana Silva", "ana@example.com")
        .await;
    let with_tobias = app
        .create_session(
            &token,
            "With Tobias",
            "2026-09-08T09:00:00Z",
            &[(&tobias, None)],
        )
        .await;
    let group = app
        .create_session(
            &token,
            "Group",
            "2026-09-09T09:00:00Z",
            &[(&tobias, None), (&ana, None)],
        )
        .await;
    let (status, body) = app
        .upload(
            &token,
            &group,
            "group.txt",
            b"Dana Whitfield: Hello both.\nAna Silva: Hi.\n".to_vec(),
        )
        .await;
    assert_eq!(status, 202, "{body}");

    let titles = |page: &serde_json::Value| -> Vec<String> {
        page["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|s| s["title"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let (status, all) = app.get(&token, "/v1/sessions").await;
    assert_eq!(status, 200, "{all}");
    assert_eq!(titles(&all), vec!["Group", "With Tobias"]);
    let names: Vec<&str> = all["items"][0]["participants"]
        .as_array()
        .expect("participants")
        .iter()
        .filter_map(|p| p["name"].as_str())
        .collect();
    assert_eq!(names, vec!["Ana Silva", "Tobias Renner"]);

    let (_, of_ana) = app
        .get(&token, &format!("/v1/sessions?client_id={ana}"))
        .await;
    assert_eq!(titles(&of_ana), vec!["Group"]);
    let (_, waiting) = app
        .get(&token, "/v1/sessions?status=awaiting_transcript")
        .await;
    assert_eq!(titles(&waiting), vec!["With Tobias"], "{waiting}");
    let (_, both) = app
        .get(
            &token,
            &format!("/v1/sessions?status=processing&client_id={tobias}&limit=1"),
        )
        .await;
    assert_eq!(titles(&both), vec!["Group"], "{both}");
    assert!(
        both.get("next_cursor").is_none_or(|c| c.is_null()),
        "{both}"
    );
    let _ = with_tobias;

    let (status, bad) = app.get(&token, "/v1/sessions?status=finished").await;
    assert_eq!(status, 400, "{bad}");
}
