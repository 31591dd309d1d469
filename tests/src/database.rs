//! One fresh database per test. The schema is migrated once into a template
//! database named after the migrations' fingerprint; each test clones it,
//! which takes milliseconds instead of a full migration.

use std::time::Duration;

use flowcoach_core::store::{self, migrations, Executor, Pool};
use tokio_postgres::NoTls;

/// Server-wide lock id that serialises template creation across test processes.
const TEMPLATE_LOCK: i64 = 0x466c_6f77_436f_6163;

pub struct TestDb {
    pub name: String,
    pub url: String,
    pub pool: Pool,
}

fn admin_url() -> String {
    std::env::var("FLOWCOACH_TEST_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

fn url_for(database: &str) -> String {
    let admin = admin_url();
    let base = admin
        .rsplit_once('/')
        .map(|(base, _)| base.to_owned())
        .unwrap_or(admin);
    format!("{base}/{database}")
}

async fn admin() -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(&admin_url(), NoTls)
        .await
        .expect("PostgreSQL must be running for the tests: run scripts/test.sh, which starts it");
    tokio::spawn(connection);
    client
}

async fn database_exists(client: &tokio_postgres::Client, name: &str) -> bool {
    client
        .fetch_optional("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .expect("query pg_database")
        .is_some()
}

/// Creates the migrated template once per schema version.
async fn ensure_template() -> String {
    let template = format!("fc_template_{}", migrations::fingerprint());
    let client = admin().await;
    if database_exists(&client, &template).await {
        return template;
    }
    client
        .exec("SELECT pg_advisory_lock($1)", &[&TEMPLATE_LOCK])
        .await
        .expect("advisory lock");
    if !database_exists(&client, &template).await {
        let building = format!("{template}_building");
        client
            .batch_execute(&format!("DROP DATABASE IF EXISTS {building}"))
            .await
            .expect("drop stale template");
        client
            .batch_execute(&format!("CREATE DATABASE {building}"))
            .await
            .expect("create template");
        {
            let pool = store::connect(&url_for(&building), 1).expect("template pool");
            migrations::run(&pool)
                .await
                .expect("migrate the template database");
            pool.close();
        }
        // Renaming makes the finished template visible atomically.
        let mut renamed = false;
        for _ in 0..50 {
            if client
                .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {template}"))
                .await
                .is_ok()
            {
                renamed = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(renamed, "could not publish the template database");
    }
    client
        .exec("SELECT pg_advisory_unlock($1)", &[&TEMPLATE_LOCK])
        .await
        .expect("advisory unlock");
    template
}

impl TestDb {
    pub async fn new() -> Self {
        let template = ensure_template().await;
        let name = format!("fc_test_{}", uuid::Uuid::new_v4().simple());
        let client = admin().await;
        let mut created = false;
        // The template may still have a closing connection for a moment.
        for _ in 0..50 {
            if client
                .batch_execute(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
                .await
                .is_ok()
            {
                created = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert!(created, "could not clone the template database");
        let url = url_for(&name);
        let pool = store::connect(&url, 8).expect("test pool");
        Self { name, url, pool }
    }
}

impl TestDb {
    /// Takes the database away from its clients, as an outage or a failover
    /// does: every open connection is cut and new ones are refused until
    /// `restore`. The test's own pool is cut too.
    pub async fn cut_off(&self) {
        let client = admin().await;
        client
            .batch_execute(&format!(
                "ALTER DATABASE {} WITH ALLOW_CONNECTIONS false",
                self.name
            ))
            .await
            .expect("refuse connections");
        client
            .exec(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1",
                &[&self.name],
            )
            .await
            .expect("cut connections");
    }

    /// Accepts connections again after `cut_off`.
    pub async fn restore(&self) {
        admin()
            .await
            .batch_execute(&format!(
                "ALTER DATABASE {} WITH ALLOW_CONNECTIONS true",
                self.name
            ))
            .await
            .expect("accept connections");
    }
}
