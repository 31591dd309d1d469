//! Wires the AWS adapters into the pipeline and the API: what every Lambda
//! builds once per cold start.

use std::collections::HashMap;
use std::sync::Arc;

use super::adapters::{
    database_config_from_secret, secret_string, AwsClients, Connections, DynamoIdempotencyStore,
    LogNotifier, S3ObjectStore, SesMailer, SqsStageQueue, WebSocketNotifier,
};
use crate::adapters::not_configured::NoTranscriptServices;
use crate::adapters::postgres::PgIdempotencyStore;
use crate::ai::analyst::Analyst;
use crate::ai::answerer::Answerer;
use crate::ai::embedder::Embedder;
use crate::ai::llm::LlmConfig;
use crate::ai::llm_answerer::LlmAnswerer;
use crate::ai::llm_refiner::LlmRefiner;
use crate::ai::minilm::{self, default_model_dir};
use crate::ai::routing::AnalystRouter;
use crate::api::{AppState, Authenticator, Refinement};
use crate::config::Secret;
use crate::delivery::{Dispatcher, UnsubscribeLinks};
use crate::domain::PipelineStage;
use crate::ingest::Ingest;
use crate::pipeline::{Pipeline, PipelineSettings};
use crate::ports::{IdempotencyStore, Notifier, ObjectStore, TranscriptUploads};
use crate::store::{self, Pool};

/// What the environment names.
#[derive(Debug, Clone)]
pub struct AwsSettings {
    /// Only the functions that touch transcripts are given the bucket.
    pub bucket: Option<String>,
    /// DynamoDB table for `Idempotency-Key` records (API functions only).
    pub idempotency_table: Option<String>,
    pub ses_configuration_set: Option<String>,
    /// Base of API links in emails (unsubscribe).
    pub public_url: String,
    /// Base of web app links in emails (a session's page); the API's when unset.
    pub app_url: String,
    pub mail_from: String,
    /// The stage queues a function sends to (`FLOWCOACH_QUEUE_URL_<STAGE>`).
    pub queue_urls: HashMap<PipelineStage, String>,
    /// The WebSocket API's open connections (`CONNECTIONS_TABLE`) and the
    /// management endpoint of its stage (`WEBSOCKET_MANAGEMENT_URL`): where
    /// live events are pushed. Without them, events go to the log.
    pub connections_table: Option<String>,
    pub websocket_management_url: Option<String>,
    /// The secret holding the key of the unsubscribe links
    /// (`UNSUBSCRIBE_SECRET_ARN`: the dispatch functions and api-docs).
    pub unsubscribe_secret_arn: Option<String>,
}

fn required(name: &str) -> anyhow::Result<String> {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .ok_or_else(|| anyhow::anyhow!("{name} must be set (see docs/deploy.md)"))
}

/// What infra/template.yaml puts in the LLM key secret until an operator sets it.
const LLM_KEY_PLACEHOLDER: &str = "SET-ME";

fn optional(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl AwsSettings {
    pub fn from_env() -> anyhow::Result<Self> {
        Ok(Self {
            bucket: optional("TRANSCRIPTS_BUCKET"),
            idempotency_table: optional("IDEMPOTENCY_TABLE"),
            ses_configuration_set: optional("SES_CONFIGURATION_SET"),
            app_url: optional("FLOWCOACH_APP_URL")
                .or_else(|| optional("FLOWCOACH_PUBLIC_URL"))
                .unwrap_or_else(|| "https://app.flowcoach.example".into()),
            public_url: optional("FLOWCOACH_PUBLIC_URL")
                .unwrap_or_else(|| "https://app.flowcoach.example".into()),
            // Only the notify function sends mail; it is always given a sender.
            mail_from: optional("FLOWCOACH_MAIL_FROM")
                .unwrap_or_else(|| "FlowCoach <no-reply@flowcoach.local>".into()),
            queue_urls: PipelineStage::ALL
                .into_iter()
                .filter_map(|stage| {
                    let name = format!("FLOWCOACH_QUEUE_URL_{}", stage.as_str().to_uppercase());
                    optional(&name).map(|url| (stage, url))
                })
                .collect(),
            unsubscribe_secret_arn: optional("UNSUBSCRIBE_SECRET_ARN"),
            connections_table: optional("CONNECTIONS_TABLE"),
            websocket_management_url: optional("WEBSOCKET_MANAGEMENT_URL"),
        })
    }
}

#[derive(Clone)]
pub struct AwsRuntime {
    pub clients: AwsClients,
    pub db: Pool,
    pub settings: AwsSettings,
}

/// The transcript side of the API state: the bucket, the uploads into it and
/// the chunk queue. Only api-sessions (and the stages) are given them.
pub struct TranscriptServices {
    pub ingest: Ingest,
    pub objects: Arc<dyn ObjectStore>,
    pub uploads: Arc<dyn TranscriptUploads>,
}

impl TranscriptServices {
    /// For a function with no bucket and no queues: every use fails, naming what is missing.
    pub fn not_configured(db: Pool) -> Self {
        let none = Arc::new(NoTranscriptServices);
        Self {
            ingest: Ingest {
                db,
                objects: none.clone(),
                queue: none.clone(),
            },
            objects: none.clone(),
            uploads: none,
        }
    }
}

impl AwsRuntime {
    /// The SDK configuration and one database connection per container
    /// (`DATABASE_URL`, or `DATABASE_SECRET_ARN` with `DATABASE_HOST`). The
    /// service clients are made by the methods below, each only where it is
    /// called, so a function links only the SDK crates it uses (ADR 9).
    pub async fn from_env() -> anyhow::Result<Self> {
        let clients = AwsClients::from_env()?;
        let db = match optional("DATABASE_URL") {
            Some(url) => store::connect(&url, 1)?,
            None => {
                let secret = required("DATABASE_SECRET_ARN")?;
                let config = database_config_from_secret(
                    &clients.secrets(),
                    &secret,
                    optional("DATABASE_HOST").as_deref(),
                )
                .await?;
                store::connect_with(config, 1)?
            }
        };
        let settings = AwsSettings::from_env()?;
        Ok(Self::with(clients, db, settings))
    }

    pub fn with(clients: AwsClients, db: Pool, settings: AwsSettings) -> Self {
        Self {
            clients,
            db,
            settings,
        }
    }

    /// The transcript bucket (refusing every call where none was given).
    pub fn objects(&self) -> Arc<S3ObjectStore> {
        Arc::new(S3ObjectStore::new(
            self.clients.s3(),
            self.settings.bucket.clone(),
        ))
    }

    /// The stage queues this function was given the URLs of.
    pub fn queue(&self) -> Arc<SqsStageQueue> {
        Arc::new(SqsStageQueue::new(
            self.clients.sqs(),
            self.settings.queue_urls.clone(),
        ))
    }

    /// The bucket and the chunk queue, for api-sessions and the stages.
    pub fn transcripts(&self) -> TranscriptServices {
        let objects = self.objects();
        TranscriptServices {
            ingest: Ingest {
                db: self.db.clone(),
                objects: objects.clone(),
                queue: self.queue(),
            },
            objects: objects.clone(),
            uploads: objects,
        }
    }

    /// `Idempotency-Key` records in DynamoDB where the function is given the
    /// table, otherwise in PostgreSQL.
    pub fn idempotency(&self) -> Arc<dyn IdempotencyStore> {
        match &self.settings.idempotency_table {
            Some(table) => Arc::new(DynamoIdempotencyStore::new(self.clients.dynamodb(), table)),
            None => self.idempotency_in_database(),
        }
    }

    /// For functions with no `POST` route: any record goes to PostgreSQL, and
    /// no DynamoDB code is linked.
    pub fn idempotency_in_database(&self) -> Arc<dyn IdempotencyStore> {
        Arc::new(PgIdempotencyStore {
            db: self.db.clone(),
        })
    }

    /// The stage functions' pipeline. Only they build one, so an API
    /// function links no analyser, mailer or model code.
    pub fn pipeline(
        &self,
        transcripts: &TranscriptServices,
        analyst: Arc<dyn Analyst>,
        embedder: Arc<dyn Embedder>,
    ) -> Pipeline {
        Pipeline {
            db: self.db.clone(),
            objects: transcripts.objects.clone(),
            queue: transcripts.ingest.queue.clone(),
            analyst,
            embedder,
            mailer: Arc::new(SesMailer::new(
                self.clients.ses(),
                self.settings.ses_configuration_set.clone(),
            )),
            notifier: self.notifier(),
            settings: PipelineSettings {
                app_url: self.settings.app_url.clone(),
                mail_from: self.settings.mail_from.clone(),
            },
        }
    }

    /// The pipeline a stage Lambda runs: the analyst (the language model
    /// when one is configured, its API key read from Secrets Manager once
    /// per cold start) and the model this build links (none outside
    /// stage-embed: `minilm::embedder`).
    pub async fn stage_pipeline(
        &self,
        transcripts: &TranscriptServices,
    ) -> anyhow::Result<Pipeline> {
        let analyst = AnalystRouter::from_config(self.llm_config().await?)?;
        Ok(self.pipeline(
            transcripts,
            Arc::new(analyst),
            minilm::embedder(default_model_dir()),
        ))
    }

    /// The language model the function is given (`FLOWCOACH_LLM_BASE_URL`),
    /// its API key read from Secrets Manager once per cold start; `None`
    /// where it is given none.
    async fn llm_config(&self) -> anyhow::Result<Option<LlmConfig>> {
        let api_key = match (
            optional("FLOWCOACH_LLM_BASE_URL"),
            optional("LLM_API_KEY_SECRET_ARN"),
        ) {
            (Some(_), Some(arn)) => {
                let key = secret_string(&self.clients.secrets(), &arn).await?;
                if key.trim() == LLM_KEY_PLACEHOLDER {
                    anyhow::bail!(
                        "the LLM API key secret still holds its placeholder: set the provider's key in it (docs/deploy.md), or clear LlmBaseUrl"
                    );
                }
                Some(Secret::new(key.trim()))
            }
            _ => None,
        };
        Ok(LlmConfig::from_env_with_api_key(api_key)?)
    }

    /// Refinement for the API functions that offer it (api-sessions,
    /// api-follow-ups): the configured language model, its revisions pushed
    /// to the coach's WebSocket connections.
    pub async fn refinement(&self) -> anyhow::Result<Option<Refinement>> {
        let Some(config) = self.llm_config().await? else {
            return Ok(None);
        };
        Ok(Some(Refinement {
            refiner: Arc::new(LlmRefiner::from_config(config)?),
            notifier: self.notifier(),
        }))
    }

    /// What api-search serves questions with: the embedding model this
    /// build links (from the model layer) and, where the function is given
    /// a language model, the answerer (else answers quote the passages).
    pub async fn search(&self) -> anyhow::Result<crate::api::Search> {
        let answerer = match self.llm_config().await? {
            Some(config) => Some(Arc::new(LlmAnswerer::from_config(config)?) as Arc<dyn Answerer>),
            None => None,
        };
        Ok(crate::api::Search {
            embedder: minilm::embedder(default_model_dir()),
            answerer,
        })
    }

    /// Where live events go: the coach's WebSocket connections where the
    /// function is given the connections table and management endpoint,
    /// else the log.
    pub fn notifier(&self) -> Arc<dyn Notifier> {
        match (
            &self.settings.connections_table,
            &self.settings.websocket_management_url,
        ) {
            (Some(table), Some(endpoint)) => Arc::new(WebSocketNotifier {
                connections: Connections::new(self.clients.dynamodb(), table),
                management: self.clients.websocket_management(endpoint),
            }),
            _ => Arc::new(LogNotifier),
        }
    }

    /// The links in follow-ups that unsubscribe their reader, signed with
    /// the key the unsubscribe secret holds; `None` where the function is
    /// given no such secret.
    pub async fn unsubscribe_links(&self) -> anyhow::Result<Option<UnsubscribeLinks>> {
        let Some(arn) = &self.settings.unsubscribe_secret_arn else {
            return Ok(None);
        };
        let key = secret_string(&self.clients.secrets(), arn).await?;
        Ok(Some(UnsubscribeLinks::new(
            key.as_bytes(),
            &self.settings.public_url,
        )))
    }

    /// The follow-up dispatcher of the dispatch and reminder functions:
    /// SES, and the unsubscribe links (required: no follow-up goes out
    /// without one).
    pub async fn dispatcher(&self) -> anyhow::Result<Dispatcher> {
        let links = self.unsubscribe_links().await?.ok_or_else(|| {
            anyhow::anyhow!("UNSUBSCRIBE_SECRET_ARN must be set (see docs/deploy.md)")
        })?;
        Ok(Dispatcher {
            db: self.db.clone(),
            mailer: Arc::new(SesMailer::new(
                self.clients.ses(),
                self.settings.ses_configuration_set.clone(),
            )),
            notifier: self.notifier(),
            mail_from: self.settings.mail_from.clone(),
            links,
        })
    }

    pub fn app_state(
        &self,
        auth: Arc<dyn Authenticator>,
        transcripts: TranscriptServices,
        idempotency: Arc<dyn IdempotencyStore>,
    ) -> AppState {
        AppState {
            db: self.db.clone(),
            ingest: transcripts.ingest,
            objects: transcripts.objects,
            auth,
            idempotency,
            uploads: transcripts.uploads,
            http: crate::api::HttpLimits::default(),
            // api-docs serves the unsubscribe pages: `with_unsubscribe`.
            unsubscribe: None,
            // API Gateway's WebSocket API serves live events (ws-connections).
            live: None,
            // `refinement`, for the functions that refine.
            refinement: None,
            // `search`, for api-search (the one API function with the model).
            search: None,
        }
    }

    /// For an API function with idempotent `POST`s but no transcripts
    /// (api-clients, api-follow-ups): no bucket or queue.
    pub fn app_state_without_transcripts(&self, auth: Arc<dyn Authenticator>) -> AppState {
        self.app_state(
            auth,
            TranscriptServices::not_configured(self.db.clone()),
            self.idempotency(),
        )
    }

    /// For an API function that has no `POST` route and serves no
    /// transcripts (api-me, api-docs): the database and the caller only.
    pub fn database_only_app_state(&self, auth: Arc<dyn Authenticator>) -> AppState {
        self.app_state(
            auth,
            TranscriptServices::not_configured(self.db.clone()),
            self.idempotency_in_database(),
        )
    }
}
