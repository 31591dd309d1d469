//! AWS adapters: S3, SQS, SESv2 and DynamoDB behind the same ports as the
//! local ones, and the API's callers from Cognito's claims. The SDK
//! configuration is built once per cold start from Lambda's environment, so
//! `AWS_ENDPOINT_URL` points every client at an emulator.

mod cognito;
mod cognito_tokens;
mod database;
mod dynamodb_idempotency;
mod https_client;
mod log_notifier;
mod s3_object_store;
mod ses_mailer;
mod sqs_queue;
mod websocket;

pub use cognito::{caller_of, CognitoClaims};
pub use cognito_tokens::{claim_text, CognitoTokens};
pub use database::{database_config_from_secret, secret_string};
pub use dynamodb_idempotency::DynamoIdempotencyStore;
pub use https_client::HttpsClient;
pub use log_notifier::LogNotifier;
pub use s3_object_store::{PresignedRequest, S3ObjectStore};
pub use ses_mailer::SesMailer;
pub use sqs_queue::SqsStageQueue;
pub use websocket::{Connections, ConnectionsError, WebSocketNotifier, CONNECTION_LIFETIME};

use std::time::Duration;

use aws_config::environment::EnvironmentVariableCredentialsProvider;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;

/// The SDK configuration a cold start loads once, and the clients made from
/// it. A function makes only the clients it calls for, so a release build
/// links only those services' SDK crates (ADR 9): `migrate` has only Secrets
/// Manager, the API functions other than api-sessions no S3 or SQS.
#[derive(Clone, Debug)]
pub struct AwsClients {
    shared: SdkConfig,
    s3_path_style: bool,
}

/// The SDK's own default (`aws-config`'s), kept now that it builds no configuration here.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(3100);

impl AwsClients {
    /// The configuration Lambda hands every function in its environment:
    /// `AWS_REGION`, the execution role's credentials (`AWS_ACCESS_KEY_ID`,
    /// `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`) and `AWS_ENDPOINT_URL`
    /// where an emulator stands in. Not the SDK's default chain (profiles,
    /// SSO, STS, IMDS, ECS): a function never needs it, and it was the larger
    /// part of every function's SDK code and start-up (ADR 16).
    pub fn from_env() -> anyhow::Result<Self> {
        let region = std::env::var("AWS_REGION")
            .or_else(|_| std::env::var("AWS_DEFAULT_REGION"))
            .map_err(|_| {
                anyhow::anyhow!("AWS_REGION is not set (Lambda sets it for every function)")
            })?;
        let endpoint_url = std::env::var("AWS_ENDPOINT_URL").ok();
        // Emulators (and S3-compatible stores) need path-style addressing.
        let path_style = endpoint_url.is_some()
            || std::env::var("FLOWCOACH_S3_PATH_STYLE").is_ok_and(|v| v == "true");
        let shared = sdk_config(
            Region::new(region),
            SharedCredentialsProvider::new(EnvironmentVariableCredentialsProvider::new()),
            endpoint_url,
        );
        Ok(Self::from_config(&shared, path_style))
    }

    pub fn from_config(shared: &SdkConfig, s3_path_style: bool) -> Self {
        Self {
            shared: shared.clone(),
            s3_path_style,
        }
    }

    pub fn s3(&self) -> aws_sdk_s3::Client {
        let config = aws_sdk_s3::config::Builder::from(&self.shared)
            .force_path_style(self.s3_path_style)
            .build();
        aws_sdk_s3::Client::from_conf(config)
    }

    pub fn sqs(&self) -> aws_sdk_sqs::Client {
        aws_sdk_sqs::Client::new(&self.shared)
    }

    pub fn ses(&self) -> aws_sdk_sesv2::Client {
        aws_sdk_sesv2::Client::new(&self.shared)
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.shared)
    }

    pub fn secrets(&self) -> aws_sdk_secretsmanager::Client {
        aws_sdk_secretsmanager::Client::new(&self.shared)
    }

    /// The management API of one WebSocket API stage
    /// (`https://<api>.execute-api.<region>.amazonaws.com/<stage>`).
    pub fn websocket_management(&self, endpoint: &str) -> aws_sdk_apigatewaymanagement::Client {
        let config = aws_sdk_apigatewaymanagement::config::Builder::from(&self.shared)
            .endpoint_url(endpoint)
            .build();
        aws_sdk_apigatewaymanagement::Client::from_conf(config)
    }
}

/// One SDK configuration for every client of a process: the region, whose
/// credentials, an endpoint that replaces AWS's (an emulator, a scripted
/// server), and one HTTPS client for all of them ([`HttpsClient`]: HTTP/1.1,
/// rustls on ring, the Mozilla roots). Retries are the SDK's standard mode,
/// the connect timeout its default.
pub fn sdk_config(
    region: Region,
    credentials: SharedCredentialsProvider,
    endpoint_url: Option<String>,
) -> SdkConfig {
    let mut config = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(region)
        .credentials_provider(credentials)
        .http_client(HttpsClient::new())
        .retry_config(RetryConfig::standard())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT)
                .build(),
        );
    config.set_endpoint_url(endpoint_url);
    config.build()
}

/// The provider's own words for an SDK error (service code and message), without request details.
pub(crate) fn describe<E, R>(error: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match error.as_service_error() {
        Some(service) => format!(
            "{}: {}",
            service.code().unwrap_or("ServiceError"),
            service.message().unwrap_or("no message")
        ),
        None => format!("{}", aws_sdk_s3::error::DisplayErrorContext(error)),
    }
}
