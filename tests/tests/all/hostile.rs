//! Hostile transcripts, through the API and through the inbox: each ends
//! `failed` with a reason a person can act on, or is refused, well within a
//! stage's deadline — and the server keeps serving everyone else.

use std::path::Path;
use std::time::Duration;

use flowcoach_tests::fixtures::shared_transcript;
use flowcoach_tests::TestApp;

use crate::support::HELD_AT;

/// Far below the minutes a runaway file used to take; far above a normal run.
const SETTLE_WITHIN: Duration = Duration::from_secs(60);

/// One speaker saying ~600,000 words on a single line (about 3.4 MB).
fn one_giant_line() -> Vec<u8> {
    let sentence = "well I think we should keep going with the plan. ";
    let mut text = String::from("Client: ");
    text.push_str(&sentence.repeat(600_000 / 10));
    text.into_bytes()
}

/// (file name, bytes, words the reason must contain).
fn hostile_files() -> Vec<(&'static str, Vec<u8>, &'static str)> {
    vec![
        ("giant.txt", one_giant_line(), "spoken words"),
        (
            "nul.vtt",
            [
                b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nDana: hi".as_slice(),
                &[0u8; 32],
            ]
            .concat(),
            "NUL",
        ),
        (
            "binary.txt",
            (0..4096u32).map(|i| (i * 151 % 256) as u8).collect(),
            "binary",
        ),
        (
            "truncated.json",
            br#"[{"speaker": "Dana", "start": 0.0, "text": "How was the"#.to_vec(),
            "line",
        ),
        (
            "header-only.vtt",
            b"WEBVTT\n\nNOTE nothing was said\n".to_vec(),
            "no spoken text",
        ),
    ]
}

async fn wait_for_session_count(
    app: &TestApp,
    token: &str,
    count: usize,
) -> Vec<serde_json::Value> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let (_, body) = app.get(token, "/v1/sessions?limit=100").await;
        let items = body["items"].as_array().cloned().unwrap_or_default();
        if items.len() >= count {
            return items;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{count} sessions expected: {body}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn assert_reason(settled: &serde_json::Value, name: &str, expected: &str) {
    assert_eq!(settled["status"], "failed", "{name}: {settled}");
    let reason = settled["failure_reason"].as_str().unwrap_or_default();
    assert!(
        reason.to_lowercase().contains(&expected.to_lowercase()),
        "{name}: the reason should mention {expected:?}: {reason}"
    );
}

#[tokio::test]
async fn hostile_uploads_fail_with_a_reason_and_the_server_keeps_serving() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    for (name, bytes, expected) in hostile_files() {
        let session = app.create_session(&token, name, HELD_AT, &[]).await;
        let (status, body) = app.upload(&token, &session, name, bytes).await;
        assert_eq!(status, 202, "{name}: {body}");
        let settled = app
            .wait_until_settled(&token, &session, SETTLE_WITHIN)
            .await;
        assert_reason(&settled, name, expected);
    }
    let session = app.create_session(&token, "oversize", HELD_AT, &[]).await;
    let (status, problem) = app
        .upload(&token, &session, "big.txt", vec![b'a'; 4 * 1024 * 1024 + 1])
        .await;
    assert_eq!(status, 413, "{problem}");

    // Everyone else is still served.
    let check_in = app.check_in_with("s01.vtt").await;
    let settled = app
        .wait_until_settled(&check_in.token, &check_in.session, SETTLE_WITHIN)
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
}

#[tokio::test]
async fn hostile_drops_fail_with_a_reason_and_nothing_is_lost() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();
    let files = hostile_files();
    for (name, bytes, _) in &files {
        std::fs::write(folder.join(name), bytes).unwrap();
    }
    let sessions = wait_for_session_count(&app, &token, files.len()).await;
    for session in &sessions {
        let id = session["id"].as_str().unwrap();
        let settled = app.wait_until_settled(&token, id, SETTLE_WITHIN).await;
        let name = settled_name(&app, &token, id).await;
        let (_, _, expected) = files
            .iter()
            .find(|(file, _, _)| *file == name)
            .unwrap_or_else(|| panic!("no hostile file named {name}"));
        assert_reason(&settled, &name, expected);
    }
    // Every file was kept, in processed/ (its session holds the reason).
    assert_eq!(count(&folder.join("processed")), files.len());
}

async fn settled_name(app: &TestApp, token: &str, session: &str) -> String {
    let (_, view) = app.get(token, &format!("/v1/sessions/{session}")).await;
    view["transcript"]["filename"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn count(folder: &Path) -> usize {
    folder.read_dir().map(|d| d.count()).unwrap_or(0)
}

#[tokio::test]
async fn the_same_bytes_uploaded_to_two_sessions_at_once_give_one_a_conflict_and_leave_one_object()
{
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let objects = app.transcript_objects(coach);
    for round in 0..6 {
        let first = app.create_session(&token, "first", HELD_AT, &[]).await;
        let second = app.create_session(&token, "second", HELD_AT, &[]).await;
        let bytes =
            format!("Dana: Round {round}. How are you?\nRobin: Fine, thanks.\n").into_bytes();
        let (a, b) = tokio::join!(
            app.upload(&token, &first, "a.txt", bytes.clone()),
            app.upload(&token, &second, "a.txt", bytes.clone()),
        );
        let mut statuses = [a.0, b.0];
        statuses.sort_unstable();
        assert_eq!(statuses, [202, 409], "round {round}: {a:?} {b:?}");
        let loser = if a.0 == 409 { &first } else { &second };
        let loser_objects = std::fs::read_dir(&objects)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .starts_with(loser.as_str())
            })
            .count();
        assert_eq!(
            loser_objects, 0,
            "round {round}: the refused upload left its object behind"
        );
        let (status, _) = app.delete(&token, &format!("/v1/sessions/{loser}")).await;
        assert_eq!(status, 204);
    }
    assert_eq!(count(&objects), 6, "one object per accepted upload");
}

#[tokio::test]
async fn a_replaced_transcript_and_a_deleted_session_leave_no_object_behind() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let objects = app.transcript_objects(coach);
    let session = app.create_session(&token, "replaced", HELD_AT, &[]).await;
    let (status, _) = app
        .upload(&token, &session, "first.vtt", shared_transcript("s01.vtt"))
        .await;
    assert_eq!(status, 202);
    app.wait_until_settled(&token, &session, SETTLE_WITHIN)
        .await;
    let (status, _) = app
        .upload(
            &token,
            &session,
            "second.txt",
            b"Dana: Hello.\nRobin: Hi.\n".to_vec(),
        )
        .await;
    assert_eq!(status, 202);
    let names: Vec<String> = std::fs::read_dir(&objects)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec![format!("{session}.txt")]);
    app.wait_until_settled(&token, &session, SETTLE_WITHIN)
        .await;
    let (status, _) = app.delete(&token, &format!("/v1/sessions/{session}")).await;
    assert_eq!(status, 204);
    assert_eq!(count(&objects), 0);
}
