//! The local server under benchmark: the release `flowcoach serve` binary in
//! its own process, on a fresh database, so the peak memory read at the end is
//! the server's own (model loaded, a session processed, the API under load)
//! and not the benchmark's.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{bail, ensure, Context, Result};
use flowcoach_tests::memory::peak_rss_kib;
use flowcoach_tests::TestDb;
use serde_json::{json, Value};
use tokio::process::{Child, Command};
use uuid::Uuid;

/// Start-up includes migrations and loading the model.
const START_TIMEOUT: Duration = Duration::from_secs(120);
const HEALTH_POLL_INTERVAL: Duration = Duration::from_millis(50);

pub struct ServerUnderBench {
    child: Child,
    binary: PathBuf,
    env: Vec<(&'static str, String)>,
    pub base_url: String,
    pub inbox_dir: PathBuf,
    pub db: TestDb,
    pub http: reqwest::Client,
    /// Holds the server's data (objects, inbox, outbox) until the bench ends.
    _data_dir: tempfile::TempDir,
}

impl ServerUnderBench {
    /// Starts `flowcoach` from beside this binary (scripts/bench.sh builds
    /// both) and waits until it answers `/healthz`.
    pub async fn start() -> Result<Self> {
        // The HTTP client's rustls is built without a default provider.
        flowcoach_core::crypto::install_tls_provider();
        let binary = std::env::current_exe()?.with_file_name("flowcoach");
        ensure!(
            binary.is_file(),
            "{} is missing: run the benchmark through scripts/bench.sh, which builds it",
            binary.display()
        );
        let db = TestDb::new().await;
        let data_dir = tempfile::tempdir()?;
        // A port the OS just handed out; released for the server to bind.
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let base_url = format!("http://127.0.0.1:{port}");
        let env = vec![
            ("DATABASE_URL", db.url.clone()),
            ("FLOWCOACH_DATA_DIR", data_dir.path().display().to_string()),
            ("FLOWCOACH_BIND", format!("127.0.0.1:{port}")),
            ("FLOWCOACH_PUBLIC_URL", base_url.clone()),
            ("FLOWCOACH_JWT_SECRET", Uuid::new_v4().simple().to_string()),
            ("RUST_LOG", "error".to_owned()),
        ];
        let child = Command::new(&binary)
            .arg("serve")
            .envs(env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .with_context(|| format!("starting {} serve", binary.display()))?;
        let mut server = Self {
            child,
            binary,
            env,
            inbox_dir: data_dir.path().join("inbox"),
            base_url,
            db,
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()?,
            _data_dir: data_dir,
        };
        server.wait_until_healthy().await?;
        Ok(server)
    }

    async fn wait_until_healthy(&mut self) -> Result<()> {
        let started = Instant::now();
        loop {
            if let Some(status) = self.child.try_wait()? {
                bail!("flowcoach serve exited during start-up ({status})");
            }
            let health = self.http.get(self.url("/healthz")).send().await;
            if health.is_ok_and(|response| response.status().is_success()) {
                return Ok(());
            }
            ensure!(
                started.elapsed() < START_TIMEOUT,
                "flowcoach serve did not answer /healthz within {}s",
                START_TIMEOUT.as_secs()
            );
            tokio::time::sleep(HEALTH_POLL_INTERVAL).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A bearer token for a coach (created if new), from `flowcoach token`,
    /// and the coach's id from `GET /v1/me`.
    pub async fn coach(&self, email: &str, name: &str) -> Result<(Uuid, String)> {
        let output = Command::new(&self.binary)
            .args(["token", "--coach", email, "--name", name])
            .envs(self.env.iter().map(|(k, v)| (*k, v.as_str())))
            .stdin(Stdio::null())
            .output()
            .await?;
        ensure!(
            output.status.success(),
            "flowcoach token failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let token = String::from_utf8(output.stdout)?.trim().to_owned();
        let me: Value = self
            .http
            .get(self.url("/v1/me"))
            .bearer_auth(&token)
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        let id = me["id"]
            .as_str()
            .and_then(|id| Uuid::parse_str(id).ok())
            .with_context(|| format!("GET /v1/me gave no coach id: {me}"))?;
        Ok((id, token))
    }

    pub async fn create_client(&self, token: &str, name: &str, email: &str) -> Result<()> {
        let response = self
            .http
            .post(self.url("/v1/clients"))
            .bearer_auth(token)
            .json(&json!({ "name": name, "email": email }))
            .send()
            .await?;
        let status = response.status();
        ensure!(
            status.is_success(),
            "POST /v1/clients answered {status}: {}",
            response.text().await.unwrap_or_default()
        );
        Ok(())
    }

    /// The server's peak resident memory so far (`VmHWM`).
    pub fn peak_rss_kib(&self) -> Option<u64> {
        peak_rss_kib(self.child.id()?)
    }

    /// Stops the server and removes its database.
    pub async fn stop(mut self) -> Result<()> {
        self.child.kill().await?;
        self.db.pool.close();
        crate::drop_database(&self.db.name, &self.db.url).await
    }
}
