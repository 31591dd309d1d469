//! Shared start-up for the Lambda binaries: configuration, clients and the
//! database connection are built once per cold start and reused by every
//! invocation.

pub mod custom_resource;

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use axum::Router;
use chrono::{DateTime, Utc};
use flowcoach_core::api::AppState;
use flowcoach_core::aws::adapters::CognitoClaims;
use flowcoach_core::aws::lambda::stage::StageHandler;
use flowcoach_core::aws::runtime::AwsRuntime;
use flowcoach_core::delivery::Dispatcher;
use flowcoach_core::domain::PipelineStage;
use flowcoach_core::retention::{PurgeReport, Retention};
use flowcoach_core::store::StoreError;
use lambda_runtime::{service_fn, LambdaEvent};

/// Matches the stage queues' `maxReceiveCount` in infra/template.yaml.
const DEFAULT_MAX_RECEIVE_COUNT: u32 = 5;

/// Runs one pipeline stage as an SQS-triggered Lambda.
pub async fn run_stage(stage: PipelineStage) -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let transcripts = runtime.transcripts();
    let pipeline = runtime.stage_pipeline(&transcripts).await?;
    let max_receive_count = std::env::var("FLOWCOACH_MAX_RECEIVE_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_MAX_RECEIVE_COUNT);
    let handler = &StageHandler {
        pipeline: &pipeline,
        ingest: &transcripts.ingest,
        stage,
        max_receive_count,
        stage_timeout: flowcoach_core::config::stage_timeout_from_env()?,
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, lambda_runtime::Error>(
            handler
                .handle(event.payload, Some(event.context.deadline()))
                .await,
        )
    }))
    .await
}

/// Serves one API function behind API Gateway. `state` picks the clients
/// the function is given (`AwsRuntime::transcripts`, `idempotency`, …) and
/// `router` its routes (`flowcoach_core::api::lambda`): both are chosen in
/// the binary's `main`, so a release build links nothing the function never
/// calls (ADR 9).
pub async fn run_api(
    state: impl FnOnce(&AwsRuntime, Arc<CognitoClaims>) -> AppState,
    router: impl FnOnce(AppState) -> Router,
) -> Result<(), lambda_http::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let auth = Arc::new(CognitoClaims::new(runtime.db.clone()));
    let mut state = state(&runtime, auth);
    // Only api-docs, which serves the unsubscribe pages, is given the key.
    state.unsubscribe = runtime.unsubscribe_links().await?;
    // Only api-sessions and api-follow-ups are given a language model.
    state.refinement = runtime.refinement().await?;
    lambda_http::run(router(state)).await
}

/// Serves api-search: the database, the caller and search (the embedding
/// model from the layer, the language model where given); idempotency
/// records in the database, as search changes nothing.
pub async fn run_search_api() -> Result<(), lambda_http::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let auth = Arc::new(CognitoClaims::new(runtime.db.clone()));
    let mut state = runtime.database_only_app_state(auth);
    let search = runtime.search().await?;
    // A missing model stops the cold start with its reason, not the first question.
    search.embedder.warm_up().await?;
    state.search = Some(search);
    lambda_http::run(flowcoach_core::api::lambda::search(state)).await
}

/// Runs one scheduled job (an EventBridge schedule's target) with the
/// follow-up dispatcher; answers with what the run did. A failed run is an
/// invocation error, retried by Lambda and then sent to the function's
/// dead-letter queue.
pub async fn run_scheduled<Report, Job>(job: Job) -> Result<(), lambda_runtime::Error>
where
    Report: serde::Serialize,
    Job: AsyncFn(&Dispatcher, DateTime<Utc>) -> Result<Report, StoreError>,
{
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let dispatcher = runtime.dispatcher().await?;
    let (dispatcher, job) = (&dispatcher, &job);
    lambda_runtime::run(service_fn(|_: LambdaEvent<serde_json::Value>| async move {
        let report = job(dispatcher, Utc::now()).await?;
        Ok::<Report, lambda_runtime::Error>(report)
    }))
    .await
}

/// Runs the retention purge as a daily scheduled job: answers with what it
/// removed. A failed run is an invocation error, sent to the function's
/// dead-letter queue; the next day's run takes up what it left.
pub async fn run_retention() -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let retention = &Retention {
        db: runtime.db.clone(),
        objects: runtime.objects(),
    };
    lambda_runtime::run(service_fn(|_: LambdaEvent<serde_json::Value>| async move {
        let report = retention.purge_due(Utc::now()).await?;
        report.log();
        Ok::<PurgeReport, lambda_runtime::Error>(report)
    }))
    .await
}
