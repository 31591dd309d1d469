//! The whole pipeline on one machine: upload → chunk → analyse → embed → notify.

use std::time::Duration;

use flowcoach_core::domain::PipelineStage;
use flowcoach_core::pipeline::StageOutcome;
use flowcoach_core::ports::StageMessage;
use flowcoach_core::store::sessions;
use flowcoach_tests::fixtures::shared_transcript;
use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};
use uuid::Uuid;

use crate::support::HELD_AT;

const SETTLE: Duration = Duration::from_secs(180);

#[tokio::test]
async fn an_uploaded_transcript_ends_ready_with_summary_commitments_and_one_draft() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let tobias = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Weekly check-in",
            HELD_AT,
            &[(&tobias, Some("Tobias Renner"))],
        )
        .await;

    let (status, body) = app
        .upload(&token, &session, "s01.vtt", shared_transcript("s01.vtt"))
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["status"], "processing");

    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(settled["unmatched_speakers"], serde_json::json!([]));

    let (status, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    assert_eq!(status, 200, "{summary}");
    assert!(!summary["content"]["overview"]
        .as_str()
        .unwrap_or_default()
        .is_empty());
    assert!(!summary["content"]["themes"].as_array().unwrap().is_empty());
    let commitments = summary["content"]["commitments"].as_array().unwrap();
    assert!(!commitments.is_empty(), "{summary}");
    assert!(commitments
        .iter()
        .any(|c| c["client_id"] == tobias.as_str()));
    let speakers = summary["metrics"]["speakers"].as_array().unwrap();
    assert_eq!(speakers.len(), 2);

    let (status, drafts) = app
        .get(&token, &format!("/v1/sessions/{session}/follow-ups"))
        .await;
    assert_eq!(status, 200);
    let drafts = drafts["items"].as_array().unwrap();
    assert_eq!(drafts.len(), 1, "{drafts:?}");
    assert_eq!(drafts[0]["client_id"], tobias.as_str());
    assert_eq!(drafts[0]["status"], "draft");
    assert!(drafts[0]["body"].as_str().unwrap().contains("Tobias"));

    let session_id = Uuid::parse_str(&session).unwrap();
    let chunks = app
        .count(
            "SELECT count(*) FROM transcript_chunks WHERE session_id = $1",
            &[&session_id],
        )
        .await;
    let vectors = app
        .count(
            "SELECT count(*) FROM chunk_embeddings WHERE session_id = $1",
            &[&session_id],
        )
        .await;
    assert!(chunks >= 5, "{chunks} chunks");
    assert_eq!(vectors, chunks);
    assert_eq!(
        app.count(
            "SELECT count(*) FROM summary_embeddings WHERE session_id = $1",
            &[&session_id]
        )
        .await,
        1
    );

    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: dana@example.com"));
    // The notice quotes no client words and no client name.
    assert!(!mails[0].contains("Tobias"));
    assert!(!mails[0].contains("phone booth"));
    // Its link opens in a browser, without a token, and shows no session data.
    let link = mails[0]
        .lines()
        .find(|line| line.starts_with("http") && line.contains("/sessions/"))
        .expect("the notice links to the session")
        .trim();
    assert_eq!(link, app.url(&format!("/sessions/{session}")));
    let page = app.http.get(link).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains(&session), "{html}");
    assert!(!html.contains("Tobias") && !html.contains("phone booth"));
}

/// A group session in which one member describes a physical emergency and
/// another only jokes: every draft is held, the member at risk gets the
/// careful note, and the coach's notice counts the flag without quoting.
#[tokio::test]
async fn an_urgent_flag_holds_every_draft_and_the_notice_counts_it() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("ines@example.com", "Ines Carvalho").await;
    let rafael = app
        .create_client(&token, "Rafael Duarte", "rafael@example.com")
        .await;
    let noor = app
        .create_client(&token, "Noor Haddad", "noor@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Running group",
            HELD_AT,
            &[(&rafael, Some("Rafael")), (&noor, Some("Noor"))],
        )
        .await;
    let transcript = "\
Ines: Welcome back, both of you. How did the week go?
Rafael: Not great. On Thursday's hill run I had a heavy pressure across my chest that spread into my left arm, and I had to sit on the kerb.
Ines: Is it happening now?
Rafael: No, it stopped after ten minutes. It came back on the stairs this morning though.
Ines: Rafael, that needs a doctor today. Will you call your surgery once we hang up?
Rafael: Yes, I'll call them once we hang up.
Noor: This heat is killing me on the long runs, honestly.
Noor: I'll send you both the route for Saturday by Friday.
Ines: Thank you, Noor. I'll check in with each of you tomorrow.
";
    let (status, body) = app
        .upload(
            &token,
            &session,
            "running-group.txt",
            transcript.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");

    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    let flags = summary["content"]["risk_flags"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "{flags:#?}");
    assert_eq!(flags[0]["category"], "medical_red_flag");
    assert_eq!(flags[0]["severity"], "urgent");
    assert_eq!(flags[0]["client_id"], rafael.as_str());
    assert!(flags[0]["guidance"]
        .as_str()
        .unwrap()
        .contains("emergency services"));

    let (_, drafts) = app
        .get(&token, &format!("/v1/sessions/{session}/follow-ups"))
        .await;
    let drafts = drafts["items"].as_array().unwrap();
    assert_eq!(drafts.len(), 2);
    for draft in drafts {
        assert_eq!(draft["needs_review"], true, "{draft}");
        let reason = draft["review_reason"].as_str().unwrap();
        assert!(reason.contains("1 urgent risk flag"), "{reason}");
        assert!(
            !reason.contains("chest") && !reason.contains("Rafael"),
            "{reason}"
        );
    }
    let careful = drafts
        .iter()
        .find(|d| d["client_id"] == rafael.as_str())
        .unwrap();
    let careful_body = careful["body"].as_str().unwrap();
    assert!(
        careful_body.contains("emergency services"),
        "{careful_body}"
    );
    assert!(
        !careful_body.contains("chest"),
        "quotes nothing: {careful_body}"
    );
    let usual = drafts
        .iter()
        .find(|d| d["client_id"] == noor.as_str())
        .unwrap();
    assert!(!usual["body"]
        .as_str()
        .unwrap()
        .contains("emergency services"));

    let mails = app.outbox();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("1 urgent risk flag"), "{}", mails[0]);
    assert!(mails[0].contains("Needs attention"), "{}", mails[0]);
    for words in ["chest", "Rafael", "Noor", "arm"] {
        assert!(
            !mails[0].contains(words),
            "the notice quotes {words}: {}",
            mails[0]
        );
    }
}

#[tokio::test]
async fn a_group_session_gets_one_draft_per_attending_client() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let mut participants = Vec::new();
    for name in ["Tobias Renner", "Helen Achterberg", "Nkechi Obiora"] {
        let email = format!(
            "{}@example.com",
            name.split(' ').next().unwrap().to_lowercase()
        );
        participants.push(app.create_client(&token, name, &email).await);
    }
    let labelled: Vec<(&str, Option<&str>)> =
        participants.iter().map(|id| (id.as_str(), None)).collect();
    let session = app
        .create_session(
            &token,
            "Leadership circle",
            "2026-09-24T08:00:00Z",
            &labelled,
        )
        .await;
    app.upload(&token, &session, "s02.vtt", shared_transcript("s02.vtt"))
        .await;
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");

    let (_, drafts) = app
        .get(&token, &format!("/v1/sessions/{session}/follow-ups"))
        .await;
    let mut clients: Vec<String> = drafts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["client_id"].as_str().unwrap().to_owned())
        .collect();
    clients.sort();
    let mut expected = participants.clone();
    expected.sort();
    assert_eq!(clients, expected);
}

#[tokio::test]
async fn a_redelivered_message_changes_nothing_and_a_reprocess_makes_a_new_generation() {
    let app = TestApp::spawn().await;
    let CheckIn {
        coach,
        token,
        session,
        ..
    } = app.check_in_with("s03.srt").await;
    assert_eq!(
        app.wait_until_settled(&token, &session, SETTLE).await["status"],
        "ready"
    );
    let session_id = Uuid::parse_str(&session).unwrap();

    // Every stage delivered again for the same generation: all find their work done.
    for stage in PipelineStage::ALL {
        let message = StageMessage {
            stage,
            coach_id: coach,
            session_id,
            generation: 1,
            request_id: None,
        };
        let outcome = app
            .runtime
            .pipeline
            .run(&message)
            .await
            .expect("redelivery succeeds");
        assert_eq!(outcome, StageOutcome::AlreadyDone, "{stage}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        app.count(
            "SELECT count(*) FROM summary_versions WHERE session_id = $1",
            &[&session_id]
        )
        .await,
        1
    );
    assert_eq!(
        app.count(
            "SELECT count(*) FROM follow_ups WHERE session_id = $1",
            &[&session_id]
        )
        .await,
        1
    );
    assert_eq!(app.outbox().len(), 1);

    let (status, body) = app
        .post(
            &token,
            &format!("/v1/sessions/{session}/reprocess"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    assert_eq!(body["generation"], 2);
    assert_eq!(
        app.wait_until_settled(&token, &session, SETTLE).await["status"],
        "ready"
    );
    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    assert_eq!(summary["version"], 2);
    assert_eq!(summary["generation"], 2);
    let (_, drafts) = app
        .get(&token, &format!("/v1/sessions/{session}/follow-ups"))
        .await;
    let statuses: Vec<(i64, String)> = drafts["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["generation"].as_i64().unwrap(),
                d["status"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        vec![(2, "draft".to_owned()), (1, "cancelled".to_owned())]
    );
    let old_chunks = app
        .count(
            "SELECT count(*) FROM transcript_chunks WHERE session_id = $1 AND generation = 1",
            &[&session_id],
        )
        .await;
    assert_eq!(
        old_chunks, 0,
        "chunks of the superseded generation are removed"
    );
}

#[tokio::test]
async fn the_analyse_stage_uses_what_chunk_stored_and_reads_no_transcript() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn {
        coach,
        token,
        session,
        ..
    } = app.check_in_with("s01.vtt").await;
    let session_id = Uuid::parse_str(&session).unwrap();
    let message = |stage| StageMessage {
        stage,
        coach_id: coach,
        session_id,
        generation: 1,
        request_id: None,
    };
    let pipeline = &app.runtime.pipeline;
    let chunked = pipeline.run(&message(PipelineStage::Chunk)).await;
    assert_eq!(chunked.expect("chunk runs"), StageOutcome::Completed);

    // Chunk has parsed the transcript once; from here on the object is not read.
    let key = {
        let db = app.runtime.db.get().await.unwrap();
        let stored = sessions::get(&db, coach, session_id)
            .await
            .unwrap()
            .unwrap();
        stored.transcript.expect("a transcript").object_key
    };
    pipeline.objects.delete(&key).await.expect("object deleted");

    let analysed = pipeline.run(&message(PipelineStage::Analyse)).await;
    assert_eq!(
        analysed.expect("analyse runs without the transcript object"),
        StageOutcome::Completed
    );
    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    assert_eq!(summary["generation"], 1, "{summary}");
    assert!(
        summary["content"]["commitments"]
            .as_array()
            .is_some_and(|c| !c.is_empty()),
        "the analysis saw the utterances: {summary}"
    );
}

#[tokio::test]
async fn unmatched_speakers_are_listed_then_fixed_with_participants_and_reprocessed() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("priya@example.com", "Priya Raman").await;
    let lucia = app
        .create_client(&token, "Lucía Ferreyra", "lucia@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Career session",
            "2026-10-07T15:00:00Z",
            &[(&lucia, None)],
        )
        .await;
    app.upload(&token, &session, "s10.srt", shared_transcript("s10.srt"))
        .await;
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(
        settled["unmatched_speakers"],
        serde_json::json!(["Speaker 1", "Speaker 2"])
    );
    let lucia_commitments = |summary: &serde_json::Value| {
        summary["content"]["commitments"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["client_id"] == lucia.as_str())
            .count()
    };
    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    assert_eq!(
        lucia_commitments(&summary),
        0,
        "no speaker is known to be Lucía yet"
    );

    let (status, body) = app
        .send(
            app.http
                .put(app.url(&format!("/v1/sessions/{session}/participants")))
                .bearer_auth(&token)
                .json(&serde_json::json!({
                    "coach_speaker_label": "Speaker 1",
                    "participants": [{"client_id": lucia, "speaker_label": "Speaker 2"}]
                })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["participants"][0]["speaker_label"], "Speaker 2");

    let (status, _) = app
        .post(
            &token,
            &format!("/v1/sessions/{session}/reprocess"),
            &serde_json::json!({}),
        )
        .await;
    assert_eq!(status, 202);
    let settled = app.wait_until_settled(&token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(settled["unmatched_speakers"], serde_json::json!([]));
    let (_, drafts) = app
        .get(&token, &format!("/v1/sessions/{session}/follow-ups"))
        .await;
    let current: Vec<&serde_json::Value> = drafts["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["generation"] == 2)
        .collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["client_id"], lucia.as_str());
    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    assert!(lucia_commitments(&summary) >= 3, "{summary}");
}

#[tokio::test]
async fn deleting_a_session_removes_its_transcript_and_everything_derived() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("marcus@example.com", "Marcus Oyelaran").await;
    let janine = app
        .create_client(&token, "Janine Poulter", "janine@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Health session",
            "2026-09-14T10:00:00Z",
            &[(&janine, None)],
        )
        .await;
    app.upload(&token, &session, "s05.vtt", shared_transcript("s05.vtt"))
        .await;
    assert_eq!(
        app.wait_until_settled(&token, &session, SETTLE).await["status"],
        "ready"
    );
    let session_id = Uuid::parse_str(&session).unwrap();
    let object = app
        .data_dir
        .path()
        .join(format!("objects/transcripts/{coach}/{session}.vtt"));
    assert!(object.exists(), "{} should exist", object.display());

    let (status, _) = app.delete(&token, &format!("/v1/sessions/{session}")).await;
    assert_eq!(status, 204);
    assert!(!object.exists());
    for table in [
        "transcript_chunks",
        "transcript_utterances",
        "chunk_embeddings",
        "summary_versions",
        "follow_ups",
        "commitments",
        "client_sessions",
    ] {
        let sql = format!("SELECT count(*) FROM {table} WHERE session_id = $1");
        assert_eq!(app.count(&sql, &[&session_id]).await, 0, "{table}");
    }
    let (status, _) = app.get(&token, &format!("/v1/sessions/{session}")).await;
    assert_eq!(status, 404);
}
