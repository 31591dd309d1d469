//! The templates API: built-ins are read-only and can be copied; every
//! change is a new version guarded by `If-Match`; a template that does not
//! compile or leaves the sandbox is refused with its line and column; a
//! preview fills one in with sample values or a real session's; the
//! coach's default is what the next draft is written from, and the draft
//! records the version; a deleted template stops being used.

use std::time::Duration;

use flowcoach_tests::TestApp;
use serde_json::{json, Value};

const SETTLE: Duration = Duration::from_secs(180);

async fn patch(
    app: &TestApp,
    token: &str,
    path: &str,
    if_match: Option<&str>,
    body: Value,
) -> (u16, Value, Option<String>) {
    let mut request = app.http.patch(app.url(path)).bearer_auth(token).json(&body);
    if let Some(version) = if_match {
        request = request.header("If-Match", version);
    }
    let response = request.send().await.expect("PATCH");
    let status = response.status().as_u16();
    let etag = response
        .headers()
        .get("etag")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body, etag)
}

fn by_name<'a>(list: &'a Value, name: &str) -> Option<&'a Value> {
    list.as_array()?.iter().find(|t| t["name"] == name)
}

#[tokio::test]
async fn templates_are_copied_versioned_checked_previewed_and_used() {
    let app = TestApp::spawn().await;
    let check_in = app.check_in_with("s01.vtt").await;
    let token = &check_in.token;

    let (status, list) = app.get(token, "/v1/templates").await;
    assert_eq!(status, 200, "{list}");
    let warm = by_name(&list, "Warm recap")
        .expect("the warm recap")
        .clone();
    assert_eq!(warm["built_in"], true);
    assert_eq!(warm["is_default"], true);
    assert_eq!(list.as_array().unwrap().len(), 3);
    let warm_id = warm["id"].as_str().unwrap();

    // Built-ins are read-only.
    let (status, problem, _) = patch(
        &app,
        token,
        &format!("/v1/templates/{warm_id}"),
        None,
        json!({"name": "Mine"}),
    )
    .await;
    assert_eq!(status, 409, "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("copy"));
    let (status, _) = app.delete(token, &format!("/v1/templates/{warm_id}")).await;
    assert_eq!(status, 409);

    // A copy is the coach's own, at version 1.
    let (status, copy) = app
        .post(token, "/v1/templates", &json!({"copy_of": warm_id}))
        .await;
    assert_eq!(status, 201, "{copy}");
    assert_eq!(copy["name"], "Copy of Warm recap");
    assert_eq!(copy["built_in"], false);
    assert_eq!(copy["version"], 1);
    assert_eq!(copy["body"], warm["body"]);
    let copy_id = copy["id"].as_str().unwrap().to_owned();
    let path = format!("/v1/templates/{copy_id}");

    // Mistakes are placed by field, line and column.
    let (status, problem) = app
        .post(
            token,
            "/v1/templates",
            &json!({"name": "Broken", "subject": "Hello {{ client_first_name }}",
                    "body": "Hi {{ client_first_name }},\n  {% set x = 1 %}\nBye"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let error = &problem["errors"][0];
    assert_eq!(error["field"], "body");
    assert_eq!(
        (error["line"].as_u64(), error["column"].as_u64()),
        (Some(2), Some(3)),
        "{problem}"
    );
    assert!(
        error["message"].as_str().unwrap().contains("set"),
        "{problem}"
    );
    let (status, problem) = app
        .post(
            token,
            "/v1/templates",
            &json!({"name": "Typo", "subject": "Hi {{ client_frist_name }}", "body": "{% if themes %}\nno end"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<(&str, u64)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["field"].as_str().unwrap(),
                e["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert!(fields.contains(&("subject", 1)), "{problem}");
    assert!(
        fields
            .iter()
            .any(|(field, line)| *field == "body" && *line >= 1),
        "{problem}"
    );
    assert_eq!(problem["errors"][0]["column"], 7, "{problem}");
    let (status, _) = app
        .post(token, "/v1/templates", &json!({"name": "Only a name"}))
        .await;
    assert_eq!(status, 422);

    // Every change is a new version; a stale If-Match is refused.
    let new_body = "Dear {{ client_first_name }},\n\n{% for c in commitments %}- {{ c.text }}\n{% endfor %}\n{{ coach_signature }}";
    let (status, changed, etag) = patch(
        &app,
        token,
        &path,
        Some("\"1\""),
        json!({"name": "Action list", "body": new_body}),
    )
    .await;
    assert_eq!(status, 200, "{changed}");
    assert_eq!(changed["version"], 2);
    assert_eq!(etag.as_deref(), Some("\"2\""));
    let (status, _, _) = patch(
        &app,
        token,
        &path,
        Some("\"1\""),
        json!({"name": "Lost update"}),
    )
    .await;
    assert_eq!(status, 412);
    let (status, versions) = app.get(token, &format!("{path}/versions")).await;
    assert_eq!(status, 200);
    let versions = versions.as_array().unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0]["body"], warm["body"]);
    assert_eq!(versions[1]["body"], new_body);

    // A sample preview, and an unsaved edit tried out.
    let (status, preview) = app
        .post(token, &format!("{path}/preview"), &json!({}))
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["sample"], true);
    assert!(
        preview["text"].as_str().unwrap().starts_with("Dear Sam,"),
        "{preview}"
    );
    assert!(
        preview["html"].as_str().unwrap().contains("<li>"),
        "{preview}"
    );
    let (status, problem) = app
        .post(
            token,
            &format!("{path}/preview"),
            &json!({"body": "ok\n{{ client_name|shout }}"}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    assert_eq!(problem["errors"][0]["line"], 2);
    // An edit tried out is held to what a save accepts.
    let (status, problem) = app
        .post(
            token,
            &format!("{path}/preview"),
            &json!({"subject": "0".repeat(501), "body": " "}),
        )
        .await;
    assert_eq!(status, 422, "{problem}");
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["subject", "body"], "{problem}");

    // The default is what the next draft is written from, at its version.
    let settled = app
        .wait_until_settled(token, &check_in.session, SETTLE)
        .await;
    assert_eq!(settled["status"], "ready", "{settled}");
    let (status, me, _) = patch(
        &app,
        token,
        "/v1/me",
        None,
        json!({"default_follow_up_template_id": copy_id}),
    )
    .await;
    assert_eq!(status, 200, "{me}");
    let (_, list) = app.get(token, "/v1/templates").await;
    assert_eq!(by_name(&list, "Action list").unwrap()["is_default"], true);
    assert_eq!(by_name(&list, "Warm recap").unwrap()["is_default"], false);
    app.reprocess_and_settle(token, &check_in.session).await;
    let (_, drafts) = app.get(token, "/v1/follow-ups?status=draft").await;
    let draft = &drafts["items"][0];
    assert_eq!(draft["template_id"], copy_id.as_str(), "{draft}");
    assert_eq!(draft["template_version"], 2, "{draft}");

    // A preview against the session says what the draft says.
    let (status, preview) = app
        .post(
            token,
            &format!("{path}/preview"),
            &json!({"session_id": check_in.session, "client_id": check_in.client}),
        )
        .await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(preview["sample"], false);
    assert_eq!(preview["subject"], draft["subject"]);
    let text = preview["text"].as_str().unwrap();
    assert!(text.starts_with("Dear Tobias,"), "{text}");
    for line in draft["body"]
        .as_str()
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("- "))
    {
        assert!(text.contains(line), "{line:?} in {text}");
    }
    let (status, _) = app
        .post(
            token,
            &format!("{path}/preview"),
            &json!({"session_id": check_in.session}),
        )
        .await;
    assert_eq!(status, 422);

    // Another coach sees none of it.
    let (_, other) = app.coach("ines@example.com", "Ines Okafor").await;
    let (status, _) = app.get(&other, &path).await;
    assert_eq!(status, 404);
    let (status, _) = app
        .post(&other, &format!("{path}/preview"), &json!({}))
        .await;
    assert_eq!(status, 404);

    // Deleted: gone from the list, no longer the default; the draft keeps its record.
    let (status, _) = app.delete(token, &path).await;
    assert_eq!(status, 204);
    let (status, _) = app.get(token, &path).await;
    assert_eq!(status, 404);
    let (_, list) = app.get(token, "/v1/templates").await;
    assert!(by_name(&list, "Action list").is_none());
    assert_eq!(by_name(&list, "Warm recap").unwrap()["is_default"], true);
    let (_, kept) = app
        .get(
            token,
            &format!("/v1/follow-ups/{}", draft["id"].as_str().unwrap()),
        )
        .await;
    assert_eq!(kept["template_id"], copy_id.as_str());
}
