//! Commitments and the daily reminder digest: the list and its filters, a
//! commitment marked done stays done through a reprocess, and the digest
//! goes to the coach once per local day from 08:00 in the coach's time
//! zone, with the open client commitments overdue or due within three days,
//! and not at all when nothing is due.

use std::collections::BTreeSet;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use flowcoach_core::delivery::Dispatcher;
use flowcoach_tests::mailer::{Behaviour, RecordingMailer};
use flowcoach_tests::TestApp;
use serde_json::{json, Value};

const SETTLE: Duration = Duration::from_secs(180);

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

fn day(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// The open client commitments the digest of `today` should list, worked
/// out from the API's list: due from 30 days before through 3 days after.
fn expected(commitments: &[Value], today: NaiveDate) -> BTreeSet<String> {
    commitments
        .iter()
        .filter(|c| c["client_id"].is_string() && c["status"] == "open")
        .filter(|c| {
            c["due_on"].as_str().map(day).is_some_and(|due| {
                let days = (due - today).num_days();
                (-30..=3).contains(&days)
            })
        })
        .map(|c| c["text"].as_str().expect("text").to_owned())
        .collect()
}

/// The commitment texts a digest lists.
fn listed(text: &str, commitments: &[Value]) -> BTreeSet<String> {
    commitments
        .iter()
        .map(|c| c["text"].as_str().expect("text").to_owned())
        .filter(|t| text.contains(&format!(": {t} (")))
        .collect()
}

async fn all_commitments(app: &TestApp, token: &str) -> Vec<Value> {
    let (status, page) = app.get(token, "/v1/commitments?limit=200").await;
    assert_eq!(status, 200, "{page}");
    page["items"].as_array().expect("items").clone()
}

#[tokio::test]
async fn the_digest_goes_out_once_at_the_coachs_eight_oclock_with_what_is_due() {
    let app = TestApp::spawn().await;
    let check_in = app.check_in_with("s01.vtt").await;
    let token = &check_in.token;
    let settled = app
        .wait_until_settled(token, &check_in.session, SETTLE)
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let (status, me) = app
        .send(
            app.http
                .patch(app.url("/v1/me"))
                .bearer_auth(token)
                .json(&json!({"time_zone": "America/New_York"})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["time_zone"], "America/New_York");

    let commitments = all_commitments(&app, token).await;
    // The session was held on Tuesday 8 September 2026.
    let today = day("2026-09-09");
    let due = expected(&commitments, today);
    assert!(
        due.len() >= 2,
        "the fixture holds client commitments due that week: {commitments:?}"
    );

    let mailer = RecordingMailer::new(Behaviour::Accept);
    let dispatcher = Dispatcher {
        mailer: mailer.clone(),
        ..app.runtime.dispatcher.clone()
    };
    // 07:59 in New York (EDT, UTC-4): not yet.
    let early = dispatcher
        .send_digests(at("2026-09-09T11:59:00Z"))
        .await
        .expect("digests");
    assert_eq!(early.sent, 0);
    assert!(mailer.sent().is_empty());

    let first = dispatcher
        .send_digests(at("2026-09-09T12:00:00Z"))
        .await
        .expect("digests");
    assert_eq!(first.sent, 1);
    let sent = mailer.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].to, "dana@example.com");
    assert_eq!(listed(&sent[0].text_body, &commitments), due);
    assert!(sent[0]
        .html_body
        .as_deref()
        .is_some_and(|h| h.contains("<li>")));

    // Later the same day, and from a second dispatcher: nothing more.
    let outbox = app.outbox().len();
    let again = app
        .runtime
        .dispatcher
        .send_digests(at("2026-09-09T12:30:00Z"))
        .await
        .expect("digests");
    assert_eq!(again.sent, 0);
    assert_eq!(app.outbox().len(), outbox, "no second digest");
    assert_eq!(mailer.sent().len(), 1);

    // Done: it leaves the next day's digest.
    let finished = commitments
        .iter()
        .find(|c| c["text"].as_str().is_some_and(|t| due.contains(t)))
        .expect("a listed commitment");
    let (status, changed) = app
        .send(
            app.http
                .patch(app.url(&format!(
                    "/v1/commitments/{}",
                    finished["id"].as_str().unwrap()
                )))
                .bearer_auth(token)
                .json(&json!({"status": "done"})),
        )
        .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["status"], "done");
    let next = dispatcher
        .send_digests(at("2026-09-10T12:00:00Z"))
        .await
        .expect("digests");
    assert_eq!(next.sent, 1);
    let now_listed = listed(&mailer.sent()[1].text_body, &commitments);
    let commitments = all_commitments(&app, token).await;
    assert_eq!(now_listed, expected(&commitments, day("2026-09-10")));
    assert!(!now_listed.contains(finished["text"].as_str().unwrap()));

    // Six weeks on, everything is long overdue: no email at all.
    let stale = dispatcher
        .send_digests(at("2026-10-20T12:00:00Z"))
        .await
        .expect("digests");
    assert_eq!(stale.sent, 0);
    assert_eq!(mailer.sent().len(), 2);
}

#[tokio::test]
async fn commitments_are_listed_filtered_and_keep_their_status_through_a_reprocess() {
    let app = TestApp::spawn().await;
    let check_in = app.check_in_with("s01.vtt").await;
    let token = &check_in.token;
    app.wait_until_settled(token, &check_in.session, SETTLE)
        .await;
    let commitments = all_commitments(&app, token).await;
    assert!(commitments.len() >= 3, "{commitments:?}");
    assert!(commitments
        .iter()
        .all(|c| c["session_id"] == check_in.session.as_str()));

    let (_, by_client) = app
        .get(
            token,
            &format!("/v1/commitments?client_id={}", check_in.client),
        )
        .await;
    let clients: Vec<&Value> = by_client["items"].as_array().unwrap().iter().collect();
    assert!(!clients.is_empty());
    assert!(clients
        .iter()
        .all(|c| c["client_id"] == check_in.client.as_str()));
    assert!(clients.iter().all(|c| c["client_name"] == "Tobias Renner"));

    let (_, before) = app
        .get(token, "/v1/commitments?due_before=2026-09-11")
        .await;
    let before = before["items"].as_array().unwrap();
    let expected_before = commitments
        .iter()
        .filter(|c| c["due_on"].as_str().is_some_and(|d| d < "2026-09-11"))
        .count();
    assert_eq!(before.len(), expected_before);

    // A window: due from the 9th, before the 12th (the 8th's are left out).
    let (_, window) = app
        .get(
            token,
            "/v1/commitments?due_from=2026-09-09&due_before=2026-09-12",
        )
        .await;
    let window: Vec<&str> = window["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["due_on"].as_str())
        .collect();
    let expected_window = commitments
        .iter()
        .filter(|c| {
            c["due_on"]
                .as_str()
                .is_some_and(|d| ("2026-09-09".."2026-09-12").contains(&d))
        })
        .count();
    assert!(
        expected_window > 0,
        "the fixture has commitments in the window"
    );
    assert_eq!(window.len(), expected_window);
    assert!(window
        .iter()
        .all(|d| ("2026-09-09".."2026-09-12").contains(d)));

    let (status, page) = app.get(token, "/v1/commitments?limit=1").await;
    assert_eq!(status, 200);
    let cursor = page["next_cursor"].as_str().expect("a second page");
    let (_, second) = app
        .get(token, &format!("/v1/commitments?limit=1&cursor={cursor}"))
        .await;
    assert_ne!(second["items"][0]["id"], page["items"][0]["id"]);

    let dropped = &commitments[0];
    let id = dropped["id"].as_str().unwrap();
    let patch = |body: Value, path: String| {
        app.http
            .patch(app.url(&path))
            .bearer_auth(token)
            .json(&body)
    };
    let (status, problem) = app
        .send(patch(
            json!({"status": "finished"}),
            format!("/v1/commitments/{id}"),
        ))
        .await;
    assert_eq!(status, 422, "{problem}");
    let (status, _) = app
        .send(patch(
            json!({"status": "dropped"}),
            format!("/v1/commitments/{id}"),
        ))
        .await;
    assert_eq!(status, 200);

    // Another coach cannot see or change it.
    let (_, other) = app.coach("ines@example.com", "Ines Okafor").await;
    let (status, _) = app
        .send(
            app.http
                .patch(app.url(&format!("/v1/commitments/{id}")))
                .bearer_auth(&other)
                .json(&json!({"status": "open"})),
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(all_commitments(&app, &other).await.len(), 0);

    // Reprocessing writes a new summary version; the same commitment in it
    // is still dropped, and only the current version's are listed.
    app.reprocess_and_settle(token, &check_in.session).await;
    let after = all_commitments(&app, token).await;
    assert_eq!(after.len(), commitments.len());
    let same = after
        .iter()
        .find(|c| c["text"] == dropped["text"] && c["owner"] == dropped["owner"])
        .expect("the commitment again");
    assert_ne!(same["id"], dropped["id"], "a new version's row");
    assert_eq!(same["status"], "dropped");
    let (_, dropped_only) = app.get(token, "/v1/commitments?status=dropped").await;
    assert_eq!(dropped_only["items"].as_array().unwrap().len(), 1);
}
