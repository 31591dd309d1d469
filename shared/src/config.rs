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
    pub database_url: String,
    pub bind: SocketAddr,
    /// Where transcripts, the outbox and the inbox live.
    pub data_dir: PathBuf,
    pub inbox_dir: PathBuf,
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
}

fn env_or(name: &str, default: impl FnOnce() -> String) -> String {
    std::env::var(name)
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(default)
}

fn parse_env<T: std::str::FromStr>(name: &'static str, default: T) -> Result<T, ConfigError>
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
        Ok(Self {
            database_url: env_or("DATABASE_URL", || {
                "postgres://postgres@127.0.0.1:5432/flowcoach".into()
            }),
            bind,
            inbox_dir: PathBuf::from(env_or("FLOWCOACH_INBOX_DIR", || {
                data_dir.join("inbox").display().to_string()
            })),
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
    rand::thread_rng().fill_bytes(&mut bytes);
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
