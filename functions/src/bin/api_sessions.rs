//! Lambda: the `/v1/sessions` API resource behind API Gateway.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_api(Some("sessions")).await
}
