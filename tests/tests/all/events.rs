//! `GET /v1/events` on `flowcoach serve`: a coach's open screen hears the
//! session become ready after an upload and the follow-up go out after a
//! send, and nothing of another coach's; a bad token is refused at the
//! handshake.

use std::time::Duration;

use chrono::{DateTime, Utc};
use flowcoach_tests::TestApp;
use futures::StreamExt;
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{connect_async, MaybeTlsStream, WebSocketStream};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

const SETTLE: Duration = Duration::from_secs(180);

/// Opens the event stream, the token sent the way a browser can: as a
/// subprotocol.
pub(crate) async fn open(
    app: &TestApp,
    token: &str,
) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
    let url = app.url("/v1/events").replacen("http://", "ws://", 1);
    let mut request = url.into_client_request().expect("a request");
    request.headers_mut().insert(
        "Sec-WebSocket-Protocol",
        HeaderValue::from_str(&format!("flowcoach.events.v1, bearer.{token}")).expect("header"),
    );
    let (socket, response) = connect_async(request).await?;
    assert_eq!(
        response.headers()["sec-websocket-protocol"],
        "flowcoach.events.v1"
    );
    Ok(socket)
}

/// The next event, within `SETTLE`.
pub(crate) async fn next(socket: &mut Socket) -> Value {
    loop {
        let message = tokio::time::timeout(SETTLE, socket.next())
            .await
            .expect("an event in time")
            .expect("the stream is open")
            .expect("a message");
        if let Message::Text(text) = message {
            return serde_json::from_str(&text).expect("JSON");
        }
    }
}

/// Events until one of `kind` arrives; that one.
async fn until(socket: &mut Socket, kind: &str, seen: &mut Vec<Value>) -> Value {
    loop {
        let event = next(socket).await;
        seen.push(event.clone());
        if event["type"] == kind {
            return event;
        }
    }
}

#[tokio::test]
async fn an_open_screen_hears_the_session_become_ready_and_the_follow_up_go_out() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let (_, other) = app.coach("marcus@example.com", "Marcus Oyelaran").await;
    let mut socket = open(&app, &token).await.expect("the handshake");
    let mut others = open(&app, &other).await.expect("the handshake");

    let check_in = app.check_in_with("s01.vtt").await;
    let mut seen = Vec::new();
    let ready = until(&mut socket, "session.ready", &mut seen).await;
    assert_eq!(ready["session_id"], check_in.session.as_str());
    let at = ready["at"].as_str().expect("a time");
    assert!(DateTime::parse_from_rfc3339(at).is_ok(), "{at}");
    let stages: Vec<&str> = seen
        .iter()
        .filter(|event| event["type"] == "session.stage")
        .filter_map(|event| event["stage"].as_str())
        .collect();
    assert_eq!(stages, ["chunk", "analyse", "embed", "notify"]);
    assert!(
        ready.get("coach_id").is_none(),
        "the screen knows whose it is"
    );

    // Approve and schedule Tobias's draft, then let the dispatcher send it.
    let (status, body) = app
        .send(
            app.http
                .patch(app.url(&format!("/v1/clients/{}", check_in.client)))
                .bearer_auth(&token)
                .json(&json!({"consent_email": true})),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (_, drafts) = app.get(&token, "/v1/follow-ups").await;
    let id = drafts["items"][0]["id"]
        .as_str()
        .expect("a draft")
        .to_owned();
    let (status, _) = app
        .post(&token, &format!("/v1/follow-ups/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post(
            &token,
            &format!("/v1/follow-ups/{id}/schedule"),
            &json!({"local_time": "2027-05-03T09:00"}),
        )
        .await;
    assert_eq!(status, 200);
    let due: DateTime<Utc> = "2027-05-03T09:00:00Z".parse().expect("a time");
    let dispatched = app
        .runtime
        .dispatcher
        .dispatch_due(due)
        .await
        .expect("dispatch");
    assert_eq!(dispatched.sent, 1);
    let sent = until(&mut socket, "follow_up.sent", &mut seen).await;
    assert_eq!(sent["follow_up_id"], id.as_str());

    // Marcus's screen heard none of it.
    let quiet = tokio::time::timeout(Duration::from_millis(300), others.next()).await;
    assert!(quiet.is_err(), "another coach's screen got {quiet:?}");
}

#[tokio::test]
async fn a_bad_token_is_refused_at_the_handshake() {
    let app = TestApp::spawn().await;
    match open(&app, "not-a-token").await {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 401);
        }
        Err(other) => panic!("expected a refusal, got {other}"),
        Ok(_) => panic!("a bad token opened the stream"),
    }
    // A plain GET is not a WebSocket: told so, after the token is checked.
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    let (status, problem) = app.get(&token, "/v1/events").await;
    assert_eq!(status, 400, "{problem}");
    assert!(problem["request_id"].is_string());
}
