//! Lambda: the notify stage of the session pipeline (SQS in, partial batch failures out).

use flowcoach_core::domain::PipelineStage;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_functions::run_stage(PipelineStage::Notify).await
}
