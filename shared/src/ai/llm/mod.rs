//! An OpenAI-compatible language-model provider (OpenAI, Azure OpenAI,
//! Ollama, vLLM, llama.cpp's server): chat completions, whole or streamed,
//! with JSON-schema output checked on arrival, timeouts, retries with
//! backoff and a circuit breaker. docs/decisions/0020-llm-provider.md
//! records the differences between the servers and how each is handled.

mod breaker;
mod client;
mod config;
mod retry;
mod structured;
mod wire;

pub use client::{
    ChatClient, ChatOptions, Completion, CompletionStream, Finish, LlmError, Output, StreamEvent,
};
pub use config::{Dialect, LlmConfig, Prices, StructuredOutput};
pub use structured::{JsonReply, JsonSchema};
pub use wire::{Message, Role, Usage};

#[cfg(test)]
mod client_tests;

/// The messages as the golden prompt snapshots hold them.
#[cfg(test)]
pub(crate) fn render(messages: &[Message]) -> String {
    messages
        .iter()
        .map(|m| format!("--- {:?}\n{}", m.role, m.content))
        .collect::<Vec<_>>()
        .join("\n")
}
