//! The stage Lambdas' handler: SQS events from `events/` in, partial batch failures out.

use aws_lambda_events::event::sqs::SqsBatchResponse;
use aws_lambda_events::event::sqs::SqsEvent;
use flowcoach_core::aws::lambda::stage::StageHandler;
use flowcoach_core::domain::PipelineStage;
use flowcoach_core::runtime::local::LocalRuntime;
use flowcoach_tests::fixtures::{shared_transcript, workspace_root};
use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};

use crate::support::{uploaded_session, FlakyAnalyst, ScriptedAnalyst, HELD_AT};

async fn handle_batch(
    runtime: &LocalRuntime,
    stage: PipelineStage,
    event: SqsEvent,
) -> SqsBatchResponse {
    let handler = StageHandler {
        pipeline: &runtime.pipeline,
        ingest: &runtime.ingest,
        stage,
        max_receive_count: 5,
        stage_timeout: std::time::Duration::from_secs(120),
    };
    handler.handle(event, None).await
}

fn sample_event(stage: PipelineStage, coach: &str, session: &str) -> SqsEvent {
    let path = workspace_root().join(format!("events/sqs-stage-{stage}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let text = text
        .replace("{{coach_id}}", coach)
        .replace("{{session_id}}", session);
    serde_json::from_str(&text).expect("sample event parses as an SQS event")
}

#[tokio::test]
async fn sample_sqs_events_drive_every_stage_and_report_only_retryable_failures() {
    let analyst = FlakyAnalyst::failing_first(1);
    let app = TestApp::spawn_with(TestAppOptions {
        analyst,
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn {
        coach,
        token,
        session,
        ..
    } = app.check_in_with("s03.srt").await;
    let runtime = &app.runtime;
    let coach = coach.to_string();

    let chunk = handle_batch(
        runtime,
        PipelineStage::Chunk,
        sample_event(PipelineStage::Chunk, &coach, &session),
    )
    .await;
    assert!(chunk.batch_item_failures.is_empty());

    // The analyst times out once: the record is reported for redelivery, then succeeds.
    let event = sample_event(PipelineStage::Analyse, &coach, &session);
    let message_id = event.records[0].message_id.clone().unwrap();
    let failed = handle_batch(runtime, PipelineStage::Analyse, event.clone()).await;
    assert_eq!(failed.batch_item_failures.len(), 1);
    assert_eq!(failed.batch_item_failures[0].item_identifier, message_id);
    assert!(handle_batch(runtime, PipelineStage::Analyse, event)
        .await
        .batch_item_failures
        .is_empty());

    for stage in [PipelineStage::Embed, PipelineStage::Notify] {
        let response = handle_batch(runtime, stage, sample_event(stage, &coach, &session)).await;
        assert!(response.batch_item_failures.is_empty(), "{stage}");
    }
    let (_, status) = app
        .get(&token, &format!("/v1/sessions/{session}/status"))
        .await;
    assert_eq!(status["status"], "ready", "{status}");
    assert_eq!(app.outbox().len(), 1);

    // A redelivered notify event sends nothing more.
    let again = handle_batch(
        runtime,
        PipelineStage::Notify,
        sample_event(PipelineStage::Notify, &coach, &session),
    )
    .await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(app.outbox().len(), 1);
}

#[tokio::test]
async fn a_permanent_failure_fails_the_session_at_once_instead_of_burning_retries() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let session = app.create_session(&token, "Binary", HELD_AT, &[]).await;
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend([0u8; 256]);
    app.upload(&token, &session, "x.vtt", png).await;
    let response = handle_batch(
        &app.runtime,
        PipelineStage::Chunk,
        sample_event(PipelineStage::Chunk, &coach.to_string(), &session),
    )
    .await;
    assert!(response.batch_item_failures.is_empty(), "not retried");
    let (_, status) = app
        .get(&token, &format!("/v1/sessions/{session}/status"))
        .await;
    assert_eq!(status["status"], "failed");
    assert_eq!(status["failure_stage"], "chunk");
}

#[tokio::test]
async fn a_panicking_record_fails_its_session_and_the_rest_of_the_batch_succeeds() {
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: ScriptedAnalyst::taking(std::time::Duration::ZERO),
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let coach = coach.to_string();
    let poisoned = uploaded_session(&app, &token, &client, "Poison", 1).await;
    let healthy = uploaded_session(&app, &token, &client, "Check-in", 2).await;
    for session in [&poisoned, &healthy] {
        let chunked = handle_batch(
            &app.runtime,
            PipelineStage::Chunk,
            sample_event(PipelineStage::Chunk, &coach, session),
        )
        .await;
        assert!(chunked.batch_item_failures.is_empty());
    }

    // One batch: the poisoned record first, the healthy one after it.
    let mut batch = sample_event(PipelineStage::Analyse, &coach, &poisoned);
    let mut second = sample_event(PipelineStage::Analyse, &coach, &healthy).records[0].clone();
    second.message_id = Some("second-record".into());
    batch.records.push(second);
    let response = handle_batch(&app.runtime, PipelineStage::Analyse, batch).await;
    assert!(
        response.batch_item_failures.is_empty(),
        "a panic is permanent: acknowledged, not redelivered"
    );

    let (_, failed) = app
        .get(&token, &format!("/v1/sessions/{poisoned}/status"))
        .await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["failure_stage"], "analyse");
    let reason = failed["failure_reason"].as_str().unwrap();
    assert!(reason.contains("internal error"), "{reason}");
    let (_, passed_on) = app
        .get(&token, &format!("/v1/sessions/{healthy}/status"))
        .await;
    assert_eq!(passed_on["status"], "processing", "{passed_on}");
    let healthy_id = uuid::Uuid::parse_str(&healthy).unwrap();
    assert_eq!(
        app.count(
            "SELECT count(*) FROM stage_runs WHERE stage = 'analyse' AND session_id = $1",
            &[&healthy_id]
        )
        .await,
        1,
        "the record after the panic was analysed"
    );
}

#[tokio::test]
async fn a_record_past_its_deadline_is_retried_and_fails_its_session_on_the_last_receive() {
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: ScriptedAnalyst::hanging(),
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn {
        coach,
        token,
        session,
        ..
    } = app.check_in_with("s03.srt").await;
    let coach = coach.to_string();
    let chunked = handle_batch(
        &app.runtime,
        PipelineStage::Chunk,
        sample_event(PipelineStage::Chunk, &coach, &session),
    )
    .await;
    assert!(chunked.batch_item_failures.is_empty());

    let handler = StageHandler {
        pipeline: &app.runtime.pipeline,
        ingest: &app.runtime.ingest,
        stage: PipelineStage::Analyse,
        max_receive_count: 1,
        stage_timeout: std::time::Duration::from_secs(120),
    };
    // The invocation has little time left: the stage must stop before it does.
    let invocation_deadline = std::time::SystemTime::now() + std::time::Duration::from_millis(1500);
    let event = sample_event(PipelineStage::Analyse, &coach, &session);
    let response = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        handler.handle(event, Some(invocation_deadline)),
    )
    .await
    .expect("the handler returned before the invocation's deadline");
    assert_eq!(
        response.batch_item_failures.len(),
        1,
        "a timeout may pass: retried"
    );
    let (_, status) = app
        .get(&token, &format!("/v1/sessions/{session}/status"))
        .await;
    assert_eq!(status["status"], "failed", "{status}");
    let reason = status["failure_reason"].as_str().unwrap();
    assert!(reason.contains("did not finish within"), "{reason}");
}

fn load(name: &str, replacements: &[(&str, &str)]) -> String {
    let path = workspace_root().join("events").join(name);
    let mut text =
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (from, to) in replacements {
        text = text.replace(from, to);
    }
    text
}

#[tokio::test]
async fn s3_notifications_in_sqs_register_the_transcript_once_and_skip_the_test_event() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    app.create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let coach = coach.to_string();

    let test_event: SqsEvent = serde_json::from_str(&load("sqs-s3-test-event.json", &[])).unwrap();
    assert!(handle_batch(&app.runtime, PipelineStage::Chunk, test_event)
        .await
        .batch_item_failures
        .is_empty());

    // The notification's key is URL-encoded; the object sits at the decoded key.
    let key = format!("transcripts/{coach}/Weekly check-in (Tobias).vtt");
    app.runtime
        .pipeline
        .objects
        .put(&key, shared_transcript("s01.vtt"), "text/vtt")
        .await
        .unwrap();
    let event_text = load("sqs-s3-object-created.json", &[("{{coach_id}}", &coach)]);
    for _ in 0..2 {
        let event: SqsEvent = serde_json::from_str(&event_text).unwrap();
        assert!(handle_batch(&app.runtime, PipelineStage::Chunk, event)
            .await
            .batch_item_failures
            .is_empty());
    }
    let (_, sessions) = app.get(&token, "/v1/sessions").await;
    let sessions = sessions["items"].as_array().unwrap();
    assert_eq!(sessions.len(), 1, "delivered twice, registered once");
    assert_eq!(sessions[0]["title"], "Weekly check in (Tobias)");
    assert_eq!(
        sessions[0]["transcript"]["format"], "web_vtt",
        "chunked in the same invocation"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM stage_runs WHERE stage = 'chunk'", &[])
            .await,
        1
    );
}

#[tokio::test]
async fn the_migration_custom_resource_reports_success_to_cloudformation() {
    use flowcoach_functions::custom_resource::CustomResourceEvent;
    use wiremock::matchers::{body_partial_json, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};
    let cloudformation = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(body_partial_json(
            serde_json::json!({"Status": "SUCCESS", "LogicalResourceId": "DatabaseMigrations"}),
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&cloudformation)
        .await;
    let response_url = format!("{}/cfn-response", cloudformation.uri());
    let event: CustomResourceEvent = serde_json::from_str(&load(
        "cfn-migrate-create.json",
        &[("{{response_url}}", &response_url)],
    ))
    .unwrap();
    assert!(event.wants_migration());
    event
        .respond(Ok("1 migration(s) applied".into()))
        .await
        .unwrap();
}
