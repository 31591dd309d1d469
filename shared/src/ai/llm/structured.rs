//! Replies as typed JSON: the schema sent with the request, the reply
//! validated against the same schema (servers do not always hold to it),
//! and one repair round in which the model sees what was wrong.

use serde::de::DeserializeOwned;
use serde_json::value::RawValue;

use super::client::{ChatClient, ChatOptions, Completion, Finish, LlmError, Output};
use super::wire::{Message, Usage};

/// A JSON Schema to ask for and check against.
#[derive(Debug)]
pub struct JsonSchema {
    name: &'static str,
    /// As written, property order and all (models write fields in order).
    raw: Box<RawValue>,
    validator: jsonschema::Validator,
}

impl JsonSchema {
    /// Fails on a schema that is not JSON or not a valid schema: a
    /// programming error, caught at start-up and in tests.
    pub fn new(name: &'static str, source: &str) -> Result<Self, String> {
        let raw = RawValue::from_string(source.to_string())
            .map_err(|e| format!("the {name} schema is not JSON: {e}"))?;
        let value: serde_json::Value = serde_json::from_str(source)
            .map_err(|e| format!("the {name} schema is not JSON: {e}"))?;
        let validator = jsonschema::validator_for(&value)
            .map_err(|e| format!("the {name} schema is not a valid JSON Schema: {e}"))?;
        Ok(Self {
            name,
            raw,
            validator,
        })
    }

    /// The reply as `T`, or what is wrong with it: in full for the model,
    /// and without the reply's words for logs and failure reasons.
    fn check<T: DeserializeOwned>(&self, completion: &Completion) -> Result<T, Invalid> {
        if completion.finish == Finish::Length {
            return Err(Invalid::same("the reply was cut off at the token limit"));
        }
        let text = without_code_fence(&completion.content);
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| Invalid {
            for_model: format!("it is not valid JSON ({e})"),
            for_logs: format!("not valid JSON at line {} column {}", e.line(), e.column()),
        })?;
        let errors: Vec<_> = self.validator.iter_errors(&value).take(5).collect();
        if !errors.is_empty() {
            return Err(Invalid {
                for_model: errors
                    .iter()
                    .map(|e| format!("at '{}': {e}", e.instance_path()))
                    .collect::<Vec<_>>()
                    .join("; "),
                for_logs: errors
                    .iter()
                    .map(|e| format!("'{}' fails {}", e.instance_path(), e.kind().keyword()))
                    .collect::<Vec<_>>()
                    .join("; "),
            });
        }
        serde_json::from_value(value).map_err(|e| Invalid::same(&format!("it does not fit: {e}")))
    }
}

struct Invalid {
    for_model: String,
    for_logs: String,
}

impl Invalid {
    fn same(reason: &str) -> Self {
        Self {
            for_model: reason.to_string(),
            for_logs: reason.to_string(),
        }
    }
}

/// A reply that matched the schema.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonReply<T> {
    pub value: T,
    pub model: String,
    /// Both rounds' tokens when it took a repair.
    pub usage: Usage,
    pub repaired: bool,
}

impl ChatClient {
    /// The reply to `messages` as `T`, checked against `schema`; a reply that
    /// fails gets one repair round, a second failure is a permanent error.
    pub async fn complete_json<T: DeserializeOwned>(
        &self,
        messages: &[Message],
        schema: &JsonSchema,
        options: ChatOptions<'_>,
    ) -> Result<JsonReply<T>, LlmError> {
        let options = ChatOptions {
            output: Output::Json {
                name: schema.name,
                schema: &schema.raw,
            },
            ..options
        };
        let first = self.complete(messages, &options).await?;
        let mut usage = first.usage;
        let reason = match schema.check::<T>(&first) {
            Ok(value) => {
                return Ok(JsonReply {
                    value,
                    model: first.model,
                    usage,
                    repaired: false,
                })
            }
            Err(invalid) => invalid,
        };
        tracing::warn!(schema = schema.name, reason = %reason.for_logs, "asking the language model to repair its reply");
        let mut repair = messages.to_vec();
        repair.push(Message::assistant(first.content));
        repair.push(Message::user(format!(
            "That reply does not match the required JSON Schema: {}. Reply again with only the corrected JSON object.",
            reason.for_model
        )));
        let second = self.complete(&repair, &options).await?;
        usage += second.usage;
        match schema.check::<T>(&second) {
            Ok(value) => Ok(JsonReply {
                value,
                model: second.model,
                usage,
                repaired: true,
            }),
            Err(invalid) => Err(LlmError::BadReply(format!(
                "the {} reply did not match its schema after one repair: {}",
                schema.name, invalid.for_logs
            ))),
        }
    }
}

/// Some models wrap JSON in a Markdown code fence even when told not to.
fn without_code_fence(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(inner) = trimmed.strip_prefix("```") else {
        return trimmed;
    };
    let inner = inner.strip_prefix("json").unwrap_or(inner);
    inner.strip_suffix("```").unwrap_or(inner).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fenced_reply_is_unwrapped() {
        assert_eq!(without_code_fence("```json\n{\"a\": 1}\n```"), "{\"a\": 1}");
        assert_eq!(without_code_fence("  {\"a\": 1} "), "{\"a\": 1}");
    }

    #[test]
    fn a_schema_that_is_not_a_schema_is_refused_at_once() {
        let error = JsonSchema::new("broken", r#"{"type": 12}"#).unwrap_err();
        assert!(error.contains("broken"), "{error}");
        assert!(JsonSchema::new("not-json", "{").is_err());
    }
}
