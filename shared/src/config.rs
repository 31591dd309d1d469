//! Configuration from the environment, validated once at start-up.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A secret that never prints.
#[derive(Clone)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// A PostgreSQL connection string; its `Debug` shows where it points but
/// never its password.
#[derive(Clone)]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for DatabaseUrl {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // tokio-postgres's own `Debug` of parsed settings redacts the password.
        match self.0.parse::<tokio_postgres::Config>() {
            Ok(config) => f
                .debug_struct("DatabaseUrl")
                .field("host", &config.get_hosts())
                .field("port", &config.get_ports())
                .field("user", &config.get_user())
                .field("dbname", &config.get_dbname())
                .finish_non_exhaustive(),
            Err(_) => f.write_str("DatabaseUrl(unparseable)"),
        }
    }
}

/// Limits of the local HTTP server (the API Lambdas run behind API Gateway,
/// which holds the connections).
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// A connection whose request head has not arrived by then is closed;
    /// an idle keep-alive connection too.
    pub header_read_timeout: std::time::Duration,
    /// Connections served at once; further ones wait in the listen backlog.
    pub max_connections: usize,
    pub limits: crate::api::HttpLimits,
}

impl Default for HttpSettings {
    fn default() -> Self {
        Self {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 256,
            limits: crate::api::HttpLimits::default(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{name} is not valid: {reason}")]
    Invalid { name: &'static str, reason: String },
    #[error("could not prepare {what} at {path}: {source}")]
    Io {
        what: &'static str,
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Settings of the one-machine runtime (`flowcoach serve`, `import`, ...).
#[derive(Debug, Clone)]
pub struct LocalConfig {
    pub database_url: DatabaseUrl,
    pub bind: SocketAddr,
    /// Where transcripts, the outbox and the inbox live.
    pub data_dir: PathBuf,
    pub inbox_dir: PathBuf,
    /// How often the inbox is polled for what file-system events missed.
    pub inbox_poll_interval: Duration,
    pub outbox_dir: PathBuf,
    pub objects_dir: PathBuf,
    pub public_url: String,
    pub jwt_secret: Secret,
    pub model_dir: PathBuf,
    pub worker_concurrency: usize,
    pub visibility_timeout: Duration,
    /// How long one stage may run before it is stopped and counted as a failed attempt.
    pub stage_timeout: Duration,
    pub max_attempts: i32,
    pub mail_from: String,
    /// Send through this SMTP server instead of into the outbox folder.
    pub smtp_url: Option<Secret>,
    /// Longest lifetime (`exp - iat`) of a local token that is accepted.
    pub token_max_lifetime: Duration,
    pub http: HttpSettings,
    /// How often the schedule tick sends due follow-ups and does housekeeping:
    /// a follow-up sent "now" goes out within this.
    pub tick_interval: Duration,
    /// Where the built web app is (`npm run build` in `web/`); `None` serves
    /// the API alone.
    pub web_dir: Option<PathBuf>,
}

pub(crate) fn env_or(name: &str, default: impl FnOnce() -> String) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(default)
}

pub(crate) fn parse_env<T: std::str::FromStr>(
    name: &'static str,
    default: T,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    match std::env::var(name) {
        Ok(raw) if !raw.trim().is_empty() => {
            raw.trim()
                .parse()
                .map_err(|e: T::Err| ConfigError::Invalid {
                    name,
                    reason: format!("{e} (got '{raw}')"),
                })
        }
        _ => Ok(default),
    }
}

/// A whole number above zero.
pub(crate) fn positive<T>(name: &'static str, default: T) -> Result<T, ConfigError>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
    T::Err: std::fmt::Display,
{
    let value = parse_env(name, default)?;
    if value < T::from(1) {
        return Err(ConfigError::Invalid {
            name,
            reason: "must be at least 1".into(),
        });
    }
    Ok(value)
}

pub(crate) fn positive_secs(
    name: &'static str,
    default: Duration,
) -> Result<Duration, ConfigError> {
    positive(name, default.as_secs()).map(Duration::from_secs)
}

pub fn default_data_dir() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local/share/flowcoach")
}

impl LocalConfig {
    /// Reads `FLOWCOACH_*` and `DATABASE_URL`; every value has an embedded default.
    pub fn from_env() -> Result<Self, ConfigError> {
        let data_dir = PathBuf::from(env_or("FLOWCOACH_DATA_DIR", || {
            default_data_dir().display().to_string()
        }));
        let bind: SocketAddr =
            parse_env("FLOWCOACH_BIND", SocketAddr::from(([127, 0, 0, 1], 8080)))?;
        let public_url = env_or("FLOWCOACH_PUBLIC_URL", || format!("http://{bind}"));
        let jwt_secret = match std::env::var("FLOWCOACH_JWT_SECRET") {
            Ok(value) if value.len() >= 32 => Secret::new(value),
            Ok(_) => {
                return Err(ConfigError::Invalid {
                    name: "FLOWCOACH_JWT_SECRET",
                    reason: "must be at least 32 characters".into(),
                })
            }
            Err(_) => local_jwt_secret(&data_dir)?,
        };
        let worker_concurrency = parse_env("FLOWCOACH_WORKERS", 2usize)?;
        if worker_concurrency == 0 {
            return Err(ConfigError::Invalid {
                name: "FLOWCOACH_WORKERS",
                reason: "must be at least 1".into(),
            });
        }
        let max_attempts = parse_env("FLOWCOACH_MAX_ATTEMPTS", 5i32)?;
        if max_attempts < 1 {
            return Err(ConfigError::Invalid {
                name: "FLOWCOACH_MAX_ATTEMPTS",
                reason: "must be at least 1".into(),
            });
        }
        let defaults = HttpSettings::default();
        let http = HttpSettings {
            header_read_timeout: positive_secs(
                "FLOWCOACH_HEADER_TIMEOUT_SECS",
                defaults.header_read_timeout,
            )?,
            max_connections: positive("FLOWCOACH_MAX_CONNECTIONS", defaults.max_connections)?,
            limits: crate::api::HttpLimits {
                request_timeout: positive_secs(
                    "FLOWCOACH_REQUEST_TIMEOUT_SECS",
                    defaults.limits.request_timeout,
                )?,
                body_idle_timeout: positive_secs(
                    "FLOWCOACH_BODY_TIMEOUT_SECS",
                    defaults.limits.body_idle_timeout,
                )?,
                ..defaults.limits
            },
        };
        let token_max_lifetime =
            Duration::from_secs(24 * 3600 * positive("FLOWCOACH_TOKEN_MAX_DAYS", 30u64)?);
        Ok(Self {
            database_url: DatabaseUrl::new(env_or("DATABASE_URL", || {
                "postgres://postgres@127.0.0.1:5432/flowcoach".into()
            })),
            bind,
            inbox_dir: PathBuf::from(env_or("FLOWCOACH_INBOX_DIR", || {
                data_dir.join("inbox").display().to_string()
            })),
            inbox_poll_interval: positive_secs(
                "FLOWCOACH_INBOX_POLL_SECS",
                Duration::from_secs(5),
            )?,
            outbox_dir: PathBuf::from(env_or("FLOWCOACH_OUTBOX_DIR", || {
                data_dir.join("outbox").display().to_string()
            })),
            objects_dir: data_dir.join("objects"),
            public_url: public_url.trim_end_matches('/').to_owned(),
            jwt_secret,
            model_dir: crate::ai::minilm::default_model_dir(),
            worker_concurrency,
            visibility_timeout: Duration::from_secs(parse_env(
                "FLOWCOACH_VISIBILITY_TIMEOUT_SECS",
                300u64,
            )?),
            stage_timeout: stage_timeout_from_env()?,
            max_attempts,
            mail_from: env_or("FLOWCOACH_MAIL_FROM", || {
                "FlowCoach <no-reply@flowcoach.local>".into()
            }),
            smtp_url: std::env::var("FLOWCOACH_SMTP_URL")
                .ok()
                .filter(|url| !url.trim().is_empty())
                .map(Secret::new),
            token_max_lifetime,
            http,
            tick_interval: positive_secs("FLOWCOACH_TICK_SECS", Duration::from_secs(10))?,
            web_dir: Some(PathBuf::from(env_or("FLOWCOACH_WEB_DIR", || {
                "web/dist".into()
            }))),
            data_dir,
        })
    }
}

/// `FLOWCOACH_STAGE_TIMEOUT_SECS`: the longest one pipeline stage may run.
/// Locally it bounds every stage; on Lambda it is the cap when the
/// invocation's own deadline is further away.
pub fn stage_timeout_from_env() -> Result<Duration, ConfigError> {
    let secs = parse_env("FLOWCOACH_STAGE_TIMEOUT_SECS", 600u64)?;
    if secs == 0 {
        return Err(ConfigError::Invalid {
            name: "FLOWCOACH_STAGE_TIMEOUT_SECS",
            reason: "must be at least 1".into(),
        });
    }
    Ok(Duration::from_secs(secs))
}

/// The local token-signing secret: generated once and kept in the data folder
/// so tokens survive restarts without the operator inventing one.
fn local_jwt_secret(data_dir: &std::path::Path) -> Result<Secret, ConfigError> {
    use rand::RngCore;
    let path = data_dir.join("jwt-secret");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        if existing.trim().len() >= 32 {
            return Ok(Secret::new(existing.trim()));
        }
    }
    let io = |source| ConfigError::Io {
        what: "the local JWT secret",
        path: path.clone(),
        source,
    };
    std::fs::create_dir_all(data_dir).map_err(io)?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = hex::encode(bytes);
    write_private_file(&path, secret.as_bytes()).map_err(io)?;
    Ok(Secret::new(secret))
}

fn write_private_file(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_database_password_or_jwt_key() {
        let config = LocalConfig {
            database_url: DatabaseUrl::new(
                "postgres://flowcoach:hunter2-sekrit@db.internal:5432/flowcoach",
            ),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("/data"),
            inbox_dir: PathBuf::from("/data/inbox"),
            inbox_poll_interval: Duration::from_secs(5),
            outbox_dir: PathBuf::from("/data/outbox"),
            objects_dir: PathBuf::from("/data/objects"),
            public_url: "http://127.0.0.1:8080".into(),
            jwt_secret: Secret::new("jwt-key-0123456789abcdef0123456789"),
            model_dir: PathBuf::from("/models"),
            worker_concurrency: 2,
            visibility_timeout: Duration::from_secs(300),
            stage_timeout: Duration::from_secs(600),
            max_attempts: 5,
            mail_from: "FlowCoach <no-reply@flowcoach.local>".into(),
            smtp_url: Some(Secret::new("smtps://coach:smtp-pa55word@mail.example.com")),
            token_max_lifetime: Duration::from_secs(30 * 24 * 3600),
            http: HttpSettings::default(),
            tick_interval: Duration::from_secs(10),
            web_dir: None,
        };
        let printed = format!("{config:?}");
        assert!(!printed.contains("hunter2-sekrit"), "{printed}");
        assert!(!printed.contains("jwt-key-0123456789"), "{printed}");
        assert!(!printed.contains("smtp-pa55word"), "{printed}");
        assert!(
            printed.contains("db.internal"),
            "the host still helps: {printed}"
        );
    }
}
