//! Retention: the coach's setting, and the daily purge that removes exactly
//! the transcripts past it (the stored file, utterances, chunks, embeddings;
//! the summary only where the coach chose so) and nothing of other sessions
//! or other coaches.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowcoach_core::retention::{PurgeReport, Retention};
use flowcoach_core::store::retention::claim_daily_run;
use flowcoach_core::store::Executor;
use flowcoach_tests::{TestApp, TestAppOptions};
use serde_json::{json, Value};

const SETTLE: Duration = Duration::from_secs(180);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

async fn patch_me(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    app.send(
        app.http
            .patch(app.url("/v1/me"))
            .bearer_auth(token)
            .json(&body),
    )
    .await
}

fn retention(app: &TestApp) -> Retention {
    Retention {
        db: app.runtime.db.clone(),
        objects: app.runtime.pipeline.objects.clone(),
    }
}

/// Rows of `table` that belong to `session`.
async fn rows_of(app: &TestApp, table: &str, session: &str) -> i64 {
    let session: uuid::Uuid = session.parse().expect("a session id");
    app.count(
        &format!("SELECT count(*) FROM {table} WHERE session_id = $1"),
        &[&session],
    )
    .await
}

/// A ready session of the coach behind `token`, held at `held_at`, with the
/// shared fixture `transcript`.
async fn ready_session(
    app: &TestApp,
    token: &str,
    held_at: &str,
    client: &str,
    transcript: &str,
) -> String {
    let session = app
        .create_session(token, "Retention check", held_at, &[(client, None)])
        .await;
    let (status, body) = app
        .upload(
            token,
            &session,
            transcript,
            flowcoach_tests::fixtures::shared_transcript(transcript),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let settled = app.wait_until_settled(token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    session
}

fn stored_files(dir: &std::path::Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[tokio::test]
async fn the_setting_is_checked_and_shown() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    for refused in [json!(6), json!(3651), json!(0)] {
        let (status, problem) =
            patch_me(&app, &token, json!({"transcript_retention_days": refused})).await;
        assert_eq!(status, 422, "{refused}: {problem}");
        assert_eq!(problem["errors"][0]["field"], "transcript_retention_days");
    }
    let (status, me) = patch_me(
        &app,
        &token,
        json!({"transcript_retention_days": 30, "delete_summaries_with_transcripts": true}),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["settings"]["transcript_retention_days"], 30);
    assert_eq!(me["settings"]["delete_summaries_with_transcripts"], true);
    let (status, me) = patch_me(&app, &token, json!({"transcript_retention_days": null})).await;
    assert_eq!(status, 200, "{me}");
    assert!(
        me["settings"].get("transcript_retention_days").is_none(),
        "{me}"
    );
    assert_eq!(me["settings"]["delete_summaries_with_transcripts"], true);
}

#[tokio::test]
async fn the_purge_removes_exactly_the_transcripts_past_their_coachs_retention() {
    let app = TestApp::spawn().await;
    let now = at("2026-12-03T06:00:00Z");

    // Dana keeps transcripts 30 days, summaries stay: one session past it, one within.
    let (dana, dana_token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let tobias = app
        .create_client(&dana_token, "Tobias Renner", "tobias@example.com")
        .await;
    let old = ready_session(
        &app,
        &dana_token,
        "2026-09-08T09:00:00Z",
        &tobias,
        "s01.vtt",
    )
    .await;
    let recent = ready_session(
        &app,
        &dana_token,
        "2026-11-20T09:00:00Z",
        &tobias,
        "s02.vtt",
    )
    .await;
    let (status, me) = patch_me(&app, &dana_token, json!({"transcript_retention_days": 30})).await;
    assert_eq!(status, 200, "{me}");

    // Ravi keeps his forever: his session as old as Dana's stays whole.
    let (_, ravi_token) = app.coach("ravi@example.com", "Ravi Menon").await;
    let amara = app
        .create_client(&ravi_token, "Amara Okafor", "amara@example.com")
        .await;
    let ravis = ready_session(&app, &ravi_token, "2026-09-08T09:00:00Z", &amara, "s01.vtt").await;

    let dana_files = app.transcript_objects(dana);
    assert_eq!(stored_files(&dana_files).len(), 2);
    for session in [&old, &recent, &ravis] {
        assert!(rows_of(&app, "transcript_chunks", session).await > 0);
        assert!(rows_of(&app, "chunk_embeddings", session).await > 0);
        assert!(rows_of(&app, "transcript_utterances", session).await > 0);
    }
    let old_chunks = rows_of(&app, "transcript_chunks", &old).await as u64;

    let report = retention(&app).purge_due(now).await.expect("purge");
    assert_eq!(report.sessions, 1, "{report:?}");
    assert_eq!(report.chunks, old_chunks);
    assert_eq!(report.embeddings, old_chunks);
    assert_eq!(report.summaries, 0);
    assert_eq!(report.failed, 0);

    // The old session: no transcript anywhere, its analysis kept.
    for table in [
        "transcript_chunks",
        "chunk_embeddings",
        "transcript_utterances",
    ] {
        assert_eq!(rows_of(&app, table, &old).await, 0, "{table}");
    }
    let files = stored_files(&dana_files);
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(files[0].starts_with(&recent), "{files:?}");
    let (status, session) = app.get(&dana_token, &format!("/v1/sessions/{old}")).await;
    assert_eq!(status, 200, "{session}");
    assert_eq!(session["transcript_purged_at"], "2026-12-03T06:00:00Z");
    assert!(session["transcript"].is_null(), "{session}");
    assert_eq!(session["status"], "ready");
    let (status, _) = app
        .get(&dana_token, &format!("/v1/sessions/{old}/transcript"))
        .await;
    assert_eq!(status, 404);
    let (status, summary) = app
        .get(&dana_token, &format!("/v1/sessions/{old}/summary"))
        .await;
    assert_eq!(status, 200, "{summary}");
    // Nothing is left to reprocess.
    let (status, problem) = app
        .post(
            &dana_token,
            &format!("/v1/sessions/{old}/reprocess"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 409, "{problem}");

    // The others are whole.
    for session in [&recent, &ravis] {
        assert!(rows_of(&app, "transcript_chunks", session).await > 0);
        assert!(rows_of(&app, "chunk_embeddings", session).await > 0);
        assert!(rows_of(&app, "transcript_utterances", session).await > 0);
    }
    let (_, ravis_view) = app.get(&ravi_token, &format!("/v1/sessions/{ravis}")).await;
    assert!(ravis_view["transcript_purged_at"].is_null(), "{ravis_view}");
    assert!(!ravis_view["transcript"].is_null(), "{ravis_view}");

    // The audit keeps that it happened, with counts and no names.
    let old_id: uuid::Uuid = old.parse().expect("id");
    let details: Value = {
        let db = app.db.pool.get().await.expect("db");
        db.fetch_one(
            "SELECT details FROM audit_log WHERE action = 'transcript.purged' AND entity_id = $1",
            &[&old_id],
        )
        .await
        .expect("one audit row")
        .get(0)
    };
    assert_eq!(details["reason"], "retention");
    let text = details.to_string();
    assert!(
        !text.contains("Tobias") && !text.contains("tobias@"),
        "{text}"
    );

    // A second run finds nothing more to do.
    assert_eq!(
        retention(&app).purge_due(now).await.expect("purge"),
        PurgeReport::default()
    );

    // Ravi chooses 30 days with summaries: his session loses its summary too.
    let (status, _) = patch_me(
        &app,
        &ravi_token,
        json!({"transcript_retention_days": 30, "delete_summaries_with_transcripts": true}),
    )
    .await;
    assert_eq!(status, 200);
    let report = retention(&app).purge_due(now).await.expect("purge");
    assert_eq!((report.sessions, report.summaries), (1, 1), "{report:?}");
    let (status, _) = app
        .get(&ravi_token, &format!("/v1/sessions/{ravis}/summary"))
        .await;
    assert_eq!(status, 404);
    assert_eq!(rows_of(&app, "commitments", &ravis).await, 0);
    assert!(rows_of(&app, "transcript_chunks", &recent).await > 0);

    // A new transcript for a purged session is taken as any upload is (the
    // purged one's hash went with it, so the same bytes are not "already attached").
    let (status, body) = app
        .upload(
            &dana_token,
            &old,
            "s01.vtt",
            flowcoach_tests::fixtures::shared_transcript("s01.vtt"),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let settled = app.wait_until_settled(&dana_token, &old, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let (_, session) = app.get(&dana_token, &format!("/v1/sessions/{old}")).await;
    assert!(session["transcript_purged_at"].is_null(), "{session}");
}

#[tokio::test]
async fn the_purge_runs_once_a_day() {
    // No schedule tick: on the real days named below it would claim the
    // day's run itself before the test does.
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let db = app.db.pool.get().await.expect("db");
    let first = at("2026-12-03T06:00:00Z");
    assert!(claim_daily_run(&db, "transcript-retention", first)
        .await
        .expect("claim"));
    assert!(
        !claim_daily_run(&db, "transcript-retention", at("2026-12-03T23:59:00Z"))
            .await
            .expect("claim")
    );
    assert!(
        claim_daily_run(&db, "transcript-retention", at("2026-12-04T06:00:00Z"))
            .await
            .expect("claim")
    );
    // Another job has its own day.
    assert!(claim_daily_run(&db, "another-job", first)
        .await
        .expect("claim"));
    drop(db);
    // `daily` does nothing once today's run is claimed.
    assert_eq!(
        retention(&app)
            .daily(at("2026-12-04T07:00:00Z"))
            .await
            .expect("daily"),
        None
    );
}
