//! Refinement through a language model (a scripted, streaming
//! OpenAI-compatible server): the revision streams to the coach's open
//! screen in pieces and is stored whole as a new version with its
//! instruction and model; versions compare word by word and revert; an
//! approved follow-up is not refined; without a model the API says what to
//! configure.

use std::sync::Arc;
use std::time::Duration;

use flowcoach_core::ai::llm::{ChatClient, Dialect, LlmConfig};
use flowcoach_core::ai::llm_refiner::LlmRefiner;
use flowcoach_tests::scripted_model::{ScriptedModel, SCRIPTED_MODEL};
use flowcoach_tests::{CheckIn, TestApp, TestAppOptions};
use serde_json::{json, Value};

use super::events::{next, open, Socket};

const SETTLE: Duration = Duration::from_secs(180);
const PAUSE: Duration = Duration::from_millis(250);

const REVISION: [&str; 4] = [
    "Subject: Your breathing exercise\n\n",
    "Hi Tobias,\n\nIt was good to see you today. ",
    "Try the box-breathing exercise each morning this week, ",
    "and tell me how it goes.\n\nDana",
];

async fn app_with(model: &ScriptedModel) -> TestApp {
    let client =
        ChatClient::new(LlmConfig::for_server(model.base_url(), Dialect::OpenAi)).expect("client");
    TestApp::spawn_with(TestAppOptions {
        refiner: Some(Arc::new(LlmRefiner::new(client))),
        ..TestAppOptions::default()
    })
    .await
}

/// A ready check-in session and its one draft.
async fn drafted(app: &TestApp) -> (CheckIn, Value) {
    let check_in = app.check_in_with("s01.vtt").await;
    let settled = app
        .wait_until_settled(&check_in.token, &check_in.session, SETTLE)
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let (status, drafts) = app
        .get(
            &check_in.token,
            &format!("/v1/sessions/{}/follow-ups", check_in.session),
        )
        .await;
    assert_eq!(status, 200, "{drafts}");
    let draft = drafts["items"][0].clone();
    assert!(draft.is_object(), "{drafts}");
    (check_in, draft)
}

/// Refinement events until `refinement.done` or `refinement.failed`.
async fn refinement_events(socket: &mut Socket) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let event = next(socket).await;
        let kind = event["type"].as_str().unwrap_or_default().to_owned();
        if kind.starts_with("refinement.") {
            seen.push(event);
        }
        if kind == "refinement.done" || kind == "refinement.failed" {
            return seen;
        }
    }
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn a_refined_follow_up_streams_in_pieces_is_stored_as_a_version_and_can_be_compared_and_reverted(
) {
    let model = ScriptedModel::streaming(&REVISION, PAUSE).await;
    let app = app_with(&model).await;
    let (check_in, draft) = drafted(&app).await;
    let token = &check_in.token;
    let id = draft["id"].as_str().expect("id").to_owned();
    assert_eq!(draft["version"], 1);
    let mut socket = open(&app, token).await.expect("the handshake");

    let instruction = "Warmer, and add the breathing exercise.";
    let request = app
        .http
        .post(app.url(&format!("/v1/follow-ups/{id}/refine")))
        .bearer_auth(token)
        .header("If-Match", "\"1\"")
        .json(&json!({ "instruction": instruction }))
        .send();
    let (response, events) = tokio::join!(request, refinement_events(&mut socket));
    let response = response.expect("the refine request");
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "etag"), "\"2\"");
    let refined: Value = response.json().await.expect("JSON");

    // The revision arrived in pieces, each for this follow-up, and together
    // they are the whole reply; the last event names the stored version.
    let (done, deltas) = events.split_last().expect("events");
    assert!(deltas.len() >= 2, "one piece only: {events:?}");
    assert!(deltas.iter().all(|d| d["type"] == "refinement.delta"
        && d["target"] == "follow_up"
        && d["id"] == id.as_str()));
    let streamed: String = deltas
        .iter()
        .map(|d| d["text"].as_str().expect("text"))
        .collect();
    assert_eq!(streamed, REVISION.concat());
    assert_eq!(done["type"], "refinement.done", "{done}");
    assert_eq!(done["version"], 2);

    assert_eq!(refined["version"], 2);
    assert_eq!(refined["source"], "ai_refinement");
    assert_eq!(refined["status"], "draft");
    assert_eq!(refined["subject"], "Your breathing exercise");
    assert_eq!(
        refined["body"],
        "Hi Tobias,\n\nIt was good to see you today. Try the box-breathing exercise each morning this week, and tell me how it goes.\n\nDana"
    );

    // The model was sent the draft as data and the instruction last, with
    // the summary's notes rather than the transcript.
    let sent = &model.requests()[0];
    assert_eq!(sent["stream"], true);
    assert_eq!(sent["model"], "test-model");
    let messages = sent["messages"].as_array().expect("messages");
    let context = messages[1]["content"].as_str().expect("text");
    assert!(context.contains("<session_notes>"), "{context}");
    assert!(context.contains(draft["body"].as_str().expect("body")));
    let last = messages.last().expect("a message")["content"]
        .as_str()
        .expect("text");
    assert!(last.starts_with(&format!("The coach's instruction: {instruction}")));

    // The version keeps the instruction, the model and what it cost.
    let (status, versions) = app
        .get(token, &format!("/v1/follow-ups/{id}/versions"))
        .await;
    assert_eq!(status, 200, "{versions}");
    let second = &versions[1];
    assert_eq!(second["instruction"], instruction);
    assert_eq!(second["model"], SCRIPTED_MODEL);
    assert_eq!(second["based_on"], 1);
    assert_eq!(second["usage"]["prompt_tokens"], 640);
    assert_eq!(versions[0]["source"], "ai");

    // Word by word: what the refinement took out and put in.
    let (status, diff) = app
        .get(token, &format!("/v1/follow-ups/{id}/diff?from=1&to=2"))
        .await;
    assert_eq!(status, 200, "{diff}");
    let inserted: String = diff["body"]
        .as_array()
        .expect("spans")
        .iter()
        .filter(|span| span["op"] == "insert")
        .map(|span| span["text"].as_str().expect("text"))
        .collect();
    assert!(inserted.contains("box-breathing"), "{diff}");
    let old_side: String = diff["body"]
        .as_array()
        .expect("spans")
        .iter()
        .filter(|span| span["op"] != "insert")
        .map(|span| span["text"].as_str().expect("text"))
        .collect();
    assert_eq!(old_side, draft["body"].as_str().expect("body"));
    let (status, problem) = app
        .get(token, &format!("/v1/follow-ups/{id}/diff?from=1&to=9"))
        .await;
    assert_eq!(status, 422, "{problem}");

    // A stale If-Match is refused before the model is asked.
    let (status, problem) = app
        .send(
            app.http
                .post(app.url(&format!("/v1/follow-ups/{id}/refine")))
                .bearer_auth(token)
                .header("If-Match", "\"1\"")
                .json(&json!({ "instruction": "Shorter." })),
        )
        .await;
    assert_eq!(status, 412, "{problem}");
    assert_eq!(model.requests().len(), 1);

    // Back to the analysis's draft: a new version with its text.
    let (status, reverted) = app
        .post(
            token,
            &format!("/v1/follow-ups/{id}/revert"),
            &json!({ "version": 1 }),
        )
        .await;
    assert_eq!(status, 200, "{reverted}");
    assert_eq!(reverted["version"], 3);
    assert_eq!(reverted["source"], "revert");
    assert_eq!(reverted["body"], draft["body"]);
    assert_eq!(reverted["subject"], draft["subject"]);

    // Once approved, the text is what will be sent: no refining it.
    let (status, approved) = app
        .post(token, &format!("/v1/follow-ups/{id}/approve"), &json!({}))
        .await;
    assert_eq!(status, 200, "{approved}");
    let (status, problem) = app
        .post(
            token,
            &format!("/v1/follow-ups/{id}/refine"),
            &json!({ "instruction": "Shorter." }),
        )
        .await;
    assert_eq!(status, 409, "{problem}");
    assert!(
        problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("approved"),
        "{problem}"
    );
    assert_eq!(model.requests().len(), 1, "the model was not asked");
}

#[tokio::test]
async fn a_refined_summary_overview_keeps_the_commitments_and_can_be_reverted() {
    let model = ScriptedModel::streaming(
        &["Tobias and Dana ", "planned his week in three steps."],
        PAUSE,
    )
    .await;
    let app = app_with(&model).await;
    let (check_in, _) = drafted(&app).await;
    let token = &check_in.token;
    let session = &check_in.session;
    let (_, before) = app
        .get(token, &format!("/v1/sessions/{session}/summary"))
        .await;
    // The coach has ticked one commitment off: a refinement keeps that.
    let (_, listed) = app.get(token, "/v1/commitments").await;
    let ticked = listed["items"][0].clone();
    assert!(ticked.is_object(), "s01 has commitments: {listed}");
    let (status, body) = app
        .send(
            app.http
                .patch(app.url(&format!(
                    "/v1/commitments/{}",
                    ticked["id"].as_str().expect("id")
                )))
                .bearer_auth(token)
                .json(&json!({ "status": "done" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let mut socket = open(&app, token).await.expect("the handshake");

    let request = app
        .http
        .post(app.url(&format!("/v1/sessions/{session}/summary/refine")))
        .bearer_auth(token)
        .json(&json!({ "instruction": "One sentence, please." }))
        .send();
    let (response, events) = tokio::join!(request, refinement_events(&mut socket));
    let response = response.expect("the refine request");
    assert_eq!(response.status(), 200);
    let after: Value = response.json().await.expect("JSON");
    assert!(events
        .iter()
        .all(|e| e["target"] == "summary" && e["id"] == session.as_str()));
    assert_eq!(events.last().expect("done")["type"], "refinement.done");

    assert_eq!(after["version"], before["version"].as_i64().expect("n") + 1);
    assert_eq!(after["source"], "ai_refinement");
    assert_eq!(after["instruction"], "One sentence, please.");
    assert_eq!(
        after["content"]["overview"],
        "Tobias and Dana planned his week in three steps."
    );
    // Only the overview is the model's: the grounded findings stay.
    assert_eq!(
        after["content"]["commitments"],
        before["content"]["commitments"]
    );
    assert_eq!(
        after["content"]["risk_flags"],
        before["content"]["risk_flags"]
    );
    let (_, commitments) = app.get(token, "/v1/commitments").await;
    let items = commitments["items"].as_array().expect("a list");
    assert_eq!(
        Some(items.len()),
        before["content"]["commitments"].as_array().map(Vec::len),
        "each once, as the current version has them: {commitments}"
    );
    let still_done = items
        .iter()
        .find(|c| c["text"] == ticked["text"] && c["owner"] == ticked["owner"])
        .expect("the ticked commitment");
    assert_eq!(still_done["status"], "done", "{still_done}");

    let (status, versions) = app
        .get(token, &format!("/v1/sessions/{session}/summary/versions"))
        .await;
    assert_eq!(status, 200, "{versions}");
    let versions = versions.as_array().expect("list");
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[1]["model"], SCRIPTED_MODEL);
    assert_eq!(versions[1]["based_on"], 1);

    let (status, diff) = app
        .get(
            token,
            &format!("/v1/sessions/{session}/summary/diff?from=1&to=2"),
        )
        .await;
    assert_eq!(status, 200, "{diff}");
    let spans = diff["overview"].as_array().expect("spans");
    let new_side: String = spans
        .iter()
        .filter(|span| span["op"] != "delete")
        .map(|span| span["text"].as_str().expect("text"))
        .collect();
    assert_eq!(new_side, "Tobias and Dana planned his week in three steps.");
    assert!(spans.iter().any(|span| span["op"] == "insert"), "{diff}");

    let (status, reverted) = app
        .post(
            token,
            &format!("/v1/sessions/{session}/summary/revert"),
            &json!({ "version": 1 }),
        )
        .await;
    assert_eq!(status, 200, "{reverted}");
    assert_eq!(reverted["version"], 3);
    assert_eq!(reverted["source"], "revert");
    assert_eq!(reverted["content"], before["content"]);
}

#[tokio::test]
async fn a_failed_revision_is_a_problem_and_an_event_and_changes_nothing() {
    let model = ScriptedModel::failing(400).await;
    let app = app_with(&model).await;
    let (check_in, draft) = drafted(&app).await;
    let token = &check_in.token;
    let id = draft["id"].as_str().expect("id");
    let mut socket = open(&app, token).await.expect("the handshake");

    let request = app.send(
        app.http
            .post(app.url(&format!("/v1/follow-ups/{id}/refine")))
            .bearer_auth(token)
            .json(&json!({ "instruction": "Warmer." })),
    );
    let ((status, problem), events) = tokio::join!(request, refinement_events(&mut socket));
    assert_eq!(status, 502, "{problem}");
    assert!(problem["request_id"].is_string(), "{problem}");
    assert!(
        !problem["detail"]
            .as_str()
            .unwrap_or_default()
            .contains("scripted"),
        "the provider's words stay in the log: {problem}"
    );
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "refinement.failed");
    assert!(events[0]["reason"]
        .as_str()
        .unwrap_or_default()
        .contains("try again"));

    let (_, now) = app.get(token, &format!("/v1/follow-ups/{id}")).await;
    assert_eq!(now["version"], 1);
    assert_eq!(now["body"], draft["body"]);
}

#[tokio::test]
async fn without_a_language_model_refinement_says_what_to_configure() {
    let app = TestApp::spawn().await;
    let (check_in, draft) = drafted(&app).await;
    let id = draft["id"].as_str().expect("id");
    for path in [
        format!("/v1/follow-ups/{id}/refine"),
        format!("/v1/sessions/{}/summary/refine", check_in.session),
    ] {
        let (status, problem) = app
            .post(&check_in.token, &path, &json!({ "instruction": "Warmer." }))
            .await;
        assert_eq!(status, 501, "{path}: {problem}");
        let detail = problem["detail"].as_str().unwrap_or_default();
        assert!(detail.contains("FLOWCOACH_LLM_BASE_URL"), "{detail}");
        assert!(problem["request_id"].is_string());
    }
    // An empty instruction is the caller's mistake, whatever is configured.
    let (status, problem) = app
        .post(
            &check_in.token,
            &format!("/v1/follow-ups/{id}/refine"),
            &json!({ "instruction": "   " }),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["field"], "instruction");
}
