//! Cold-start benchmark for the Lambda functions (run by `scripts/bench-cold-start.sh`,
//! never in CI). Each function's release `bootstrap` is started as Lambda
//! starts it: a fresh process whose only link to the world is the Lambda
//! Runtime API, served here on a local port. Measured per start:
//!
//! - init: process start until the runtime's first `GET …/invocation/next`
//!   (Lambda's "Init Duration": clients built, configuration read);
//! - first response: process start until the response to the first event is
//!   posted (init plus the first invocation: database connection, first query);
//! - peak memory (VmHWM) after the first response.
//!
//! A hello-world Rust Lambda built the same way is the baseline.
//!
//! Usage: cold_start <extracted-dir> <lambda-dir> <events-dir> [runs] [summary.json]
//!   <extracted-dir>/<function>/bootstrap   the binaries to start
//!   <lambda-dir>/<function>/bootstrap.zip  their zips, for the size column
//!   <events-dir>                           the sample events (events/)
//!   summary.json                           written for `bench`: every row, the
//!                                          largest API zip and the worst init
//!                                          against the hello world
//! The functions' environment (DATABASE_URL, AWS_ENDPOINT_URL, …) is inherited.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{anyhow, bail, Context, Result};
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post, put};
use axum::Router;
use flowcoach_tests::memory::peak_rss_kib;
use serde_json::Value;
use tokio::sync::Notify;

/// The baseline every init is compared with.
const HELLO_WORLD: &str = "hello-lambda";
const EVENT_TIMEOUT: Duration = Duration::from_secs(60);
const REQUEST_ID: &str = "00000000-0000-4000-8000-000000000001";

/// Which sample event from `events/` each function is woken with.
const EVENTS: &[(&str, &str)] = &[
    ("hello-lambda", "apigw-docs-openapi.json"),
    ("api-me", "apigw-me-get.json"),
    ("api-clients", "apigw-clients-list.json"),
    ("api-sessions", "apigw-sessions-status.json"),
    ("api-follow-ups", "apigw-follow-ups-list.json"),
    ("api-docs", "apigw-docs-openapi.json"),
    ("stage-chunk", "sqs-s3-test-event.json"),
    ("stage-analyse", "sqs-stage-analyse.json"),
    ("stage-embed", "sqs-stage-embed.json"),
    ("stage-notify", "sqs-stage-notify.json"),
    ("migrate", "cfn-migrate-create.json"),
];

/// One start of one function.
struct Start {
    init: Duration,
    first_response: Duration,
    peak_rss_kib: u64,
    outcome: String,
}

/// What the fake Runtime API has seen of the process it serves.
#[derive(Default)]
struct Observed {
    first_next: Option<Instant>,
    answered: Option<(Instant, String)>,
}

#[derive(Clone)]
struct RuntimeApi {
    event: Arc<String>,
    observed: Arc<Mutex<Observed>>,
    changed: Arc<Notify>,
}

#[tokio::main]
async fn main() -> Result<()> {
    const USAGE: &str =
        "usage: cold_start <extracted-dir> <lambda-dir> <events-dir> [runs] [summary.json]";
    let mut args = std::env::args().skip(1);
    let extracted = PathBuf::from(args.next().context(USAGE)?);
    let zips = PathBuf::from(args.next().context(USAGE)?);
    let events_dir = PathBuf::from(args.next().context(USAGE)?);
    let runs = args
        .next()
        .map(|n| n.parse::<usize>())
        .transpose()
        .context(USAGE)?
        .unwrap_or(5);
    let summary_path = args.next().map(PathBuf::from);

    println!(
        "{:<14} {:>10} {:>10} {:>10} {:>12} {:>10}  first response",
        "function", "zip KiB", "init ms", "(min-max)", "1st resp ms", "peak MiB"
    );
    let mut rows = Vec::new();
    for (function, event_file) in EVENTS {
        let bootstrap = extracted.join(function).join("bootstrap");
        if !bootstrap.exists() {
            bail!(
                "{} is missing: build and extract it first",
                bootstrap.display()
            );
        }
        let zip_bytes = std::fs::metadata(zips.join(function).join("bootstrap.zip"))
            .map(|m| m.len())
            .with_context(|| format!("size of {function}'s zip"))?;
        let zip_kib = zip_bytes / 1024;
        let event = std::fs::read_to_string(events_dir.join(event_file))
            .with_context(|| format!("read events/{event_file}"))?;
        let mut starts = Vec::with_capacity(runs);
        for _ in 0..runs {
            starts.push(
                start_once(&bootstrap, &event)
                    .await
                    .with_context(|| function.to_string())?,
            );
        }
        let mut inits: Vec<Duration> = starts.iter().map(|s| s.init).collect();
        let mut firsts: Vec<Duration> = starts.iter().map(|s| s.first_response).collect();
        inits.sort();
        firsts.sort();
        let peak_mib = starts.iter().map(|s| s.peak_rss_kib).max().unwrap_or(0) as f64 / 1024.0;
        println!(
            "{:<14} {:>10} {:>10.1} {:>10} {:>12.1} {:>10.1}  {}",
            function,
            zip_kib,
            millis(median(&inits)),
            format!(
                "{:.0}-{:.0}",
                millis(inits[0]),
                millis(inits[inits.len() - 1])
            ),
            millis(median(&firsts)),
            peak_mib,
            starts[0].outcome,
        );
        rows.push(serde_json::json!({
            "function": function,
            "zip_bytes": zip_bytes,
            "init_ms": millis(median(&inits)),
            "first_response_ms": millis(median(&firsts)),
            "peak_mib": peak_mib,
        }));
    }
    println!("({runs} cold starts each; median shown; init = process start to the first /invocation/next)");
    if let Some(path) = summary_path {
        let summary = summarise(&rows)?;
        println!(
            "largest API zip {:.2} MiB; worst init {:.2}x the hello world",
            summary["api_zip_mib_max"], summary["init_ratio_max"]
        );
        std::fs::write(&path, serde_json::to_string_pretty(&summary)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

/// The rows, the largest API function zip (MiB) and the largest ratio of a
/// function's median init to the hello world's.
fn summarise(rows: &[Value]) -> Result<Value> {
    let number = |row: &Value, key: &str| row[key].as_f64().unwrap_or(f64::NAN);
    let hello_init = rows
        .iter()
        .find(|row| row["function"] == HELLO_WORLD)
        .map(|row| number(row, "init_ms"))
        .context("the hello world was not measured")?;
    let functions = || rows.iter().filter(|row| row["function"] != HELLO_WORLD);
    let api_zip_mib_max = functions()
        .filter(|row| {
            row["function"]
                .as_str()
                .is_some_and(|f| f.starts_with("api-"))
        })
        .map(|row| number(row, "zip_bytes") / (1024.0 * 1024.0))
        .fold(f64::NAN, f64::max);
    let init_ratio_max = functions()
        .map(|row| number(row, "init_ms") / hello_init)
        .fold(f64::NAN, f64::max);
    Ok(serde_json::json!({
        "functions": rows,
        "hello_world_init_ms": hello_init,
        "api_zip_mib_max": api_zip_mib_max,
        "init_ratio_max": init_ratio_max,
    }))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn median(sorted: &[Duration]) -> Duration {
    sorted[sorted.len() / 2]
}

/// Starts the bootstrap once against a fresh Runtime API and waits for its
/// answer to the event.
async fn start_once(bootstrap: &Path, event_template: &str) -> Result<Start> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    let event = fill_placeholders(event_template, &format!("http://{address}/cfn-response"));
    let api = RuntimeApi {
        event: Arc::new(event),
        observed: Arc::default(),
        changed: Arc::default(),
    };
    let app = Router::new()
        .route("/2018-06-01/runtime/invocation/next", get(next_event))
        .route(
            "/2018-06-01/runtime/invocation/{id}/response",
            post(answered),
        )
        .route("/2018-06-01/runtime/invocation/{id}/error", post(failed))
        .route("/2018-06-01/runtime/init/error", post(init_failed))
        .route("/cfn-response", put(|| async { StatusCode::OK }))
        .with_state(api.clone());
    let server = tokio::spawn(async move { axum::serve(listener, app).await });

    // The function's own log, shown when a start goes wrong.
    let stderr_path = std::env::temp_dir().join(format!("cold-start-{}.log", address.port()));
    let started = Instant::now();
    let mut child = tokio::process::Command::new(bootstrap)
        .env("AWS_LAMBDA_RUNTIME_API", address.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "cold-start-bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/cold-start-bench")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_INITIALIZATION_TYPE", "on-demand")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::from(std::fs::File::create(&stderr_path)?))
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("start {}", bootstrap.display()))?;
    let pid = child
        .id()
        .ok_or_else(|| anyhow!("the process exited at once"))?;

    let deadline = tokio::time::Instant::now() + EVENT_TIMEOUT;
    let (first_next, (answered_at, outcome)) = loop {
        let notified = api.changed.notified();
        {
            let observed = api.observed.lock().map_err(|_| anyhow!("poisoned"))?;
            if let (Some(first_next), Some(answer)) =
                (observed.first_next, observed.answered.clone())
            {
                break (first_next, answer);
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            bail!(
                "the process exited ({status}) before answering; its log:\n{}",
                log_tail(&stderr_path)
            );
        }
        if tokio::time::timeout_at(deadline, notified).await.is_err() {
            bail!(
                "no answer within {EVENT_TIMEOUT:?}; its log:\n{}",
                log_tail(&stderr_path)
            );
        }
    };
    let peak_rss_kib = peak_rss_kib(pid).unwrap_or(0);
    child.kill().await.ok();
    std::fs::remove_file(&stderr_path).ok();
    server.abort();
    Ok(Start {
        init: first_next - started,
        first_response: answered_at - started,
        peak_rss_kib,
        outcome,
    })
}

/// The sample events are templates; the bench's ids are fresh, so API calls
/// find nothing of theirs and stage messages name a session that does not exist.
fn fill_placeholders(template: &str, response_url: &str) -> String {
    template
        .replace("{{email}}", "cold.start@example.com")
        .replace("{{name}}", "Cold Start")
        .replace("{{coach_id}}", &uuid::Uuid::new_v4().to_string())
        .replace("{{client_id}}", &uuid::Uuid::new_v4().to_string())
        .replace("{{session_id}}", &uuid::Uuid::new_v4().to_string())
        .replace("{{response_url}}", response_url)
}

fn log_tail(path: &Path) -> String {
    let log = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = log.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

async fn next_event(State(api): State<RuntimeApi>) -> impl IntoResponse {
    let first = {
        let mut observed = api.observed.lock().expect("observed");
        let first = observed.first_next.is_none();
        if first {
            observed.first_next = Some(Instant::now());
        }
        first
    };
    api.changed.notify_one();
    if !first {
        // One event per start: the runtime waits here until it is killed.
        std::future::pending::<()>().await;
    }
    let mut headers = HeaderMap::new();
    headers.insert(
        "lambda-runtime-aws-request-id",
        HeaderValue::from_static(REQUEST_ID),
    );
    let deadline = std::time::SystemTime::now() + EVENT_TIMEOUT;
    let deadline_ms = deadline
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis())
        .unwrap_or_default();
    if let Ok(value) = HeaderValue::from_str(&deadline_ms.to_string()) {
        headers.insert("lambda-runtime-deadline-ms", value);
    }
    headers.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:us-east-1:123456789012:function:cold-start-bench"),
    );
    headers.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static(
            "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0",
        ),
    );
    (headers, api.event.as_str().to_owned())
}

async fn answered(
    State(api): State<RuntimeApi>,
    UrlPath(_id): UrlPath<String>,
    body: String,
) -> StatusCode {
    record_answer(&api, describe_response(&body));
    StatusCode::ACCEPTED
}

async fn failed(
    State(api): State<RuntimeApi>,
    UrlPath(_id): UrlPath<String>,
    body: String,
) -> StatusCode {
    record_answer(&api, format!("invocation error: {}", first_line(&body)));
    StatusCode::ACCEPTED
}

async fn init_failed(State(api): State<RuntimeApi>, body: String) -> StatusCode {
    {
        let mut observed = api.observed.lock().expect("observed");
        observed.first_next.get_or_insert_with(Instant::now);
    }
    record_answer(&api, format!("init error: {}", first_line(&body)));
    StatusCode::ACCEPTED
}

fn record_answer(api: &RuntimeApi, outcome: String) {
    api.observed.lock().expect("observed").answered = Some((Instant::now(), outcome));
    api.changed.notify_one();
}

/// "HTTP 200", "SQS batch: 1 item failure(s)" or the start of the body.
fn describe_response(body: &str) -> String {
    let Ok(json) = serde_json::from_str::<Value>(body) else {
        return first_line(body);
    };
    if let Some(status) = json.get("statusCode") {
        return format!("HTTP {status}");
    }
    if let Some(failures) = json.get("batchItemFailures").and_then(Value::as_array) {
        return format!("SQS batch: {} item failure(s)", failures.len());
    }
    first_line(body)
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(100)
        .collect()
}
