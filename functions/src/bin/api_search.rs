//! Lambda: `POST /v1/search` behind API Gateway: questions over a coach's
//! sessions, embedded with the model from the layer.

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    flowcoach_functions::run_search_api().await
}
