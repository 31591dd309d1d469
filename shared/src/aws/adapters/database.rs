//! The database connection on AWS: credentials from Secrets Manager, host
//! from the RDS Proxy endpoint, TLS required.

use serde::Deserialize;

use super::describe;
use crate::store::StoreError;

/// The JSON an RDS-managed (or template-generated) secret holds.
#[derive(Deserialize)]
struct DatabaseSecret {
    host: Option<String>,
    port: Option<u16>,
    username: String,
    password: String,
    dbname: Option<String>,
}

/// The text of a Secrets Manager secret (one not holding JSON: a signing key).
pub async fn secret_string(
    secrets: &aws_sdk_secretsmanager::Client,
    secret_arn: &str,
) -> Result<String, StoreError> {
    let value = secrets
        .get_secret_value()
        .secret_id(secret_arn)
        .send()
        .await
        .map_err(|e| StoreError::Connect(format!("reading a secret: {}", describe(&e))))?;
    value
        .secret_string()
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| StoreError::Connect("the secret holds no text".into()))
}

/// Builds connection settings from the secret; `host_override` (the RDS Proxy
/// endpoint) wins over the secret's host.
pub async fn database_config_from_secret(
    secrets: &aws_sdk_secretsmanager::Client,
    secret_arn: &str,
    host_override: Option<&str>,
) -> Result<tokio_postgres::Config, StoreError> {
    let value = secrets
        .get_secret_value()
        .secret_id(secret_arn)
        .send()
        .await
        .map_err(|e| {
            StoreError::Connect(format!("reading the database secret: {}", describe(&e)))
        })?;
    let secret: DatabaseSecret = serde_json::from_str(value.secret_string().unwrap_or_default())
        .map_err(|e| {
            StoreError::Connect(format!("the database secret is not the expected JSON: {e}"))
        })?;
    let host = host_override
        .map(str::to_owned)
        .or(secret.host)
        .ok_or_else(|| {
            StoreError::Connect(
                "no database host: set DATABASE_HOST or put `host` in the secret".into(),
            )
        })?;
    let mut config = tokio_postgres::Config::new();
    config
        .host(&host)
        .port(secret.port.unwrap_or(5432))
        .user(&secret.username)
        .password(secret.password)
        .dbname(secret.dbname.as_deref().unwrap_or("flowcoach"))
        .ssl_mode(tokio_postgres::config::SslMode::Require)
        .application_name("flowcoach-lambda");
    Ok(config)
}
