//! Follow-ups delivered: the dispatcher sends a scheduled follow-up once, at
//! its time, as a multipart email from the coach with a working one-click
//! unsubscribe; two dispatchers racing send each due follow-up once; a
//! hand-off that never reports back becomes `unknown` and is not resent;
//! no consent, a refusal and an unsubscribed address each leave the reason
//! on the follow-up.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use flowcoach_core::delivery::Dispatcher;
use flowcoach_core::store::Executor;
use flowcoach_tests::mailer::{Behaviour, RecordingMailer};
use flowcoach_tests::{CheckIn, TestApp};
use serde_json::{json, Value};
use uuid::Uuid;

const SETTLE: Duration = Duration::from_secs(180);

fn dispatcher(app: &TestApp, mailer: Arc<RecordingMailer>) -> Dispatcher {
    Dispatcher {
        mailer,
        ..app.runtime.dispatcher.clone()
    }
}

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("a time")
        .with_timezone(&Utc)
}

/// Dana's processed check-in with Tobias (who agreed to emails, in New
/// York), and his approved draft's id.
async fn approved(app: &TestApp, consent: bool) -> (CheckIn, String) {
    let check_in = app.check_in_with("s01.vtt").await;
    let settled = app
        .wait_until_settled(&check_in.token, &check_in.session, SETTLE)
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let (status, body) = app
        .send(
            app.http
                .patch(app.url(&format!("/v1/clients/{}", check_in.client)))
                .bearer_auth(&check_in.token)
                .json(&json!({"consent_email": consent, "time_zone": "America/New_York"})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, list) = app
        .get(&check_in.token, "/v1/follow-ups?status=draft")
        .await;
    let id = list["items"][0]["id"].as_str().expect("a draft").to_owned();
    let (status, body) = app
        .post(
            &check_in.token,
            &format!("/v1/follow-ups/{id}/approve"),
            &json!({}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    (check_in, id)
}

async fn schedule(app: &TestApp, token: &str, id: &str, local_time: &str) {
    let (status, body) = app
        .post(
            token,
            &format!("/v1/follow-ups/{id}/schedule"),
            &json!({"local_time": local_time}),
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

/// Reprocesses the session, approves its new draft for 09:00 New York on
/// 13 January, and has the dispatcher refuse it at that time; its id.
async fn held_next_follow_up(app: &TestApp, check_in: &CheckIn, dispatcher: &Dispatcher) -> String {
    let token = check_in.token.as_str();
    app.reprocess_and_settle(token, &check_in.session).await;
    let (_, drafts) = app.get(token, "/v1/follow-ups?status=draft").await;
    let next = drafts["items"][0]["id"]
        .as_str()
        .expect("a new draft")
        .to_owned();
    let (status, _) = app
        .post(token, &format!("/v1/follow-ups/{next}/approve"), &json!({}))
        .await;
    assert_eq!(status, 200);
    schedule(app, token, &next, "2027-01-13T09:00").await;
    let held = dispatcher
        .dispatch_due(at("2027-01-13T14:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!((held.sent, held.blocked), (0, 1));
    next
}

async fn follow_up(app: &TestApp, token: &str, id: &str) -> Value {
    let (status, body) = app.get(token, &format!("/v1/follow-ups/{id}")).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_scheduled_follow_up_goes_out_once_at_its_local_time_and_its_unsubscribe_link_works() {
    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, true).await;
    let token = check_in.token.as_str();
    // 09:00 in New York on 12 January 2027 is 14:00 UTC.
    schedule(&app, token, &id, "2027-01-12T09:00").await;
    let dispatcher = app.runtime.dispatcher.clone();

    let early = dispatcher
        .dispatch_due(at("2027-01-12T13:59:59Z"))
        .await
        .expect("dispatch");
    assert_eq!(early.sent, 0, "not due yet");
    let on_time = dispatcher
        .dispatch_due(at("2027-01-12T14:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!(on_time.sent, 1);
    let again = dispatcher
        .dispatch_due(at("2027-01-12T15:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!(again.sent, 0, "sent once");

    let sent = follow_up(&app, token, &id).await;
    assert_eq!(sent["status"], "sent", "{sent}");
    assert!(sent["sent_at"].is_string());

    // The email as the outbox holds it, parsed back.
    let mails: Vec<String> = app
        .outbox()
        .into_iter()
        .filter(|mail| mail.contains("To: tobias@example.com"))
        .collect();
    assert_eq!(mails.len(), 1);
    let message = mail_parser::MessageParser::default()
        .parse(mails[0].as_bytes())
        .expect("an RFC 5322 message");
    let from = message
        .from()
        .and_then(|from| from.first())
        .expect("a sender");
    assert_eq!(from.name(), Some("Dana Whitfield"));
    assert_eq!(from.address(), Some("no-reply@flowcoach.test"));
    let reply_to = message
        .reply_to()
        .and_then(|r| r.first())
        .expect("reply-to");
    assert_eq!(reply_to.address(), Some("dana@example.com"));
    assert_eq!(message.subject(), sent["subject"].as_str());
    assert_eq!(
        (message.text_body_count(), message.html_body_count()),
        (1, 1)
    );
    let text = message.body_text(0).expect("text");
    assert!(
        text.contains(sent["body"].as_str().unwrap().lines().next().unwrap()),
        "{text}"
    );
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
    let unsubscribe = message
        .header_raw("List-Unsubscribe")
        .map(|raw| {
            raw.trim()
                .trim_start_matches('<')
                .trim_end_matches('>')
                .to_owned()
        })
        .expect("List-Unsubscribe");
    assert!(
        unsubscribe.starts_with(&app.url("/v1/unsubscribe/")),
        "{unsubscribe}"
    );
    assert!(text.contains(&unsubscribe), "the link is in the text too");

    // Opening the link only asks; the one-click POST unsubscribes.
    let page = app.http.get(&unsubscribe).send().await.expect("GET");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("page");
    assert!(
        html.contains("<form method=\"post\">") && html.contains("Dana Whitfield"),
        "{html}"
    );
    let suppressed = "SELECT count(*) FROM suppressions WHERE email = 'tobias@example.com'";
    assert_eq!(app.count(suppressed, &[]).await, 0, "a GET changes nothing");
    let done = app
        .http
        .post(&unsubscribe)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .expect("POST");
    assert_eq!(done.status(), 200);
    assert_eq!(app.count(suppressed, &[]).await, 1);
    let forged = app
        .http
        .post(format!("{unsubscribe}x"))
        .send()
        .await
        .expect("POST");
    assert_eq!(forged.status(), 404);

    // The next follow-up to the unsubscribed address is held, saying why.
    let next = held_next_follow_up(&app, &check_in, &dispatcher).await;
    let blocked = follow_up(&app, token, &next).await;
    assert_eq!(blocked["status"], "failed");
    assert_eq!(
        blocked["failure_reason"],
        "Not sent: the client unsubscribed from your follow-ups."
    );
    assert_eq!(
        app.outbox()
            .iter()
            .filter(|mail| mail.contains("To: tobias@example.com"))
            .count(),
        1
    );
}

#[tokio::test]
async fn two_dispatchers_racing_over_a_hundred_due_follow_ups_send_each_once() {
    let app = TestApp::spawn().await;
    let (_, id) = approved(&app, true).await;
    let due = at("2027-02-01T10:00:00Z");
    {
        let db = app.db.pool.get().await.expect("db");
        let id = Uuid::parse_str(&id).expect("uuid");
        // A hundred more approved follow-ups of the same session, all due.
        db.exec(
            "INSERT INTO follow_ups (id, coach_id, session_id, client_id, generation, status,
                                     current_version, approved_version, scheduled_at)
             SELECT gen_random_uuid(), coach_id, session_id, client_id, 100 + n, 'scheduled', 1, 1, $2
               FROM follow_ups, generate_series(1, 100) AS n WHERE id = $1",
            &[&id, &due],
        )
        .await
        .expect("follow-ups");
        db.exec(
            "INSERT INTO follow_up_versions (id, follow_up_id, coach_id, version, subject, body, source)
             SELECT gen_random_uuid(), id, coach_id, 1, 'Our session', 'Thank you for today.', 'ai'
               FROM follow_ups WHERE generation > 100",
            &[],
        )
        .await
        .expect("versions");
    }
    let mailer = RecordingMailer::new(Behaviour::Accept);
    let (first, second) = (
        dispatcher(&app, mailer.clone()),
        dispatcher(&app, mailer.clone()),
    );
    let (a, b) = tokio::join!(first.dispatch_due(due), second.dispatch_due(due));
    let (a, b) = (a.expect("first"), b.expect("second"));
    assert_eq!(a.sent + b.sent, 100, "{a:?} {b:?}");
    assert_eq!(mailer.sent().len(), 100, "one email per follow-up");
    assert_eq!(
        app.count("SELECT count(*) FROM follow_ups WHERE status = 'sent'", &[])
            .await,
        100
    );
    assert_eq!(
        app.count(
            "SELECT count(DISTINCT provider_message_id) FROM follow_ups WHERE status = 'sent'",
            &[]
        )
        .await,
        100
    );
}

#[tokio::test]
async fn a_hand_off_that_never_reports_back_becomes_unknown_and_is_not_resent() {
    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, true).await;
    schedule(&app, &check_in.token, &id, "2027-03-01T09:00").await;
    let due = at("2027-03-01T14:00:00Z");
    let hanging = RecordingMailer::new(Behaviour::Hang);
    let stopped = tokio::time::timeout(
        Duration::from_millis(500),
        dispatcher(&app, hanging.clone()).dispatch_due(due),
    )
    .await;
    assert!(stopped.is_err(), "the hand-off never returned");
    assert_eq!(hanging.sent().len(), 1);
    assert_eq!(
        follow_up(&app, &check_in.token, &id).await["status"],
        "sending"
    );

    let accepting = RecordingMailer::new(Behaviour::Accept);
    let later = dispatcher(&app, accepting.clone());
    assert_eq!(
        later.sweep_unfinished(Utc::now()).await.expect("sweep"),
        0,
        "too soon to tell"
    );
    let swept = later
        .sweep_unfinished(Utc::now() + chrono::Duration::minutes(11))
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
    let dispatched = later.dispatch_due(due).await.expect("dispatch");
    assert_eq!(dispatched.sent, 0);
    assert!(accepting.sent().is_empty(), "never resent by itself");
    let unknown = follow_up(&app, &check_in.token, &id).await;
    assert_eq!(unknown["status"], "unknown");
    assert!(unknown["failure_reason"]
        .as_str()
        .unwrap()
        .contains("never recorded"));
}

/// Accepts each message only once the test opens the gate.
struct GatedMailer {
    taken: tokio::sync::Notify,
    gate: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl flowcoach_core::ports::Mailer for GatedMailer {
    async fn send(
        &self,
        _: &flowcoach_core::ports::OutgoingEmail,
    ) -> Result<String, flowcoach_core::ports::MailError> {
        self.taken.notify_one();
        self.gate.notified().await;
        Ok("late-acceptance".into())
    }
}

#[tokio::test]
async fn a_late_acceptance_after_the_sweep_makes_the_unknown_follow_up_sent() {
    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, true).await;
    let token = check_in.token.as_str();
    schedule(&app, token, &id, "2027-03-01T09:00").await;
    let due = at("2027-03-01T14:00:00Z");
    let mailer = Arc::new(GatedMailer {
        taken: tokio::sync::Notify::new(),
        gate: tokio::sync::Notify::new(),
    });
    let slow = Dispatcher {
        mailer: mailer.clone(),
        ..app.runtime.dispatcher.clone()
    };
    let run = tokio::spawn(async move { slow.dispatch_due(due).await });
    mailer.taken.notified().await;
    // Another run declares the long hand-off unknown ...
    let swept = app
        .runtime
        .dispatcher
        .sweep_unfinished(Utc::now() + chrono::Duration::minutes(11))
        .await
        .expect("sweep");
    assert_eq!(swept, 1);
    assert_eq!(follow_up(&app, token, &id).await["status"], "unknown");
    // ... then the provider's answer arrives: it was sent.
    mailer.gate.notify_one();
    let dispatched = run.await.expect("joined").expect("dispatch");
    assert_eq!(dispatched.sent, 1);
    let sent = follow_up(&app, token, &id).await;
    assert_eq!(sent["status"], "sent", "{sent}");
    assert!(sent["sent_at"].is_string());
    assert_eq!(
        app.count(
            "SELECT count(*) FROM follow_ups WHERE provider_message_id = 'late-acceptance'",
            &[]
        )
        .await,
        1
    );
}

#[tokio::test]
async fn a_provider_that_gives_no_answer_leaves_it_unknown_and_it_is_not_resent() {
    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, true).await;
    let token = check_in.token.as_str();
    schedule(&app, token, &id, "2027-03-01T09:00").await;
    let due = at("2027-03-01T14:00:00Z");
    let silent = RecordingMailer::new(Behaviour::NoAnswer);
    let dispatched = dispatcher(&app, silent.clone())
        .dispatch_due(due)
        .await
        .expect("dispatch");
    assert_eq!((dispatched.sent, dispatched.unknown), (0, 1));
    let unknown = follow_up(&app, token, &id).await;
    assert_eq!(unknown["status"], "unknown", "{unknown}");
    assert!(unknown["failure_reason"]
        .as_str()
        .unwrap()
        .contains("may or may not have been sent"));
    assert_eq!(
        app.count("SELECT count(*) FROM emails WHERE status = 'unknown'", &[])
            .await,
        1
    );
    // No later run sends it again; the coach decides.
    let accepting = RecordingMailer::new(Behaviour::Accept);
    let later = dispatcher(&app, accepting.clone());
    later
        .sweep_unfinished(due + chrono::Duration::minutes(30))
        .await
        .expect("sweep");
    later.dispatch_due(due).await.expect("dispatch");
    assert!(accepting.sent().is_empty(), "never resent by itself");
    assert_eq!(silent.sent().len(), 1);
}

#[tokio::test]
async fn no_consent_and_a_provider_refusal_each_leave_their_reason() {
    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, false).await;
    let token = check_in.token.as_str();
    schedule(&app, token, &id, "2027-04-01T09:00").await;
    let mailer = RecordingMailer::new(Behaviour::Reject);
    let dispatched = dispatcher(&app, mailer.clone())
        .dispatch_due(at("2027-04-01T13:00:00Z")) // 09:00 EDT
        .await
        .expect("dispatch");
    assert_eq!(dispatched.blocked, 1);
    assert!(
        mailer.sent().is_empty(),
        "nothing reaches the provider without consent"
    );
    let held = follow_up(&app, token, &id).await;
    assert_eq!(held["status"], "failed");
    assert_eq!(
        held["failure_reason"],
        "Not sent: the client has not agreed to receive follow-up emails."
    );

    // With consent given and the follow-up sent again, the provider refuses.
    let (status, _) = app
        .send(
            app.http
                .patch(app.url(&format!("/v1/clients/{}", check_in.client)))
                .bearer_auth(token)
                .json(&json!({"consent_email": true})),
        )
        .await;
    assert_eq!(status, 200);
    // (Scheduled ahead rather than sent now: the server's own tick must not
    // take it first.)
    schedule(&app, token, &id, "2027-04-02T09:00").await;
    let dispatched = dispatcher(&app, mailer.clone())
        .dispatch_due(at("2027-04-02T13:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!(dispatched.failed, 1);
    assert_eq!(mailer.sent().len(), 1);
    let refused = follow_up(&app, token, &id).await;
    assert_eq!(refused["status"], "failed");
    assert!(
        refused["failure_reason"]
            .as_str()
            .unwrap()
            .contains("address on the provider's block list"),
        "{refused}"
    );
}

#[tokio::test]
async fn a_coach_who_sends_without_approval_has_old_enough_drafts_sent_but_never_a_held_one() {
    let app = TestApp::spawn().await;
    let check_in = app.check_in_with("s01.vtt").await;
    let token = check_in.token.as_str();
    app.wait_until_settled(token, &check_in.session, SETTLE)
        .await;
    let (_, list) = app.get(token, "/v1/follow-ups").await;
    let draft = list["items"][0].clone();
    let id = draft["id"].as_str().expect("a draft").to_owned();
    let created = at(draft["created_at"].as_str().expect("created_at"));
    let dispatcher = app.runtime.dispatcher.clone();

    // Off by default: nothing is scheduled however old the draft.
    let much_later = created + chrono::Duration::days(60);
    assert_eq!(dispatcher.auto_schedule(much_later).await.expect("tick"), 0);

    let (status, me) = app
        .send(
            app.http
                .patch(app.url("/v1/me"))
                .bearer_auth(token)
                .json(&json!({"send_without_approval_after_hours": 24})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["settings"]["send_without_approval_after_hours"], 24);
    let (status, problem) = app
        .send(
            app.http.patch(app.url("/v1/me")).bearer_auth(token).json(
                &json!({"send_without_approval_after_hours": 0, "time_zone": "Europe/Berlin"}),
            ),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    // A refused PATCH changes nothing, not even its valid fields.
    let (_, me) = app.get(token, "/v1/me").await;
    assert_eq!(me["time_zone"], "UTC", "{me}");
    assert_eq!(me["settings"]["send_without_approval_after_hours"], 24);

    // Held for review: never sent without the coach.
    let follow_up_id = Uuid::parse_str(&id).expect("uuid");
    {
        let db = app.db.pool.get().await.expect("db");
        db.exec(
            "UPDATE follow_ups SET review_reason = '1 urgent risk flag' WHERE id = $1",
            &[&follow_up_id],
        )
        .await
        .expect("held");
    }
    assert_eq!(dispatcher.auto_schedule(much_later).await.expect("tick"), 0);
    {
        let db = app.db.pool.get().await.expect("db");
        db.exec(
            "UPDATE follow_ups SET review_reason = NULL WHERE id = $1",
            &[&follow_up_id],
        )
        .await
        .expect("released");
    }

    let almost = created + chrono::Duration::hours(24) - chrono::Duration::seconds(1);
    assert_eq!(dispatcher.auto_schedule(almost).await.expect("tick"), 0);
    let due = created + chrono::Duration::hours(24);
    assert_eq!(dispatcher.auto_schedule(due).await.expect("tick"), 1);
    let scheduled = follow_up(&app, token, &id).await;
    assert_eq!(scheduled["status"], "scheduled");
    assert_eq!(scheduled["approved_version"], 1);
    assert_eq!(at(scheduled["scheduled_at"].as_str().unwrap()), due);
    let audited = app
        .count(
            "SELECT count(*) FROM audit_log WHERE entity_id = $1 AND action = 'follow_up.auto_schedule' AND actor_id IS NULL",
            &[&follow_up_id],
        )
        .await;
    assert_eq!(audited, 1);

    // Turned off again: the next draft waits for the coach.
    let (status, me) = app
        .send(
            app.http
                .patch(app.url("/v1/me"))
                .bearer_auth(token)
                .json(&json!({"send_without_approval_after_hours": null})),
        )
        .await;
    assert_eq!(status, 200, "{me}");
    assert!(
        me["settings"]
            .get("send_without_approval_after_hours")
            .is_none(),
        "{me}"
    );
}

/// SES's bounce event for a sent follow-up, as the mail-events queue holds
/// it (the SNS subscription delivers the event raw).
fn permanent_bounce(message_id: &str, recipient: &str) -> String {
    json!({
        "eventType": "Bounce",
        "mail": {"messageId": message_id, "destination": [recipient]},
        "bounce": {"bounceType": "Permanent", "bounceSubType": "General",
                   "bouncedRecipients": [{"emailAddress": recipient}]},
    })
    .to_string()
}

#[tokio::test]
async fn a_bounce_from_the_mail_events_queue_suppresses_the_address_and_holds_the_next_follow_up() {
    use flowcoach_core::aws::lambda::mail_events::MailEventsHandler;

    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, true).await;
    let token = check_in.token.as_str();
    let mailer = RecordingMailer::new(Behaviour::Accept);
    let dispatcher = dispatcher(&app, mailer.clone());
    schedule(&app, token, &id, "2027-01-12T09:00").await;
    let sent = dispatcher
        .dispatch_due(at("2027-01-12T14:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!(sent.sent, 1);
    assert_eq!(follow_up(&app, token, &id).await["status"], "sent");

    // The queue in the emulator, as SES → SNS → SQS fills it.
    let clients = flowcoach_tests::aws::emulator_clients().await;
    let queue = clients
        .sqs()
        .create_queue()
        .queue_name(format!("fc-mail-events-{}", Uuid::new_v4().simple()))
        .send()
        .await
        .expect("queue")
        .queue_url()
        .expect("url")
        .to_owned();
    for body in [
        permanent_bounce("provider-1", "Tobias@Example.com"),
        permanent_bounce("someone-elses-message", "mara@example.com"),
        "not an event".to_owned(),
    ] {
        clients
            .sqs()
            .send_message()
            .queue_url(&queue)
            .message_body(body)
            .send()
            .await
            .expect("send");
    }
    let mut messages = Vec::new();
    for _ in 0..5 {
        let received = clients
            .sqs()
            .receive_message()
            .queue_url(&queue)
            .max_number_of_messages(10)
            .send()
            .await
            .expect("receive");
        messages.extend(received.messages().iter().cloned());
        if messages.len() == 3 {
            break;
        }
    }
    assert_eq!(messages.len(), 3);
    let handler = MailEventsHandler {
        db: app.runtime.pipeline.db.clone(),
    };
    let response = handler
        .handle(flowcoach_tests::aws::to_lambda_event(&messages))
        .await;
    // Only the unreadable record goes back to the queue (and then its DLQ).
    let garbage = messages
        .iter()
        .find(|m| m.body() == Some("not an event"))
        .and_then(|m| m.message_id())
        .expect("the unreadable record");
    let failed: Vec<&str> = response
        .batch_item_failures
        .iter()
        .map(|f| f.item_identifier.as_str())
        .collect();
    assert_eq!(failed, [garbage]);
    let bounced = "SELECT count(*) FROM suppressions WHERE email = 'tobias@example.com' AND reason = 'bounced'";
    assert_eq!(app.count(bounced, &[]).await, 1);
    assert_eq!(app.count("SELECT count(*) FROM suppressions", &[]).await, 1);
    // The same event again changes nothing.
    let bounce: Vec<_> = messages
        .iter()
        .filter(|m| m.body().is_some_and(|b| b.contains("provider-1")))
        .cloned()
        .collect();
    let again = handler
        .handle(flowcoach_tests::aws::to_lambda_event(&bounce))
        .await;
    assert!(again.batch_item_failures.is_empty());
    assert_eq!(app.count("SELECT count(*) FROM suppressions", &[]).await, 1);

    // The next follow-up to the bounced address is held, saying why.
    let next = held_next_follow_up(&app, &check_in, &dispatcher).await;
    assert_eq!(
        follow_up(&app, token, &next).await["failure_reason"],
        "Not sent: mail to the client's address bounced."
    );
    assert_eq!(mailer.sent().len(), 1);
}

#[tokio::test]
async fn the_sender_name_a_coach_sets_is_the_name_their_clients_see() {
    let app = TestApp::spawn().await;
    let (check_in, id) = approved(&app, true).await;
    let token = check_in.token.as_str();
    let set = |value: Value| {
        app.send(
            app.http
                .patch(app.url("/v1/me"))
                .bearer_auth(token)
                .json(&json!({ "sender_name": value })),
        )
    };
    let (status, body) = set(json!("  ")).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["errors"][0]["field"], "sender_name", "{body}");
    let (status, body) = set(json!("Dana W. Coaching")).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        body["settings"]["sender_name"], "Dana W. Coaching",
        "{body}"
    );

    schedule(&app, token, &id, "2027-01-12T09:00").await;
    let sent = app
        .runtime
        .dispatcher
        .dispatch_due(at("2027-01-12T14:00:00Z"))
        .await
        .expect("dispatch");
    assert_eq!(sent.sent, 1);
    let mail = app
        .outbox()
        .into_iter()
        .find(|mail| mail.contains("To: tobias@example.com"))
        .expect("the email");
    let message = mail_parser::MessageParser::default()
        .parse(mail.as_bytes())
        .expect("an RFC 5322 message");
    let from = message.from().and_then(|f| f.first()).expect("a sender");
    assert_eq!(from.name(), Some("Dana W. Coaching"));

    // `null` goes back to the display name.
    let (status, body) = set(Value::Null).await;
    assert_eq!(status, 200, "{body}");
    assert!(body["settings"].get("sender_name").is_none(), "{body}");
}
