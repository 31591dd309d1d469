//! Lambda: the `/v1/follow-ups`, `/v1/templates` and `/v1/commitments` API
//! resources behind API Gateway: the follow-up lifecycle (edit, approve,
//! schedule, send now, cancel, resolve), the templates drafts are written
//! from, and the commitments reminders come from, with idempotent `POST`s
//! (DynamoDB), no bucket or queue.

use flowcoach_core::api;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(
        |runtime, auth| runtime.app_state_without_transcripts(auth),
        api::lambda::follow_ups,
    )
    .await
}
