//! The client against a scripted OpenAI-compatible server (wiremock).

use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use url::Url;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;

const SCHEMA: &str = r#"{"type":"object","properties":{"quote":{"type":"string"},"category":{"type":"string","enum":["burnout","self_harm"]}},"required":["quote","category"],"additionalProperties":false}"#;

#[derive(Debug, Deserialize, PartialEq)]
struct Flag {
    quote: String,
    category: String,
}

fn reply(content: &str) -> Value {
    json!({
        "id": "chatcmpl-1",
        "model": "served-model-2026",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 30, "prompt_tokens_details": {"cached_tokens": 100}}
    })
}

fn client(server: &MockServer, dialect: Dialect) -> ChatClient {
    let base = Url::parse(&format!("{}/v1", server.uri())).unwrap();
    client_with(LlmConfig::for_server(base, dialect))
}

fn client_with(config: LlmConfig) -> ChatClient {
    ChatClient::new(config)
        .unwrap()
        .with_backoff_cap(Duration::from_millis(5))
}

async fn requests(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap_or_default()
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap()
}

fn messages() -> Vec<Message> {
    vec![
        Message::system("You read coaching transcripts."),
        Message::user("Transcript: ..."),
    ]
}

#[tokio::test]
async fn a_whole_reply_with_a_json_schema_and_the_usage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", "Bearer sk-test-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply("{\"a\":1}")))
        .expect(1)
        .mount(&server)
        .await;
    let schema: Box<serde_json::value::RawValue> =
        serde_json::value::RawValue::from_string(SCHEMA.into()).unwrap();
    let options = ChatOptions {
        output: Output::Json {
            name: "risk_flag",
            schema: &schema,
        },
        ..ChatOptions::default()
    };
    let completion = client(&server, Dialect::OpenAi)
        .complete(&messages(), &options)
        .await
        .unwrap();
    assert_eq!(completion.content, "{\"a\":1}");
    assert_eq!(completion.model, "served-model-2026");
    assert_eq!(completion.finish, Finish::Stop);
    assert_eq!(completion.usage.prompt_tokens, 120);
    assert_eq!(completion.usage.cached_prompt_tokens(), 100);

    let sent = requests(&server).await;
    let raw = String::from_utf8(sent[0].body.clone()).unwrap();
    // The schema goes where llama.cpp looks for it, in its written order.
    assert!(
        raw.contains(&format!(
            "\"json_schema\":{{\"name\":\"risk_flag\",\"schema\":{SCHEMA}"
        )),
        "{raw}"
    );
    let sent = body(&sent[0]);
    assert_eq!(sent["model"], "test-model");
    assert_eq!(sent["response_format"]["type"], "json_schema");
    assert_eq!(sent["response_format"]["json_schema"]["strict"], true);
    assert_eq!(sent["messages"][1]["role"], "user");
    assert_eq!(sent["max_tokens"], 1024);
    assert!(sent.get("stream").is_none());
}

#[tokio::test]
async fn azure_uses_the_deployment_url_and_the_api_key_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/openai/deployments/coach-gpt/chat/completions"))
        .and(query_param("api-version", "2024-10-21"))
        .and(header("api-key", "sk-test-key"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply("hello")))
        .expect(1)
        .mount(&server)
        .await;
    let mut config = LlmConfig::for_server(Url::parse(&server.uri()).unwrap(), Dialect::Azure);
    config.model = "coach-gpt".into();
    let completion = client_with(config)
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap();
    assert_eq!(completion.content, "hello");
    let sent = &requests(&server).await[0];
    assert!(sent.headers.get("authorization").is_none());
    assert!(
        body(sent).get("model").is_none(),
        "the deployment names the model"
    );
}

#[tokio::test]
async fn ollama_gets_json_object_mode_with_the_schema_in_the_prompt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply(
            r#"{"quote":"I am running on empty","category":"burnout"}"#,
        )))
        .mount(&server)
        .await;
    let schema = JsonSchema::new("risk_flag", SCHEMA).unwrap();
    let flag: JsonReply<Flag> = client(&server, Dialect::Ollama)
        .complete_json(&messages(), &schema, ChatOptions::default())
        .await
        .unwrap();
    assert_eq!(flag.value.category, "burnout");
    let sent = body(&requests(&server).await[0]);
    assert_eq!(sent["response_format"], json!({"type": "json_object"}));
    let last = sent["messages"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["role"], "system");
    assert!(last["content"].as_str().unwrap().contains(SCHEMA));
}

#[tokio::test]
async fn server_errors_are_retried_until_the_server_answers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply("at last")))
        .mount(&server)
        .await;
    let completion = client(&server, Dialect::Vllm)
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap();
    assert_eq!(completion.content, "at last");
    assert_eq!(requests(&server).await.len(), 4);
}

#[tokio::test]
async fn a_long_retry_after_is_not_waited_out_and_a_refusal_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let error = client(&server, Dialect::OpenAi)
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap_err();
    assert!(error.is_transient(), "{error}");
    assert_eq!(requests(&server).await.len(), 1);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"message": "This model's maximum context length is 8192 tokens", "type": "invalid_request_error"}}),
        ))
        .mount(&server)
        .await;
    let error = client(&server, Dialect::OpenAi)
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap_err();
    assert!(!error.is_transient());
    assert!(
        matches!(&error, LlmError::Rejected { status: 400, message } if message.contains("maximum context length")),
        "{error}"
    );
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn a_server_that_does_not_answer_in_time_is_retried_then_reported() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(reply("late"))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;
    let mut config = LlmConfig::for_server(
        Url::parse(&format!("{}/v1", server.uri())).unwrap(),
        Dialect::LlamaCpp,
    );
    config.read_timeout = Duration::from_millis(200);
    config.max_retries = 1;
    let error = client_with(config)
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap_err();
    assert!(
        matches!(&error, LlmError::Unavailable(reason) if reason.contains("timed out")),
        "{error}"
    );
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn an_outage_opens_the_circuit_and_later_calls_fail_fast() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let mut config = LlmConfig::for_server(
        Url::parse(&format!("{}/v1", server.uri())).unwrap(),
        Dialect::OpenAi,
    );
    config.max_retries = 1;
    config.breaker_failures = 2;
    let client = client_with(config);
    let first = client
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(first, LlmError::Unavailable(_)), "{first}");
    let second = client
        .complete(&messages(), &ChatOptions::default())
        .await
        .unwrap_err();
    assert!(matches!(second, LlmError::CircuitOpen(_)), "{second}");
    assert!(second.is_transient());
    assert_eq!(
        requests(&server).await.len(),
        2,
        "the open circuit sent nothing"
    );
}

fn sse(events: &[Value]) -> String {
    let mut body: String = events
        .iter()
        .map(|event| format!("data: {event}\n\n"))
        .collect();
    body.push_str("data: [DONE]\n\n");
    body
}

#[tokio::test]
async fn a_streamed_reply_arrives_in_pieces_and_ends_with_the_usage() {
    let server = MockServer::start().await;
    let chunk = |text: &str| json!({"model": "served-model-2026", "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]});
    let events_sent = sse(&[
        json!({"choices": [{"index": 0, "delta": {"role": "assistant"}, "finish_reason": null}]}),
        chunk("Warmer "),
        chunk("and shorter."),
        json!({"choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}),
        json!({"choices": [], "usage": {"prompt_tokens": 900, "completion_tokens": 4, "prompt_tokens_details": {"cached_tokens": 850}}}),
    ]);
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(events_sent, "text/event-stream"))
        .mount(&server)
        .await;
    let events: Vec<StreamEvent> = client(&server, Dialect::OpenAi)
        .stream(&messages(), &ChatOptions::default())
        .await
        .unwrap()
        .map(|event| event.unwrap())
        .collect()
        .await;
    assert_eq!(
        events[..2],
        [
            StreamEvent::Delta("Warmer ".into()),
            StreamEvent::Delta("and shorter.".into())
        ]
    );
    let StreamEvent::Done(done) = &events[2] else {
        panic!("{events:?}");
    };
    assert_eq!(done.content, "Warmer and shorter.");
    assert_eq!(done.usage.completion_tokens, 4);
    assert_eq!(done.usage.cached_prompt_tokens(), 850);
    assert_eq!(done.model, "served-model-2026");
    assert_eq!(events.len(), 3);
    let sent = body(&requests(&server).await[0]);
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["stream_options"], json!({"include_usage": true}));
}

#[tokio::test]
async fn a_stream_cut_off_before_the_end_is_an_error_not_a_short_reply() {
    let server = MockServer::start().await;
    let events_sent = format!(
        "data: {}\n\n",
        json!({"choices": [{"index": 0, "delta": {"content": "Half a sen"}, "finish_reason": null}]})
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(events_sent, "text/event-stream"))
        .mount(&server)
        .await;
    let events: Vec<Result<StreamEvent, LlmError>> = client(&server, Dialect::Ollama)
        .stream(&messages(), &ChatOptions::default())
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(events.len(), 2);
    assert!(
        matches!(&events[1], Err(LlmError::Unavailable(_))),
        "{events:?}"
    );
    let sent = body(&requests(&server).await[0]);
    assert!(
        sent.get("stream_options").is_none(),
        "Ollama is not sent stream_options"
    );
}

#[tokio::test]
async fn a_reply_that_misses_the_schema_gets_one_repair_round() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply(
            r#"{"quote":"my chest went tight","category":"cardiac"}"#,
        )))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(reply(
            "```json\n{\"quote\":\"I can't switch off\",\"category\":\"burnout\"}\n```",
        )))
        .mount(&server)
        .await;
    let schema = JsonSchema::new("risk_flag", SCHEMA).unwrap();
    let flag: JsonReply<Flag> = client(&server, Dialect::LlamaCpp)
        .complete_json(&messages(), &schema, ChatOptions::default())
        .await
        .unwrap();
    assert!(flag.repaired);
    assert_eq!(
        flag.value,
        Flag {
            quote: "I can't switch off".into(),
            category: "burnout".into()
        }
    );
    assert_eq!(flag.usage.prompt_tokens, 240, "both rounds are counted");
    let sent = requests(&server).await;
    assert_eq!(sent.len(), 2);
    let repair = body(&sent[1]);
    let turns = repair["messages"].as_array().unwrap();
    assert_eq!(turns[turns.len() - 2]["role"], "assistant");
    let ask = turns[turns.len() - 1]["content"].as_str().unwrap();
    assert!(ask.contains("/category"), "the model is told where: {ask}");
}

#[tokio::test]
async fn a_reply_that_misses_twice_is_a_permanent_error_without_its_words() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(reply(r#"{"quote":"the secret plan for Thursday"}"#)),
        )
        .mount(&server)
        .await;
    let schema = JsonSchema::new("risk_flag", SCHEMA).unwrap();
    let error = client(&server, Dialect::Vllm)
        .complete_json::<Flag>(&messages(), &schema, ChatOptions::default())
        .await
        .unwrap_err();
    assert!(!error.is_transient());
    let reason = error.to_string();
    assert!(reason.contains("required"), "{reason}");
    assert!(!reason.contains("secret plan"), "{reason}");
    assert_eq!(requests(&server).await.len(), 2);
}

#[tokio::test]
async fn a_reply_cut_off_at_the_token_limit_is_repaired_not_parsed() {
    let server = MockServer::start().await;
    let mut cut = reply(r#"{"quote":"I keep"#);
    cut["choices"][0]["finish_reason"] = json!("length");
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(cut))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(reply(r#"{"quote":"I keep","category":"burnout"}"#)),
        )
        .mount(&server)
        .await;
    let schema = JsonSchema::new("risk_flag", SCHEMA).unwrap();
    let flag: JsonReply<Flag> = client(&server, Dialect::OpenAi)
        .complete_json(&messages(), &schema, ChatOptions::default())
        .await
        .unwrap();
    assert!(flag.repaired);
    let repair = body(&requests(&server).await[1]);
    let ask = repair["messages"].as_array().unwrap().last().unwrap()["content"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(ask.contains("cut off"), "{ask}");
}
