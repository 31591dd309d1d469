//! The inbox folder: complete files only, one session per distinct file.

use std::time::Duration;

use flowcoach_tests::fixtures::shared_transcript;
use flowcoach_tests::{TestApp, TestAppOptions};

async fn sessions_of(app: &TestApp, token: &str) -> Vec<serde_json::Value> {
    let (status, body) = app.get(token, "/v1/sessions").await;
    assert_eq!(status, 200);
    body["items"].as_array().unwrap().clone()
}

async fn wait_for_sessions(app: &TestApp, token: &str, count: usize) -> Vec<serde_json::Value> {
    for _ in 0..100 {
        let sessions = sessions_of(app, token).await;
        if sessions.len() >= count {
            return sessions;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("expected {count} session(s) from the inbox");
}

#[tokio::test]
async fn a_dropped_file_is_taken_once_complete_and_processed_to_ready() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    app.create_client(&token, "Tobias Renner", "tobias@example.com")
        .await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();

    // Still being written: a `.part` file is left alone.
    let partial = folder.join("monday.vtt.part");
    std::fs::write(&partial, shared_transcript("s01.vtt")).unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert!(sessions_of(&app, &token).await.is_empty());
    assert!(partial.exists());

    std::fs::rename(&partial, folder.join("monday.vtt")).unwrap();
    let sessions = wait_for_sessions(&app, &token, 1).await;
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(180))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    // The speaker matched an existing client by name, so a draft exists for them.
    let (_, drafts) = app
        .get(&token, &format!("/v1/sessions/{session}/follow-ups"))
        .await;
    assert_eq!(drafts["items"].as_array().unwrap().len(), 1);
    assert!(folder.join("processed").read_dir().unwrap().count() == 1);
    assert!(!folder.join("monday.vtt").exists());

    // The same bytes dropped again under another name: still one session.
    std::fs::write(folder.join("monday-copy.vtt"), shared_transcript("s01.vtt")).unwrap();
    for _ in 0..50 {
        if folder.join("processed").read_dir().unwrap().count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(folder.join("processed").read_dir().unwrap().count(), 2);
    assert_eq!(sessions_of(&app, &token).await.len(), 1);
}

/// A file is taken when the file system says it is finished — its writer
/// closed it, or it was moved in — not at the next poll: here the poll would
/// come an hour later.
#[tokio::test]
async fn a_finished_file_is_taken_from_its_file_system_event_without_waiting_for_a_poll() {
    let app = TestApp::spawn_with(TestAppOptions {
        inbox_poll_interval: Duration::from_secs(3600),
        ..TestAppOptions::default()
    })
    .await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();
    // The watch on a new folder is added when its creation is reported.
    tokio::time::sleep(Duration::from_millis(500)).await;

    std::fs::write(folder.join("written.vtt"), shared_transcript("s01.vtt")).unwrap();
    wait_for_sessions(&app, &token, 1).await;

    let outside = app.runtime.config.data_dir.join("moved-in.vtt");
    std::fs::write(&outside, shared_transcript("s02.vtt")).unwrap();
    std::fs::rename(&outside, folder.join("moved-in.vtt")).unwrap();
    wait_for_sessions(&app, &token, 2).await;
    assert!(!folder.join("written.vtt").exists());
    assert!(!folder.join("moved-in.vtt").exists());
}

#[tokio::test]
async fn a_dropped_binary_file_gives_a_failed_session_with_a_reason() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();
    let mut png = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    png.extend((0..2000u32).map(|i| (i * 7 % 251) as u8));
    std::fs::write(folder.join("photo.vtt"), png).unwrap();

    let sessions = wait_for_sessions(&app, &token, 1).await;
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(60))
        .await;
    assert_eq!(settled["status"], "failed");
    assert_eq!(settled["failure_stage"], "chunk");
    assert!(
        settled["failure_reason"].as_str().unwrap().contains("PNG"),
        "{settled}"
    );
}

#[tokio::test]
async fn a_file_for_an_unknown_coach_is_set_aside_with_its_reason() {
    let app = TestApp::spawn().await;
    let folder = app
        .runtime
        .config
        .inbox_dir
        .join(uuid::Uuid::new_v4().to_string());
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("s.vtt"), shared_transcript("s01.vtt")).unwrap();
    let rejected = folder.join("rejected");
    for _ in 0..50 {
        if rejected.exists() && rejected.read_dir().unwrap().count() == 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let mut names: Vec<String> = rejected
        .read_dir()
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let reason_file = names.iter().find(|n| n.ends_with(".reason.txt")).unwrap();
    assert!(std::fs::read_to_string(rejected.join(reason_file))
        .unwrap()
        .contains("No coach"));
}

/// Waits until `folder/<sub>` holds `count` entries.
async fn wait_for_entries(
    folder: &std::path::Path,
    count: usize,
    timeout: Duration,
) -> Vec<String> {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let names: Vec<String> = folder
            .read_dir()
            .map(|entries| {
                entries
                    .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        if names.len() >= count {
            return names;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{} holds {names:?}, expected {count} entries",
            folder.display()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn a_database_outage_mid_drop_leaves_the_file_in_place_until_the_database_is_back() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();

    app.db.cut_off().await;
    let dropped = folder.join("thursday.vtt");
    std::fs::write(&dropped, shared_transcript("s01.vtt")).unwrap();
    // Long enough for the watcher to see the file settle and try it (polls are 1 s apart).
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert!(dropped.exists(), "the file must wait in the inbox");
    assert!(
        !folder.join("rejected").exists(),
        "an outage is not the file's fault: {:?}",
        folder.join("rejected").read_dir().map(|d| d.count())
    );

    app.db.restore().await;
    wait_for_entries(&folder.join("processed"), 1, Duration::from_secs(30)).await;
    assert!(!dropped.exists());
    let sessions = wait_for_sessions(&app, &token, 1).await;
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(120))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
}

#[tokio::test]
async fn an_oversize_drop_is_rejected_from_its_size_with_the_limit_named() {
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();
    // Text that would parse: only its size is wrong.
    let line = "Dana Whitfield: How did the week go for you and the team?\n";
    let big = line.repeat(5 * 1024 * 1024 / line.len() + 1);
    std::fs::write(folder.join("huge.txt"), big).unwrap();

    let rejected = folder.join("rejected");
    let names = wait_for_entries(&rejected, 2, Duration::from_secs(20)).await;
    let reason_file = names.iter().find(|n| n.ends_with(".reason.txt")).unwrap();
    let reason = std::fs::read_to_string(rejected.join(reason_file)).unwrap();
    assert!(reason.contains("4 MB limit"), "{reason}");
    assert!(sessions_of(&app, &token).await.is_empty());
}

#[tokio::test]
async fn a_dropped_file_takes_its_date_and_title_from_its_name_and_finds_its_client_by_first_name()
{
    let app = TestApp::spawn().await;
    let (coach, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client = app
        .create_client(&token, "Robin Achterberg", "robin@example.com")
        .await;
    let folder = app.runtime.config.inbox_dir.join(coach.to_string());
    std::fs::create_dir_all(&folder).unwrap();
    let transcript =
        "Dana: How was the week?\nRobin: Busy. I'll send the report to my manager tomorrow.\n\
                      Dana: What would make next week easier?\nRobin: Fewer meetings, honestly.\n";
    std::fs::write(folder.join("2026-10-19_weekly-check-in.txt"), transcript).unwrap();

    let sessions = wait_for_sessions(&app, &token, 1).await;
    let session = sessions[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(sessions[0]["title"], "weekly check in");
    assert!(
        sessions[0]["held_at"]
            .as_str()
            .is_some_and(|at| at.starts_with("2026-10-19")),
        "{}",
        sessions[0]
    );
    let settled = app
        .wait_until_settled(&token, &session, Duration::from_secs(120))
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    assert_eq!(settled["unmatched_speakers"], serde_json::json!([]));
    let (_, view) = app.get(&token, &format!("/v1/sessions/{session}")).await;
    assert_eq!(
        view["participants"][0]["client_id"],
        client.as_str(),
        "{view}"
    );
    // "tomorrow" resolves against the session's day, not the drop's.
    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{session}/summary"))
        .await;
    let dues: Vec<&str> = summary["content"]["commitments"]
        .as_array()
        .map(|c| c.iter().filter_map(|c| c["due"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(dues, vec!["2026-10-20"], "{summary}");
}
