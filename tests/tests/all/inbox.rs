//! The inbox folder: complete files only, one session per distinct file.

use std::time::Duration;

use flowcoach_tests::fixtures::shared_transcript;
use flowcoach_tests::TestApp;

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
