//! The OpenAPI document lists every route, and every listed route exists.

use flowcoach_tests::{TestApp, TestAppOptions};

const ROUTES: &[(&str, &str)] = &[
    ("get", "/v1/me"),
    ("get", "/v1/clients"),
    ("post", "/v1/clients"),
    ("get", "/v1/clients/{id}"),
    ("patch", "/v1/clients/{id}"),
    ("get", "/v1/sessions"),
    ("post", "/v1/sessions"),
    ("get", "/v1/sessions/{id}"),
    ("delete", "/v1/sessions/{id}"),
    ("put", "/v1/sessions/{id}/participants"),
    ("put", "/v1/sessions/{id}/transcript"),
    ("post", "/v1/sessions/{id}/transcript-upload-url"),
    ("get", "/v1/sessions/{id}/status"),
    ("post", "/v1/sessions/{id}/reprocess"),
    ("get", "/v1/sessions/{id}/summary"),
    ("get", "/v1/sessions/{id}/follow-ups"),
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

    // Each documented route is served: without a token it answers 401 problem+json, not 404/405.
    let id = uuid::Uuid::new_v4().to_string();
    for (method, path) in ROUTES {
        let url = app.url(&path.replace("{id}", &id));
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = app.http.request(method.clone(), &url).send().await.unwrap();
        assert_eq!(response.status(), 401, "{method} {path}");
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
    }
}
