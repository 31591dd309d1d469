//! Shared start-up for the Lambda binaries: configuration and adapters are
//! built once per cold start and reused by every invocation.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use flowcoach_core::config::LocalConfig;
use flowcoach_core::domain::PipelineStage;
use flowcoach_core::lambda::stage::handle_batch;
use flowcoach_core::runtime::local::LocalRuntime;
use lambda_runtime::{service_fn, LambdaEvent};

/// Runs one pipeline stage as an SQS-triggered Lambda.
///
/// Adapters come from the environment like the local runtime's; the AWS
/// adapters (S3, SQS, SES) replace them behind the same ports.
pub async fn run_stage(stage: PipelineStage) -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    let config = LocalConfig::from_env()?;
    let runtime = LocalRuntime::build(config).await?;
    let pipeline = &runtime.pipeline;
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, lambda_runtime::Error>(
            handle_batch(pipeline, stage, event.payload).await,
        )
    }))
    .await
}
