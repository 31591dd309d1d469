//! AWS adapters: S3, SQS, SESv2 and DynamoDB behind the same ports as the
//! local ones, and the API's callers from Cognito's claims. Clients are built once per cold start from the standard AWS
//! environment, so `AWS_ENDPOINT_URL` points them at an emulator.

mod cognito;
mod database;
mod dynamodb_idempotency;
mod log_notifier;
mod s3_object_store;
mod ses_mailer;
mod sqs_queue;

pub use cognito::CognitoClaims;
pub use database::database_config_from_secret;
pub use dynamodb_idempotency::DynamoIdempotencyStore;
pub use log_notifier::LogNotifier;
pub use s3_object_store::{PresignedRequest, S3ObjectStore};
pub use ses_mailer::SesMailer;
pub use sqs_queue::SqsStageQueue;

/// Every SDK client FlowCoach uses, sharing one loaded configuration.
#[derive(Clone, Debug)]
pub struct AwsClients {
    pub s3: aws_sdk_s3::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub ses: aws_sdk_sesv2::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub secrets: aws_sdk_secretsmanager::Client,
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
        let s3_config = aws_sdk_s3::config::Builder::from(shared)
            .force_path_style(s3_path_style)
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3_config),
            sqs: aws_sdk_sqs::Client::new(shared),
            ses: aws_sdk_sesv2::Client::new(shared),
            dynamodb: aws_sdk_dynamodb::Client::new(shared),
            secrets: aws_sdk_secretsmanager::Client::new(shared),
        }
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
