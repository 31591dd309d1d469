//! Wires the local adapters into the pipeline, the API and the background
//! tasks: what `flowcoach serve` and `flowcoach import` run.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

use super::inbox::InboxWatcher;
use super::worker::{self, WorkerSettings};
use crate::adapters::local::{BroadcastNotifier, FsObjectStore, OutboxMailer, PgStageQueue};
use crate::ai::analyst::Analyst;
use crate::ai::embedder::Embedder;
use crate::ai::lazy_model::LazyMiniLm;
use crate::ai::local::LocalAnalyst;
use crate::api::uploads::DirectUploads;
use crate::api::{self, AppState, LocalTokens, PgIdempotencyStore};
use crate::config::LocalConfig;
use crate::ingest::Ingest;
use crate::pipeline::{Pipeline, PipelineSettings};
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
    lazy_model: Option<Arc<LazyMiniLm>>,
}

impl LocalRuntime {
    /// Connects and builds the adapters; the embedding model loads on first use.
    pub async fn build(config: LocalConfig) -> anyhow::Result<Self> {
        let embedder = Arc::new(LazyMiniLm::new(config.model_dir.clone()));
        let mut runtime = Self::with_ai(config, Arc::new(LocalAnalyst), embedder.clone()).await?;
        runtime.lazy_model = Some(embedder);
        Ok(runtime)
    }

    /// Loads the embedding model now, so a missing model stops start-up with
    /// a clear message instead of failing the first session.
    pub async fn preload_models(&self) -> anyhow::Result<()> {
        if let Some(model) = &self.lazy_model {
            model.load().await.map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Ok(())
    }

    /// Like `build`, with the analyst and embedder given (tests script them).
    pub async fn with_ai(
        config: LocalConfig,
        analyst: Arc<dyn Analyst>,
        embedder: Arc<dyn Embedder>,
    ) -> anyhow::Result<Self> {
        crate::crypto::install_tls_provider();
        let db = store::connect(&config.database_url, config.worker_concurrency + 8)?;
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
            mailer: Arc::new(OutboxMailer::new(&config.outbox_dir)),
            notifier: notifier.clone(),
            settings: PipelineSettings {
                public_url: config.public_url.clone(),
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
        Ok(Self {
            tokens: Arc::new(LocalTokens::new(&config.jwt_secret)),
            config,
            db,
            pipeline,
            ingest,
            notifier,
            wake,
            worker_settings,
            lazy_model: None,
        })
    }

    pub fn app_state(&self) -> AppState {
        AppState {
            db: self.db.clone(),
            ingest: self.ingest.clone(),
            objects: self.pipeline.objects.clone(),
            auth: self.tokens.clone(),
            idempotency: Arc::new(PgIdempotencyStore {
                db: self.db.clone(),
            }),
            uploads: Arc::new(DirectUploads {
                public_url: self.config.public_url.clone(),
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
            inbox.run(Duration::from_secs(1), shutdown.clone()),
        ));
        tasks.push(tokio::spawn(super::scheduler::run(
            self.pipeline.clone(),
            Duration::from_secs(60),
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
        let app = api::router(self.app_state());
        let stop = shutdown.clone();
        axum::serve(listener, app)
            .with_graceful_shutdown(async move { stop.cancelled().await })
            .await?;
        shutdown.cancel();
        for task in tasks {
            if let Err(error) = task.await {
                tracing::error!(%error, "a background task ended abnormally");
            }
        }
        Ok(())
    }
}
