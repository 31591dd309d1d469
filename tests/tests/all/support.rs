//! Test doubles wrapping the real analyst and embedder to inject failures.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use flowcoach_core::ai::analyst::{Analysis, AnalysisRequest, Analyst, AnalystError};
use flowcoach_core::ai::local::LocalAnalyst;

/// The local analyser, failing transiently for the first `failures` calls
/// (or for as long as `broken` is set).
pub struct FlakyAnalyst {
    pub failures: usize,
    pub calls: AtomicUsize,
    pub broken: AtomicBool,
}

impl FlakyAnalyst {
    pub fn failing_first(failures: usize) -> Arc<Self> {
        Arc::new(Self {
            failures,
            calls: AtomicUsize::new(0),
            broken: AtomicBool::new(false),
        })
    }

    pub fn broken() -> Arc<Self> {
        Arc::new(Self {
            failures: 0,
            calls: AtomicUsize::new(0),
            broken: AtomicBool::new(true),
        })
    }

    pub fn repair(&self) {
        self.broken.store(false, Ordering::SeqCst);
    }
}

#[async_trait]
impl Analyst for FlakyAnalyst {
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst);
        if call < self.failures || self.broken.load(Ordering::SeqCst) {
            return Err(AnalystError::Transient(format!(
                "model endpoint timed out (call {})",
                call + 1
            )));
        }
        LocalAnalyst.analyse(request).await
    }
}

pub use flowcoach_tests::app::HELD_AT;

/// The local analyser with a script: every call takes `takes`; while `hang`
/// is set a call never returns; a session titled `Poison…` makes it panic.
pub struct ScriptedAnalyst {
    pub takes: std::time::Duration,
    pub hang: AtomicBool,
    pub calls: AtomicUsize,
}

impl ScriptedAnalyst {
    pub fn taking(takes: std::time::Duration) -> Arc<Self> {
        Arc::new(Self {
            takes,
            hang: AtomicBool::new(false),
            calls: AtomicUsize::new(0),
        })
    }

    pub fn hanging() -> Arc<Self> {
        let analyst = Self::taking(std::time::Duration::ZERO);
        analyst.hang.store(true, Ordering::SeqCst);
        analyst
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Analyst for ScriptedAnalyst {
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        if request.session_title.starts_with("Poison") {
            panic!("scripted analyst: a bug in the analyse step");
        }
        // A runaway session: it never finishes, whatever else runs.
        if self.hang.load(Ordering::SeqCst) || request.session_title.starts_with("Endless") {
            std::future::pending::<()>().await;
        }
        tokio::time::sleep(self.takes).await;
        LocalAnalyst.analyse(request).await
    }
}

/// A session titled `title` with `client` as its participant and copy
/// number `copy` of the shared `s03.srt` uploaded (the same bytes twice would
/// be one transcript, so each copy ends in its own number of blank lines);
/// returns its id.
pub async fn uploaded_session(
    app: &flowcoach_tests::TestApp,
    token: &str,
    client: &str,
    title: &str,
    copy: usize,
) -> String {
    let session = app
        .create_session(token, title, HELD_AT, &[(client, None)])
        .await;
    let mut transcript = flowcoach_tests::fixtures::shared_transcript("s03.srt");
    transcript.extend(std::iter::repeat_n(b'\n', copy));
    let (status, body) = app.upload(token, &session, "s03.srt", transcript).await;
    assert_eq!(status, 202, "{body}");
    session
}

/// Polls the session's status until it is `ready`, failing the test at once
/// if it is ever seen `failed` on the way.
pub async fn wait_until_ready_never_failed(
    app: &flowcoach_tests::TestApp,
    token: &str,
    session: &str,
    timeout: std::time::Duration,
) -> serde_json::Value {
    let deadline = tokio::time::Instant::now() + timeout;
    loop {
        let (status, body) = app
            .get(token, &format!("/v1/sessions/{session}/status"))
            .await;
        assert_eq!(status, 200, "{body}");
        assert_ne!(
            body["status"], "failed",
            "shown failed while running: {body}"
        );
        if body["status"] == "ready" {
            return body;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "session {session} did not become ready: {body}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// An embedder that answers at once with the same unit vector, for tests
/// where the model's time would blur what is measured.
pub struct InstantEmbedder;

#[async_trait]
impl flowcoach_core::ai::embedder::Embedder for InstantEmbedder {
    fn model_id(&self) -> &str {
        "instant-test-embedder"
    }

    fn dimensions(&self) -> usize {
        384
    }

    async fn embed(
        &self,
        texts: &[String],
    ) -> Result<Vec<Vec<f32>>, flowcoach_core::ai::embedder::EmbedderError> {
        let mut unit = vec![0.0; 384];
        unit[0] = 1.0;
        Ok(vec![unit; texts.len()])
    }
}

/// The instant embedder, except that its `fail_on`-th call fails (as a
/// worker cut off mid-stage would stop), and every text it embeds is counted.
pub struct InterruptedEmbedder {
    fail_on: usize,
    calls: AtomicUsize,
    pub embedded: AtomicUsize,
}

impl InterruptedEmbedder {
    pub fn failing_call(fail_on: usize) -> Arc<Self> {
        Arc::new(Self {
            fail_on,
            calls: AtomicUsize::new(0),
            embedded: AtomicUsize::new(0),
        })
    }

    pub fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl flowcoach_core::ai::embedder::Embedder for InterruptedEmbedder {
    fn model_id(&self) -> &str {
        InstantEmbedder.model_id()
    }

    fn dimensions(&self) -> usize {
        InstantEmbedder.dimensions()
    }

    async fn embed(
        &self,
        texts: &[String],
    ) -> Result<Vec<Vec<f32>>, flowcoach_core::ai::embedder::EmbedderError> {
        if self.calls.fetch_add(1, Ordering::SeqCst) + 1 == self.fail_on {
            return Err(flowcoach_core::ai::embedder::EmbedderError::Failed(
                "scripted: the worker stopped mid-stage".into(),
            ));
        }
        self.embedded.fetch_add(texts.len(), Ordering::SeqCst);
        InstantEmbedder.embed(texts).await
    }
}
