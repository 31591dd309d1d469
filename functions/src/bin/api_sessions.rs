//! Lambda: the `/v1/sessions` API resource behind API Gateway: transcripts
//! into the bucket and onto the chunk queue, idempotent `POST`s (DynamoDB).

use flowcoach_core::api;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(
        |runtime, auth| runtime.app_state(auth, runtime.transcripts(), runtime.idempotency()),
        api::lambda::sessions,
    )
    .await
}
