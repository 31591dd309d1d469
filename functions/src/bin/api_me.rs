//! Lambda: the `/v1/me` API resource behind API Gateway. It has no `POST`
//! route, so no DynamoDB table, bucket or queue.

use flowcoach_core::api;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(
        |runtime, auth| runtime.database_only_app_state(auth),
        api::lambda::me,
    )
    .await
}
