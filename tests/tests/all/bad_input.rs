//! Bad transcripts end as `failed` sessions with a reason, or as a clear
//! problem+json, never as a panic or a lost file.

use std::time::Duration;

use flowcoach_tests::TestApp;

use crate::support::HELD_AT;

async fn upload_and_settle(
    app: &TestApp,
    token: &str,
    filename: &str,
    bytes: Vec<u8>,
) -> serde_json::Value {
    let session = app.create_session(token, "Bad input", HELD_AT, &[]).await;
    let (status, body) = app.upload(token, &session, filename, bytes).await;
    assert_eq!(status, 202, "{body}");
    app.wait_until_settled(token, &session, Duration::from_secs(60))
        .await
}

#[tokio::test]
async fn garbage_binary_and_nul_ridden_transcripts_fail_with_actionable_reasons() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "notes.txt",
            b"Just some notes about the week without any speakers at all.\nAnother line.".to_vec(),
            "speaker",
        ),
        (
            "a.vtt",
            [
                b"WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.000\nDana: hi\0\0\0\0".as_slice(),
                &[0u8; 64],
            ]
            .concat(),
            "NUL",
        ),
        (
            "recording.vtt",
            [b"ID3\x04\x00".as_slice(), &[0xffu8; 512]].concat(),
            "audio",
        ),
        ("empty.vtt", b"WEBVTT\n\n".to_vec(), "no"),
    ];
    for (filename, bytes, expected) in cases {
        let settled = upload_and_settle(&app, &token, filename, bytes).await;
        assert_eq!(settled["status"], "failed", "{filename}: {settled}");
        assert_eq!(settled["failure_stage"], "chunk");
        let reason = settled["failure_reason"].as_str().unwrap();
        assert!(
            reason.to_lowercase().contains(&expected.to_lowercase()),
            "{filename}: {reason}"
        );
    }
}

#[tokio::test]
async fn an_empty_or_oversize_upload_is_refused_with_problem_json() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let session = app
        .create_session(&token, "Upload limits", HELD_AT, &[])
        .await;

    let (status, problem) = app.upload(&token, &session, "a.vtt", Vec::new()).await;
    assert_eq!(status, 422, "{problem}");
    assert!(problem["request_id"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));

    let (status, problem) = app
        .upload(&token, &session, "a.vtt", vec![b'a'; 4 * 1024 * 1024 + 10])
        .await;
    assert_eq!(status, 413, "{problem}");
    assert_eq!(problem["status"], 413);
    let (_, body) = app
        .get(&token, &format!("/v1/sessions/{session}/status"))
        .await;
    assert_eq!(
        body["status"], "awaiting_transcript",
        "a refused upload changes nothing"
    );
}

#[tokio::test]
async fn every_supported_format_reaches_ready() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("sam@example.com", "Sam Coach").await;
    app.create_client(&token, "Robin Client", "robin@example.com")
        .await;
    let json = serde_json::json!([
        {"speaker": "Sam Coach", "start": 0.5, "end": 4.0, "text": "What would you like to focus on today?"},
        {"speaker": "Robin Client", "start": 4.2, "end": 12.0, "text": "My workload. I'll talk to my manager about priorities tomorrow."},
        {"speaker": "Sam Coach", "start": 12.5, "end": 15.0, "text": "How will you open that conversation?"},
        {"speaker": "Robin Client", "start": 15.2, "end": 22.0, "text": "With the list of projects. I'm going to write it down tonight."}
    ]);
    let bom_crlf_vtt = "\u{feff}WEBVTT\r\n\r\nNOTE exported\r\n\r\nSTYLE\r\n::cue { color: white }\r\n\r\n00:01.000 --> 00:04.000 align:start\r\n<v Sam Coach>What would you like to focus on?</v>\r\n\r\n00:04.500 --> 00:09.000\r\n<v Robin Client>Sleep. I'll stop screens after ten from tonight.</v>\r\n";
    let stamped_text = "[00:00:01] Sam Coach: How was the week?\n[00:00:05] Robin Client: Busy. I will book a doctor's appointment on Friday.\n";
    let srt = "1\n00:00:01,000 --> 00:00:03,000\nSam Coach: How are you?\n\n2\n00:00:03,500 --> 00:00:08,000\nRobin Client: Tired. I'm going to go to bed earlier tonight.\n";
    let utf16: Vec<u8> = [0xFFu8, 0xFE]
        .into_iter()
        .chain(stamped_text.encode_utf16().flat_map(|u| u.to_le_bytes()))
        .collect();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("a.json", serde_json::to_vec(&json).unwrap()),
        ("b.vtt", bom_crlf_vtt.as_bytes().to_vec()),
        ("c.txt", stamped_text.as_bytes().to_vec()),
        ("d.srt", srt.as_bytes().to_vec()),
        ("e.txt", utf16),
    ];
    for (filename, bytes) in cases {
        let settled = upload_and_settle(&app, &token, filename, bytes).await;
        assert_eq!(settled["status"], "ready", "{filename}: {settled}");
        assert_eq!(
            settled["unmatched_speakers"],
            serde_json::json!([]),
            "{filename}"
        );
    }
}

#[tokio::test]
async fn a_nul_character_in_any_text_field_is_refused_naming_the_field() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let cases = [
        ("name", serde_json::json!({"name": "Tobias\u{0}Renner"})),
        (
            "notes",
            serde_json::json!({"name": "Tobias", "notes": "fine\u{0}"}),
        ),
        (
            "tags",
            serde_json::json!({"name": "Tobias", "tags": ["ok", "bad\u{0}"]}),
        ),
    ];
    for (field, body) in cases {
        let (status, problem) = app.post(&token, "/v1/clients", &body).await;
        assert_eq!(status, 422, "{field}: {problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    assert_eq!(app.count("SELECT count(*) FROM clients", &[]).await, 0);

    let client = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let response = app
        .http
        .patch(app.url(&format!("/v1/clients/{client}")))
        .bearer_auth(&token)
        .json(&serde_json::json!({"notes": "x\u{0}y"}));
    let (status, problem) = app.send(response).await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "notes", "{problem}");

    let (status, problem) = app
        .post(
            &token,
            "/v1/sessions",
            &serde_json::json!({"title": "Check\u{0}in", "held_at": HELD_AT}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "title", "{problem}");
    assert_eq!(app.count("SELECT count(*) FROM sessions", &[]).await, 0);
}

#[tokio::test]
async fn a_body_that_is_not_a_json_object_is_refused_and_changes_nothing() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    // serde reads a struct from an array of its fields in order: `[null, null]`
    // was taken as an empty PATCH, `["Tobias"]` as a client named Tobias.
    for body in [serde_json::json!([null, null]), serde_json::json!(["UTC"])] {
        let request = app
            .http
            .patch(app.url("/v1/me"))
            .bearer_auth(&token)
            .json(&body);
        let (status, problem) = app.send(request).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert_eq!(problem["detail"], "The body must be a JSON object.");
    }
    let (status, problem) = app
        .post(&token, "/v1/clients", &serde_json::json!(["Tobias Renner"]))
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(app.count("SELECT count(*) FROM clients", &[]).await, 0);
    for body in ["\"text\"", "42", "null"] {
        let request = app
            .http
            .post(app.url("/v1/clients"))
            .bearer_auth(&token)
            .header("Content-Type", "application/json")
            .body(body);
        let (status, _) = app.send(request).await;
        assert_eq!(status, 422, "{body}");
    }
}
