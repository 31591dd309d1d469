//! Wires the AWS adapters into the pipeline and the API: what every Lambda
//! builds once per cold start.

use std::sync::Arc;

use super::adapters::{
    database_config_from_secret, AwsClients, DynamoIdempotencyStore, LogNotifier, S3ObjectStore,
    SesMailer, SqsStageQueue,
};
use crate::adapters::postgres::PgIdempotencyStore;
use crate::ai::analyst::Analyst;
use crate::ai::embedder::Embedder;
use crate::ai::local::LocalAnalyst;
use crate::ai::minilm::{self, default_model_dir};
use crate::api::{AppState, Authenticator};
use crate::ingest::Ingest;
use crate::pipeline::{Pipeline, PipelineSettings};
use crate::ports::IdempotencyStore;
use crate::store::{self, Pool};

/// What the environment names.
#[derive(Debug, Clone)]
pub struct AwsSettings {
    /// Only the functions that touch transcripts are given the bucket.
    pub bucket: Option<String>,
    /// DynamoDB table for `Idempotency-Key` records (API functions only).
    pub idempotency_table: Option<String>,
    pub ses_configuration_set: Option<String>,
    pub public_url: String,
    pub mail_from: String,
}

fn required(name: &str) -> anyhow::Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("{name} must be set (see docs/deploy.md)"))
}

fn optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl AwsSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            bucket: optional("TRANSCRIPTS_BUCKET"),
            idempotency_table: optional("IDEMPOTENCY_TABLE"),
            ses_configuration_set: optional("SES_CONFIGURATION_SET"),
            public_url: optional("FLOWCOACH_PUBLIC_URL")
                .unwrap_or_else(|| "https://app.flowcoach.example".into()),
            // Only the notify function sends mail; it is always given a sender.
            mail_from: optional("FLOWCOACH_MAIL_FROM")
                .unwrap_or_else(|| "FlowCoach <no-reply@flowcoach.local>".into()),
        })
    }
}

#[derive(Clone)]
pub struct AwsRuntime {
    pub clients: AwsClients,
    pub db: Pool,
    pub settings: AwsSettings,
    pub objects: Arc<S3ObjectStore>,
    pub queue: Arc<SqsStageQueue>,
    pub ingest: Ingest,
    pub idempotency: Arc<dyn IdempotencyStore>,
}

impl AwsRuntime {
    /// Everything from the environment: one database connection per container
    /// (`DATABASE_URL`, or `DATABASE_SECRET_ARN` with `DATABASE_HOST`), the
    /// clients, the object store and the queues.
    pub async fn from_env() -> anyhow::Result<Self> {
        let clients = AwsClients::from_env().await;
        let db = match optional("DATABASE_URL") {
            Some(url) => store::connect(&url, 1)?,
            None => {
                let secret = required("DATABASE_SECRET_ARN")?;
                let config = database_config_from_secret(
                    &clients.secrets,
                    &secret,
                    optional("DATABASE_HOST").as_deref(),
                )
                .await?;
                store::connect_with(config, 1)?
            }
        };
        let settings = AwsSettings::from_env()?;
        let queue = SqsStageQueue::from_env(clients.sqs.clone());
        Ok(Self::with(clients, db, queue, settings))
    }

    pub fn with(
        clients: AwsClients,
        db: Pool,
        queue: SqsStageQueue,
        settings: AwsSettings,
    ) -> Self {
        let objects = Arc::new(S3ObjectStore::new(
            clients.s3.clone(),
            settings.bucket.clone(),
        ));
        let queue = Arc::new(queue);
        let idempotency: Arc<dyn IdempotencyStore> = match &settings.idempotency_table {
            Some(table) => Arc::new(DynamoIdempotencyStore::new(clients.dynamodb.clone(), table)),
            None => Arc::new(PgIdempotencyStore { db: db.clone() }),
        };
        let ingest = Ingest {
            db: db.clone(),
            objects: objects.clone(),
            queue: queue.clone(),
        };
        Self {
            clients,
            db,
            settings,
            objects,
            queue,
            ingest,
            idempotency,
        }
    }

    /// The stage functions' pipeline. Only they build one, so an API
    /// function links no analyser, mailer or model code.
    pub fn pipeline(&self, analyst: Arc<dyn Analyst>, embedder: Arc<dyn Embedder>) -> Pipeline {
        Pipeline {
            db: self.db.clone(),
            objects: self.objects.clone(),
            queue: self.queue.clone(),
            analyst,
            embedder,
            mailer: Arc::new(SesMailer::new(
                self.clients.ses.clone(),
                self.settings.ses_configuration_set.clone(),
            )),
            notifier: Arc::new(LogNotifier),
            settings: PipelineSettings {
                public_url: self.settings.public_url.clone(),
                mail_from: self.settings.mail_from.clone(),
            },
        }
    }

    /// The pipeline a stage Lambda runs: the local analyser and the model
    /// this build links (none outside stage-embed: `minilm::embedder`).
    pub fn stage_pipeline(&self) -> Pipeline {
        self.pipeline(
            Arc::new(LocalAnalyst),
            minilm::embedder(default_model_dir()),
        )
    }

    pub fn app_state(&self, auth: Arc<dyn Authenticator>) -> AppState {
        AppState {
            db: self.db.clone(),
            ingest: self.ingest.clone(),
            objects: self.objects.clone(),
            auth,
            idempotency: self.idempotency.clone(),
            uploads: self.objects.clone(),
            http: crate::api::HttpLimits::default(),
        }
    }
}
