//! Lambda: SES's bounce and complaint events (configuration set → SNS →
//! SQS) suppress the addresses for the coach whose follow-up it was.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use flowcoach_core::aws::lambda::mail_events::MailEventsHandler;
use flowcoach_core::aws::runtime::AwsRuntime;
use lambda_runtime::{service_fn, LambdaEvent};

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let handler = &MailEventsHandler {
        db: runtime.db.clone(),
    };
    lambda_runtime::run(service_fn(|event: LambdaEvent<SqsEvent>| async move {
        Ok::<SqsBatchResponse, lambda_runtime::Error>(handler.handle(event.payload).await)
    }))
    .await
}
