//! Lambda: the WebSocket API's `$connect` (a Cognito token for a FlowCoach
//! coach, or 401) and `$disconnect`, keeping the open connections in the
//! connections table that the pushing functions read.

use aws_lambda_events::event::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use flowcoach_core::aws::adapters::{CognitoTokens, Connections};
use flowcoach_core::aws::lambda::websocket::ConnectionsHandler;
use flowcoach_core::aws::runtime::AwsRuntime;
use lambda_runtime::{service_fn, LambdaEvent};

fn required(name: &str) -> anyhow::Result<String> {
    std::env::var(name).map_err(|_| anyhow::anyhow!("{name} must be set (see docs/deploy.md)"))
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_core::telemetry::init();
    let runtime = AwsRuntime::from_env().await?;
    let issuer = required("COGNITO_ISSUER")?;
    // The pool's keys, once per cold start.
    let jwks = reqwest::get(format!("{issuer}/.well-known/jwks.json"))
        .await?
        .error_for_status()?
        .bytes()
        .await?;
    let table = required("CONNECTIONS_TABLE")?;
    let handler = &ConnectionsHandler {
        db: runtime.db.clone(),
        tokens: CognitoTokens::from_jwks(&jwks, &issuer, &required("COGNITO_CLIENT_ID")?)?,
        connections: Connections::new(runtime.clients.dynamodb(), &table),
    };
    lambda_runtime::run(service_fn(
        |event: LambdaEvent<ApiGatewayWebsocketProxyRequest>| async move {
            Ok::<ApiGatewayProxyResponse, lambda_runtime::Error>(
                handler.handle(event.payload).await,
            )
        },
    ))
    .await
}
