//! `bench`: FlowCoach's benchmark. On one ~6,000-word transcript assembled
//! from the shared fixtures it measures parse + metrics + chunk throughput,
//! embedding throughput with the real model, and the wall time from an inbox
//! drop to `ready` on `flowcoach serve` (its own process, a fresh database);
//! then the API under a fixed load, the server's peak memory, the AWS cost of
//! a transcript hour from the stage durations of 15-minute to 2-hour
//! transcripts, and the local analyser against `labels.json`. With
//! `FLOWCOACH_BENCH_LAMBDA_JSON` (written by `cold_start`) it adds the Lambda
//! zip sizes and cold starts. Prints a table, then one `BENCH_JSON {...}`
//! line for machines.
//!
//! Run it through `scripts/bench.sh`, which provisions PostgreSQL and the
//! model first and builds it and `flowcoach` in release mode.

mod cost;
mod dispatch;
mod llm_tokens;
mod search;
mod server;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{anyhow, bail, ensure, Context, Result};
use flowcoach_core::ai::builtin_templates::{builtin_follow_up_templates, BuiltinTemplate};
use flowcoach_core::ai::embedder::Embedder;
use flowcoach_core::ai::minilm::{default_model_dir, MiniLmEmbedder, MODEL_ID};
use flowcoach_core::store::Executor;
use flowcoach_core::transcript::{self, spoken_words, Chunk, ChunkConfig, Transcript, Utterance};
use flowcoach_tests::evaluation::{parse_labels, Corpus, Counts, LabelFile, Report};
use flowcoach_tests::fixtures::{shared_fixtures, workspace_root};
use serde_json::{json, Value};
use tokio_postgres::NoTls;
use uuid::Uuid;

use crate::cost::{function_memory_mb, transcript_cost, TranscriptCost};
use crate::dispatch::{bench_dispatch, DispatchBench, Through};
use crate::server::ServerUnderBench;

/// The issue asks for a ~6,000-word transcript: fixtures are appended
/// utterance by utterance until this many spoken words are reached.
const TARGET_SPOKEN_WORDS: usize = 6_000;
/// Spoken words in a transcript hour: 150 a minute, the pace the synthetic
/// cue times assume too.
const WORDS_PER_HOUR: usize = 9_000;
/// The lengths whose processing is priced, in minutes.
const COST_MINUTES: [usize; 3] = [15, 60, 120];
/// Each timed parse run lasts at least this long, so timer resolution and
/// one-off stalls stay small against the measurement.
const MIN_PARSE_RUN: Duration = Duration::from_millis(300);
const PARSE_RUNS: usize = 7;
const EMBED_RUNS: usize = 3;
/// Texts in the untimed first embedding call (one of the model's batches).
const EMBED_WARM_UP_TEXTS: usize = 16;
const READY_TIMEOUT: Duration = Duration::from_secs(600);
const READY_POLL_INTERVAL: Duration = Duration::from_millis(20);
/// Cue times for fixtures without timestamps assume 150 words a minute.
const SYNTHETIC_MS_PER_WORD: u64 = 400;
/// Silence between two fixture sessions in the assembled transcript.
const SESSION_GAP_MS: u64 = 2_000;
const BENCH_FILENAME: &str = "bench-6000-words.vtt";
/// The API load: a fixed arrival rate (open loop) for a bounded time.
const LOAD_RPS: u32 = 500;
const LOAD_DURATION: Duration = Duration::from_secs(10);

/// The benchmark transcript as WebVTT text, and who speaks in it.
struct BenchTranscript {
    vtt: String,
    fixture_files: Vec<String>,
    coach: String,
    clients: Vec<String>,
}

struct ParseBench {
    words: u32,
    bytes: usize,
    chunks: Vec<Chunk>,
    iterations: usize,
    mb_per_s: Vec<f64>,
}

struct EmbedBench {
    threads: usize,
    threads_source: &'static str,
    load: Duration,
    chunks: usize,
    chunks_per_s: Vec<f64>,
}

/// Latencies of `GET /v1/sessions` and `GET /v1/sessions/{id}/summary`
/// under a fixed arrival rate, measured from each request's scheduled start
/// (so a server that falls behind shows it, instead of slowing the load).
struct LoadBench {
    rps: u32,
    seconds: f64,
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p99_ms: f64,
    max_ms: f64,
}

/// The Lambda figures `cold_start` measured (scripts/bench-cold-start.sh).
struct LambdaBench {
    api_zip_mib_max: f64,
    init_ratio_max: f64,
    /// Every function's row as `cold_start` wrote it.
    functions: Value,
}

/// One priced transcript length.
struct CostRun {
    minutes: usize,
    words: usize,
    chunks: i64,
    cost: TranscriptCost,
}

struct ReadyBench {
    clients: usize,
    total: Duration,
    /// Stage name → seconds, in pipeline order (`pickup` first).
    stages: Vec<(String, f64)>,
    /// From the last stage's commit until this process saw `ready`.
    observed_after_s: f64,
    chunks_stored: i64,
    drafts: i64,
}

#[tokio::main]
async fn main() -> Result<()> {
    // `FLOWCOACH_BENCH_ONLY=dispatch`: only step 6, in seconds rather than minutes.
    if std::env::var("FLOWCOACH_BENCH_ONLY").is_ok_and(|only| only == "dispatch") {
        for (label, through) in [
            ("outbox mailer", Through::Outbox),
            ("SMTP server", Through::Smtp),
        ] {
            let run = bench_dispatch(through).await?;
            println!(
                "  follow-up dispatch ({label}): {} due follow-ups in {:.2} s = {:.0}/s",
                run.follow_ups,
                run.elapsed.as_secs_f64(),
                run.per_second()
            );
        }
        return Ok(());
    }
    // `FLOWCOACH_BENCH_ONLY=search`: only search latency at 50,000 and 5,000 chunks.
    if std::env::var("FLOWCOACH_BENCH_ONLY").is_ok_and(|only| only == "search") {
        search::bench_search().await?.print();
        return Ok(());
    }
    // `FLOWCOACH_BENCH_ONLY=llm-tokens`: only the language model's token figures.
    if std::env::var("FLOWCOACH_BENCH_ONLY").is_ok_and(|only| only == "llm-tokens") {
        llm_tokens::bench_llm_tokens().await?.print();
        return Ok(());
    }
    let fixtures = shared_fixtures();
    let labels_path = fixtures.join("labels.json");
    let labels_json = std::fs::read_to_string(&labels_path)
        .with_context(|| format!("reading {}", labels_path.display()))?;
    let labels =
        parse_labels(&labels_json).with_context(|| format!("parsing {}", labels_path.display()))?;

    let bench_transcript = build_transcript(&fixtures, &labels, TARGET_SPOKEN_WORDS)?;

    progress("1/6 parse + metrics + chunk");
    let parse = bench_parse(bench_transcript.vtt.as_bytes())?;

    progress("2/6 embedding");
    let texts: Vec<String> = parse.chunks.iter().map(|c| c.text.clone()).collect();
    let embedding = bench_embedding(&texts).await?;

    progress(
        "3/6 drop to ready on flowcoach serve (own process, fresh database), the API under load",
    );
    let server = ServerUnderBench::start().await?;
    let measured = on_server(
        &server,
        &bench_transcript,
        &fixtures,
        &labels,
        embedding.threads,
    )
    .await;
    let peak_rss_kib = server.peak_rss_kib();
    if let Err(error) = server.stop().await {
        eprintln!("bench: warning: could not stop the server cleanly: {error:#}");
    }
    let (ready, load, costs) = measured?;

    progress("5/6 local analyser on the fixtures, the tuning half and the held-out half");
    let reports = evaluate_analyser()?;

    progress("6/6 follow-up dispatch through the outbox mailer, then an SMTP server");
    let dispatch = bench_dispatch(Through::Outbox).await?;
    let dispatch_smtp = bench_dispatch(Through::Smtp).await?;
    let lambda = read_lambda_figures()?;

    let results = Results {
        parse,
        embedding,
        ready,
        load,
        costs,
        lambda,
        reports,
        peak_rss_kib,
        dispatch,
        dispatch_smtp,
    };
    print_table(&bench_transcript, &results);
    progress("LLM tokens on a 4-client group session (scripted server)");
    llm_tokens::bench_llm_tokens().await?.print();
    print_json(&results)?;
    Ok(())
}

/// Everything the report prints.
struct Results {
    parse: ParseBench,
    embedding: EmbedBench,
    ready: ReadyBench,
    load: LoadBench,
    costs: Vec<CostRun>,
    lambda: Option<LambdaBench>,
    /// Per labelled corpus: `fixtures`, `tuning`, `held-out`.
    reports: Vec<(&'static str, Report)>,
    /// The server's, after all of the above ran on it.
    peak_rss_kib: Option<u64>,
    dispatch: DispatchBench,
    dispatch_smtp: DispatchBench,
}

/// Steps 3 and 4 on the running server.
async fn on_server(
    server: &ServerUnderBench,
    bench: &BenchTranscript,
    fixtures: &Path,
    labels: &LabelFile,
    embed_threads: usize,
) -> Result<(ReadyBench, LoadBench, Vec<CostRun>)> {
    let (ready, token, session) = drop_and_wait(server, bench, BENCH_FILENAME).await?;
    let load = api_under_load(server, &token, session).await?;

    progress("4/6 cost per transcript hour (15 min to 2 h transcripts, same server)");
    let memory = function_memory_mb(&workspace_root().join("infra/template.yaml"))?;
    let mut costs = Vec::new();
    for minutes in COST_MINUTES {
        let words = minutes * WORDS_PER_HOUR / 60;
        let transcript = build_transcript(fixtures, labels, words)?;
        let file = format!("bench-{minutes}-minutes.vtt");
        let (run, _, _) = drop_and_wait(server, &transcript, &file).await?;
        costs.push(CostRun {
            minutes,
            words,
            chunks: run.chunks_stored,
            cost: transcript_cost(&run.stages, &memory, embed_threads)?,
        });
    }
    Ok((ready, load, costs))
}

/// `FLOWCOACH_BENCH_LAMBDA_JSON`: the summary `cold_start` wrote, if any.
fn read_lambda_figures() -> Result<Option<LambdaBench>> {
    let Some(path) = std::env::var_os("FLOWCOACH_BENCH_LAMBDA_JSON").filter(|p| !p.is_empty())
    else {
        return Ok(None);
    };
    let path = PathBuf::from(path);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let summary: Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
    let figure = |key: &str| {
        summary[key]
            .as_f64()
            .with_context(|| format!("{} has no {key}", path.display()))
    };
    Ok(Some(LambdaBench {
        api_zip_mib_max: figure("api_zip_mib_max")?,
        init_ratio_max: figure("init_ratio_max")?,
        functions: summary["functions"].clone(),
    }))
}

fn progress(step: &str) {
    eprintln!("bench: {step}…");
}

// ---------------------------------------------------------------------------
// The transcript

/// Parses every fixture transcript and appends their utterances (cycling
/// through the files if they are short) until `target_words` spoken words, then
/// writes the result as Zoom-style WebVTT so the benchmark parses real bytes.
fn build_transcript(
    fixtures: &Path,
    labels: &LabelFile,
    target_words: usize,
) -> Result<BenchTranscript> {
    let dir = fixtures.join("transcripts");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .with_context(|| format!("listing {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();

    let mut sources: Vec<(String, Transcript)> = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut parsed = transcript::parse(&bytes, Some(&name))
            .with_context(|| format!("parsing {}", path.display()))?;
        // Labels name anonymous speakers ("Speaker 1"), so one session's
        // "Speaker 1" does not become the same person as another's.
        if let Some(session) = labels.sessions.iter().find(|s| s.file == name) {
            for utterance in &mut parsed.utterances {
                if let Some(person) = session
                    .participants
                    .iter()
                    .find(|p| p.speaker_label == utterance.speaker)
                {
                    utterance.speaker = person.name.clone();
                }
            }
        }
        sources.push((name, parsed));
    }
    ensure!(!sources.is_empty(), "no transcripts in {}", dir.display());

    let mut utterances: Vec<Utterance> = Vec::new();
    let mut fixture_files: Vec<String> = Vec::new();
    let mut words = 0usize;
    let mut cursor_ms = 0u64;
    while words < target_words {
        let words_before_pass = words;
        for (name, parsed) in &sources {
            if words >= target_words {
                break;
            }
            fixture_files.push(name.clone());
            // Each fixture's own clock restarts at zero: shift it past the previous one.
            let offset_ms = cursor_ms;
            for utterance in &parsed.utterances {
                if words >= target_words {
                    break;
                }
                let spoken = spoken_words(&utterance.text);
                let start_ms = utterance.start_ms.map_or(cursor_ms, |ms| offset_ms + ms);
                let end_ms = utterance
                    .end_ms
                    .map(|ms| offset_ms + ms)
                    .filter(|end| *end >= start_ms)
                    .unwrap_or(start_ms + spoken.max(1) as u64 * SYNTHETIC_MS_PER_WORD);
                cursor_ms = cursor_ms.max(end_ms);
                words += spoken;
                utterances.push(Utterance {
                    speaker: utterance.speaker.clone(),
                    start_ms: Some(start_ms),
                    end_ms: Some(end_ms),
                    text: utterance.text.clone(),
                });
            }
            cursor_ms += SESSION_GAP_MS;
        }
        ensure!(
            words > words_before_pass,
            "the fixtures in {} contain no spoken words",
            dir.display()
        );
    }

    // The coach of the first fixture owns the benchmark session; every other
    // speaker (other fixtures' coaches included) is one of their clients.
    let first_file = fixture_files.first().cloned().unwrap_or_default();
    let labelled_coach = labels
        .sessions
        .iter()
        .find(|s| s.file == first_file)
        .and_then(|s| s.participants.iter().find(|p| p.role == "coach"))
        .map(|p| p.name.clone());
    let coach = labelled_coach
        .or_else(|| utterances.first().map(|u| u.speaker.clone()))
        .unwrap_or_default();
    let mut clients: Vec<String> = Vec::new();
    for utterance in &utterances {
        if utterance.speaker != coach && !clients.contains(&utterance.speaker) {
            clients.push(utterance.speaker.clone());
        }
    }

    Ok(BenchTranscript {
        vtt: to_webvtt(&utterances)?,
        fixture_files,
        coach,
        clients,
    })
}

fn to_webvtt(utterances: &[Utterance]) -> Result<String> {
    let mut vtt = String::from("WEBVTT\n\n");
    for (index, utterance) in utterances.iter().enumerate() {
        // A line break inside a cue's text could end the cue early.
        let text = utterance
            .text
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        writeln!(
            vtt,
            "{}\n{} --> {}\n{}: {}\n",
            index + 1,
            vtt_timestamp(utterance.start_ms.unwrap_or_default()),
            vtt_timestamp(utterance.end_ms.unwrap_or_default()),
            utterance.speaker,
            text
        )?;
    }
    Ok(vtt)
}

fn vtt_timestamp(ms: u64) -> String {
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        ms / 3_600_000,
        ms / 60_000 % 60,
        ms / 1_000 % 60,
        ms % 1_000
    )
}

// ---------------------------------------------------------------------------
// 1. Parse + metrics + chunk

fn bench_parse(bytes: &[u8]) -> Result<ParseBench> {
    let process = |bytes: &[u8]| -> Result<(u32, Vec<Chunk>)> {
        let parsed = transcript::parse(bytes, Some(BENCH_FILENAME))?;
        let metrics = transcript::metrics(&parsed);
        let chunks = transcript::chunk(&parsed, &ChunkConfig::default());
        Ok((metrics.total_words, chunks))
    };

    // The first pass is the calibration: it sizes the runs and gives the chunks.
    let started = Instant::now();
    let (words, chunks) = process(bytes).context("parsing the benchmark transcript")?;
    let single_pass = started.elapsed().as_secs_f64().max(1e-6);
    let iterations = ((MIN_PARSE_RUN.as_secs_f64() / single_pass).ceil() as usize).max(1);

    let mut mb_per_s = Vec::with_capacity(PARSE_RUNS);
    for _ in 0..PARSE_RUNS {
        let started = Instant::now();
        for _ in 0..iterations {
            black_box(process(black_box(bytes))?);
        }
        let seconds = started.elapsed().as_secs_f64();
        mb_per_s.push((bytes.len() * iterations) as f64 / seconds / 1e6);
    }
    Ok(ParseBench {
        words,
        bytes: bytes.len(),
        chunks,
        iterations,
        mb_per_s,
    })
}

// ---------------------------------------------------------------------------
// 2. Embedding

async fn bench_embedding(texts: &[String]) -> Result<EmbedBench> {
    ensure!(!texts.is_empty(), "the benchmark transcript gave no chunks");
    let (threads, threads_source) = compute_threads();

    let model_dir = default_model_dir();
    let started = Instant::now();
    let embedder = MiniLmEmbedder::load(&model_dir)
        .with_context(|| format!("loading {MODEL_ID} from {}", model_dir.display()))?;
    let load = started.elapsed();

    // The first forward pass pays one-off allocations; keep it out of the timing.
    let warm_up = &texts[..texts.len().min(EMBED_WARM_UP_TEXTS)];
    embedder.embed(warm_up).await?;

    let mut chunks_per_s = Vec::with_capacity(EMBED_RUNS);
    for _ in 0..EMBED_RUNS {
        let started = Instant::now();
        let vectors = embedder.embed(texts).await?;
        let seconds = started.elapsed().as_secs_f64();
        ensure!(
            vectors.len() == texts.len(),
            "{MODEL_ID} returned {} vectors for {} chunks",
            vectors.len(),
            texts.len()
        );
        chunks_per_s.push(texts.len() as f64 / seconds);
    }
    Ok(EmbedBench {
        threads,
        threads_source,
        load,
        chunks: texts.len(),
        chunks_per_s,
    })
}

/// The compute threads the CPU model may use: `RAYON_NUM_THREADS` when set,
/// else the machine's available parallelism (rayon's own default).
fn compute_threads() -> (usize, &'static str) {
    let from_env = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|threads| *threads > 0);
    match from_env {
        Some(threads) => (threads, "RAYON_NUM_THREADS"),
        None => (
            std::thread::available_parallelism().map_or(1, |n| n.get()),
            "available parallelism",
        ),
    }
}

// ---------------------------------------------------------------------------
// 3. Drop to ready

/// The API of the server that just processed the session (model loaded),
/// at `LOAD_RPS` for `LOAD_DURATION`, from loopback.
async fn api_under_load(
    server: &ServerUnderBench,
    token: &str,
    session: Uuid,
) -> Result<LoadBench> {
    let paths = [
        server.url("/v1/sessions"),
        server.url(&format!("/v1/sessions/{session}/summary")),
    ];
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let total = usize::try_from(u64::from(LOAD_RPS) * LOAD_DURATION.as_secs())?;
    let mut ticker = tokio::time::interval(Duration::from_secs(1) / LOAD_RPS);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Burst);
    let mut in_flight = tokio::task::JoinSet::new();
    let started = Instant::now();
    for index in 0..total {
        let scheduled = ticker.tick().await;
        let request = client.get(&paths[index % paths.len()]).bearer_auth(token);
        in_flight.spawn(async move {
            let answered = match request.send().await {
                Ok(response) if response.status().is_success() => response.bytes().await.is_ok(),
                _ => false,
            };
            (scheduled.elapsed(), answered)
        });
    }
    let mut latencies_ms = Vec::with_capacity(total);
    let mut errors = 0;
    while let Some(finished) = in_flight.join_next().await {
        let (latency, answered) = finished?;
        latencies_ms.push(latency.as_secs_f64() * 1000.0);
        errors += usize::from(!answered);
    }
    let seconds = started.elapsed().as_secs_f64();
    latencies_ms.sort_by(f64::total_cmp);
    let quantile = |q: f64| {
        let rank = ((latencies_ms.len() as f64 * q).ceil() as usize).saturating_sub(1);
        latencies_ms.get(rank).copied().unwrap_or(f64::NAN)
    };
    Ok(LoadBench {
        rps: LOAD_RPS,
        seconds,
        requests: latencies_ms.len(),
        errors,
        p50_ms: quantile(0.50),
        p99_ms: quantile(0.99),
        max_ms: latencies_ms.last().copied().unwrap_or(f64::NAN),
    })
}

/// A coach of its own (named after the file) with the transcript's clients
/// drops `file` into the server's inbox; waits for `ready`.
async fn drop_and_wait(
    server: &ServerUnderBench,
    bench: &BenchTranscript,
    file: &str,
) -> Result<(ReadyBench, String, Uuid)> {
    let tag = file.trim_end_matches(".vtt");
    let (coach_id, token) = server
        .coach(&format!("coach@{tag}.bench.flowcoach.test"), &bench.coach)
        .await?;
    for (index, client) in bench.clients.iter().enumerate() {
        let email = format!("client{}@{tag}.bench.flowcoach.test", index + 1);
        server.create_client(&token, client, &email).await?;
    }
    let folder = server.inbox_dir.join(coach_id.to_string());
    tokio::fs::create_dir_all(&folder).await?;

    // Written as `*.part` and renamed, as a sync client does: the rename is the drop.
    let partial = folder.join(format!("{file}.part"));
    tokio::fs::write(&partial, &bench.vtt).await?;
    let dropped_at = unix_seconds(SystemTime::now());
    let dropped = Instant::now();
    tokio::fs::rename(&partial, folder.join(file)).await?;

    let db = server.db.pool.get().await?;
    let session_id: Uuid = loop {
        let row = db
            .fetch_optional(
                "SELECT id, status::text, failure_reason FROM sessions WHERE coach_id = $1",
                &[&coach_id],
            )
            .await?;
        if let Some(row) = row {
            match row.get::<_, String>(1).as_str() {
                "ready" => break row.get(0),
                "failed" => bail!(
                    "the benchmark session failed: {}",
                    row.get::<_, Option<String>>(2).unwrap_or_default()
                ),
                _ => {}
            }
        }
        ensure!(
            dropped.elapsed() < READY_TIMEOUT,
            "the benchmark session was not ready after {}s",
            READY_TIMEOUT.as_secs()
        );
        tokio::time::sleep(READY_POLL_INTERVAL).await;
    };
    let total = dropped.elapsed();

    // `completed_at` is written by each stage's final transaction, so the
    // gaps between them are the stages' durations (queue hand-offs included).
    let rows = db
        .fetch_all(
            "SELECT EXTRACT(EPOCH FROM s.created_at)::float8, r.stage::text,
                    EXTRACT(EPOCH FROM r.completed_at)::float8
             FROM sessions s
             JOIN stage_runs r ON r.session_id = s.id AND r.generation = s.generation
             WHERE s.id = $1
             ORDER BY r.completed_at",
            &[&session_id],
        )
        .await?;
    let mut stages = Vec::new();
    let mut previous = dropped_at;
    if let Some(first) = rows.first() {
        let created_at: f64 = first.get(0);
        stages.push(("pickup".to_owned(), created_at - dropped_at));
        previous = created_at;
    }
    for row in &rows {
        let completed_at: f64 = row.get(2);
        stages.push((row.get(1), completed_at - previous));
        previous = completed_at;
    }
    let observed_after_s = total.as_secs_f64() - (previous - dropped_at);

    let counts = db
        .fetch_one(
            "SELECT (SELECT count(*) FROM transcript_chunks WHERE session_id = $1),
                    (SELECT count(*) FROM follow_ups WHERE session_id = $1)",
            &[&session_id],
        )
        .await?;
    let ready = ReadyBench {
        clients: bench.clients.len(),
        total,
        stages,
        observed_after_s,
        chunks_stored: counts.get(0),
        drafts: counts.get(1),
    };
    Ok((ready, token, session_id))
}

fn unix_seconds(time: SystemTime) -> f64 {
    time.duration_since(UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

/// Drops the benchmark's database through the server's `postgres` database
/// (or `FLOWCOACH_TEST_ADMIN_URL`, as the test harness uses).
pub(crate) async fn drop_database(name: &str, url: &str) -> Result<()> {
    let admin_url = match std::env::var("FLOWCOACH_TEST_ADMIN_URL") {
        Ok(admin_url) => admin_url,
        Err(_) => {
            let (server, _) = url
                .rsplit_once('/')
                .ok_or_else(|| anyhow!("unexpected database URL {url}"))?;
            format!("{server}/postgres")
        }
    };
    let (client, connection) = tokio_postgres::connect(&admin_url, NoTls).await?;
    let connection = tokio::spawn(connection);
    // FORCE: the stopped runtime's last connections may not have closed yet.
    client
        .batch_execute(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    drop(client);
    connection.await??;
    Ok(())
}

// ---------------------------------------------------------------------------
// 4. Analyser quality

fn evaluate_analyser() -> Result<Vec<(&'static str, Report)>> {
    let template = builtin_follow_up_templates()
        .first()
        .map(BuiltinTemplate::to_follow_up_template)
        .context("FlowCoach has no built-in follow-up template")?;
    Corpus::all()
        .map_err(|message| anyhow!("loading the labelled corpora: {message}"))?
        .into_iter()
        .map(|corpus| {
            let report = corpus.evaluate(&template).map_err(|message| {
                anyhow!(
                    "evaluating the local analyser on {}: {message}",
                    corpus.name
                )
            })?;
            Ok((corpus.name, report))
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Output

fn median(values: &[f64]) -> f64 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    match sorted.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    }
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(low, high), v| {
            (low.min(*v), high.max(*v))
        })
}

fn print_table(bench: &BenchTranscript, results: &Results) {
    let Results {
        parse,
        embedding,
        ready,
        load,
        costs,
        lambda,
        reports,
        peak_rss_kib,
        dispatch,
        dispatch_smtp,
    } = results;
    let row = |label: &str, value: String| println!("  {label:<28} {value}");

    println!();
    println!("FlowCoach benchmark");
    println!("===================");
    println!();
    println!(
        "transcript: {} (WebVTT built from {})",
        BENCH_FILENAME,
        bench.fixture_files.join(", ")
    );
    row("spoken words", parse.words.to_string());
    row("bytes", parse.bytes.to_string());
    row("chunks", parse.chunks.len().to_string());

    println!();
    println!("1. parse + metrics + chunk");
    let (low, high) = min_max(&parse.mb_per_s);
    let median_mb_per_s = median(&parse.mb_per_s);
    row(
        "throughput (median)",
        format!("{median_mb_per_s:.2} MB/s  (min {low:.2}, max {high:.2})"),
    );
    row(
        "per transcript",
        format!(
            "{:.3} ms",
            parse.bytes as f64 / (median_mb_per_s * 1e6) * 1e3
        ),
    );
    row(
        "runs",
        format!("{} × {} iterations", parse.mb_per_s.len(), parse.iterations),
    );

    println!();
    println!("2. embedding ({MODEL_ID}, CPU)");
    row(
        "threads",
        format!("{} ({})", embedding.threads, embedding.threads_source),
    );
    row(
        "model load",
        format!("{:.2} s", embedding.load.as_secs_f64()),
    );
    let (low, high) = min_max(&embedding.chunks_per_s);
    row(
        "throughput (median)",
        format!(
            "{:.1} chunks/s  (min {low:.1}, max {high:.1})",
            median(&embedding.chunks_per_s)
        ),
    );
    row(
        "runs",
        format!(
            "{} × {} chunks, after a warm-up batch",
            embedding.chunks_per_s.len(),
            embedding.chunks
        ),
    );

    println!();
    println!(
        "3. drop to ready (inbox → ready, coach {} + {} clients)",
        bench.coach, ready.clients
    );
    row("wall time", format!("{:.2} s", ready.total.as_secs_f64()));
    for (stage, seconds) in &ready.stages {
        let label = match stage.as_str() {
            "pickup" => "  inbox pickup (fs event)".to_owned(),
            other => format!("  {other}"),
        };
        row(&label, format!("{seconds:.2} s"));
    }
    row(
        "  seen ready after",
        format!("{:.2} s", ready.observed_after_s),
    );
    row(
        "stored",
        format!("{} chunks, {} drafts", ready.chunks_stored, ready.drafts),
    );

    println!();
    println!(
        "   API under load (GET /v1/sessions, GET /v1/sessions/{{id}}/summary, loopback, model loaded)"
    );
    row(
        "rate",
        format!(
            "{} req/s for {:.1} s: {} requests, {} errors",
            load.rps, load.seconds, load.requests, load.errors
        ),
    );
    row(
        "latency",
        format!(
            "p50 {:.2} ms  p99 {:.2} ms  max {:.2} ms",
            load.p50_ms, load.p99_ms, load.max_ms
        ),
    );

    row(
        "follow-up dispatch (outbox mailer)",
        format!(
            "{} due follow-ups in {:.2} s = {:.0}/s (target ≥ 500/s)",
            dispatch.follow_ups,
            dispatch.elapsed.as_secs_f64(),
            dispatch.per_second()
        ),
    );
    row(
        "follow-up dispatch (SMTP server)",
        format!(
            "{} due follow-ups in {:.2} s = {:.0}/s (aiosmtpd into a Maildir)",
            dispatch_smtp.follow_ups,
            dispatch_smtp.elapsed.as_secs_f64(),
            dispatch_smtp.per_second()
        ),
    );
    row(
        "server peak RSS (VmHWM)",
        peak_rss_kib.map_or_else(
            || "unavailable".to_owned(),
            |kib| {
                format!(
                    "{:.1} MiB (model loaded, after every step on it)",
                    kib as f64 / 1024.0
                )
            },
        ),
    );

    println!();
    println!(
        "4. AWS cost without the LLM (arm64 Lambda at the template's memory, vCPU share applied; SQS, S3, SES)"
    );
    for run in costs {
        let stages: Vec<String> = run
            .cost
            .stages
            .iter()
            .map(|c| format!("{} {:.2}s@{:.0}MB", c.stage, c.lambda_s, c.memory_mb))
            .collect();
        row(
            &format!("{} min ({} words)", run.minutes, run.words),
            format!(
                "${:.6}  = ${:.6}/hour  ({} chunks; {}; requests ${:.6})",
                run.cost.total_usd,
                run.cost.total_usd * 60.0 / run.minutes as f64,
                run.chunks,
                stages.join(", "),
                run.cost.requests_usd
            ),
        );
    }
    if let Some(hour) = usd_per_transcript_hour(costs) {
        row(
            "per transcript hour",
            format!("${hour:.6} (the 60-minute run)"),
        );
    }

    println!();
    println!("   Lambda packages (scripts/bench-cold-start.sh)");
    match lambda {
        Some(lambda) => {
            row(
                "API zip, largest",
                format!("{:.2} MiB", lambda.api_zip_mib_max),
            );
            row(
                "init vs hello world, worst",
                format!("{:.2}x", lambda.init_ratio_max),
            );
        }
        None => row(
            "",
            "not measured (FLOWCOACH_BENCH_LAMBDA_JSON unset)".to_owned(),
        ),
    }

    println!();
    println!("5. local analyser, per labelled corpus (the held-out half is scored, never read)");
    println!(
        "  {:<9} {:>8} {:>22} {:>5} {:>5} {:>5} {:>8} {:>13} {:>11} {:>10} {:>9}",
        "corpus",
        "sessions",
        "commitments tp/fp/fn",
        "P",
        "R",
        "F1",
        "due ok",
        "risk recall",
        "risk fp",
        "look-alike",
        "retracted"
    );
    for (name, report) in reports {
        let (commitments, risks) = (report.commitments(), report.risks());
        println!(
            "  {:<9} {:>8} {:>22} {:>5.2} {:>5.2} {:>5.2} {:>7.0}% {:>13.2} {:>11} {:>10} {:>9}",
            name,
            report.sessions.len(),
            format!(
                "{}/{}/{}",
                commitments.true_positives,
                commitments.false_positives,
                commitments.false_negatives
            ),
            commitments.precision(),
            commitments.recall(),
            commitments.f1(),
            report.due_accuracy() * 100.0,
            risks.recall(),
            format!(
                "{} ({} sess.)",
                risks.false_positives,
                report.false_positive_sessions().len()
            ),
            report.false_positives_flagged().len(),
            report.retracted_extracted().len()
        );
    }
    println!();
}

/// The 60-minute run's cost.
fn usd_per_transcript_hour(costs: &[CostRun]) -> Option<f64> {
    costs
        .iter()
        .find(|run| run.minutes == 60)
        .map(|run| run.cost.total_usd)
}

fn print_json(results: &Results) -> Result<()> {
    let Results {
        parse,
        embedding,
        ready,
        load,
        costs,
        lambda,
        reports,
        peak_rss_kib,
        dispatch,
        dispatch_smtp,
    } = results;
    let counts = |c: Counts| {
        json!({
            "precision": c.precision(),
            "recall": c.recall(),
            "true_positives": c.true_positives,
            "false_positives": c.false_positives,
            "false_negatives": c.false_negatives,
        })
    };
    let stages: BTreeMap<String, f64> = ready.stages.iter().cloned().collect();
    let line = json!({
        "parse_chunk": {
            "words": parse.words,
            "bytes": parse.bytes,
            "chunks": parse.chunks.len(),
            "iterations_per_run": parse.iterations,
            "runs": parse.mb_per_s.len(),
            "mb_per_s": median(&parse.mb_per_s),
        },
        "embedding": {
            "model": MODEL_ID,
            "threads": embedding.threads,
            "threads_source": embedding.threads_source,
            "load_s": embedding.load.as_secs_f64(),
            "chunks": embedding.chunks,
            "runs": embedding.chunks_per_s.len(),
            "chunks_per_s": median(&embedding.chunks_per_s),
        },
        "drop_to_ready": {
            "total_s": ready.total.as_secs_f64(),
            "stages_s": stages,
            "observed_after_s": ready.observed_after_s,
            "clients": ready.clients,
            "chunks_stored": ready.chunks_stored,
            "drafts": ready.drafts,
        },
        "analyser": reports
            .iter()
            .map(|(name, report)| {
                (
                    name.to_string(),
                    json!({
                        "sessions": report.sessions.len(),
                        "commitments": counts(report.commitments()),
                        "commitments_f1": report.commitments().f1(),
                        "due_accuracy": report.due_accuracy(),
                        "risks": counts(report.risks()),
                        "sessions_without_risk_flagged": report.false_positive_sessions().len(),
                        "retracted_extracted": report.retracted_extracted().len(),
                        "false_positives_flagged": report.false_positives_flagged().len(),
                        "urgent_missed": report.urgent_missed().len(),
                    }),
                )
            })
            .collect::<BTreeMap<String, Value>>(),
        "api": {
            "rps": load.rps,
            "seconds": load.seconds,
            "requests": load.requests,
            "errors": load.errors,
            "p50_ms": load.p50_ms,
            "p99_ms": load.p99_ms,
            "max_ms": load.max_ms,
        },
        "cost": {
            "usd_per_transcript_hour": usd_per_transcript_hour(costs),
            "runs": costs.iter().map(|run| json!({
                "minutes": run.minutes,
                "words": run.words,
                "chunks": run.chunks,
                "usd": run.cost.total_usd,
                "usd_per_hour": run.cost.total_usd * 60.0 / run.minutes as f64,
                "requests_usd": run.cost.requests_usd,
                "lambda_s": run.cost.stages.iter()
                    .map(|c| (c.stage.clone(), c.lambda_s))
                    .collect::<BTreeMap<_, _>>(),
                "local_s": run.cost.stages.iter()
                    .map(|c| (c.stage.clone(), c.local_s))
                    .collect::<BTreeMap<_, _>>(),
            })).collect::<Vec<_>>(),
        },
        "lambda": lambda.as_ref().map(|lambda| json!({
            "api_zip_mib_max": lambda.api_zip_mib_max,
            "init_ratio_max": lambda.init_ratio_max,
            "functions": lambda.functions,
        })),
        "peak_rss_kib": peak_rss_kib,
        "dispatch": {
            "follow_ups": dispatch.follow_ups,
            "seconds": dispatch.elapsed.as_secs_f64(),
            "per_s": dispatch.per_second(),
        },
        "dispatch_smtp": {
            "follow_ups": dispatch_smtp.follow_ups,
            "seconds": dispatch_smtp.elapsed.as_secs_f64(),
            "per_s": dispatch_smtp.per_second(),
        },
    });
    println!("BENCH_JSON {}", serde_json::to_string(&line)?);
    Ok(())
}
