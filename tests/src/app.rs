//! `TestApp`: the local runtime against a fresh database, served on an
//! ephemeral port, with its data folder in a temporary directory.

use std::sync::Arc;
use std::time::Duration;

use flowcoach_core::ai::analyst::Analyst;
use flowcoach_core::ai::answerer::Answerer;
use flowcoach_core::ai::embedder::Embedder;
use flowcoach_core::ai::local::LocalAnalyst;
use flowcoach_core::ai::minilm::default_model_dir;
use flowcoach_core::ai::minilm::LazyMiniLm;
use flowcoach_core::ai::refiner::Refiner;
use flowcoach_core::config::{HttpSettings, LocalConfig, Secret};
use flowcoach_core::domain::{CoachId, CoachRole, EmailAddress};
use flowcoach_core::runtime::local::LocalRuntime;
use flowcoach_core::store::sql::SqlParam;
use flowcoach_core::store::{coaches, Executor};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

use crate::database::TestDb;
use crate::wire::WireWatch;

/// Knobs a test may turn.
pub struct TestAppOptions {
    pub analyst: Arc<dyn Analyst>,
    pub embedder: Arc<dyn Embedder>,
    pub max_attempts: i32,
    pub visibility_timeout: Duration,
    /// The deadline of one stage.
    pub stage_timeout: Duration,
    /// Start workers, inbox watcher and schedule tick (off: the test drives the queue).
    pub background: bool,
    /// Connect the runtime through a [`WireWatch`] relay (`TestApp::wire`).
    pub watch_wire: bool,
    /// Timeouts and limits of the HTTP server.
    pub http: HttpSettings,
    /// The inbox's fallback poll (file-system events take files at once).
    pub inbox_poll_interval: Duration,
    /// A built web app to serve beside the API.
    pub web_dir: Option<std::path::PathBuf>,
    /// Refines drafts (a language model); `None`: refinement not configured.
    pub refiner: Option<Arc<dyn Refiner>>,
    /// Writes search answers (a language model); `None`: answers are quoted.
    pub answerer: Option<Arc<dyn Answerer>>,
}

impl Default for TestAppOptions {
    fn default() -> Self {
        Self {
            analyst: Arc::new(LocalAnalyst),
            embedder: shared_model(),
            max_attempts: 5,
            visibility_timeout: Duration::from_secs(30),
            stage_timeout: Duration::from_secs(120),
            background: true,
            watch_wire: false,
            http: HttpSettings::default(),
            inbox_poll_interval: Duration::from_secs(1),
            web_dir: None,
            refiner: None,
            answerer: None,
        }
    }
}

/// The real embedding model, loaded once per test process.
pub fn shared_model() -> Arc<dyn Embedder> {
    static MODEL: std::sync::OnceLock<Arc<LazyMiniLm>> = std::sync::OnceLock::new();
    MODEL
        .get_or_init(|| Arc::new(LazyMiniLm::new(default_model_dir())))
        .clone()
}

/// When the shared check-in session was held (the date its fixtures assume).
pub const HELD_AT: &str = "2026-09-08T09:00:00Z";

/// What `TestApp::check_in_with` set up.
pub struct CheckIn {
    pub coach: CoachId,
    pub token: String,
    pub client: String,
    pub session: String,
}

pub struct TestApp {
    pub db: TestDb,
    pub runtime: LocalRuntime,
    pub base_url: String,
    pub http: reqwest::Client,
    pub data_dir: tempfile::TempDir,
    /// What the runtime sent PostgreSQL, when `TestAppOptions::watch_wire`.
    pub wire: Option<WireWatch>,
    shutdown: CancellationToken,
    serving: Option<tokio::task::JoinHandle<()>>,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(TestAppOptions::default()).await
    }

    pub async fn spawn_with(options: TestAppOptions) -> Self {
        let db = TestDb::new().await;
        let data_dir = tempfile::tempdir().expect("temp data dir");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let address = listener.local_addr().expect("local addr");
        let root = data_dir.path().to_path_buf();
        let wire = if options.watch_wire {
            Some(WireWatch::in_front_of(&db.url).await)
        } else {
            None
        };
        let config = LocalConfig {
            database_url: wire
                .as_ref()
                .map_or_else(|| db.url.clone(), |wire| wire.relayed_url(&db.url))
                .into(),
            bind: address,
            inbox_dir: root.join("inbox"),
            inbox_poll_interval: options.inbox_poll_interval,
            outbox_dir: root.join("outbox"),
            objects_dir: root.join("objects"),
            data_dir: root,
            public_url: format!("http://{address}"),
            jwt_secret: Secret::new("test-secret-test-secret-test-secret!"),
            model_dir: default_model_dir(),
            worker_concurrency: 2,
            visibility_timeout: options.visibility_timeout,
            stage_timeout: options.stage_timeout,
            max_attempts: options.max_attempts,
            mail_from: "FlowCoach <no-reply@flowcoach.test>".into(),
            smtp_url: None,
            token_max_lifetime: Duration::from_secs(30 * 24 * 3600),
            http: options.http,
            tick_interval: Duration::from_secs(60),
            web_dir: options.web_dir,
        };
        let mut runtime = LocalRuntime::with_ai(config, options.analyst, options.embedder)
            .await
            .expect("runtime");
        runtime.refiner = options.refiner;
        runtime.answerer = options.answerer;
        runtime.worker_settings.base_backoff = Duration::from_millis(50);
        runtime.worker_settings.max_backoff = Duration::from_millis(400);
        runtime.worker_settings.idle_poll = Duration::from_millis(50);
        runtime.worker_settings.shutdown_grace = Duration::from_millis(300);
        let shutdown = CancellationToken::new();
        let server = runtime.clone();
        let stop = shutdown.clone();
        let serving = if options.background {
            tokio::spawn(async move { server.serve(listener, stop).await.expect("serve") })
        } else {
            tokio::spawn(async move { server.serve_api(listener, stop).await.expect("serve") })
        };
        Self {
            db,
            runtime,
            base_url: format!("http://{address}"),
            http: reqwest::Client::new(),
            data_dir,
            wire,
            shutdown,
            serving: Some(serving),
        }
    }

    /// Stops the server and its background tasks the way a SIGTERM does, and
    /// waits until they have finished (leases given back).
    pub async fn shut_down(&mut self) {
        self.shutdown.cancel();
        if let Some(serving) = self.serving.take() {
            serving.await.expect("the server stopped cleanly");
        }
    }

    /// A coach (created if new) and a bearer token for them.
    pub async fn coach(&self, email: &str, name: &str) -> (CoachId, String) {
        let db = self.db.pool.get().await.expect("db");
        let email = EmailAddress::parse(email).expect("email");
        let coach = coaches::ensure(&db, &email, name, CoachRole::Coach)
            .await
            .expect("coach");
        let token = self
            .runtime
            .tokens
            .issue(
                coach.coach_id(),
                &coach.email,
                coach.role,
                chrono::Duration::hours(1),
            )
            .expect("token");
        (coach.coach_id(), token)
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub async fn get(&self, token: &str, path: &str) -> (u16, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .expect("GET");
        read(response).await
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("POST");
        read(response).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> (u16, Value) {
        self.send(self.http.delete(self.url(path)).bearer_auth(token))
            .await
    }

    /// The folder the coach's transcripts are stored in.
    pub fn transcript_objects(&self, coach: CoachId) -> std::path::PathBuf {
        self.runtime
            .config
            .objects_dir
            .join("transcripts")
            .join(coach.to_string())
    }

    pub async fn send(&self, request: reqwest::RequestBuilder) -> (u16, Value) {
        read(request.send().await.expect("request")).await
    }

    /// The common scene: coach Dana Whitfield, her client Tobias Renner, a
    /// one-to-one session with him, and `transcript` (a shared fixture)
    /// uploaded to it.
    pub async fn check_in_with(&self, transcript: &str) -> CheckIn {
        let (coach, token) = self.coach("dana@example.com", "Dana Whitfield").await;
        let client = self
            .create_client(&token, "Tobias Renner", "tobias@example.com")
            .await;
        let session = self
            .create_session(
                &token,
                "Check-in",
                "2026-09-08T09:00:00Z",
                &[(&client, None)],
            )
            .await;
        let (status, body) = self
            .upload(
                &token,
                &session,
                transcript,
                crate::fixtures::shared_transcript(transcript),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        CheckIn {
            coach,
            token,
            client,
            session,
        }
    }

    /// Creates a client and returns its id.
    pub async fn create_client(&self, token: &str, name: &str, email: &str) -> String {
        let (status, body) = self
            .post(
                token,
                "/v1/clients",
                &serde_json::json!({"name": name, "email": email}),
            )
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("client id").to_owned()
    }

    /// Creates a session with participants `(client_id, speaker_label)` and returns its id.
    pub async fn create_session(
        &self,
        token: &str,
        title: &str,
        held_at: &str,
        participants: &[(&str, Option<&str>)],
    ) -> String {
        let participants: Vec<Value> = participants
            .iter()
            .map(|(id, label)| serde_json::json!({"client_id": id, "speaker_label": label}))
            .collect();
        let (status, body) = self
            .post(token, "/v1/sessions", &serde_json::json!({"title": title, "held_at": held_at, "participants": participants}))
            .await;
        assert_eq!(status, 201, "{body}");
        body["id"].as_str().expect("session id").to_owned()
    }

    pub async fn upload(
        &self,
        token: &str,
        session: &str,
        filename: &str,
        bytes: Vec<u8>,
    ) -> (u16, Value) {
        let request = self
            .http
            .put(self.url(&format!(
                "/v1/sessions/{session}/transcript?filename={filename}"
            )))
            .bearer_auth(token)
            .body(bytes);
        self.send(request).await
    }

    /// Polls the session until it is `ready` or `failed` (panics after `timeout`).
    /// Reprocesses a session and waits until it has settled again.
    pub async fn reprocess_and_settle(&self, token: &str, session: &str) -> Value {
        let (status, body) = self
            .post(
                token,
                &format!("/v1/sessions/{session}/reprocess"),
                &serde_json::json!({}),
            )
            .await;
        assert_eq!(status, 202, "{body}");
        self.wait_until_settled(token, session, Duration::from_secs(180))
            .await
    }

    pub async fn wait_until_settled(&self, token: &str, session: &str, timeout: Duration) -> Value {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let (status, body) = self
                .get(token, &format!("/v1/sessions/{session}/status"))
                .await;
            assert_eq!(status, 200, "{body}");
            if body["status"] == "ready" || body["status"] == "failed" {
                return body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "session {session} did not settle: {body}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The `.eml` files in the outbox.
    pub fn outbox(&self) -> Vec<String> {
        let dir = self.data_dir.path().join("outbox");
        let Ok(entries) = std::fs::read_dir(dir) else {
            return Vec::new();
        };
        let mut mails: Vec<String> = entries
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
            .map(|e| std::fs::read_to_string(e.path()).expect("read eml"))
            .collect();
        mails.sort();
        mails
    }

    pub async fn count(&self, sql: &str, params: &[&dyn SqlParam]) -> i64 {
        let db = self.db.pool.get().await.expect("db");
        db.fetch_one(sql, params).await.expect(sql).get(0)
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        self.shutdown.cancel();
    }
}

async fn read(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let text = response.text().await.expect("body");
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    (status, body)
}
