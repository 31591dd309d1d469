//! Wires the local adapters into the pipeline, the API and the background
//! tasks: what `flowcoach serve` and `flowcoach import` run.

use std::sync::Arc;
use std::time::Duration;

use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::sync::{Notify, Semaphore};
use tokio_util::sync::CancellationToken;

use super::first_head::{self, Screened};
use super::inbox::InboxWatcher;
use super::worker::{self, WorkerSettings};
use crate::adapters::local::{
    BroadcastNotifier, DirectUploads, FsObjectStore, OutboxMailer, PgStageQueue,
};
use crate::adapters::postgres::PgIdempotencyStore;
use crate::adapters::smtp_mailer::SmtpMailer;
use crate::ai::analyst::Analyst;
use crate::ai::answerer::Answerer;
use crate::ai::embedder::Embedder;
use crate::ai::llm::LlmConfig;
use crate::ai::llm_answerer::LlmAnswerer;
use crate::ai::llm_refiner::LlmRefiner;
use crate::ai::minilm;
use crate::ai::refiner::Refiner;
use crate::ai::routing::AnalystRouter;
use crate::api::{self, AppState, LocalAuth, LocalTokens};
use crate::config::{HttpSettings, LocalConfig};
use crate::delivery::{Dispatcher, UnsubscribeLinks};
use crate::ingest::Ingest;
use crate::pipeline::{Pipeline, PipelineSettings};
use crate::ports::Mailer;
use crate::store::{self, Pool};

/// Everything one machine runs, built once.
#[derive(Clone)]
pub struct LocalRuntime {
    pub config: LocalConfig,
    pub db: Pool,
    pub pipeline: Pipeline,
    pub ingest: Ingest,
    pub tokens: Arc<LocalTokens>,
    pub notifier: Arc<BroadcastNotifier>,
    pub wake: Arc<Notify>,
    pub worker_settings: WorkerSettings,
    /// Sends due follow-ups on the schedule tick.
    pub dispatcher: Dispatcher,
    /// Refines drafts where a language model is configured.
    pub refiner: Option<Arc<dyn Refiner>>,
    /// Writes search answers where a language model is configured.
    pub answerer: Option<Arc<dyn Answerer>>,
}

/// The SMTP server of `FLOWCOACH_SMTP_URL`, else the outbox folder.
fn mailer(config: &LocalConfig) -> anyhow::Result<Arc<dyn Mailer>> {
    Ok(match &config.smtp_url {
        Some(url) => Arc::new(SmtpMailer::from_url(url.expose()).map_err(|error| {
            anyhow::anyhow!("FLOWCOACH_SMTP_URL is not an SMTP connection URL: {error}")
        })?),
        None => Arc::new(OutboxMailer::new(&config.outbox_dir)),
    })
}

impl LocalRuntime {
    /// Connects and builds the adapters; the embedding model loads on first use.
    pub async fn build(config: LocalConfig) -> anyhow::Result<Self> {
        let embedder = minilm::embedder(config.model_dir.clone());
        let llm = LlmConfig::from_env()?;
        let refiner = llm.clone().map(LlmRefiner::from_config).transpose()?;
        let answerer = llm.clone().map(LlmAnswerer::from_config).transpose()?;
        let analyst = AnalystRouter::from_config(llm)?;
        let mut runtime = Self::with_ai(config, Arc::new(analyst), embedder).await?;
        runtime.refiner = refiner.map(|refiner| Arc::new(refiner) as Arc<dyn Refiner>);
        runtime.answerer = answerer.map(|answerer| Arc::new(answerer) as Arc<dyn Answerer>);
        Ok(runtime)
    }

    /// Loads the embedding model now, so a missing model stops start-up with
    /// a clear message instead of failing the first session.
    pub async fn preload_models(&self) -> anyhow::Result<()> {
        self.pipeline
            .embedder
            .warm_up()
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Like `build`, with the analyst and embedder given (tests script them).
    pub async fn with_ai(
        config: LocalConfig,
        analyst: Arc<dyn Analyst>,
        embedder: Arc<dyn Embedder>,
    ) -> anyhow::Result<Self> {
        crate::crypto::install_tls_provider();
        let db = store::connect(config.database_url.expose(), config.worker_concurrency + 8)?;
        let wake = Arc::new(Notify::new());
        let objects = Arc::new(FsObjectStore::new(&config.objects_dir));
        let queue = Arc::new(PgStageQueue::new(
            db.clone(),
            config.max_attempts,
            wake.clone(),
        ));
        let notifier = Arc::new(BroadcastNotifier::new(256));
        let pipeline = Pipeline {
            db: db.clone(),
            objects: objects.clone(),
            queue: queue.clone(),
            analyst,
            embedder,
            mailer: mailer(&config)?,
            notifier: notifier.clone(),
            settings: PipelineSettings {
                // One origin serves the app and the API.
                app_url: config.public_url.clone(),
                mail_from: config.mail_from.clone(),
            },
        };
        let ingest = Ingest {
            db: db.clone(),
            objects,
            queue,
        };
        let worker_settings = WorkerSettings {
            visibility_timeout: config.visibility_timeout,
            stage_timeout: config.stage_timeout,
            ..WorkerSettings::default()
        };
        let dispatcher = Dispatcher {
            db: db.clone(),
            mailer: pipeline.mailer.clone(),
            notifier: notifier.clone(),
            mail_from: config.mail_from.clone(),
            links: UnsubscribeLinks::new(config.jwt_secret.expose().as_bytes(), &config.public_url),
        };
        Ok(Self {
            dispatcher,
            refiner: None,
            answerer: None,
            tokens: Arc::new(LocalTokens::with_max_lifetime(
                &config.jwt_secret,
                config.token_max_lifetime,
            )),
            config,
            db,
            pipeline,
            ingest,
            notifier,
            wake,
            worker_settings,
        })
    }

    pub fn app_state(&self) -> AppState {
        AppState {
            db: self.db.clone(),
            ingest: self.ingest.clone(),
            objects: self.pipeline.objects.clone(),
            auth: Arc::new(LocalAuth {
                tokens: self.tokens.clone(),
                db: self.db.clone(),
            }),
            idempotency: Arc::new(PgIdempotencyStore {
                db: self.db.clone(),
            }),
            uploads: Arc::new(DirectUploads {
                public_url: self.config.public_url.clone(),
            }),
            http: self.config.http.limits.clone(),
            unsubscribe: Some(self.dispatcher.links.clone()),
            live: Some(self.notifier.clone()),
            refinement: self.refiner.clone().map(|refiner| api::Refinement {
                refiner,
                notifier: self.notifier.clone(),
            }),
            search: Some(api::Search {
                embedder: self.pipeline.embedder.clone(),
                answerer: self.answerer.clone(),
            }),
        }
    }

    /// Starts the workers, the inbox watcher and the schedule tick.
    pub fn spawn_background(
        &self,
        shutdown: &CancellationToken,
    ) -> Vec<tokio::task::JoinHandle<()>> {
        let mut tasks = Vec::new();
        for _ in 0..self.config.worker_concurrency {
            tasks.push(tokio::spawn(worker::run(
                self.pipeline.clone(),
                self.worker_settings.clone(),
                self.wake.clone(),
                shutdown.clone(),
            )));
        }
        let inbox = InboxWatcher::new(&self.config.inbox_dir, self.ingest.clone());
        tasks.push(tokio::spawn(
            inbox.run(self.config.inbox_poll_interval, shutdown.clone()),
        ));
        tasks.push(tokio::spawn(super::scheduler::run(
            self.pipeline.clone(),
            self.dispatcher.clone(),
            self.config.tick_interval,
            shutdown.clone(),
        )));
        tasks
    }

    /// Serves the API on `listener` until `shutdown`; background tasks stop with it
    /// and give back the leases of unfinished jobs.
    pub async fn serve(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let tasks = self.spawn_background(&shutdown);
        let served = self.serve_api(listener, shutdown.clone()).await;
        shutdown.cancel();
        for task in tasks {
            if let Err(error) = task.await {
                tracing::error!(%error, "a background task ended abnormally");
            }
        }
        served
    }

    /// Serves only the API (no workers, inbox or tick) until `shutdown`.
    pub async fn serve_api(
        &self,
        listener: tokio::net::TcpListener,
        shutdown: CancellationToken,
    ) -> anyhow::Result<()> {
        let web = self.config.web_dir.as_deref().and_then(|dir| {
            let app = api::WebApp::built_in(dir);
            match &app {
                Some(_) => tracing::info!(dir = %dir.display(), "serving the web app"),
                None => tracing::warn!(
                    dir = %dir.display(),
                    "no web app built there (npm run build in web/): serving the API alone"
                ),
            }
            app
        });
        let app = api::router(self.app_state(), web.as_ref());
        serve_http(listener, app, &self.config.http, shutdown).await
    }
}

/// Largest request head read at all: a first head above it is refused with a
/// problem+json 431 (`first_head`); the router refuses smaller heads above
/// `HttpLimits::max_header_bytes` itself.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// HTTP/1.1 with the limits axum::serve lacks: a connection that does not
/// finish its request head within `header_read_timeout` is closed (an idle
/// keep-alive one too), a first head hyper would refuse bare gets problem+json,
/// and at most `max_connections` are served at once (further ones wait in the
/// listen backlog).
async fn serve_http(
    listener: tokio::net::TcpListener,
    app: axum::Router,
    settings: &HttpSettings,
    shutdown: CancellationToken,
) -> anyhow::Result<()> {
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(settings.header_read_timeout)
        .max_header_size(MAX_HEAD_BYTES);
    let connections = Arc::new(Semaphore::new(settings.max_connections));
    loop {
        let permit = tokio::select! {
            () = shutdown.cancelled() => break,
            permit = connections.clone().acquire_owned() => permit?,
        };
        let stream = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!(%error, "accepting a connection failed");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let http = http.clone();
        let app = app.clone();
        let shutdown = shutdown.clone();
        let header_read_timeout = settings.header_read_timeout;
        tokio::spawn(async move {
            let stream = match first_head::screen(stream, MAX_HEAD_BYTES, header_read_timeout).await
            {
                Screened::Serve(stream) => stream,
                Screened::Done => return drop(permit),
            };
            let connection = http
                .serve_connection(TokioIo::new(stream), TowerToHyperService::new(app))
                // `GET /v1/events` upgrades to a WebSocket.
                .with_upgrades();
            let mut connection = std::pin::pin!(connection);
            let ended = tokio::select! {
                ended = connection.as_mut() => ended,
                () = shutdown.cancelled() => {
                    // Finish the request in flight, then close.
                    connection.as_mut().graceful_shutdown();
                    connection.await
                }
            };
            if let Err(error) = ended {
                // Clients that hang up or time out: not the server's failure.
                tracing::debug!(%error, "connection ended with an error");
            }
            drop(permit);
        });
    }
    // Every open connection holds a permit: when all are back, all are closed.
    // Requests in flight finish within the request timeout.
    let grace = settings.limits.request_timeout + Duration::from_secs(1);
    let all = u32::try_from(settings.max_connections).unwrap_or(u32::MAX);
    if tokio::time::timeout(grace, connections.acquire_many(all))
        .await
        .is_err()
    {
        tracing::warn!("connections still open after the shutdown grace period were dropped");
    }
    Ok(())
}
