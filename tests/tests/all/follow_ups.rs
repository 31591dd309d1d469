//! `/v1/follow-ups` end to end on real PostgreSQL: a processed fixture
//! session's draft is edited (versions, `If-Match`), approved, scheduled in
//! the client's time zone, sent now, cancelled and resolved, each step
//! audited; steps its status does not allow are 409 naming that status.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowcoach_core::store::Executor;
use flowcoach_tests::{CheckIn, TestApp};
use reqwest::Method;
use serde_json::{json, Value};
use uuid::Uuid;

const SETTLE: Duration = Duration::from_secs(180);

/// Dana's processed check-in with Tobias, and his draft's id.
async fn drafted(app: &TestApp) -> (CheckIn, String) {
    let check_in = app.check_in_with("s01.vtt").await;
    let settled = app
        .wait_until_settled(&check_in.token, &check_in.session, SETTLE)
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let (status, list) = app.get(&check_in.token, "/v1/follow-ups").await;
    assert_eq!(status, 200, "{list}");
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{list}");
    let id = items[0]["id"].as_str().expect("id").to_owned();
    (check_in, id)
}

/// A request with an optional `If-Match`; the status, the body and the `ETag`.
async fn call(
    app: &TestApp,
    token: &str,
    method: Method,
    path: &str,
    if_match: Option<&str>,
    body: Option<Value>,
) -> (u16, Value, Option<String>) {
    let mut request = app.http.request(method, app.url(path)).bearer_auth(token);
    if let Some(version) = if_match {
        request = request.header("If-Match", version);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request");
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .map(|value| value.to_str().expect("ascii").to_owned());
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).expect("JSON body")
    };
    (status, body, etag)
}

fn at(value: &Value) -> DateTime<Utc> {
    value
        .as_str()
        .and_then(|text| DateTime::parse_from_rfc3339(text).ok())
        .map(|at| at.with_timezone(&Utc))
        .unwrap_or_else(|| panic!("not a time: {value}"))
}

async fn set_status(app: &TestApp, id: &str, status: &str) {
    let db = app.db.pool.get().await.expect("db");
    let id = Uuid::parse_str(id).expect("uuid");
    db.exec(
        "UPDATE follow_ups SET status = $2::follow_up_status WHERE id = $1",
        &[&id, &status],
    )
    .await
    .expect("status set");
}

#[tokio::test]
async fn a_draft_is_edited_approved_scheduled_in_the_clients_zone_and_cancelled() {
    let app = TestApp::spawn().await;
    let (check_in, id) = drafted(&app).await;
    let token = check_in.token.as_str();
    let path = format!("/v1/follow-ups/{id}");

    let (status, draft, etag) = call(&app, token, Method::GET, &path, None, None).await;
    assert_eq!(status, 200, "{draft}");
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["version"], 1);
    assert_eq!(draft["client_time_zone"], "UTC");
    assert_eq!(etag.as_deref(), Some("\"1\""));

    // An edit must say which version it was made against.
    let edit = json!({"body": "Hi Tobias, here is what we agreed."});
    let (status, problem, _) =
        call(&app, token, Method::PATCH, &path, None, Some(edit.clone())).await;
    assert_eq!(status, 428, "{problem}");
    assert!(problem["request_id"].is_string());
    let (status, problem, _) = call(
        &app,
        token,
        Method::PATCH,
        &path,
        Some("\"7\""),
        Some(edit.clone()),
    )
    .await;
    assert_eq!(status, 412, "{problem}");
    assert!(
        problem["detail"].as_str().unwrap().contains("version 1"),
        "{problem}"
    );
    let (status, edited, etag) = call(
        &app,
        token,
        Method::PATCH,
        &path,
        Some("\"1\""),
        Some(edit.clone()),
    )
    .await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["version"], 2);
    assert_eq!(edited["source"], "coach_edit");
    assert_eq!(edited["body"], "Hi Tobias, here is what we agreed.");
    assert_eq!(edited["subject"], draft["subject"], "the subject is kept");
    assert_eq!(etag.as_deref(), Some("\"2\""));
    // The same edit again, against the version it has replaced: refused.
    let (status, _, _) = call(&app, token, Method::PATCH, &path, Some("\"1\""), Some(edit)).await;
    assert_eq!(status, 412);

    let (status, versions, _) = call(
        &app,
        token,
        Method::GET,
        &format!("{path}/versions"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{versions}");
    let sources: Vec<&str> = versions
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["source"].as_str().unwrap())
        .collect();
    assert_eq!(sources, ["ai", "coach_edit"]);
    assert_eq!(versions[0]["body"], draft["body"]);

    // A draft is approved before it is scheduled.
    let schedule = json!({"in_hours": 2});
    let (status, problem, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/schedule"),
        None,
        Some(schedule.clone()),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(
        problem["detail"],
        "Cannot schedule a follow-up that is draft."
    );
    let (status, _, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/approve"),
        Some("\"1\""),
        None,
    )
    .await;
    assert_eq!(
        status, 412,
        "approving a version that is not the current one"
    );
    let (status, approved, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/approve"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["approved_version"], 2);
    let (status, problem, _) = call(
        &app,
        token,
        Method::PATCH,
        &path,
        Some("\"2\""),
        Some(json!({"subject": "Too late"})),
    )
    .await;
    assert_eq!(
        status, 409,
        "an approved follow-up is not edited: {problem}"
    );

    // 09:00 for a client in New York: 14:00 UTC in winter, 13:00 in summer.
    let (status, body) = app
        .send(
            app.http
                .patch(app.url(&format!("/v1/clients/{}", check_in.client)))
                .bearer_auth(token)
                .json(&json!({"time_zone": "America/New_York"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    for (local, utc) in [
        ("2027-01-12T09:00", "2027-01-12T14:00:00Z"),
        ("2027-07-01T09:00:00", "2027-07-01T13:00:00Z"),
    ] {
        let (status, scheduled, _) = call(
            &app,
            token,
            Method::POST,
            &format!("{path}/schedule"),
            None,
            Some(json!({"local_time": local})),
        )
        .await;
        assert_eq!(status, 200, "{scheduled}");
        assert_eq!(scheduled["status"], "scheduled");
        assert_eq!(at(&scheduled["scheduled_at"]), at(&json!(utc)), "{local}");
    }
    // A time the clocks skip is refused, naming the field.
    let (status, problem, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/schedule"),
        None,
        Some(json!({"local_time": "2027-03-14T02:30"})),
    )
    .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "local_time");

    let before = Utc::now();
    let (status, sending, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/send-now"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{sending}");
    assert_eq!(sending["status"], "scheduled");
    let due = at(&sending["scheduled_at"]);
    assert!(
        due >= before - chrono::Duration::seconds(1) && due <= Utc::now(),
        "{due}"
    );

    let (status, cancelled, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/cancel"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 200, "{cancelled}");
    assert_eq!(cancelled["status"], "cancelled");
    assert!(cancelled["scheduled_at"].is_null());
    let (status, problem, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/cancel"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 409);
    assert_eq!(
        problem["detail"],
        "Cannot cancel a follow-up that is cancelled."
    );

    // Every step is in the audit log with the statuses either side.
    let follow_up = Uuid::parse_str(&id).unwrap();
    let trail = app
        .count(
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'follow_up.approve'
                AND details->>'from' = 'draft' AND details->>'to' = 'approved'",
            &[&follow_up],
        )
        .await;
    assert_eq!(trail, 1);
    let changes = app
        .count(
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action IN
               ('follow_up.edit', 'follow_up.approve', 'follow_up.schedule', 'follow_up.send_now', 'follow_up.cancel')",
            &[&follow_up],
        )
        .await;
    assert_eq!(
        changes, 6,
        "one edit, one approval, two schedules, send now, cancel"
    );

    // The list filters by status and session.
    let (_, none) = app.get(token, "/v1/follow-ups?status=draft").await;
    assert_eq!(none["items"], json!([]));
    let (_, mine) = app
        .get(
            token,
            &format!(
                "/v1/follow-ups?status=cancelled&session_id={}",
                check_in.session
            ),
        )
        .await;
    assert_eq!(mine["items"][0]["id"], id.as_str());
}

#[tokio::test]
async fn approving_a_held_draft_clears_the_hold_and_an_unknown_one_is_resolved_by_the_coach() {
    let app = TestApp::spawn().await;
    let (check_in, id) = drafted(&app).await;
    let token = check_in.token.as_str();
    let path = format!("/v1/follow-ups/{id}");
    let follow_up = Uuid::parse_str(&id).unwrap();
    {
        let db = app.db.pool.get().await.expect("db");
        db.exec(
            "UPDATE follow_ups SET review_reason = '1 urgent risk flag' WHERE id = $1",
            &[&follow_up],
        )
        .await
        .expect("held");
    }
    let (_, held, _) = call(&app, token, Method::GET, &path, None, None).await;
    assert_eq!(held["needs_review"], true);
    let (status, approved, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/approve"),
        Some("\"1\""),
        None,
    )
    .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["needs_review"], false);
    assert!(approved["review_reason"].is_null());

    // Handed to the provider with no outcome recorded (what a dispatcher
    // that crashed after the hand-off leaves).
    set_status(&app, &id, "unknown").await;
    let (status, problem, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/cancel"),
        None,
        None,
    )
    .await;
    assert_eq!(status, 409, "it may be in the client's inbox already");
    assert_eq!(
        problem["detail"],
        "Cannot cancel a follow-up that is unknown."
    );
    let (status, resent, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/resolve"),
        None,
        Some(json!({"outcome": "resend"})),
    )
    .await;
    assert_eq!(status, 200, "{resent}");
    assert_eq!(resent["status"], "scheduled");
    assert!(at(&resent["scheduled_at"]) <= Utc::now());

    set_status(&app, &id, "unknown").await;
    let (status, sent, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/resolve"),
        None,
        Some(json!({"outcome": "sent"})),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(sent["status"], "sent");
    let (status, problem, _) = call(
        &app,
        token,
        Method::POST,
        &format!("{path}/resolve"),
        None,
        Some(json!({"outcome": "resend"})),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["detail"], "Cannot resend a follow-up that is sent.");
}

#[tokio::test]
async fn two_edits_against_the_same_version_keep_one_and_refuse_the_other() {
    let app = TestApp::spawn().await;
    let (check_in, id) = drafted(&app).await;
    let token = check_in.token.as_str();
    let path = format!("/v1/follow-ups/{id}");
    let edit = |n: u32| {
        call(
            &app,
            token,
            Method::PATCH,
            &path,
            Some("\"1\""),
            Some(json!({"body": format!("Edit number {n}")})),
        )
    };
    let (first, second) = tokio::join!(edit(1), edit(2));
    let outcomes = [first, second];
    let mut statuses: Vec<u16> = outcomes.iter().map(|(status, _, _)| *status).collect();
    statuses.sort();
    assert_eq!(statuses, [200, 412], "{outcomes:?}");
    let (_, versions, _) = call(
        &app,
        token,
        Method::GET,
        &format!("{path}/versions"),
        None,
        None,
    )
    .await;
    assert_eq!(versions.as_array().unwrap().len(), 2, "{versions}");
}
