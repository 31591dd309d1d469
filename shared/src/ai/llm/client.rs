//! The chat-completions client: one request with timeouts, retries with
//! backoff and the circuit breaker, answered whole or streamed.

use std::borrow::Cow;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use eventsource_stream::Eventsource;
use futures::{Stream, StreamExt};
use reqwest::header::{HeaderValue, AUTHORIZATION, RETRY_AFTER};
use reqwest::StatusCode;
use serde_json::value::RawValue;
use url::Url;

use super::breaker::CircuitBreaker;
use super::config::{Dialect, LlmConfig, StructuredOutput};
use super::retry::{retry_after, Backoff};
use super::wire::{
    ChatChunk, ChatRequest, ChatResponse, ErrorBody, JsonSchemaFormat, Message, ResponseFormat,
    StreamOptions, Usage,
};
use crate::ai::analyst::AnalystError;

/// What the reply should be.
#[derive(Debug, Clone, Copy)]
pub enum Output<'a> {
    Text,
    /// One JSON object matching `schema` (named `name` for the provider).
    Json {
        name: &'a str,
        schema: &'a RawValue,
    },
}

#[derive(Debug, Clone, Copy)]
pub struct ChatOptions<'a> {
    pub output: Output<'a>,
    pub temperature: f32,
    /// At most the configured limit.
    pub max_tokens: Option<u32>,
}

impl Default for ChatOptions<'_> {
    fn default() -> Self {
        Self {
            output: Output::Text,
            temperature: 0.2,
            max_tokens: None,
        }
    }
}

/// Why the model stopped writing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Finish {
    Stop,
    /// Cut off at the token limit: JSON is then incomplete.
    Length,
    ContentFilter,
    Other,
}

impl Finish {
    fn from_reason(reason: Option<&str>) -> Self {
        match reason {
            Some("stop") | None => Self::Stop,
            Some("length") => Self::Length,
            Some("content_filter") => Self::ContentFilter,
            Some(_) => Self::Other,
        }
    }
}

/// A whole reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Completion {
    pub content: String,
    /// The model that answered, as the provider names it.
    pub model: String,
    pub usage: Usage,
    pub finish: Finish,
}

/// One step of a streamed reply.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    /// The next piece of text.
    Delta(String),
    /// The end, with the whole text and the usage when the server sent it.
    Done(Completion),
}

pub type CompletionStream = Pin<Box<dyn Stream<Item = Result<StreamEvent, LlmError>> + Send>>;

#[derive(Debug, thiserror::Error)]
pub enum LlmError {
    /// Timeouts, rate limits and server errors, after the retries.
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    /// Too many failures just now: calls fail fast until the cool-down ends.
    #[error("the language model failed repeatedly; calls resume in {} s", .0.as_secs().max(1))]
    CircuitOpen(Duration),
    /// The provider refused the request itself (bad key, unknown model,
    /// context too long): retrying will not help.
    #[error("the language model refused the request (HTTP {status}): {message}")]
    Rejected { status: u16, message: String },
    /// The reply could not be used (not JSON, not the schema, cut off).
    #[error("the language model's reply was not usable: {0}")]
    BadReply(String),
}

impl LlmError {
    pub fn is_transient(&self) -> bool {
        matches!(self, Self::Unavailable(_) | Self::CircuitOpen(_))
    }
}

impl From<LlmError> for AnalystError {
    fn from(error: LlmError) -> Self {
        match error.is_transient() {
            true => AnalystError::Transient(error.to_string()),
            false => AnalystError::Permanent(error.to_string()),
        }
    }
}

/// Provider error text is kept short: it goes to logs and failure reasons.
const MAX_ERROR_MESSAGE: usize = 300;

/// An OpenAI-compatible chat-completions endpoint.
#[derive(Debug)]
pub struct ChatClient {
    http: reqwest::Client,
    url: Url,
    config: LlmConfig,
    breaker: CircuitBreaker,
    backoff: Backoff,
}

/// What one attempt gives back.
enum Attempt {
    Whole(Bytes),
    Streaming(reqwest::Response),
}

enum Failure {
    Transient {
        error: LlmError,
        retry_after: Option<Duration>,
    },
    Permanent(LlmError),
}

impl ChatClient {
    pub fn new(config: LlmConfig) -> Result<Self, LlmError> {
        let url = config.chat_url().map_err(|e| LlmError::Rejected {
            status: 0,
            message: format!("the chat URL is not valid: {e}"),
        })?;
        // rustls with the process's provider (ring), as every client here.
        crate::crypto::install_tls_provider();
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            // Between two reads; a whole reply also has `read_timeout` in all.
            .read_timeout(config.read_timeout)
            .build()
            .map_err(|e| LlmError::Unavailable(format!("could not build the HTTP client: {e}")))?;
        let breaker = CircuitBreaker::new(config.breaker_failures, config.breaker_cool_down);
        Ok(Self {
            http,
            url,
            config,
            breaker,
            backoff: Backoff::default(),
        })
    }

    /// Waits between retries of at most `cap` (tests keep them short).
    pub fn with_backoff_cap(mut self, cap: Duration) -> Self {
        self.backoff = Backoff {
            base: cap.min(self.backoff.base),
            cap,
        };
        self
    }

    pub fn config(&self) -> &LlmConfig {
        &self.config
    }

    /// The whole reply to `messages`.
    pub async fn complete(
        &self,
        messages: &[Message],
        options: &ChatOptions<'_>,
    ) -> Result<Completion, LlmError> {
        let messages = self.with_schema_in_prompt(messages, options);
        let body = self.request_body(&messages, options, false);
        let Attempt::Whole(bytes) = self.send(&body, false).await? else {
            return Err(LlmError::BadReply("expected a whole reply".into()));
        };
        let reply: ChatResponse = serde_json::from_slice(&bytes)
            .map_err(|e| LlmError::BadReply(format!("the reply is not a chat completion: {e}")))?;
        let choice = reply
            .choices
            .into_iter()
            .next()
            .ok_or_else(|| LlmError::BadReply("the reply has no choices".into()))?;
        if let Some(refusal) = choice.message.refusal.filter(|r| !r.trim().is_empty()) {
            return Err(LlmError::BadReply(format!(
                "the model declined: {}",
                shortened(&refusal)
            )));
        }
        Ok(Completion {
            content: choice.message.content.unwrap_or_default(),
            model: reply.model.unwrap_or_else(|| self.config.model.clone()),
            usage: reply.usage.unwrap_or_default(),
            finish: Finish::from_reason(choice.finish_reason.as_deref()),
        })
    }

    /// The reply to `messages` as it is written. Only opening the stream is
    /// retried: once text has arrived, a failure ends the stream with an error.
    pub async fn stream(
        &self,
        messages: &[Message],
        options: &ChatOptions<'_>,
    ) -> Result<CompletionStream, LlmError> {
        let messages = self.with_schema_in_prompt(messages, options);
        let body = self.request_body(&messages, options, true);
        let Attempt::Streaming(response) = self.send(&body, true).await? else {
            return Err(LlmError::BadReply("expected a stream".into()));
        };
        let state = StreamState {
            events: Box::pin(response.bytes_stream().eventsource()),
            content: String::new(),
            model: self.config.model.clone(),
            usage: Usage::default(),
            finish: None,
            done: false,
        };
        Ok(Box::pin(futures::stream::unfold(state, next_event)))
    }

    /// A server that only knows `json_object` is told the schema in words
    /// (and OpenAI's JSON mode wants the word "JSON" in the prompt anyway).
    fn with_schema_in_prompt<'m>(
        &self,
        messages: &'m [Message],
        options: &ChatOptions<'_>,
    ) -> Cow<'m, [Message]> {
        match options.output {
            Output::Json { schema, .. }
                if self.config.dialect.structured_output() == StructuredOutput::JsonObject =>
            {
                let mut messages = messages.to_vec();
                messages.push(Message::system(format!(
                    "Reply with one JSON object, and nothing else, that matches this JSON Schema:\n{}",
                    schema.get()
                )));
                Cow::Owned(messages)
            }
            _ => Cow::Borrowed(messages),
        }
    }

    fn request_body<'a>(
        &'a self,
        messages: &'a [Message],
        options: &ChatOptions<'a>,
        stream: bool,
    ) -> ChatRequest<'a> {
        let dialect = self.config.dialect;
        let response_format = match options.output {
            Output::Text => None,
            Output::Json { name, schema } => Some(match dialect.structured_output() {
                StructuredOutput::JsonSchema => ResponseFormat::JsonSchema {
                    json_schema: JsonSchemaFormat {
                        name,
                        schema,
                        strict: true,
                    },
                },
                StructuredOutput::JsonObject => ResponseFormat::JsonObject,
            }),
        };
        let max_tokens = options
            .max_tokens
            .unwrap_or(self.config.max_output_tokens)
            .min(self.config.max_output_tokens);
        ChatRequest {
            model: (dialect != Dialect::Azure).then_some(self.config.model.as_str()),
            messages,
            temperature: options.temperature,
            max_tokens: Some(max_tokens),
            response_format,
            stream,
            stream_options: (stream && dialect.streams_usage()).then_some(StreamOptions {
                include_usage: true,
            }),
        }
    }

    async fn send(&self, body: &ChatRequest<'_>, stream: bool) -> Result<Attempt, LlmError> {
        let mut retry = 0;
        loop {
            self.breaker
                .permit()
                .map_err(|open| LlmError::CircuitOpen(open.retry_in))?;
            match self.attempt(body, stream).await {
                Ok(reply) => {
                    self.breaker.record_success();
                    return Ok(reply);
                }
                Err(Failure::Permanent(error)) => {
                    // The server answered: it is up, the request was wrong.
                    self.breaker.record_success();
                    return Err(error);
                }
                Err(Failure::Transient { error, retry_after }) => {
                    self.breaker.record_failure();
                    if retry >= self.config.max_retries {
                        return Err(error);
                    }
                    let wait = match retry_after {
                        Some(asked) if asked > self.config.max_retry_after => return Err(error),
                        Some(asked) => asked,
                        None => self.backoff.delay(retry),
                    };
                    tracing::warn!(retry = retry + 1, wait_ms = wait.as_millis() as u64, %error, "retrying the language model");
                    tokio::time::sleep(wait).await;
                    retry += 1;
                }
            }
        }
    }

    async fn attempt(&self, body: &ChatRequest<'_>, stream: bool) -> Result<Attempt, Failure> {
        let mut request = self.http.post(self.url.clone()).json(body);
        if !stream {
            request = request.timeout(self.config.read_timeout);
        }
        if let Some(key) = &self.config.api_key {
            let (name, value) = match self.config.dialect {
                Dialect::Azure => ("api-key", key.expose().to_string()),
                _ => (AUTHORIZATION.as_str(), format!("Bearer {}", key.expose())),
            };
            let mut value = HeaderValue::from_str(&value).map_err(|_| {
                Failure::Permanent(LlmError::Rejected {
                    status: 0,
                    message: "the API key holds characters a header cannot".into(),
                })
            })?;
            value.set_sensitive(true);
            request = request.header(name, value);
        }
        let response = request.send().await.map_err(transport_failure)?;
        let status = response.status();
        if status.is_success() {
            return match stream {
                true => Ok(Attempt::Streaming(response)),
                false => response
                    .bytes()
                    .await
                    .map(Attempt::Whole)
                    .map_err(transport_failure),
            };
        }
        let retry_after = response
            .headers()
            .get(RETRY_AFTER)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| retry_after(value, SystemTime::now()));
        let message = error_message(response).await;
        let transient = status == StatusCode::TOO_MANY_REQUESTS
            || status == StatusCode::REQUEST_TIMEOUT
            || status.is_server_error();
        match transient {
            true => Err(Failure::Transient {
                error: LlmError::Unavailable(format!("HTTP {}: {message}", status.as_u16())),
                retry_after,
            }),
            false => Err(Failure::Permanent(LlmError::Rejected {
                status: status.as_u16(),
                message,
            })),
        }
    }
}

fn transport_failure(error: reqwest::Error) -> Failure {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else {
        "the connection failed"
    };
    // Without the URL: it may hold a deployment or key-bearing query.
    let error = error.without_url();
    Failure::Transient {
        error: LlmError::Unavailable(format!("{what}: {error}")),
        retry_after: None,
    }
}

async fn error_message(response: reqwest::Response) -> String {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let message = match serde_json::from_slice::<ErrorBody>(&body) {
        Ok(parsed) => parsed.error.message().to_string(),
        Err(_) => String::from_utf8_lossy(&body).trim().to_string(),
    };
    match message.is_empty() {
        true => status
            .canonical_reason()
            .unwrap_or("no reason given")
            .to_string(),
        false => shortened(&message),
    }
}

fn shortened(text: &str) -> String {
    match text.char_indices().nth(MAX_ERROR_MESSAGE) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}

type EventResult =
    Result<eventsource_stream::Event, eventsource_stream::EventStreamError<reqwest::Error>>;

struct StreamState {
    events: Pin<Box<dyn Stream<Item = EventResult> + Send>>,
    content: String,
    model: String,
    usage: Usage,
    finish: Option<Finish>,
    done: bool,
}

impl StreamState {
    fn completion(&mut self) -> Completion {
        Completion {
            content: std::mem::take(&mut self.content),
            model: self.model.clone(),
            usage: self.usage,
            finish: self.finish.unwrap_or(Finish::Stop),
        }
    }
}

async fn next_event(
    mut state: StreamState,
) -> Option<(Result<StreamEvent, LlmError>, StreamState)> {
    if state.done {
        return None;
    }
    loop {
        let event = match state.events.next().await {
            Some(Ok(event)) => event,
            Some(Err(error)) => {
                state.done = true;
                return Some((
                    Err(LlmError::Unavailable(format!(
                        "the stream broke off: {error}"
                    ))),
                    state,
                ));
            }
            None if state.finish.is_some() => {
                state.done = true;
                return Some((Ok(StreamEvent::Done(state.completion())), state));
            }
            None => {
                state.done = true;
                return Some((
                    Err(LlmError::Unavailable(
                        "the stream ended before the reply did".into(),
                    )),
                    state,
                ));
            }
        };
        if event.data.trim() == "[DONE]" {
            state.done = true;
            return Some((Ok(StreamEvent::Done(state.completion())), state));
        }
        let chunk: ChatChunk = match serde_json::from_str(&event.data) {
            Ok(chunk) => chunk,
            Err(error) => {
                state.done = true;
                return Some((
                    Err(LlmError::BadReply(format!(
                        "a stream event is not a chat chunk: {error}"
                    ))),
                    state,
                ));
            }
        };
        if let Some(model) = chunk.model.filter(|m| !m.is_empty()) {
            state.model = model;
        }
        if let Some(usage) = chunk.usage {
            state.usage = usage;
        }
        let mut text = String::new();
        for choice in chunk.choices {
            if let Some(reason) = choice.finish_reason.as_deref() {
                state.finish = Some(Finish::from_reason(Some(reason)));
            }
            if let Some(delta) = choice.delta.content {
                text.push_str(&delta);
            }
        }
        if !text.is_empty() {
            state.content.push_str(&text);
            return Some((Ok(StreamEvent::Delta(text)), state));
        }
    }
}
