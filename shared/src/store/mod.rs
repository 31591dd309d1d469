//! PostgreSQL repositories. Every function that reads or writes tenant data
//! takes the coach id and puts it in the WHERE clause: ids from a URL are never
//! trusted on their own.

pub mod audit;
pub mod chunks;
pub mod client_briefs;
pub mod clients;
pub mod coaches;
pub mod commitments;
pub mod delivery;
pub mod emails;
mod enums;
pub mod follow_ups;
pub mod idempotency;
pub mod jobs;
mod json;
pub mod migrations;
pub mod retention;
pub mod search;
pub mod sessions;
pub mod summaries;
pub mod templates;
pub mod utterances;

pub mod sql;

pub use deadpool_postgres::Pool;
pub use sql::Executor;

/// A failed store operation. Each variant keeps the error that caused it as
/// its `source` (the log prints the chain); the messages name only what failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no database connection")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("database statement failed")]
    Db(#[from] tokio_postgres::Error),
    #[error("DATABASE_URL is not a valid connection string")]
    InvalidUrl(#[source] tokio_postgres::Error),
    #[error("could not build the database pool")]
    Build(#[source] deadpool_postgres::BuildError),
    #[error("could not connect to the database: {0}")]
    Connect(String),
    #[error("migration failed")]
    Migration(#[source] refinery::Error),
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
}

impl StoreError {
    /// The SQLSTATE the database refused a statement with, if it did.
    pub fn sql_state(&self) -> Option<&tokio_postgres::error::SqlState> {
        match self {
            Self::Db(error) => error.code(),
            _ => None,
        }
    }

    /// True when the database refused the write because of a unique key.
    pub fn is_unique_violation(&self) -> bool {
        self.sql_state() == Some(&tokio_postgres::error::SqlState::UNIQUE_VIOLATION)
    }

    /// True when the database could not be reached or refused for now (no
    /// connection, shutdown, too many clients, a deadlock): the same work may
    /// succeed later. Data and constraint errors are not transient.
    pub fn is_transient(&self) -> bool {
        match self {
            Self::Pool(_) | Self::Connect(_) => true,
            Self::Db(error) => match error.code() {
                // No SQLSTATE: the connection broke or never opened.
                None => true,
                Some(code) => {
                    let class = &code.code()[..2.min(code.code().len())];
                    // 08 connection, 40 rollback (serialisation, deadlock),
                    // 53 insufficient resources, 57 operator intervention (shutdown),
                    // 55 object not in prerequisite state (e.g. a database not accepting connections).
                    matches!(class, "08" | "40" | "53" | "57" | "55")
                }
            },
            Self::InvalidUrl(_) | Self::Build(_) | Self::Migration(_) | Self::Corrupt(_) => false,
        }
    }
}

const POOL_WAIT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);
const CONNECT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Builds a connection pool. `max_size` is 1 on Lambda (one container, one
/// connection, reused across invocations) and larger for the local server.
pub fn connect(database_url: &str, max_size: usize) -> Result<Pool, StoreError> {
    let pg_config: tokio_postgres::Config = database_url.parse().map_err(StoreError::InvalidUrl)?;
    connect_with(pg_config, max_size)
}

/// Builds a pool from parsed settings; TLS (rustls, web PKI roots) whenever
/// the settings ask for it, as RDS Proxy does.
pub fn connect_with(
    pg_config: tokio_postgres::Config,
    max_size: usize,
) -> Result<Pool, StoreError> {
    let manager_config = deadpool_postgres::ManagerConfig {
        recycling_method: deadpool_postgres::RecyclingMethod::Fast,
    };
    let manager = if pg_config.get_ssl_mode() == tokio_postgres::config::SslMode::Disable
        || pg_config.get_ssl_mode() == tokio_postgres::config::SslMode::Prefer
    {
        deadpool_postgres::Manager::from_config(pg_config, tokio_postgres::NoTls, manager_config)
    } else {
        deadpool_postgres::Manager::from_config(
            pg_config,
            tokio_postgres_rustls::MakeRustlsConnect::new(crate::crypto::mozilla_client_config()),
            manager_config,
        )
    };
    Pool::builder(manager)
        .max_size(max_size)
        .runtime(deadpool_postgres::Runtime::Tokio1)
        // A checkout that waits this long is a bug (code holding a connection
        // while asking for another: with a Lambda's pool of 1 that waits
        // forever) or an overloaded database: an error either way, not a hang.
        .wait_timeout(Some(POOL_WAIT_TIMEOUT))
        .create_timeout(Some(CONNECT_TIMEOUT))
        .build()
        .map_err(StoreError::Build)
}

/// Checks that the database answers (for `/readyz`).
pub async fn ping(pool: &Pool) -> Result<(), StoreError> {
    let client = pool.get().await?;
    client.simple_query("SELECT 1").await?;
    Ok(())
}
