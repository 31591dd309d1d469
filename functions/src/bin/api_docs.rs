//! Lambda: the unauthenticated `/healthz`, `/readyz`, `/v1/openapi.json` and
//! session page. Nothing here writes or touches transcripts.

use flowcoach_core::api;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(
        |runtime, auth| runtime.database_only_app_state(auth),
        api::lambda::docs,
    )
    .await
}
