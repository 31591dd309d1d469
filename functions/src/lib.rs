//! Shared start-up for the Lambda binaries: configuration, clients and the
//! database connection are built once per cold start and reused by every
//! invocation.

pub mod custom_resource;

use std::sync::Arc;

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use flowcoach_core::api::{build_router, resource_routers};
use flowcoach_core::aws::adapters::CognitoClaims;
use flowcoach_core::aws::lambda::stage::StageHandler;
use flowcoach_core::aws::runtime::AwsRuntime;
use flowcoach_core::domain::PipelineStage;
use lambda_runtime::{service_fn, LambdaEvent};

/// Matches the stage queues' `maxReceiveCount` in infra/template.yaml.
const DEFAULT_MAX_RECEIVE_COUNT: u32 = 5;

/// Runs one pipeline stage as an SQS-triggered Lambda.
pub async fn run_stage(stage: PipelineStage) -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let pipeline = runtime.stage_pipeline();
    let max_receive_count = std::env::var("FLOWCOACH_MAX_RECEIVE_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(DEFAULT_MAX_RECEIVE_COUNT);
    let handler = &StageHandler {
        pipeline: &pipeline,
        ingest: &runtime.ingest,
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

/// Serves one API resource's router (or, with `None`, only the health checks
/// and the OpenAPI document) behind API Gateway.
pub async fn run_api(resource: Option<&str>) -> Result<(), lambda_http::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let auth = Arc::new(CognitoClaims::new(runtime.db.clone()));
    let routers = resource_routers()
        .into_iter()
        .filter(|(name, _)| Some(*name) == resource)
        .map(|(_, router)| router)
        .collect();
    let app = build_router(runtime.app_state(auth), routers);
    lambda_http::run(app).await
}
