//! A scripted OpenAI-compatible chat-completions server that streams: the
//! reply's pieces as server-sent events with a pause between them, as a
//! real model writes, so a client sees a revision arrive as it is written.
//! It records every request it was sent.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::{json, Value};

/// The model name the server answers with.
pub const SCRIPTED_MODEL: &str = "scripted-model-1";

#[derive(Clone)]
enum Script {
    /// Streams these pieces, then the finish, the usage and `[DONE]`.
    Stream {
        pieces: Vec<String>,
        pause: Duration,
    },
    /// Answers every request with this status and an error body.
    Fail(StatusCode),
}

#[derive(Clone)]
struct Scripted {
    script: Script,
    requests: Arc<Mutex<Vec<Value>>>,
}

pub struct ScriptedModel {
    address: SocketAddr,
    requests: Arc<Mutex<Vec<Value>>>,
    serving: tokio::task::JoinHandle<()>,
}

impl ScriptedModel {
    /// A model whose every reply is `pieces`, `pause` apart.
    pub async fn streaming(pieces: &[&str], pause: Duration) -> Self {
        Self::start(Script::Stream {
            pieces: pieces.iter().map(|piece| (*piece).to_owned()).collect(),
            pause,
        })
        .await
    }

    /// A model that refuses every request with `status`.
    pub async fn failing(status: u16) -> Self {
        Self::start(Script::Fail(
            StatusCode::from_u16(status).expect("an HTTP status"),
        ))
        .await
    }

    async fn start(script: Script) -> Self {
        let requests = Arc::new(Mutex::new(Vec::new()));
        let app = Router::new()
            .route("/v1/chat/completions", post(complete))
            .with_state(Scripted {
                script,
                requests: requests.clone(),
            });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("address");
        let serving = tokio::spawn(async move {
            axum::serve(listener, app).await.expect("serve");
        });
        Self {
            address,
            requests,
            serving,
        }
    }

    /// The base URL a client is configured with (`…/v1`).
    pub fn base_url(&self) -> reqwest::Url {
        reqwest::Url::parse(&format!("http://{}/v1", self.address)).expect("URL")
    }

    /// Every request body received, oldest first.
    pub fn requests(&self) -> Vec<Value> {
        self.requests.lock().expect("requests").clone()
    }
}

impl Drop for ScriptedModel {
    fn drop(&mut self) {
        self.serving.abort();
    }
}

async fn complete(State(scripted): State<Scripted>, Json(request): Json<Value>) -> Response {
    scripted.requests.lock().expect("requests").push(request);
    let (pieces, pause) = match scripted.script {
        Script::Fail(status) => {
            return (
                status,
                Json(json!({"error": {"message": "scripted failure", "type": "scripted"}})),
            )
                .into_response()
        }
        Script::Stream { pieces, pause } => (pieces, pause),
    };
    let chunk = |delta: Value, finish: Value| json!({"model": SCRIPTED_MODEL, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
    let mut events: Vec<Value> = pieces
        .into_iter()
        .map(|piece| chunk(json!({"content": piece}), Value::Null))
        .collect();
    events.push(chunk(json!({}), json!("stop")));
    events.push(json!({"model": SCRIPTED_MODEL, "choices": [], "usage": {"prompt_tokens": 640, "completion_tokens": 48, "prompt_tokens_details": {"cached_tokens": 0}}}));
    let mut frames: Vec<String> = events
        .iter()
        .map(|event| format!("data: {event}\n\n"))
        .collect();
    frames.push("data: [DONE]\n\n".to_owned());
    let stream = futures::stream::unfold(frames.into_iter(), move |mut frames| async move {
        let frame = frames.next()?;
        tokio::time::sleep(pause).await;
        Some((Ok::<_, std::convert::Infallible>(frame), frames))
    });
    (
        [(header::CONTENT_TYPE, "text/event-stream")],
        Body::from_stream(stream),
    )
        .into_response()
}
