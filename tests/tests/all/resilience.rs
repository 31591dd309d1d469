//! Retries, dead letters and redrive: no duplicate summary, draft or email.

use std::sync::Arc;
use std::time::Duration;

use flowcoach_core::pipeline;
use flowcoach_core::store::Executor;
use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};
use uuid::Uuid;

use crate::support::{
    uploaded_session, wait_until_ready_never_failed, FlakyAnalyst, InstantEmbedder,
    InterruptedEmbedder, ScriptedAnalyst,
};

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

#[tokio::test]
async fn a_stage_that_outlives_its_lease_runs_once_and_never_shows_failed() {
    // Three leases long, with a second worker idle beside it and only two
    // attempts: without renewal the idle worker would take the job over.
    let lease = Duration::from_millis(1500);
    let analyst = ScriptedAnalyst::taking(lease * 3);
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        visibility_timeout: lease,
        max_attempts: 2,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn { token, session, .. } = app.check_in_with("s03.srt").await;

    wait_until_ready_never_failed(&app, &token, &session, Duration::from_secs(120)).await;
    assert_eq!(analyst.calls(), 1, "the analyse stage ran once");
    let attempts = app
        .count(
            "SELECT attempts::bigint FROM jobs WHERE queue = 'stage-analyse'",
            &[],
        )
        .await;
    assert_eq!(attempts, 1, "a renewed lease is not a new attempt");
    assert_eq!(
        app.count("SELECT count(*) FROM jobs WHERE status <> 'done'", &[])
            .await,
        0
    );
    assert_eq!(app.outbox().len(), 1);
}

#[tokio::test]
async fn a_panicking_stage_fails_only_its_session_and_the_workers_live_on() {
    let analyst = ScriptedAnalyst::taking(Duration::ZERO);
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        // Long enough that a loaded machine never lets a lease lapse: this test is about panics.
        visibility_timeout: Duration::from_secs(30),
        ..TestAppOptions::default()
    })
    .await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    // One poisoned session per worker: each would kill the worker that runs it.
    let poisoned = [
        uploaded_session(&app, &token, &client, "Poison one", 1).await,
        uploaded_session(&app, &token, &client, "Poison two", 2).await,
    ];
    for session in &poisoned {
        let failed = app
            .wait_until_settled(&token, session, Duration::from_secs(60))
            .await;
        assert_eq!(failed["status"], "failed", "{failed}");
        assert_eq!(failed["failure_stage"], "analyse");
        let reason = failed["failure_reason"].as_str().unwrap();
        assert!(
            reason.contains("internal error") && reason.contains("reprocess"),
            "{reason}"
        );
        let row = app
            .db
            .pool
            .get()
            .await
            .unwrap()
            .fetch_one(
                "SELECT status::text, attempts FROM jobs WHERE queue = 'stage-analyse' AND payload->>'session_id' = $1",
                &[session],
            )
            .await
            .unwrap();
        let (status, attempts): (String, i32) = (row.get(0), row.get(1));
        assert_eq!((status.as_str(), attempts), ("dead", 1), "not retried");
    }
    assert_eq!(analyst.calls(), 2, "each poisoned session ran once");

    let healthy = uploaded_session(&app, &token, &client, "Check-in", 3).await;
    let settled = app
        .wait_until_settled(&token, &healthy, Duration::from_secs(60))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
}

#[tokio::test]
async fn a_stage_past_its_deadline_fails_its_session_and_frees_the_worker() {
    let analyst = ScriptedAnalyst::hanging();
    // Every stage runs under this deadline; the others are quick well within it.
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        embedder: Arc::new(InstantEmbedder),
        stage_timeout: Duration::from_secs(3),
        max_attempts: 2,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn {
        token,
        session,
        client,
        ..
    } = app.check_in_with("s03.srt").await;

    let failed = app
        .wait_until_settled(&token, &session, Duration::from_secs(60))
        .await;
    assert_eq!(failed["status"], "failed", "{failed}");
    assert_eq!(failed["failure_stage"], "analyse");
    let reason = failed["failure_reason"].as_str().unwrap();
    assert!(
        reason.contains("did not finish within") && reason.contains("redrive"),
        "{reason}"
    );
    assert_eq!(
        analyst.calls(),
        2,
        "stopped at the deadline, then retried once"
    );
    assert_eq!(
        app.count("SELECT count(*) FROM jobs WHERE status = 'dead'", &[])
            .await,
        1
    );

    // The stuck calls were dropped with their stages: the workers are free.
    analyst
        .hang
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let next = uploaded_session(&app, &token, &client, "Next check-in", 1).await;
    let settled = app
        .wait_until_settled(&token, &next, Duration::from_secs(60))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
}

#[tokio::test]
async fn a_late_failure_of_a_finished_stage_does_not_fail_the_session() {
    let app = TestApp::spawn().await;
    let CheckIn {
        coach,
        token,
        session,
        ..
    } = app.check_in_with("s03.srt").await;
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(120))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");

    // An older attempt of the analyse stage gives up after another one finished it.
    let late = flowcoach_core::ports::StageMessage {
        stage: flowcoach_core::domain::PipelineStage::Analyse,
        coach_id: coach,
        session_id: Uuid::parse_str(&session).unwrap(),
        generation: 1,
        request_id: None,
    };
    app.runtime
        .pipeline
        .fail_session(&late, "the analyse step failed 5 times")
        .await
        .unwrap();
    let (_, status) = app
        .get(&token, &format!("/v1/sessions/{session}/status"))
        .await;
    assert_eq!(status["status"], "ready", "{status}");
}

#[tokio::test]
async fn a_runaway_session_holds_one_worker_and_the_others_keep_every_other_session_moving() {
    let analyst = ScriptedAnalyst::taking(Duration::ZERO);
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        ..TestAppOptions::default()
    })
    .await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let runaway = uploaded_session(&app, &token, &client, "Endless marathon", 1).await;
    // Once the runaway session is in its analyse step, one of the two workers is busy with it.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        let (_, status) = app
            .get(&token, &format!("/v1/sessions/{runaway}/status"))
            .await;
        if status["stage"] == "analyse" && analyst.calls() >= 1 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{status}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Three more sessions still go all the way through on the other worker.
    for copy in 2..5 {
        let session = uploaded_session(&app, &token, &client, "Check-in", copy).await;
        wait_until_ready_never_failed(&app, &token, &session, Duration::from_secs(120)).await;
    }
    let (_, status) = app
        .get(&token, &format!("/v1/sessions/{runaway}/status"))
        .await;
    assert_eq!(status["status"], "processing", "{status}");
}

/// Embedding commits batch by batch: a stage cut off after its first batch is
/// taken up again from there, and every chunk's vector is computed and stored
/// exactly once.
#[tokio::test]
async fn an_embedding_stage_cut_off_mid_way_resumes_from_its_last_committed_batch() {
    let embedder = InterruptedEmbedder::failing_call(2);
    let app = TestApp::spawn_with(TestAppOptions {
        embedder: embedder.clone(),
        ..TestAppOptions::default()
    })
    .await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client = app
        .create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let session = app
        .create_session(
            &token,
            "Long check-in",
            crate::support::HELD_AT,
            &[(client.as_str(), None)],
        )
        .await;
    // Three sittings of a plain-text session: well over two batches of chunks.
    let one = flowcoach_tests::fixtures::shared_transcript("s04.txt");
    let transcript = [one.as_slice(), b"\n", one.as_slice(), b"\n", one.as_slice()].concat();
    let (status, body) = app.upload(&token, &session, "long.txt", transcript).await;
    assert_eq!(status, 202, "{body}");

    wait_until_ready_never_failed(&app, &token, &session, Duration::from_secs(180)).await;
    let session_id = Uuid::parse_str(&session).unwrap();
    let chunks = app
        .count(
            "SELECT count(*) FROM transcript_chunks WHERE session_id = $1",
            &[&session_id],
        )
        .await;
    assert!(chunks > 16, "{chunks} chunks: one batch, nothing to resume");
    let stored = app
        .count(
            "SELECT count(*) FROM chunk_embeddings WHERE session_id = $1",
            &[&session_id],
        )
        .await;
    assert_eq!(stored, chunks, "every chunk has its vector");
    assert!(
        embedder.calls() >= 3,
        "the second call failed and the stage went on"
    );
    // Every chunk once, plus the summary once: the first batch was not redone.
    let embedded = embedder.embedded.load(std::sync::atomic::Ordering::SeqCst);
    assert_eq!(embedded as i64, chunks + 1);
}
