//! Lambda: the `/v1/clients` API resource behind API Gateway: idempotent
//! `POST`s (DynamoDB), no bucket or queue.

use flowcoach_core::api;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(
        |runtime, auth| runtime.app_state_without_transcripts(auth),
        api::lambda::clients,
    )
    .await
}
