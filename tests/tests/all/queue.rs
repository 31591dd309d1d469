//! The PostgreSQL job queue: leases, expiry, dedup.

use std::time::Duration;

use flowcoach_core::runtime::worker;
use flowcoach_core::store::{jobs, Executor};
use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};
use tokio_util::sync::CancellationToken;

use crate::support::ScriptedAnalyst;

#[tokio::test]
async fn a_job_whose_worker_died_is_picked_up_after_its_lease_expires() {
    // No background workers: this test plays the worker that dies.
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn { token, session, .. } = app.check_in_with("s03.srt").await;

    // The dying worker claims the chunk job with a short lease and never reports back.
    let db = app.db.pool.get().await.unwrap();
    let claimed = jobs::claim(&db, &["stage-chunk"], Duration::from_millis(800))
        .await
        .unwrap()
        .expect("a job");
    assert!(
        jobs::claim(&db, &["stage-chunk"], Duration::from_secs(30))
            .await
            .unwrap()
            .is_none(),
        "leased job is invisible"
    );
    tokio::time::sleep(Duration::from_millis(1000)).await;

    let mut settings = app.runtime.worker_settings.clone();
    settings.visibility_timeout = Duration::from_secs(60);
    while worker::run_once(&app.runtime.pipeline, &settings)
        .await
        .unwrap()
    {}
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(5))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    // The dead worker's late acknowledgement no longer counts.
    assert!(!jobs::ack(&db, &claimed).await.unwrap());
    // Its expired lease was an attempt: a worker that dies is a failure.
    assert_eq!(
        app.count(
            "SELECT attempts::bigint FROM jobs WHERE queue = 'stage-chunk'",
            &[]
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_worker_task_dropped_mid_stage_stops_renewing_and_its_job_is_taken_over() {
    let analyst = ScriptedAnalyst::hanging();
    let app = TestApp::spawn_with(TestAppOptions {
        analyst: analyst.clone(),
        background: false,
        visibility_timeout: Duration::from_millis(800),
        ..TestAppOptions::default()
    })
    .await;
    let CheckIn { token, session, .. } = app.check_in_with("s03.srt").await;
    let runtime = &app.runtime;
    let spawn_worker = |stop: &CancellationToken| {
        tokio::spawn(worker::run(
            runtime.pipeline.clone(),
            runtime.worker_settings.clone(),
            runtime.wake.clone(),
            stop.clone(),
        ))
    };
    let stop = CancellationToken::new();

    // This worker chunks the session, then hangs in the analyst and dies there.
    let dying = spawn_worker(&stop);
    for _ in 0..300 {
        if analyst.calls() == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(analyst.calls(), 1, "the analyse stage is running");
    dying.abort();
    assert!(dying.await.unwrap_err().is_cancelled());

    analyst
        .hang
        .store(false, std::sync::atomic::Ordering::SeqCst);
    let survivor = spawn_worker(&stop);
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(60))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(analyst.calls(), 2, "taken over once its lease ran out");
    assert_eq!(
        app.count(
            "SELECT attempts::bigint FROM jobs WHERE queue = 'stage-analyse'",
            &[]
        )
        .await,
        2,
        "the dead worker's attempt counts"
    );
    stop.cancel();
    survivor.await.unwrap();
}

#[tokio::test]
async fn a_message_already_waiting_is_not_enqueued_twice() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let db = app.db.pool.get().await.unwrap();
    let payload = serde_json::json!({"n": 1});
    assert!(
        jobs::enqueue(&db, "q", &payload, Some("k"), 3, Duration::ZERO)
            .await
            .unwrap()
    );
    assert!(
        !jobs::enqueue(&db, "q", &payload, Some("k"), 3, Duration::ZERO)
            .await
            .unwrap()
    );
    let job = jobs::claim(&db, &["q"], Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert!(jobs::ack(&db, &job).await.unwrap());
    // Once done, the same key may be enqueued again.
    assert!(
        jobs::enqueue(&db, "q", &payload, Some("k"), 3, Duration::ZERO)
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn a_failed_attempt_waits_for_its_backoff_and_the_last_one_goes_dead() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let db = app.db.pool.get().await.unwrap();
    jobs::enqueue(&db, "q", &serde_json::json!({}), None, 2, Duration::ZERO)
        .await
        .unwrap();
    let first = jobs::claim(&db, &["q"], Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    let outcome = jobs::fail(&db, &first, "boom", Duration::from_millis(300), false)
        .await
        .unwrap();
    assert_eq!(outcome, jobs::FailureOutcome::Requeued);
    assert!(
        jobs::claim(&db, &["q"], Duration::from_secs(30))
            .await
            .unwrap()
            .is_none(),
        "still backing off"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    let second = jobs::claim(&db, &["q"], Duration::from_secs(30))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(second.attempts, 2);
    assert_eq!(
        jobs::fail(&db, &second, "boom again", Duration::ZERO, false)
            .await
            .unwrap(),
        jobs::FailureOutcome::Dead
    );
    let dead = jobs::list_dead(&db, Some("q")).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].last_error.as_deref(), Some("boom again"));
}

/// An analyst that never answers in time: the stage is still running at shutdown.
struct StuckAnalyst;

#[async_trait::async_trait]
impl flowcoach_core::ai::analyst::Analyst for StuckAnalyst {
    async fn analyse(
        &self,
        _: &flowcoach_core::ai::analyst::AnalysisRequest,
    ) -> Result<flowcoach_core::ai::analyst::Analysis, flowcoach_core::ai::analyst::AnalystError>
    {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Err(flowcoach_core::ai::analyst::AnalystError::Transient(
            "gave up".into(),
        ))
    }
}

#[tokio::test]
async fn graceful_shutdown_gives_back_the_lease_of_a_running_stage() {
    let mut app = TestApp::spawn_with(TestAppOptions {
        analyst: std::sync::Arc::new(StuckAnalyst),
        ..TestAppOptions::default()
    })
    .await;
    app.check_in_with("s03.srt").await;
    let running = "SELECT count(*) FROM jobs WHERE queue = 'stage-analyse' AND status = 'running'";
    for _ in 0..100 {
        if app.count(running, &[]).await == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.count(running, &[]).await,
        1,
        "the analyse stage is running"
    );

    app.shut_down().await;
    let db = app.db.pool.get().await.unwrap();
    let row = db
        .fetch_one("SELECT status::text, attempts, lease_token IS NULL FROM jobs WHERE queue = 'stage-analyse'", &[])
        .await
        .unwrap();
    let (status, attempts, lease_cleared): (String, i32, bool) =
        (row.get(0), row.get(1), row.get(2));
    assert_eq!(status, "queued", "handed back for the next worker");
    assert_eq!(attempts, 0, "an interrupted attempt does not count");
    assert!(lease_cleared);
}

#[tokio::test]
async fn a_renewed_lease_stays_invisible_and_is_never_buried() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let db = app.db.pool.get().await.unwrap();
    // One attempt only: an expired lease would be buried at once.
    jobs::enqueue(&db, "q", &serde_json::json!({}), None, 1, Duration::ZERO)
        .await
        .unwrap();
    let lease = Duration::from_millis(1500);
    let job = jobs::claim(&db, &["q"], lease).await.unwrap().unwrap();
    for _ in 0..5 {
        tokio::time::sleep(lease / 3).await;
        assert!(jobs::renew(&db, &job, lease).await.unwrap());
        assert!(jobs::bury_expired(&db).await.unwrap().is_empty());
        assert!(jobs::claim(&db, &["q"], lease).await.unwrap().is_none());
    }

    // The worker stops renewing (it died): the lease runs out and the job is buried.
    tokio::time::sleep(lease + Duration::from_millis(200)).await;
    let buried = jobs::bury_expired(&db).await.unwrap();
    assert_eq!(buried.len(), 1);
    assert_eq!(buried[0].attempts, 1);
    assert!(
        !jobs::renew(&db, &job, lease).await.unwrap(),
        "a lost lease is not renewed"
    );
}
