//! Lambda: applies database migrations on deploy (a CloudFormation custom
//! resource), or when invoked directly with any other payload.

use flowcoach_core::aws::runtime::AwsRuntime;
use flowcoach_core::store::migrations;
use flowcoach_functions::custom_resource::CustomResourceEvent;
use lambda_runtime::{service_fn, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    // A failed start must still answer CloudFormation, or the deploy hangs until its timeout.
    let runtime = AwsRuntime::from_env()
        .await
        .map_err(|e| format!("the migration function could not start: {e}"));
    let runtime = &runtime;
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        let custom_resource = serde_json::from_value::<CustomResourceEvent>(event.payload).ok();
        let outcome = match (&custom_resource, runtime) {
            (Some(request), _) if !request.wants_migration() => {
                Ok("nothing to do on delete".to_owned())
            }
            (_, Err(start_error)) => Err(start_error.clone()),
            (_, Ok(runtime)) => migrations::run(&runtime.db)
                .await
                .map(|applied| format!("{} migration(s) applied", applied.len()))
                .map_err(|e| e.to_string()),
        };
        match &outcome {
            Ok(summary) => tracing::info!(summary, "migrations finished"),
            Err(error) => tracing::error!(error, "migrations failed"),
        }
        if let Some(request) = &custom_resource {
            request.respond(outcome.clone()).await?;
        }
        outcome
            .map(|summary| serde_json::json!({ "status": "ok", "summary": summary }))
            .map_err(lambda_runtime::Error::from)
    }))
    .await
}
