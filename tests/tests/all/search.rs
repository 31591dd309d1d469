//! `POST /v1/search` end to end: sessions processed by the pipeline (the
//! real embedding model), then searched over HTTP — passages of each kind,
//! highlights, filters from the request and from the question, paging,
//! "nothing found", limits, the quoted answer's citations, the audit, and
//! another coach's searches finding nothing on any path.

use std::time::Duration;

use chrono::{Days, Utc};
use flowcoach_tests::TestApp;
use serde_json::{json, Value};

const SETTLE: Duration = Duration::from_secs(180);

const DELEGATION: &str = "Dana Whitfield: Where are you with handing work over to the team?\n\
Tobias Renner: I'm still approving every pull request myself, which is why I'm at the office until nine.\n\
Dana Whitfield: What would change if Priya owned the routing reviews?\n\
Tobias Renner: I'd get my evenings back. I'll send the delegation plan to Priya by Friday.\n\
Dana Whitfield: And what will you tell the team about it?\n\
Tobias Renner: That Priya decides on routing from now on, and I only see the summary.\n";

const SLEEP: &str = "Dana Whitfield: How have the nights been since we last spoke?\n\
Helen Achterberg: Honestly I'm exhausted, running on empty. I wake at four and lie there going over the ward rota.\n\
Dana Whitfield: What helps, on the nights that go better?\n\
Helen Achterberg: Leaving my phone in the kitchen. I'll keep the phone out of the bedroom every night this week.\n\
Dana Whitfield: Who at work could take the rota off you?\n\
Helen Achterberg: Maybe the deputy sister. I could ask her on Monday.\n";

const SNACKS: &str = "Marcus Oyelaran: How did the night shifts go for food?\n\
Janine Poulter: Badly. It's the vending machine at three in the morning, every single time.\n\
Marcus Oyelaran: What could be in your bag instead?\n\
Janine Poulter: I'll pack two boiled eggs and an apple before every night shift.\n";

struct Scene {
    app: TestApp,
    dana: String,
    marcus: String,
    tobias: String,
    helen: String,
    janine: String,
    delegation: String,
    sleep: String,
    snacks: String,
}

fn days_ago(days: u64) -> String {
    (Utc::now() - Days::new(days))
        .format("%Y-%m-%dT09:00:00Z")
        .to_string()
}

async fn session_of(
    app: &TestApp,
    token: &str,
    client: &str,
    label: &str,
    held_at: &str,
    transcript: &str,
) -> String {
    let session = app
        .create_session(token, "Coaching", held_at, &[(client, Some(label))])
        .await;
    let (status, body) = app
        .upload(
            token,
            &session,
            "session.txt",
            transcript.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(status, 202, "{body}");
    session
}

async fn scene() -> Scene {
    let app = TestApp::spawn().await;
    let (_, dana) = app.coach("dana@example.com", "Dana Whitfield").await;
    let (_, marcus) = app.coach("marcus@example.com", "Marcus Oyelaran").await;
    let tobias = app
        .create_client(&dana, "Tobias Renner", "tobias@example.com")
        .await;
    let helen = app
        .create_client(&dana, "Helen Achterberg", "helen@example.com")
        .await;
    let janine = app
        .create_client(&marcus, "Janine Poulter", "janine@example.com")
        .await;
    let delegation = session_of(
        &app,
        &dana,
        &tobias,
        "Tobias Renner",
        &days_ago(60),
        DELEGATION,
    )
    .await;
    let sleep = session_of(&app, &dana, &helen, "Helen Achterberg", &days_ago(3), SLEEP).await;
    let snacks = session_of(
        &app,
        &marcus,
        &janine,
        "Janine Poulter",
        &days_ago(10),
        SNACKS,
    )
    .await;
    for (token, session) in [(&dana, &delegation), (&dana, &sleep), (&marcus, &snacks)] {
        let settled = app.wait_until_settled(token, session, SETTLE).await;
        assert_eq!(settled["status"], "ready", "{settled}");
    }
    Scene {
        app,
        dana,
        marcus,
        tobias,
        helen,
        janine,
        delegation,
        sleep,
        snacks,
    }
}

async fn search(app: &TestApp, token: &str, body: Value) -> Value {
    let (status, found) = app.post(token, "/v1/search", &body).await;
    assert_eq!(status, 200, "{found}");
    found
}

fn passages(found: &Value) -> &Vec<Value> {
    found["passages"].as_array().expect("passages")
}

fn highlighted(passage: &Value) -> Vec<String> {
    passage["fragments"]
        .as_array()
        .expect("fragments")
        .iter()
        .filter(|f| f["highlighted"] == true)
        .map(|f| f["text"].as_str().unwrap_or_default().to_lowercase())
        .collect()
}

#[tokio::test]
async fn search_over_every_path_filters_pages_answers_and_stays_within_the_coach() {
    let Scene {
        app,
        dana,
        marcus,
        tobias,
        helen,
        janine,
        delegation,
        sleep,
        snacks,
    } = scene().await;

    // Words: the transcript passage first, its words marked, with its
    // session, client, speaker and times; the commitment and the summary
    // are found too.
    let found = search(
        &app,
        &dana,
        json!({"question": "the delegation plan for Priya"}),
    )
    .await;
    let items = passages(&found);
    assert!(!items.is_empty(), "{found}");
    assert_eq!(found["nothing_found"], false);
    assert!(
        items.iter().all(|p| p["session_id"] == delegation.as_str()),
        "{found}"
    );
    let transcript = items
        .iter()
        .find(|p| p["kind"] == "transcript")
        .expect("a transcript passage");
    assert!(
        transcript["text"]
            .as_str()
            .unwrap()
            .contains("delegation plan"),
        "{transcript}"
    );
    assert!(
        highlighted(transcript).contains(&"delegation".to_string()),
        "{transcript}"
    );
    let quote = transcript["quote"].as_str().unwrap();
    assert!(
        quote.contains("delegation plan") && transcript["text"].as_str().unwrap().contains(quote),
        "{transcript}"
    );
    assert!(
        highlighted(transcript).contains(&"priya".to_string()),
        "{transcript}"
    );
    assert_eq!(transcript["clients"][0]["id"], tobias.as_str());
    assert_eq!(transcript["clients"][0]["name"], "Tobias Renner");
    let kinds: Vec<&str> = items.iter().filter_map(|p| p["kind"].as_str()).collect();
    assert!(kinds.contains(&"commitment"), "{kinds:?}");
    // Fragments rebuild the text exactly.
    let rebuilt: String = transcript["fragments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["text"].as_str().unwrap())
        .collect();
    assert_eq!(rebuilt, transcript["text"].as_str().unwrap());

    // Meaning alone: no word of the question is in the passage.
    let found = search(
        &app,
        &dana,
        json!({"question": "Who is drained and can't sleep?", "mode": "semantic"}),
    )
    .await;
    let first = passages(&found).first().expect("a passage");
    assert_eq!(first["session_id"], sleep.as_str(), "{found}");
    assert!(
        first["text"].as_str().unwrap().contains("exhausted"),
        "{found}"
    );

    // The quoted answer cites only passages of this response.
    let answer = &found["answer"];
    assert_eq!(answer["written_by"], "quoted", "{found}");
    let count = passages(&found).len();
    for sentence in answer["sentences"].as_array().expect("sentences") {
        let citations = sentence["citations"].as_array().expect("citations");
        assert!(!citations.is_empty(), "{sentence}");
        for citation in citations {
            let n = citation.as_u64().unwrap() as usize;
            assert!((1..=count).contains(&n), "{sentence}");
        }
    }

    // A name in the question becomes a filter, reported with its words.
    let found = search(
        &app,
        &dana,
        json!({"question": "What did Helen say about the rota?"}),
    )
    .await;
    assert_eq!(
        found["applied_filters"],
        json!([{"kind": "client", "client_id": helen, "name": "Helen Achterberg", "from_question": "Helen"}])
    );
    assert!(!passages(&found).is_empty(), "{found}");
    assert!(
        passages(&found)
            .iter()
            .all(|p| p["session_id"] == sleep.as_str()),
        "{found}"
    );
    // So does a period: the delegation session was two months ago.
    let found = search(
        &app,
        &dana,
        json!({"question": "Who talked about Priya in the last two weeks?"}),
    )
    .await;
    assert_eq!(found["applied_filters"][0]["kind"], "date_range", "{found}");
    assert_eq!(
        found["applied_filters"][0]["from_question"],
        "in the last two weeks"
    );
    assert!(
        passages(&found)
            .iter()
            .all(|p| p["session_id"] != delegation.as_str()),
        "{found}"
    );
    // The request's own filters: a client, a date range, a session.
    let found = search(
        &app,
        &dana,
        json!({"question": "rota", "client_id": tobias}),
    )
    .await;
    assert!(passages(&found).is_empty(), "{found}");
    assert_eq!(found["nothing_found"], true);
    let found = search(
        &app,
        &dana,
        json!({"question": "phone in the kitchen", "to": (Utc::now() - Days::new(30)).date_naive()}),
    )
    .await;
    assert!(passages(&found).is_empty(), "{found}");
    // An open end stays open in what the response says it applied.
    assert_eq!(found["applied_filters"][0]["kind"], "date_range");
    assert!(found["applied_filters"][0]["from"].is_null(), "{found}");
    let found = search(
        &app,
        &dana,
        json!({"question": "phone in the kitchen", "session_id": sleep}),
    )
    .await;
    assert!(!passages(&found).is_empty(), "{found}");

    // Speaker: only the coach's turns, so the passage is the coach's question.
    let found = search(
        &app,
        &dana,
        json!({"question": "nights sleep", "speaker": "coach"}),
    )
    .await;
    for passage in passages(&found) {
        assert_eq!(passage["kind"], "transcript");
        for line in passage["text"].as_str().unwrap().lines() {
            assert!(line.starts_with("Dana Whitfield: "), "{passage}");
        }
    }
    assert!(!passages(&found).is_empty(), "{found}");

    // Pages: one at a time, no passage twice, the last without a cursor.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    for _ in 0..20 {
        let mut body = json!({"question": "Priya routing delegation evenings", "limit": 1});
        if let Some(cursor) = &cursor {
            body["cursor"] = json!(cursor);
        }
        let page = search(&app, &dana, body).await;
        assert!(passages(&page).len() <= 1);
        seen.extend(passages(&page).iter().map(|p| p["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }
    assert!(seen.len() >= 2, "{seen:?}");
    let mut unique = seen.clone();
    unique.dedup();
    assert_eq!(unique.len(), seen.len());
    // A cursor belongs to its search.
    let (status, problem) = app
        .post(
            &dana,
            "/v1/search",
            &json!({"question": "something else", "cursor": cursor.unwrap_or_default()}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");

    // Nothing relevant: nothing, not the least bad passage.
    let found = search(
        &app,
        &dana,
        json!({"question": "lattice quantum chromodynamics"}),
    )
    .await;
    assert!(passages(&found).is_empty(), "{found}");
    assert_eq!(found["nothing_found"], true);
    assert!(found["answer"].is_null());

    // Another coach: Dana's words, summaries and commitments are not there.
    for question in [
        "the delegation plan for Priya",
        "running on empty",
        "Send the delegation plan to Priya",
        "Which client felt completely depleted and worn out?",
    ] {
        let found = search(&app, &marcus, json!({"question": question})).await;
        for passage in passages(&found) {
            assert_eq!(
                passage["session_id"],
                snacks.as_str(),
                "{question}: {found}"
            );
        }
    }
    let found = search(
        &app,
        &marcus,
        json!({"question": "vending machine on night shifts"}),
    )
    .await;
    assert!(!passages(&found).is_empty(), "{found}");
    assert!(passages(&found)
        .iter()
        .all(|p| p["session_id"] == snacks.as_str()));
    // ...and Dana cannot name Marcus's client, in the request or the question.
    let (status, problem) = app
        .post(
            &dana,
            "/v1/search",
            &json!({"question": "snacks", "client_id": janine}),
        )
        .await;
    assert_eq!(status, 404, "{problem}");
    let (status, problem) = app
        .post(
            &dana,
            "/v1/search",
            &json!({"question": "snacks", "session_id": snacks}),
        )
        .await;
    assert_eq!(status, 404, "{problem}");
    let found = search(
        &app,
        &dana,
        json!({"question": "What did Janine say about the vending machine?"}),
    )
    .await;
    assert_eq!(found["applied_filters"], json!([]));
    assert!(
        passages(&found)
            .iter()
            .all(|p| p["session_id"] != snacks.as_str()),
        "{found}"
    );

    // Each search is audited without its words.
    let searches = app
        .count(
            "SELECT count(*) FROM audit_log WHERE action = 'search'",
            &[],
        )
        .await;
    assert!(searches >= 10, "{searches}");
    let leaked = app
        .count(
            "SELECT count(*) FROM audit_log WHERE details::text ILIKE '%delegation%'",
            &[],
        )
        .await;
    assert_eq!(leaked, 0);
}

#[tokio::test]
async fn a_question_is_bounded_and_checked() {
    let app = TestApp::spawn().await;
    let (_, token) = app.coach("dana@example.com", "Dana Whitfield").await;
    for (body, field) in [
        (json!({"question": ""}), "question"),
        (json!({"question": "x".repeat(501)}), "question"),
        (json!({"question": "sleep", "limit": 51}), "limit"),
        (json!({"question": "sleep", "limit": 0}), "limit"),
        (json!({"question": "sleep", "cursor": "forged"}), "cursor"),
        (
            json!({"question": "sleep", "from": "2026-10-02", "to": "2026-10-01"}),
            "to",
        ),
    ] {
        let (status, problem) = app.post(&token, "/v1/search", &body).await;
        assert_eq!(status, 422, "{body}: {problem}");
        assert!(problem["request_id"].is_string(), "{problem}");
        assert_eq!(problem["errors"][0]["field"], field, "{problem}");
    }
    let (status, problem) = app
        .post(
            &token,
            "/v1/search",
            &json!({"question": "sleep", "everything": true}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    // No sessions yet: nothing found.
    let (status, found) = app
        .post(&token, "/v1/search", &json!({"question": "sleep"}))
        .await;
    assert_eq!(status, 200, "{found}");
    assert_eq!(found["nothing_found"], true);
}

/// With a language model, the answer is written from the passages found:
/// a citation of a passage the response does not hold is dropped, and a
/// model that fails leaves the passages quoted.
#[tokio::test]
async fn a_model_s_answer_cites_only_the_passages_returned_and_a_failing_model_leaves_them_quoted()
{
    use std::sync::Arc;

    use flowcoach_core::ai::llm::{ChatClient, Dialect, LlmConfig};
    use flowcoach_core::ai::llm_answerer::LlmAnswerer;
    use flowcoach_tests::TestAppOptions;
    use wiremock::matchers::{body_string_contains, method};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let reply = json!({"sentences": [
        {"text": "Tobias will send Priya the delegation plan by Friday.", "citations": [1, 99]},
        {"text": "He also plans to resign.", "citations": [42]}
    ]});
    Mock::given(method("POST"))
        .and(body_string_contains("\"search_answer\""))
        .and(body_string_contains("The coach's question: What is the delegation plan?"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "model": "scripted-model-1",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": reply.to_string()}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": 300, "completion_tokens": 40}
        })))
        .mount(&server)
        .await;
    // Anything else: the model is down.
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string("bad request"))
        .mount(&server)
        .await;
    let base = reqwest::Url::parse(&format!("{}/v1", server.uri())).unwrap();
    let answerer =
        LlmAnswerer::new(ChatClient::new(LlmConfig::for_server(base, Dialect::OpenAi)).unwrap())
            .unwrap();
    let app = TestApp::spawn_with(TestAppOptions {
        answerer: Some(Arc::new(answerer)),
        ..TestAppOptions::default()
    })
    .await;
    let (_, dana) = app.coach("dana@example.com", "Dana Whitfield").await;
    let tobias = app
        .create_client(&dana, "Tobias Renner", "tobias@example.com")
        .await;
    let session = session_of(
        &app,
        &dana,
        &tobias,
        "Tobias Renner",
        &days_ago(5),
        DELEGATION,
    )
    .await;
    let settled = app.wait_until_settled(&dana, &session, SETTLE).await;
    assert_eq!(settled["status"], "ready", "{settled}");

    let found = search(
        &app,
        &dana,
        json!({"question": "What is the delegation plan?"}),
    )
    .await;
    let answer = &found["answer"];
    assert_eq!(answer["written_by"], "language_model", "{found}");
    assert_eq!(answer["model"], "scripted-model-1");
    assert_eq!(
        answer["sentences"],
        json!([{"text": "Tobias will send Priya the delegation plan by Friday.", "citations": [1]}])
    );
    // The model saw the passages as numbered data.
    let requests = server.received_requests().await.unwrap_or_default();
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert!(sent["messages"][1]["content"]
        .as_str()
        .unwrap()
        .starts_with("<passage number=\"1\""));

    let found = search(
        &app,
        &dana,
        json!({"question": "Why is Tobias at the office until nine?"}),
    )
    .await;
    assert!(!passages(&found).is_empty(), "{found}");
    assert_eq!(found["answer"]["written_by"], "quoted", "{found}");
}
