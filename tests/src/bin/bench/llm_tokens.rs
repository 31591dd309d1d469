//! Tokens a language-model analysis sends, on a group session (4+ clients) of
//! the tuning corpus, against a scripted OpenAI-compatible server: every
//! request as sent, the share a provider's prompt cache serves (the session
//! prefix each client's email repeats) against the naive way, which bills
//! the whole transcript again for each client. Tokens are estimated the way the
//! analyst budgets them (about four characters each), for transcript and
//! prompts alike, so the ratios hold whatever the tokenizer.

use anyhow::{anyhow, Context, Result};
use flowcoach_core::ai::analyst::{AnalysisRequest, Analyst};
use flowcoach_core::ai::builtin_templates::builtin_follow_up_templates;
use flowcoach_core::ai::llm::{ChatClient, Dialect, LlmConfig};
use flowcoach_core::ai::llm_analyst::LlmAnalyst;
use flowcoach_tests::evaluation::{request_for, Corpus};
use serde_json::{json, Value};
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The figures `print` shows.
pub struct TokenBench {
    pub session: String,
    pub clients: usize,
    pub minutes: f64,
    pub transcript_tokens: usize,
    pub requests: usize,
    pub sent_tokens: usize,
    /// Sent, with each repeated session prefix counted once.
    pub uncached_tokens: usize,
}

fn estimated(text: &str) -> usize {
    text.len().div_ceil(4)
}

fn reply(content: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "model": "scripted",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content.to_string()}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0}
    }))
}

/// The first group session of the tuning corpus with four clients or more
/// and no risk flag: a client at risk gets the careful note, which the model
/// never writes, so it would hide that client's email from the count. (The
/// corpus's 4-client sessions all hold risks; t07 has five clients.)
fn four_client_session() -> Result<(Corpus, usize)> {
    let corpus = Corpus::all()
        .map_err(|e| anyhow!(e))?
        .into_iter()
        .find(|c| c.name == "tuning")
        .context("the tuning corpus")?;
    let index = corpus
        .labels
        .sessions
        .iter()
        .position(|s| {
            s.participants.iter().filter(|p| p.role != "coach").count() >= 4
                && s.risk_flags.is_empty()
        })
        .context("a group session of 4+ clients without risk flags in the tuning corpus")?;
    Ok((corpus, index))
}

pub async fn bench_llm_tokens() -> Result<TokenBench> {
    let (corpus, index) = four_client_session()?;
    let session = &corpus.labels.sessions[index];
    let transcript = corpus.transcript(session).map_err(|e| anyhow!(e))?;
    let template = builtin_follow_up_templates()[0].to_follow_up_template();
    let request: AnalysisRequest = request_for(session, &transcript.utterances, &template);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("\"session_analysis\""))
        .respond_with(reply(&json!({
            "commitments": [], "risk_flags": [], "clients": [], "themes": [],
            "coach_observations": [], "overview": "A group session."
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("\"follow_up_email\""))
        .respond_with(reply(
            &json!({"subject": "Our session", "body": "Thank you for today."}),
        ))
        .mount(&server)
        .await;
    let base = reqwest::Url::parse(&format!("{}/v1", server.uri()))?;
    let analyst = LlmAnalyst::new(ChatClient::new(LlmConfig::for_server(
        base,
        Dialect::OpenAi,
    ))?)
    .map_err(|e| anyhow!("{e}"))?;
    analyst
        .analyse(&request)
        .await
        .map_err(|e| anyhow!("{e}"))?;

    let sent: Vec<Vec<String>> = server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or_default();
            body["messages"]
                .as_array()
                .map(|m| {
                    m.iter()
                        .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let tokens_of = |messages: &[String]| messages.iter().map(|m| estimated(m)).sum::<usize>();
    let sent_tokens: usize = sent.iter().map(|m| tokens_of(m)).sum();
    // The session prefix: the messages every request starts with.
    let first = sent.first().context("no request reached the server")?;
    let shared = (0..first.len())
        .take_while(|&i| sent.iter().all(|m| m.get(i) == first.get(i)))
        .count();
    let prefix_tokens = tokens_of(&first[..shared]);
    let uncached_tokens = sent_tokens - prefix_tokens * (sent.len() - 1);
    let transcript_tokens: usize = request
        .utterances
        .iter()
        .map(|u| estimated(&format!("{}: {}\n", u.speaker, u.text)))
        .sum();
    let clients = request.clients.len();
    let last_ms = request.utterances.iter().filter_map(|u| u.start_ms).max();
    let words: usize = request
        .utterances
        .iter()
        .map(|u| u.text.split_whitespace().count())
        .sum();
    // Without timestamps, spoken English at about 150 words a minute.
    let minutes = last_ms.map_or(words as f64 / 150.0, |ms| ms as f64 / 60_000.0);
    Ok(TokenBench {
        session: session.id.clone(),
        clients,
        minutes,
        transcript_tokens,
        requests: sent.len(),
        sent_tokens,
        uncached_tokens,
    })
}

impl TokenBench {
    pub fn print(&self) {
        let ratio = |tokens: usize| tokens as f64 / self.transcript_tokens.max(1) as f64;
        let per_hour = |tokens: usize| tokens as f64 * 60.0 / self.minutes.max(0.1);
        println!(
            "  LLM tokens, {}-client group session {} ({:.0} min, transcript ≈ {} tokens), {} requests:",
            self.clients, self.session, self.minutes, self.transcript_tokens, self.requests
        );
        println!(
            "    sent, the transcript in every call: {:>7} tokens = {:.2}× the transcript; billed in full the naive way (the transcript again per client, no shared prefix): {:.0} per transcript hour",
            self.sent_tokens,
            ratio(self.sent_tokens),
            per_hour(self.sent_tokens)
        );
        println!(
            "    not served by the cache:   {:>7} tokens = {:.2}× the transcript (target ≤ 1.2×); {:.0} per transcript hour, {:.0} per client",
            self.uncached_tokens,
            ratio(self.uncached_tokens),
            per_hour(self.uncached_tokens),
            self.uncached_tokens as f64 / self.clients.max(1) as f64
        );
    }
}
