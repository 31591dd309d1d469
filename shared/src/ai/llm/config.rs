//! Where the language model is and how to talk to it, from the environment.

use std::str::FromStr;
use std::time::Duration;

use url::Url;

use super::wire::Usage;
use crate::config::{env_or, parse_env, positive, positive_secs, ConfigError, Secret};

/// The OpenAI-compatible servers FlowCoach talks to differ in a few ways
/// that matter; each dialect settles them (docs/decisions/0020-llm-provider.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    OpenAi,
    /// Azure OpenAI: the deployment in the URL, an `api-version` query
    /// parameter and an `api-key` header instead of a bearer token.
    Azure,
    /// Ollama's `/v1` endpoint: structured output only as a JSON object
    /// (the schema goes in the prompt); no usage in streams.
    Ollama,
    Vllm,
    /// llama.cpp's `llama-server`: the schema must sit at
    /// `response_format.json_schema.schema`, anywhere else is ignored.
    LlamaCpp,
}

impl FromStr for Dialect {
    type Err = String;

    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "openai" => Ok(Self::OpenAi),
            "azure" | "azure-openai" => Ok(Self::Azure),
            "ollama" => Ok(Self::Ollama),
            "vllm" => Ok(Self::Vllm),
            "llamacpp" | "llama.cpp" | "llama-cpp" => Ok(Self::LlamaCpp),
            other => Err(format!(
                "unknown dialect '{other}' (openai, azure, ollama, vllm or llamacpp)"
            )),
        }
    }
}

/// How the server is asked for JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StructuredOutput {
    /// `response_format: {type: json_schema}`: decoding held to the schema.
    JsonSchema,
    /// `response_format: {type: json_object}`: any JSON; the schema is in the
    /// prompt and the reply is validated all the same.
    JsonObject,
}

impl Dialect {
    pub fn structured_output(self) -> StructuredOutput {
        match self {
            Self::Ollama => StructuredOutput::JsonObject,
            Self::OpenAi | Self::Azure | Self::Vllm | Self::LlamaCpp => {
                StructuredOutput::JsonSchema
            }
        }
    }

    /// Whether `stream_options.include_usage` is understood (a server that
    /// does not know it may refuse the request).
    pub fn streams_usage(self) -> bool {
        !matches!(self, Self::Ollama)
    }
}

/// Everything the chat client needs.
#[derive(Debug, Clone)]
pub struct LlmConfig {
    /// The API root: `https://api.openai.com/v1`, `http://127.0.0.1:11434/v1`;
    /// for Azure, the resource (`https://NAME.openai.azure.com`).
    pub base_url: Url,
    /// The model name; for Azure, the deployment name.
    pub model: String,
    pub api_key: Option<Secret>,
    pub dialect: Dialect,
    pub azure_api_version: String,
    pub connect_timeout: Duration,
    /// The longest wait for a whole reply (or, streaming, between two events).
    pub read_timeout: Duration,
    /// Retries of one request on 429, 5xx and timeouts.
    pub max_retries: u32,
    /// A `Retry-After` longer than this is not waited out here: the request
    /// fails as transient and the queue retries the stage later.
    pub max_retry_after: Duration,
    /// Failures in a row that open the circuit, and how long it stays open.
    pub breaker_failures: u32,
    pub breaker_cool_down: Duration,
    /// The most a reply may hold, in tokens.
    pub max_output_tokens: u32,
    /// The most one prompt may hold, in tokens: a longer transcript is
    /// analysed in parts (map-reduce).
    pub context_tokens: u32,
    /// What the provider charges, for the cost stored with each analysis.
    pub prices: Option<Prices>,
}

/// US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices {
    pub input: f64,
    /// Prompt tokens served from the provider's cache.
    pub cached_input: f64,
    pub output: f64,
}

impl Prices {
    /// What calls of `usage` cost, in US dollars (prices are per million tokens).
    pub fn cost(&self, usage: &Usage) -> f64 {
        let cached = usage.cached_prompt_tokens().min(usage.prompt_tokens);
        let fresh = usage.prompt_tokens - cached;
        (fresh as f64 * self.input
            + cached as f64 * self.cached_input
            + usage.completion_tokens as f64 * self.output)
            / 1_000_000.0
    }

    /// `None` unless the input and output prices are both set; cached input
    /// costs the same as input unless priced.
    fn from_env() -> Result<Option<Self>, ConfigError> {
        let price = |name: &'static str| -> Result<Option<f64>, ConfigError> {
            let Some(raw) = std::env::var(name).ok().filter(|v| !v.trim().is_empty()) else {
                return Ok(None);
            };
            match raw.trim().parse::<f64>() {
                Ok(value) if value.is_finite() && value >= 0.0 => Ok(Some(value)),
                _ => Err(ConfigError::Invalid {
                    name,
                    reason: "must be a price in US dollars per million tokens, e.g. 2.50".into(),
                }),
            }
        };
        let input = price("FLOWCOACH_LLM_PRICE_INPUT")?;
        let cached = price("FLOWCOACH_LLM_PRICE_CACHED_INPUT")?;
        let output = price("FLOWCOACH_LLM_PRICE_OUTPUT")?;
        Ok(match (input, output) {
            (Some(input), Some(output)) => Some(Self {
                input,
                cached_input: cached.unwrap_or(input),
                output,
            }),
            _ => None,
        })
    }
}

impl LlmConfig {
    /// `None` when no provider is configured (`FLOWCOACH_LLM_BASE_URL` unset):
    /// the local analyser is used.
    pub fn from_env() -> Result<Option<Self>, ConfigError> {
        let api_key = std::env::var("FLOWCOACH_LLM_API_KEY")
            .ok()
            .filter(|key| !key.trim().is_empty())
            .map(|key| Secret::new(key.trim()));
        Self::from_env_with_api_key(api_key)
    }

    /// The same, with the API key given (on AWS it comes from Secrets
    /// Manager, `FLOWCOACH_LLM_API_KEY_SECRET_ARN`).
    pub fn from_env_with_api_key(api_key: Option<Secret>) -> Result<Option<Self>, ConfigError> {
        let Some(raw_url) = std::env::var("FLOWCOACH_LLM_BASE_URL")
            .ok()
            .filter(|url| !url.trim().is_empty())
        else {
            return Ok(None);
        };
        let base_url = Url::parse(raw_url.trim()).map_err(|e| ConfigError::Invalid {
            name: "FLOWCOACH_LLM_BASE_URL",
            reason: e.to_string(),
        })?;
        if !matches!(base_url.scheme(), "http" | "https") {
            return Err(ConfigError::Invalid {
                name: "FLOWCOACH_LLM_BASE_URL",
                reason: "must be an http or https URL".into(),
            });
        }
        let model = env_or("FLOWCOACH_LLM_MODEL", String::new);
        if model.trim().is_empty() {
            return Err(ConfigError::Invalid {
                name: "FLOWCOACH_LLM_MODEL",
                reason: "must name the model (for Azure, the deployment) when FLOWCOACH_LLM_BASE_URL is set".into(),
            });
        }
        let dialect = parse_env("FLOWCOACH_LLM_DIALECT", Dialect::OpenAi)?;
        if api_key.is_none() && matches!(dialect, Dialect::OpenAi | Dialect::Azure) {
            return Err(ConfigError::Invalid {
                name: "FLOWCOACH_LLM_API_KEY",
                reason: "is required for the openai and azure dialects".into(),
            });
        }
        Ok(Some(Self {
            base_url,
            model: model.trim().to_string(),
            api_key,
            dialect,
            azure_api_version: env_or("FLOWCOACH_LLM_AZURE_API_VERSION", || "2024-10-21".into()),
            connect_timeout: positive_secs(
                "FLOWCOACH_LLM_CONNECT_TIMEOUT_SECS",
                Duration::from_secs(5),
            )?,
            read_timeout: positive_secs(
                "FLOWCOACH_LLM_READ_TIMEOUT_SECS",
                Duration::from_secs(120),
            )?,
            max_retries: parse_env("FLOWCOACH_LLM_MAX_RETRIES", 3)?,
            max_retry_after: Duration::from_secs(30),
            breaker_failures: positive("FLOWCOACH_LLM_BREAKER_FAILURES", 5)?,
            breaker_cool_down: positive_secs(
                "FLOWCOACH_LLM_BREAKER_COOL_DOWN_SECS",
                Duration::from_secs(30),
            )?,
            max_output_tokens: positive("FLOWCOACH_LLM_MAX_OUTPUT_TOKENS", 4096)?,
            context_tokens: positive("FLOWCOACH_LLM_CONTEXT_TOKENS", 32_000)?,
            prices: Prices::from_env()?,
        }))
    }

    /// The chat-completions URL of this provider.
    pub fn chat_url(&self) -> Result<Url, url::ParseError> {
        let root = self.base_url.as_str().trim_end_matches('/');
        match self.dialect {
            Dialect::Azure => {
                let mut url = Url::parse(&format!(
                    "{root}/openai/deployments/{}/chat/completions",
                    self.model
                ))?;
                url.query_pairs_mut()
                    .append_pair("api-version", &self.azure_api_version);
                Ok(url)
            }
            _ => Url::parse(&format!("{root}/chat/completions")),
        }
    }

    /// A configuration for tests against a scripted server: no waiting
    /// between retries beyond a millisecond.
    pub fn for_server(base_url: Url, dialect: Dialect) -> Self {
        Self {
            base_url,
            model: "test-model".into(),
            api_key: Some(Secret::new("sk-test-key")),
            dialect,
            azure_api_version: "2024-10-21".into(),
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(5),
            max_retries: 3,
            max_retry_after: Duration::from_secs(2),
            breaker_failures: 5,
            breaker_cool_down: Duration::from_secs(30),
            max_output_tokens: 1024,
            context_tokens: 32_000,
            prices: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn azure_names_the_deployment_and_the_api_version_in_the_url() {
        let mut config = LlmConfig::for_server(
            Url::parse("https://coaching.openai.azure.com/").unwrap(),
            Dialect::Azure,
        );
        config.model = "gpt-4o-coach".into();
        assert_eq!(
            config.chat_url().unwrap().as_str(),
            "https://coaching.openai.azure.com/openai/deployments/gpt-4o-coach/chat/completions?api-version=2024-10-21"
        );
        config.dialect = Dialect::Vllm;
        config.base_url = Url::parse("http://10.0.0.7:8000/v1/").unwrap();
        assert_eq!(
            config.chat_url().unwrap().as_str(),
            "http://10.0.0.7:8000/v1/chat/completions"
        );
    }

    #[test]
    fn dialects_parse_by_their_common_names_and_an_unknown_one_is_named() {
        assert_eq!("llama.cpp".parse(), Ok(Dialect::LlamaCpp));
        assert_eq!("Azure".parse(), Ok(Dialect::Azure));
        let error = "bard".parse::<Dialect>().unwrap_err();
        assert!(error.contains("bard"), "{error}");
        assert_eq!(
            Dialect::Ollama.structured_output(),
            StructuredOutput::JsonObject
        );
        assert!(!Dialect::Ollama.streams_usage());
        assert_eq!(
            Dialect::LlamaCpp.structured_output(),
            StructuredOutput::JsonSchema
        );
    }
}
