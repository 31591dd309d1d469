//! Lambda: the `/v1/me` API resource behind API Gateway.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(Some("me")).await
}
