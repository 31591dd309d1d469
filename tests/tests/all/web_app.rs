//! `flowcoach serve` hosts the built web app beside the API: the page for
//! every app path, hashed assets cached for good, and the API's own 404s kept
//! as problem+json.

use flowcoach_tests::{TestApp, TestAppOptions};

const INDEX: &str = "<!doctype html><title>FlowCoach</title><div id=root></div>";
const SCRIPT: &str = "console.log('app')";

async fn app_with_web() -> (TestApp, tempfile::TempDir) {
    let web = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(web.path().join("assets")).expect("assets dir");
    std::fs::write(web.path().join("index.html"), INDEX).expect("index");
    std::fs::write(web.path().join("assets/index-3f2a9c.js"), SCRIPT).expect("script");
    std::fs::write(web.path().join("favicon.svg"), "<svg/>").expect("icon");
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        web_dir: Some(web.path().to_owned()),
        ..TestAppOptions::default()
    })
    .await;
    (app, web)
}

async fn fetch(app: &TestApp, method: reqwest::Method, path: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(method, app.url(path))
        .send()
        .await
        .expect("request")
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
async fn every_app_path_gets_the_page_and_it_is_revalidated() {
    let (app, _web) = app_with_web().await;
    for path in [
        "/",
        "/sessions",
        "/sessions/0b4e1670-0000-4000-8000-000000000001",
        "/follow-ups/x/y",
    ] {
        let response = fetch(&app, reqwest::Method::GET, path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-cache", "{path}");
        assert!(
            header(&response, "content-type").starts_with("text/html"),
            "{path}"
        );
        let policy = header(&response, "content-security-policy");
        assert!(policy.contains("script-src 'self'"), "{path}: {policy}");
        assert!(
            policy.contains("frame-ancestors 'none'"),
            "{path}: {policy}"
        );
        assert_eq!(response.text().await.expect("body"), INDEX, "{path}");
    }
    let icon = fetch(&app, reqwest::Method::GET, "/favicon.svg").await;
    assert_eq!(icon.status(), 200);
    assert!(header(&icon, "content-type").starts_with("image/svg+xml"));
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_a_missing_one_is_not_the_page() {
    let (app, _web) = app_with_web().await;
    let script = fetch(&app, reqwest::Method::GET, "/assets/index-3f2a9c.js").await;
    assert_eq!(script.status(), 200);
    assert_eq!(
        header(&script, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(script.text().await.expect("body"), SCRIPT);

    let missing = fetch(&app, reqwest::Method::GET, "/assets/index-000000.js").await;
    assert_eq!(missing.status(), 404);
    assert!(header(&missing, "content-type").starts_with("application/problem+json"));
}

#[tokio::test]
async fn the_api_keeps_its_own_answers_beside_the_app() {
    let (app, _web) = app_with_web().await;
    for (method, path) in [
        (reqwest::Method::GET, "/v1/no-such-thing"),
        (reqwest::Method::POST, "/v1/no-such-thing"),
        (reqwest::Method::POST, "/sessions"),
        (reqwest::Method::DELETE, "/"),
    ] {
        let response = fetch(&app, method.clone(), path).await;
        assert_eq!(response.status(), 404, "{method} {path}");
        assert!(
            header(&response, "content-type").starts_with("application/problem+json"),
            "{method} {path}"
        );
        assert!(
            !header(&response, "x-request-id").is_empty(),
            "{method} {path}"
        );
    }
    let unauthenticated = fetch(&app, reqwest::Method::GET, "/v1/sessions").await;
    assert_eq!(unauthenticated.status(), 401);

    let config = fetch(&app, reqwest::Method::GET, "/config.json").await;
    assert_eq!(config.status(), 200);
    let config: serde_json::Value = config.json().await.expect("config");
    assert_eq!(config["auth"]["kind"], "token");
    assert_eq!(config["apiBase"], "");
}

#[tokio::test]
async fn without_a_built_app_the_session_link_still_explains_itself() {
    let app = TestApp::spawn_with(TestAppOptions {
        background: false,
        ..TestAppOptions::default()
    })
    .await;
    let page = fetch(
        &app,
        reqwest::Method::GET,
        "/sessions/0b4e1670-0000-4000-8000-000000000001",
    )
    .await;
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .expect("body")
        .contains("Your session is ready"));
    let root = fetch(&app, reqwest::Method::GET, "/").await;
    assert_eq!(root.status(), 404);
}
