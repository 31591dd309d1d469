//! The OpenAPI document lists every route, and every listed route exists;
//! it says what the API enforces and serves. (scripts/fuzz-api.sh checks it
//! against the OpenAPI 3.1 schema and fuzzes the API against it.)

use flowcoach_tests::{TestApp, TestAppOptions};
use serde_json::Value;

const ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/me"),
    ("patch", "/v1/me"),
    ("get", "/v1/clients"),
    ("post", "/v1/clients"),
    ("get", "/v1/clients/{id}"),
    ("patch", "/v1/clients/{id}"),
    ("get", "/v1/sessions"),
    ("post", "/v1/sessions"),
    ("get", "/v1/sessions/{id}"),
    ("patch", "/v1/sessions/{id}"),
    ("delete", "/v1/sessions/{id}"),
    ("put", "/v1/sessions/{id}/participants"),
    ("put", "/v1/sessions/{id}/transcript"),
    ("post", "/v1/sessions/{id}/transcript-upload-url"),
    ("get", "/v1/sessions/{id}/status"),
    ("post", "/v1/sessions/{id}/reprocess"),
    ("get", "/v1/sessions/{id}/summary"),
    ("get", "/v1/sessions/{id}/transcript"),
    ("get", "/v1/sessions/{id}/follow-ups"),
    ("get", "/v1/follow-ups"),
    ("get", "/v1/follow-ups/{id}"),
    ("patch", "/v1/follow-ups/{id}"),
    ("get", "/v1/follow-ups/{id}/versions"),
    ("post", "/v1/follow-ups/{id}/approve"),
    ("post", "/v1/follow-ups/{id}/schedule"),
    ("post", "/v1/follow-ups/{id}/send-now"),
    ("post", "/v1/follow-ups/{id}/cancel"),
    ("post", "/v1/follow-ups/{id}/resolve"),
    ("get", "/v1/commitments"),
    ("patch", "/v1/commitments/{id}"),
    ("get", "/v1/templates"),
    ("post", "/v1/templates"),
    ("get", "/v1/templates/{id}"),
    ("patch", "/v1/templates/{id}"),
    ("delete", "/v1/templates/{id}"),
    ("get", "/v1/templates/{id}/versions"),
    ("post", "/v1/templates/{id}/preview"),
    ("get", "/v1/unsubscribe/{token}"),
    ("post", "/v1/unsubscribe/{token}"),
    ("get", "/v1/clients/{id}/brief"),
    ("post", "/v1/search"),
    ("post", "/v1/follow-ups/{id}/refine"),
    ("get", "/v1/follow-ups/{id}/diff"),
    ("post", "/v1/follow-ups/{id}/revert"),
    ("post", "/v1/sessions/{id}/summary/refine"),
    ("get", "/v1/sessions/{id}/summary/versions"),
    ("get", "/v1/sessions/{id}/summary/diff"),
    ("post", "/v1/sessions/{id}/summary/revert"),
];

#[tokio::test]
async fn the_document_lists_exactly_the_served_routes() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let response = app
        .http
        .get(app.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let document: serde_json::Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));

    let mut documented: Vec<(String, String)> = Vec::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            if ["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                documented.push((method.clone(), path.clone()));
            }
        }
    }
    documented.sort();
    let mut expected: Vec<(String, String)> = ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    expected.sort();
    assert_eq!(documented, expected);

    // Each documented route is served: without a token it answers 401
    // problem+json, not 404/405; the public unsubscribe link answers for a
    // token it did not sign that the link, not the route, is unknown.
    let id = uuid::Uuid::new_v4().to_string();
    for (method, path) in ROUTES {
        let url = app.url(&path.replace("{id}", &id).replace("{token}", "forged"));
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app.http.request(method.clone(), &url).send().await.unwrap();
        let public = path.starts_with("/v1/unsubscribe/");
        let status = response.status();
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        if public {
            assert_eq!(status, 404, "{method} {path}");
            let problem: Value = response.json().await.unwrap();
            assert_eq!(
                problem["detail"], "unsubscribe link not found",
                "{method} {path}"
            );
        } else {
            assert_eq!(status, 401, "{method} {path}");
        }
    }
}

async fn served_document() -> Value {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    app.http
        .get(app.url("/v1/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Follows a `$ref` within the document.
fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(reference) => {
            let pointer = reference.trim_start_matches('#');
            resolve(document, document.pointer(pointer).unwrap_or(&Value::Null))
        }
        None => value,
    }
}

fn parameter<'a>(operation: &'a Value, name: &str) -> &'a Value {
    operation["parameters"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["name"] == name))
        .unwrap_or_else(|| panic!("no parameter {name} in {operation}"))
}

#[tokio::test]
async fn parameters_are_where_the_api_reads_them_with_their_bounds() {
    let document = served_document().await;
    for path in ["/v1/clients", "/v1/sessions"] {
        let list = &document["paths"][path]["get"];
        let limit = parameter(list, "limit");
        assert_eq!(limit["in"], "query", "{limit}");
        assert_eq!(limit["required"], false);
        assert_eq!(limit["schema"]["minimum"], 1);
        assert_eq!(limit["schema"]["maximum"], 200);
        let cursor = parameter(list, "cursor");
        assert_eq!(cursor["in"], "query");
        assert_eq!(cursor["required"], false);
    }
    let upload = &document["paths"]["/v1/sessions/{id}/transcript"]["put"];
    let filename = parameter(upload, "filename");
    assert_eq!(filename["in"], "query", "{filename}");
    assert_eq!(filename["required"], false);
    assert_eq!(filename["schema"]["maxLength"], 255);
    let id = parameter(upload, "id");
    assert_eq!(id["in"], "path");
    assert_eq!(id["schema"]["format"], "uuid");

    let key = parameter(&document["paths"]["/v1/clients"]["post"], "Idempotency-Key");
    assert_eq!(key["in"], "header");
    assert_eq!(key["schema"]["minLength"], 8);
    assert_eq!(key["schema"]["maxLength"], 255);
    assert!(key["schema"]["pattern"].is_string(), "{key}");

    let schemas = &document["components"]["schemas"];
    let create = &schemas["CreateSession"]["properties"];
    assert_eq!(create["duration_seconds"]["minimum"], 0);
    assert_eq!(create["duration_seconds"]["maximum"], 86_400);
    assert_eq!(create["title"]["minLength"], 1);
    assert!(create["title"]["pattern"]
        .as_str()
        .unwrap()
        .contains("{0,198}"));
    assert_eq!(create["participants"]["maxItems"], 50);
    assert_eq!(
        schemas["CreateClient"]["properties"]["notes"]["maxLength"],
        10_000
    );
    assert_eq!(schemas["CreateClient"]["additionalProperties"], false);
}

#[tokio::test]
async fn every_error_is_documented_as_problem_json_where_it_can_happen() {
    let document = served_document().await;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = operation["responses"].as_object().unwrap();
            let route = format!("{method} {path}");
            for (status, response) in responses {
                if status.starts_with('4') || status.starts_with('5') {
                    let response = resolve(&document, response);
                    let content = response["content"].as_object().unwrap();
                    assert_eq!(
                        content.keys().collect::<Vec<_>>(),
                        vec!["application/problem+json"],
                        "{route} {status}"
                    );
                    let schema = &content["application/problem+json"]["schema"];
                    assert_eq!(schema["$ref"], "#/components/schemas/Problem", "{route}");
                }
            }
            let documents = |status: &str| responses.contains_key(status);
            // Public operations (`security: [{}]`, the unsubscribe link)
            // take no bearer token: no 401, and no idempotency middleware.
            let public = operation["security"] == serde_json::json!([{}]);
            assert!(documents("503"), "{route}");
            assert!(public || documents("401"), "{route}");
            if path.contains("{id}") {
                assert!(documents("404"), "{route}");
            }
            if operation["requestBody"]["content"]
                .get("application/json")
                .is_some()
            {
                for status in ["400", "413", "415", "422"] {
                    assert!(documents(status), "{route} {status}");
                }
            }
            if method == "post" && !public {
                assert!(documents("409") && documents("400"), "{route}");
            }
        }
    }
    let upload = &document["paths"]["/v1/sessions/{id}/transcript"]["put"]["responses"];
    for status in ["409", "413", "422"] {
        assert!(upload.get(status).is_some(), "upload {status}");
    }
}

#[tokio::test]
async fn summaries_and_metrics_are_typed_and_name_the_coach() {
    let document = served_document().await;
    let schemas = &document["components"]["schemas"];
    let content = &schemas["SummaryContent"];
    for field in [
        "overview",
        "themes",
        "client_insights",
        "commitments",
        "coach_observations",
        "risk_flags",
    ] {
        assert!(
            content["properties"].get(field).is_some(),
            "{field}: {content}"
        );
    }
    let commitment = &schemas["Commitment"]["properties"];
    assert_eq!(commitment["due"]["format"], "date", "{commitment}");
    let risk = &schemas["RiskFlag"]["properties"];
    for field in ["category", "severity", "guidance", "quote"] {
        assert!(risk.get(field).is_some(), "{field}");
    }
    assert_eq!(
        schemas["RiskSeverity"]["enum"],
        serde_json::json!(["watch", "urgent"])
    );
    let metrics = &schemas["SessionMetrics"]["properties"];
    assert!(metrics.get("coach_speaker").is_some(), "{metrics}");
    assert_eq!(metrics["coach_talk_share"]["maximum"], 1);
    let speaker = serde_json::to_string(&schemas["SpeakerMetricsView"]).unwrap();
    assert!(speaker.contains("is_coach"), "{speaker}");
    assert!(speaker.contains("SpeakerMetrics"), "{speaker}");
    assert_eq!(
        resolve(&document, &schemas["SummaryView"]["properties"]["content"])["properties"]
            ["overview"]["type"],
        "string"
    );
}

/// api-docs serves the published copy; it must be the document of this build.
#[test]
fn the_published_document_is_the_current_one() {
    let published: Value = serde_json::from_str(flowcoach_core::api::openapi::PUBLISHED)
        .expect("shared/openapi.json is JSON");
    let current =
        serde_json::to_value(flowcoach_core::api::openapi::document()).expect("the document");
    assert!(
        published == current,
        "shared/openapi.json is stale: run `flowcoach openapi > shared/openapi.json`"
    );
}
