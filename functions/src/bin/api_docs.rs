//! Lambda: the unauthenticated `/healthz`, `/readyz` and `/v1/openapi.json`.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(None).await
}
