//! `GET /v1/events`: the coach's live events over a WebSocket, as `flowcoach
//! serve` hosts it (on AWS, API Gateway's WebSocket API takes this role).
//!
//! The bearer token is checked at the handshake. Browsers cannot set headers
//! on a WebSocket, so besides `Authorization` the token may come as a
//! subprotocol, `bearer.<token>`, next to `flowcoach.events.v1` (which the
//! server selects); it is never put in the URL, where logs would keep it.
//!
//! Each message is one JSON event, `{"type": "session.ready", "session_id":
//! "…", "at": "…"}` (`ports::EventKind` lists them). A screen that falls
//! behind gets `{"type": "events.missed", "count": n}` and should refetch.

use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::{FromRequestParts, Request, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::broadcast::Receiver;

use super::problem::ApiError;
use super::AppState;
use crate::domain::CoachId;
use crate::ports::LiveEvent;

/// The subprotocol the server speaks.
pub const PROTOCOL: &str = "flowcoach.events.v1";
/// A subprotocol carrying the bearer token: `bearer.<token>`.
const BEARER_PROTOCOL: &str = "bearer.";

pub(super) fn router() -> Router<AppState> {
    Router::new().route("/v1/events", get(events))
}

async fn events(State(state): State<AppState>, request: Request) -> Result<Response, ApiError> {
    let live = state.live.clone().ok_or(ApiError::NotFound("route"))?;
    let (mut parts, _) = request.into_parts();
    if let Some(token) = bearer_protocol(&parts.headers) {
        let value = HeaderValue::from_str(&format!("Bearer {token}"))
            .map_err(|_| ApiError::Unauthorized("The bearer token is not valid.".into()))?;
        parts.headers.insert(header::AUTHORIZATION, value);
    }
    let caller = state.auth.authenticate(&parts).await?;
    let upgrade = WebSocketUpgrade::from_request_parts(&mut parts, &state)
        .await
        .map_err(|rejection| {
            ApiError::BadRequest(format!("Open this as a WebSocket: {rejection}"))
        })?;
    // Subscribed before the handshake completes: nothing published after the
    // 101 is missed.
    let events = live.subscribe();
    let coach = caller.coach;
    Ok(upgrade
        .protocols([PROTOCOL])
        .on_upgrade(move |socket| forward(socket, events, coach))
        .into_response())
}

/// The token in a `bearer.<token>` subprotocol, if one was offered.
fn bearer_protocol(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .find_map(|protocol| protocol.trim().strip_prefix(BEARER_PROTOCOL))
        .map(str::to_owned)
}

/// Sends the coach's events until either side closes.
async fn forward(mut socket: WebSocket, mut events: Receiver<LiveEvent>, coach: CoachId) {
    loop {
        tokio::select! {
            event = events.recv() => {
                let text = match event {
                    Ok(event) if event.coach_id == coach => serde_json::to_string(&event),
                    Ok(_) => continue,
                    Err(RecvError::Lagged(count)) => {
                        tracing::warn!(coach = %coach, count, "a live-event screen fell behind");
                        serde_json::to_string(&serde_json::json!({"type": "events.missed", "count": count}))
                    }
                    Err(RecvError::Closed) => return,
                };
                let sent = match text {
                    Ok(text) => socket.send(Message::Text(text.into())).await,
                    Err(error) => {
                        tracing::warn!(%error, "a live event could not be serialised");
                        continue;
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
            incoming = socket.recv() => match incoming {
                // Pings are answered by the socket itself; other messages
                // from the screen mean nothing here.
                Some(Ok(Message::Close(_))) | Some(Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_may_come_as_a_subprotocol() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static("flowcoach.events.v1, bearer.abc.def-ghi"),
        );
        assert_eq!(bearer_protocol(&headers).as_deref(), Some("abc.def-ghi"));
        headers.insert(
            header::SEC_WEBSOCKET_PROTOCOL,
            HeaderValue::from_static("flowcoach.events.v1"),
        );
        assert_eq!(bearer_protocol(&headers), None);
    }
}
