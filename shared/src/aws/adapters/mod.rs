//! AWS adapters: S3, SQS, SESv2 and DynamoDB behind the same ports as the
//! local ones, and the API's callers from Cognito's claims. The SDK
//! configuration is loaded once per cold start from the standard AWS
//! environment, so `AWS_ENDPOINT_URL` points every client at an emulator.

mod cognito;
mod cognito_tokens;
mod database;
mod dynamodb_idempotency;
mod log_notifier;
mod s3_object_store;
mod ses_mailer;
mod sqs_queue;
mod websocket;

pub use cognito::{caller_of, CognitoClaims};
pub use cognito_tokens::{claim_text, CognitoTokens};
pub use database::{database_config_from_secret, secret_string};
pub use dynamodb_idempotency::DynamoIdempotencyStore;
pub use log_notifier::LogNotifier;
pub use s3_object_store::{PresignedRequest, S3ObjectStore};
pub use ses_mailer::SesMailer;
pub use sqs_queue::SqsStageQueue;
pub use websocket::{Connections, ConnectionsError, WebSocketNotifier, CONNECTION_LIFETIME};

/// The SDK configuration a cold start loads once, and the clients made from
/// it. A function makes only the clients it calls for, so a release build
/// links only those services' SDK crates (ADR 9): `migrate` has only Secrets
/// Manager, the API functions other than api-sessions no S3 or SQS.
#[derive(Clone, Debug)]
pub struct AwsClients {
    shared: aws_config::SdkConfig,
    s3_path_style: bool,
}

impl AwsClients {
    /// Loads region, credentials and endpoint from the environment.
    pub async fn from_env() -> Self {
        crate::crypto::install_tls_provider();
        let shared = aws_config::load_from_env().await;
        // Emulators (and S3-compatible stores) need path-style addressing.
        let path_style = std::env::var_os("AWS_ENDPOINT_URL").is_some()
            || std::env::var("FLOWCOACH_S3_PATH_STYLE").is_ok_and(|v| v == "true");
        Self::from_config(&shared, path_style)
    }

    pub fn from_config(shared: &aws_config::SdkConfig, s3_path_style: bool) -> Self {
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
