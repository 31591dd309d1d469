//! The LLM analyst against a scripted OpenAI-compatible server (wiremock).

use std::time::Duration;

use serde_json::{json, Value};
use url::Url;
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

use super::*;
use crate::ai::analyst::RiskSeverity;
use crate::ai::llm::{Dialect, LlmConfig, Prices};
use crate::ai::local::test_support::{client_id_of, request_with, COACH_NAME};

fn completion(content: &Value, prompt_tokens: u64, cached: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "id": "chatcmpl-1",
        "model": "served-model-2026",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content.to_string()}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": 100, "prompt_tokens_details": {"cached_tokens": cached}}
    }))
}

fn analyst_for(server: &MockServer, adjust: impl FnOnce(&mut LlmConfig)) -> LlmAnalyst {
    let base = Url::parse(&format!("{}/v1", server.uri())).unwrap();
    let mut config = LlmConfig::for_server(base, Dialect::OpenAi);
    adjust(&mut config);
    let client = ChatClient::new(config)
        .unwrap()
        .with_backoff_cap(Duration::from_millis(5));
    LlmAnalyst::new(client).unwrap()
}

fn group_session() -> AnalysisRequest {
    request_with(
        &["Ana Ruiz", "Ben Okafor"],
        &[
            (
                COACH_NAME,
                "What will each of you take on before we meet again?",
            ),
            ("Ana Ruiz", "I'll send Marta the new rota by Friday."),
            (
                "Ben Okafor",
                "I'll book a call with the union rep tomorrow.",
            ),
            (
                COACH_NAME,
                "Good. Ben, I'll email you the grievance template tonight.",
            ),
        ],
    )
}

fn analysis_reply() -> Value {
    json!({
        "commitments": [
            {"line": 2, "quote": "I'll send Marta the new rota by Friday", "text": "Send Marta the new rota", "when": "by Friday", "promised_to": []},
            {"line": 3, "quote": "I'll book a call with the union rep tomorrow", "text": "Book a call with the union rep", "when": "tomorrow", "promised_to": []},
            {"line": 4, "quote": "Ben, I'll email you the grievance template tonight", "text": "Email Ben the grievance template", "when": "tonight", "promised_to": ["Ben"]},
            {"line": 3, "quote": "I'll quit my job on Monday and tell everyone why", "text": "Quit", "when": "on Monday", "promised_to": []}
        ],
        "risk_flags": [],
        "clients": [
            {"name": "Ana Ruiz", "insights": ["Ana is ready to hand the rota over."], "highlights": ["You decided to share the rota with Marta."]},
            {"name": "Ben Okafor", "insights": ["Ben wants support from his union."], "highlights": ["You chose to get the union involved."]}
        ],
        "themes": ["Sharing the rota", "Union support"],
        "coach_observations": ["You invited each member to name a next step."],
        "overview": "Cora met Ana and Ben. Ana will share the rota; Ben will involve his union."
    })
}

fn draft_reply(name: &str) -> Value {
    json!({"subject": format!("Our session, {name}"), "body": format!("Hi {name},\n\nThank you for today.\n\nCora")})
}

fn bodies(requests: &[Request]) -> Vec<Value> {
    requests
        .iter()
        .map(|r| serde_json::from_slice(&r.body).unwrap())
        .collect()
}

#[tokio::test]
async fn a_group_session_is_analysed_grounded_and_each_client_gets_their_own_email() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("\"session_analysis\""))
        .respond_with(completion(&analysis_reply(), 900, 0))
        .expect(1)
        .mount(&server)
        .await;
    for name in ["Ana", "Ben"] {
        Mock::given(method("POST"))
            .and(body_string_contains("\"follow_up_email\""))
            .and(body_string_contains(format!("to {name} (")))
            .respond_with(completion(&draft_reply(name), 1000, 800))
            .expect(1)
            .mount(&server)
            .await;
    }
    let analyst = analyst_for(&server, |config| {
        config.prices = Some(Prices {
            input: 2.0,
            cached_input: 1.0,
            output: 8.0,
        });
    });
    let request = group_session();
    let analysis = analyst.analyse(&request).await.unwrap();

    assert_eq!(analysis.model, "served-model-2026");
    // The invented commitment is dropped and counted.
    assert_eq!(analysis.commitments.len(), 3);
    let usage = analysis.usage.clone().unwrap();
    assert_eq!(usage.ungrounded_claims, 1);
    assert_eq!(usage.calls, 3);
    assert_eq!(usage.prompt_tokens, 2900);
    assert_eq!(usage.cached_prompt_tokens, 1600);
    assert_eq!(usage.completion_tokens, 300);
    // (1300 × 2 + 1600 × 1 + 300 × 8) / 1e6
    assert!((usage.cost_usd.unwrap() - 0.0066).abs() < 1e-9, "{usage:?}");

    // Dates come from the words, against the session date (Tuesday 10 March).
    let rota = &analysis.commitments[0];
    assert_eq!(rota.owner, "Ana Ruiz");
    assert_eq!(rota.due, chrono::NaiveDate::from_ymd_opt(2026, 3, 13));
    let template = &analysis.commitments[2];
    assert_eq!(template.owner, COACH_NAME);
    assert_eq!(template.recipients, vec![client_id_of("Ben Okafor")]);
    assert_eq!(template.due, chrono::NaiveDate::from_ymd_opt(2026, 3, 10));

    assert_eq!(analysis.themes, vec!["Sharing the rota", "Union support"]);
    assert_eq!(analysis.follow_ups.len(), 2);
    assert_eq!(analysis.follow_ups[0].subject, "Our session, Ana");
    assert_eq!(analysis.follow_ups[1].client_id, client_id_of("Ben Okafor"));

    let sent = bodies(&server.received_requests().await.unwrap());
    // Each client's email is asked for after the same prefix, and holds only
    // that client's commitments in the template's rendering.
    let prefix = |body: &Value| body["messages"].as_array().unwrap()[..2].to_vec();
    assert!(sent.iter().all(|b| prefix(b) == prefix(&sent[0])));
    let ana_draft = sent
        .iter()
        .find(|b| b.to_string().contains("to Ana ("))
        .unwrap();
    let ask = ana_draft["messages"][2]["content"].as_str().unwrap();
    assert!(ask.contains("Send Marta the new rota"), "{ask}");
    assert!(!ask.contains("union rep"), "{ask}");
}

#[tokio::test]
async fn an_urgent_risk_the_model_misses_is_kept_and_that_client_gets_the_careful_note() {
    let server = MockServer::start().await;
    let mut reply = analysis_reply();
    reply["commitments"] = json!([]);
    Mock::given(method("POST"))
        .and(body_string_contains("\"session_analysis\""))
        .respond_with(completion(&reply, 900, 0))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("\"follow_up_email\""))
        .respond_with(completion(&draft_reply("Ana"), 1000, 800))
        .expect(1)
        .mount(&server)
        .await;
    let mut request = group_session();
    request.utterances[2].text = "Honestly, I've been thinking about killing myself.".to_string();
    let analysis = analyst_for(&server, |_| {})
        .analyse(&request)
        .await
        .unwrap();

    let urgent: Vec<_> = analysis
        .risk_flags
        .iter()
        .filter(|f| f.severity == RiskSeverity::Urgent)
        .collect();
    assert_eq!(urgent.len(), 1, "{:?}", analysis.risk_flags);
    assert_eq!(urgent[0].client_id, Some(client_id_of("Ben Okafor")));
    let ben = analysis
        .follow_ups
        .iter()
        .find(|d| d.client_id == client_id_of("Ben Okafor"))
        .unwrap();
    assert_eq!(
        ben.template_version, None,
        "the careful note, not the template"
    );
    assert!(analysis
        .follow_ups
        .iter()
        .all(|d| d.review_reason.is_some()));
}

#[tokio::test]
async fn a_reply_that_never_fits_the_schema_is_a_permanent_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(completion(&json!({"overview": 3}), 900, 0))
        .expect(2)
        .mount(&server)
        .await;
    let error = analyst_for(&server, |_| {})
        .analyse(&group_session())
        .await
        .unwrap_err();
    assert!(matches!(error, AnalystError::Permanent(_)), "{error:?}");
}

#[tokio::test]
async fn a_budget_too_small_for_any_transcript_is_refused_before_anything_is_sent() {
    let server = MockServer::start().await;
    let analyst = analyst_for(&server, |config| config.context_tokens = 1_500);
    let error = analyst.analyse(&group_session()).await.unwrap_err();
    let AnalystError::Permanent(reason) = error else {
        panic!("{error:?}");
    };
    assert!(reason.contains("FLOWCOACH_LLM_CONTEXT_TOKENS"), "{reason}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_long_transcript_goes_in_parts_within_the_budget_each_line_sent_once() {
    let server = MockServer::start().await;
    let mut part = analysis_reply();
    part["commitments"] = json!([
        {"line": 2, "quote": "I'll send Marta the new rota by Friday", "text": "Send Marta the new rota", "when": "by Friday", "promised_to": []},
        {"line": 150, "quote": "I'll book a call with the union rep tomorrow", "text": "Book a call with the union rep", "when": "tomorrow", "promised_to": []}
    ]);
    Mock::given(method("POST"))
        .and(body_string_contains("\"session_analysis\""))
        .respond_with(completion(&part, 900, 0))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("\"session_summary\""))
        .respond_with(completion(
            &json!({"clients": [], "themes": ["Rotas"], "coach_observations": [], "overview": "A long session about rotas."}),
            400,
            0,
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("\"follow_up_email\""))
        .respond_with(completion(&draft_reply("Ana"), 500, 0))
        .mount(&server)
        .await;
    let mut request = group_session();
    for turn in 0..300 {
        let (speaker, role) = if turn % 2 == 0 {
            ("Ana Ruiz", request.utterances[1].role.clone())
        } else {
            ("Ben Okafor", request.utterances[2].role.clone())
        };
        request
            .utterances
            .push(crate::ai::analyst::AttributedUtterance {
                speaker: speaker.to_string(),
                role,
                start_ms: None,
                text: format!(
                    "Turn {turn}: we went over the rota for the spring shifts again, week by week."
                ),
            });
    }
    let budget = 6_000;
    let analyst = analyst_for(&server, |config| config.context_tokens = budget);
    let analysis = analyst.analyse(&request).await.unwrap();

    let sent = bodies(&server.received_requests().await.unwrap());
    let parts: Vec<&Value> = sent
        .iter()
        .filter(|b| b.to_string().contains("\"session_analysis\""))
        .collect();
    assert!(parts.len() >= 2, "{} parts", parts.len());
    for body in &sent {
        let prompt: usize = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["content"].as_str().unwrap().len().div_ceil(4))
            .sum();
        let schema = body["response_format"]["json_schema"]["schema"]
            .to_string()
            .len()
            / 4;
        assert!(
            prompt + schema + 1024 <= budget as usize,
            "{prompt} + {schema} tokens"
        );
    }
    // Every line of the transcript went to the model exactly once.
    let all: String = sent.iter().map(|b| b["messages"].to_string()).collect();
    for turn in [0, 137, 299] {
        assert_eq!(
            all.matches(&format!("Turn {turn}:")).count(),
            1,
            "turn {turn}"
        );
    }
    assert_eq!(analysis.overview, "A long session about rotas.");
    // The same commitment reported by several parts is kept once.
    assert_eq!(analysis.commitments.len(), 2, "{:?}", analysis.commitments);
    let usage = analysis.usage.unwrap();
    assert_eq!(usage.calls as usize, parts.len() + 1 + 2);
}
