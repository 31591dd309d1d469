//! Retries, dead letters and redrive: no duplicate summary, draft or email.

use std::time::Duration;

use flowcoach_core::pipeline;
use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};
use uuid::Uuid;

use crate::support::FlakyAnalyst;

#[tokio::test]
async fn a_stage_that_fails_twice_then_succeeds_leaves_one_summary_and_one_email() {
    let analyst = FlakyAnalyst::failing_first(2);
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn { token, session, .. } = app.check_in_with("s01.vtt").await;

    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(180))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(analyst.calls.load(std::sync::atomic::Ordering::SeqCst), 3);
    let session_id = Uuid::parse_str(&session).unwrap();
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
    assert_eq!(
        app.count("SELECT count(*) FROM emails WHERE status = 'sent'", &[])
            .await,
        1
    );
    assert_eq!(app.outbox().len(), 1);
    let attempts = app
        .count("SELECT attempts::bigint FROM jobs WHERE queue = 'stage-analyse' AND payload->>'session_id' = $1", &[&session])
        .await;
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn a_dead_letter_fails_the_session_then_comes_back_with_redrive_and_completes() {
    let analyst = FlakyAnalyst::broken();
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        max_attempts: 2,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn { token, session, .. } = app.check_in_with("s03.srt").await;

    let failed = app
        .wait_until_settled(&token, &session, Duration::from_secs(120))
        .await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["failure_stage"], "analyse");
    let reason = failed["failure_reason"].as_str().unwrap();
    assert!(
        reason.contains("failed 2 times") && reason.contains("redrive"),
        "{reason}"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM jobs WHERE status = 'dead'", &[])
            .await,
        1
    );
    assert!(app.outbox().is_empty());

    analyst.repair();
    let redriven = pipeline::redrive(&app.runtime.db, None)
        .await
        .expect("redrive");
    assert_eq!(redriven, 1);
    app.runtime.wake.notify_waiters();
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(180))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(
        app.count("SELECT count(*) FROM jobs WHERE status = 'dead'", &[])
            .await,
        0
    );
    assert_eq!(app.outbox().len(), 1);
}
