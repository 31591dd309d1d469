//! Follow-through across sessions: a client's second session reports one of
//! the first session's commitments done and the other not; the second
//! summary, the commitments API and the client's brief all say so, in the
//! client's words, beside the first session's follow-up that was sent.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowcoach_tests::TestApp;
use serde_json::{json, Value};

const SETTLE: Duration = Duration::from_secs(180);

const FIRST: &str = "Coach Session\n\
Dana Whitfield: What will you do before we meet again?\n\
Priya Natarajan: I'll send the budget proposal to my director by Friday.\n\
Dana Whitfield: Good. Anything else?\n\
Priya Natarajan: I'm going to start the morning running plan on Monday.\n\
Dana Whitfield: Let's see how both go.\n";

const SECOND: &str = "Coach Session\n\
Dana Whitfield: Welcome back. Last time you planned two things.\n\
Priya Natarajan: I sent the budget proposal to my director on Thursday, and she liked it.\n\
Dana Whitfield: That is great. And the running plan?\n\
Priya Natarajan: I didn't start the running plan, the weather was awful.\n\
Dana Whitfield: What would make it easier this week?\n";

async fn analysed(
    app: &TestApp,
    token: &str,
    client: &str,
    held_at: &str,
    transcript: &str,
) -> String {
    let session = app
        .create_session(
            token,
            "Check-in",
            held_at,
            &[(client, Some("Priya Natarajan"))],
        )
        .await;
    let (status, body) = app
        .upload(
            token,
            &session,
            "check-in.txt",
            transcript.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    let settled = app.wait_until_settled(token, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");
    session
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

fn by_text<'a>(items: &'a [Value], words: &str) -> &'a Value {
    items
        .iter()
        .find(|item| item["text"].as_str().unwrap_or_default().contains(words))
        .unwrap_or_else(|| panic!("no commitment about {words:?} in {items:?}"))
}

#[tokio::test]
async fn the_next_session_says_which_commitments_were_done_and_the_brief_shows_it() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let client = app
        .create_client(&token, "Priya Natarajan", "priya@example.com")
        .await;
    let (status, body) = app
        .send(
            app.http
                .patch(app.url(&format!("/v1/clients/{client}")))
                .bearer_auth(&token)
                .json(&json!({"consent_email": true})),
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let first = analysed(&app, &token, &client, "2026-10-05T09:00:00Z", FIRST).await;
    let (_, commitments) = app
        .get(&token, &format!("/v1/commitments?client_id={client}"))
        .await;
    let items = commitments["items"].as_array().expect("a list");
    assert_eq!(items.len(), 2, "{commitments}");
    assert!(items.iter().all(|c| c["follow_through"].is_null()));

    // The first session's follow-up goes out.
    let (_, drafts) = app
        .get(&token, &format!("/v1/sessions/{first}/follow-ups"))
        .await;
    let draft = &drafts["items"][0];
    let id = draft["id"].as_str().expect("a draft");
    let (status, body) = app
        .post(&token, &format!("/v1/follow-ups/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            &token,
            &format!("/v1/follow-ups/{id}/schedule"),
            &json!({"local_time": "2027-01-12T09:00"}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let sent = app
        .runtime
        .dispatcher
        .dispatch_due(at("2027-01-12T09:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!(sent.sent, 1);

    let second = analysed(&app, &token, &client, "2026-10-12T09:00:00Z", SECOND).await;

    // The second summary says what became of each, in Priya's words.
    let (_, summary) = app
        .get(&token, &format!("/v1/sessions/{second}/summary"))
        .await;
    let reports = summary["content"]["follow_through"]
        .as_array()
        .expect("follow-through");
    assert_eq!(reports.len(), 2, "{summary}");
    let proposal = by_text(reports, "budget proposal");
    assert_eq!(proposal["outcome"], "done", "{proposal}");
    assert_eq!(proposal["session_id"], first.as_str());
    assert_eq!(
        proposal["quote"],
        "I sent the budget proposal to my director on Thursday, and she liked it."
    );
    let running = by_text(reports, "running plan");
    assert_eq!(running["outcome"], "not_done", "{running}");
    assert_eq!(
        running["quote"],
        "I didn't start the running plan, the weather was awful."
    );

    // The commitments API shows each first-session commitment's report.
    let (_, commitments) = app
        .get(&token, &format!("/v1/commitments?client_id={client}"))
        .await;
    let items = commitments["items"].as_array().expect("a list");
    let made_first: Vec<&Value> = items
        .iter()
        .filter(|c| c["session_id"] == first.as_str())
        .collect();
    assert_eq!(made_first.len(), 2, "{commitments}");
    for commitment in made_first {
        let report = &commitment["follow_through"];
        assert_eq!(report["session_id"], second.as_str(), "{commitment}");
        let expected = if commitment["text"]
            .as_str()
            .unwrap_or_default()
            .contains("budget")
        {
            "done"
        } else {
            "not_done"
        };
        assert_eq!(report["outcome"], expected, "{commitment}");
        assert!(report["quote"].is_string());
    }

    // The brief before the third session.
    let (status, brief) = app
        .get(&token, &format!("/v1/clients/{client}/brief"))
        .await;
    assert_eq!(status, 200, "{brief}");
    let open = brief["open_commitments"].as_array().expect("a list");
    let running = open
        .iter()
        .find(|c| {
            c["text"]
                .as_str()
                .unwrap_or_default()
                .contains("running plan")
                && c["session_id"] == first.as_str()
        })
        .expect("the running plan is still open");
    assert_eq!(running["follow_through"]["outcome"], "not_done");
    let recent = brief["recent_sessions"].as_array().expect("a list");
    assert_eq!(recent.len(), 2, "{brief}");
    assert_eq!(recent[0]["session_id"], second.as_str(), "newest first");
    assert!(recent[0]["themes"].is_array());
    let last = &brief["last_follow_up_sent"];
    assert_eq!(last["follow_up_id"], id, "{brief}");
    assert_eq!(last["subject"], draft["subject"]);

    // Another coach's client is not found.
    let (_, other) = app.coach("marcus@example.com", "Marcus Oyelaran").await;
    let (status, problem) = app
        .get(&other, &format!("/v1/clients/{client}/brief"))
        .await;
    assert_eq!(status, 404, "{problem}");
}
