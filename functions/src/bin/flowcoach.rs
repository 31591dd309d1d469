//! `flowcoach`: the one-machine server and the operator's command line.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use flowcoach_core::config::LocalConfig;
use flowcoach_core::domain::{CoachId, CoachRole, EmailAddress, SessionStatus};
use flowcoach_core::ingest::IncomingTranscript;
use flowcoach_core::pipeline;
use flowcoach_core::runtime::local::LocalRuntime;
use flowcoach_core::runtime::worker;
use flowcoach_core::store::{self, clients, coaches, sessions};
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(
    name = "flowcoach",
    version,
    about = "FlowCoach: coaching session processing on one machine"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Apply database migrations and install the built-in templates.
    Migrate,
    /// Run the API, the pipeline workers, the inbox watcher and the schedule tick.
    Serve,
    /// Print a bearer token for a coach (created if new).
    Token {
        #[arg(long)]
        coach: String,
        /// Display name for a new coach.
        #[arg(long)]
        name: Option<String>,
        #[arg(long, default_value_t = 24 * 7)]
        hours: i64,
    },
    /// Import a transcript file for a coach and process it.
    Import {
        file: PathBuf,
        #[arg(long)]
        coach: String,
        /// Display name for a new coach.
        #[arg(long)]
        name: Option<String>,
        /// A client of the coach (created if new); transcript speakers with this name are matched to them.
        #[arg(long = "client")]
        clients: Vec<String>,
        /// Return once queued instead of processing it now.
        #[arg(long)]
        no_wait: bool,
    },
    /// Put dead-lettered pipeline jobs back on their queues.
    Redrive {
        /// Only this queue (e.g. stage-analyse).
        #[arg(long)]
        queue: Option<String>,
    },
    /// Print the API's OpenAPI document (the web app's client is generated from it).
    Openapi,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    flowcoach_core::telemetry::init();
    let cli = Cli::parse();
    if let Command::Openapi = cli.command {
        return print_openapi();
    }
    let config = LocalConfig::from_env().context("configuration")?;
    match cli.command {
        Command::Migrate => migrate(&config).await,
        Command::Serve => serve(config).await,
        Command::Token { coach, name, hours } => {
            token(config, &coach, name.as_deref(), hours).await
        }
        Command::Import {
            file,
            coach,
            name,
            clients,
            no_wait,
        } => import(config, &file, &coach, name.as_deref(), &clients, !no_wait).await,
        Command::Redrive { queue } => redrive(config, queue.as_deref()).await,
        Command::Openapi => print_openapi(),
    }
}

/// Needs no configuration: the document is the handlers' annotations.
fn print_openapi() -> anyhow::Result<()> {
    let document = flowcoach_core::api::openapi::document();
    println!("{}", serde_json::to_string_pretty(&document)?);
    Ok(())
}

async fn migrate(config: &LocalConfig) -> anyhow::Result<()> {
    let pool = store::connect(config.database_url.expose(), 1)?;
    let applied = store::migrations::run(&pool)
        .await
        .context("migrating the database")?;
    println!(
        "database is up to date ({} migration(s) applied now)",
        applied.len()
    );
    Ok(())
}

async fn serve(config: LocalConfig) -> anyhow::Result<()> {
    let pool = store::connect(config.database_url.expose(), 1)?;
    store::migrations::run(&pool)
        .await
        .context("migrating the database")?;
    let runtime = LocalRuntime::build(config).await?;
    runtime.preload_models().await?;
    let listener = tokio::net::TcpListener::bind(runtime.config.bind)
        .await
        .with_context(|| format!("binding {}", runtime.config.bind))?;
    tracing::info!(url = %runtime.config.public_url, inbox = %runtime.config.inbox_dir.display(), "FlowCoach is serving");
    let shutdown = CancellationToken::new();
    let signal = shutdown.clone();
    tokio::spawn(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        signal.cancel();
    });
    runtime.serve(listener, shutdown).await
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn ensure_coach(
    pool: &store::Pool,
    email: &str,
    name: Option<&str>,
) -> anyhow::Result<coaches::Coach> {
    let email = EmailAddress::parse(email)?;
    let db = pool.get().await?;
    let default_name = email
        .as_str()
        .split('@')
        .next()
        .unwrap_or("Coach")
        .to_owned();
    Ok(coaches::ensure(&db, &email, name.unwrap_or(&default_name), CoachRole::Coach).await?)
}

async fn token(
    config: LocalConfig,
    email: &str,
    name: Option<&str>,
    hours: i64,
) -> anyhow::Result<()> {
    let runtime = LocalRuntime::build(config).await?;
    let coach = ensure_coach(&runtime.db, email, name).await?;
    let token = runtime
        .tokens
        .issue(
            coach.coach_id(),
            &coach.email,
            coach.role,
            chrono::Duration::hours(hours),
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{token}");
    Ok(())
}

async fn import(
    config: LocalConfig,
    file: &PathBuf,
    email: &str,
    name: Option<&str>,
    client_names: &[String],
    wait: bool,
) -> anyhow::Result<()> {
    let bytes = tokio::fs::read(file)
        .await
        .with_context(|| format!("reading {}", file.display()))?;
    let runtime = LocalRuntime::build(config).await?;
    let coach = ensure_coach(&runtime.db, email, name).await?;
    ensure_clients(&runtime.db, coach.coach_id(), client_names).await?;
    let filename = file.file_name().map(|n| n.to_string_lossy().into_owned());
    let (session, created) = runtime
        .ingest
        .drop_file(
            coach.coach_id(),
            IncomingTranscript {
                bytes,
                filename,
                request_id: Some("cli-import".into()),
            },
        )
        .await?;
    println!(
        "session {} ({})",
        session.id,
        if created {
            "created"
        } else {
            "already imported"
        }
    );
    if !wait {
        return Ok(());
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(600);
    loop {
        let db = runtime.db.get().await?;
        let current = sessions::get(&db, coach.coach_id(), session.id)
            .await?
            .context("the session disappeared")?;
        drop(db);
        match current.status {
            SessionStatus::Ready => {
                println!("session {} is ready", session.id);
                return Ok(());
            }
            SessionStatus::Failed => bail!(
                "session {} failed at {}: {}",
                session.id,
                current
                    .failure_stage
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
                current.failure_reason.unwrap_or_default()
            ),
            _ if tokio::time::Instant::now() > deadline => {
                bail!("session {} is still processing", session.id)
            }
            _ => {
                if !worker::run_once(&runtime.pipeline, &runtime.worker_settings).await? {
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
    }
}

/// Creates the named clients of a coach that do not exist yet.
async fn ensure_clients(
    pool: &store::Pool,
    coach: CoachId,
    names: &[String],
) -> anyhow::Result<()> {
    let db = pool.get().await?;
    let existing = clients::list_all(&db, coach).await?;
    for name in names {
        if existing
            .iter()
            .any(|c| c.name.eq_ignore_ascii_case(name.trim()))
        {
            continue;
        }
        let new = clients::NewClient {
            name: name.trim().to_owned(),
            email: None,
            time_zone: "UTC".into(),
            tags: Vec::new(),
            consent_ai_processing: true,
            consent_email: false,
            notes: String::new(),
            follow_up_template_id: None,
        };
        clients::insert(&db, coach, &new).await?;
    }
    Ok(())
}

async fn redrive(config: LocalConfig, queue: Option<&str>) -> anyhow::Result<()> {
    let runtime = LocalRuntime::build(config).await?;
    let redriven = pipeline::redrive(&runtime.db, queue).await?;
    println!("{} dead-lettered job(s) back on their queues", redriven);
    Ok(())
}
