//! `/v1/unsubscribe/{token}`: the link at the foot of every follow-up, and
//! the target of mail clients' one-click unsubscribe (RFC 8058). No bearer
//! token: the signed link is the credential.
//!
//! `GET` only asks (link scanners and previews open links; opening one must
//! not unsubscribe anybody); `POST` unsubscribes, at once and idempotently.

use axum::extract::State;
use axum::response::Html;

use super::extract::ApiPath;
use super::problem::ApiError;
use super::responses::{ById, Public};
use super::AppState;
use crate::delivery::message::escape;
use crate::delivery::unsubscribe::Unsubscribe;
use crate::store::audit::{self, AuditEntry};
use crate::store::delivery::{self, SuppressionReason};
use crate::store::{coaches, Executor};

resource_routes! {
    [confirm_page, unsubscribe],
}

/// Asks whether to stop the coach's follow-up emails to this address.
#[utoipa::path(get, path = "/v1/unsubscribe/{token}", tag = "unsubscribe", security(()),
    params(("token" = String, Path, description = "The token of an unsubscribe link")),
    responses((status = 200, description = "A page with a button that unsubscribes", content_type = "text/html", body = String), ById, Public))]
async fn confirm_page(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Html<String>, ApiError> {
    let link = verified(&state, &token)?;
    let db = state.db.get().await?;
    let coach = coach_name(&db, &link).await?;
    Ok(Html(page(
        "Stop these emails?",
        &format!(
            "<p>Stop follow-up emails from {} to {}?</p>\n\
             <form method=\"post\"><button type=\"submit\">Stop these emails</button></form>",
            escape(&coach),
            escape(&link.email)
        ),
    )))
}

/// Stops the coach's follow-up emails to this address (one-click: the
/// body, `List-Unsubscribe=One-Click`, is not needed).
#[utoipa::path(post, path = "/v1/unsubscribe/{token}", tag = "unsubscribe", security(()),
    params(("token" = String, Path, description = "The token of an unsubscribe link")),
    responses((status = 200, description = "Unsubscribed (also when already)", content_type = "text/html", body = String), ById, Public))]
async fn unsubscribe(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
) -> Result<Html<String>, ApiError> {
    let link = verified(&state, &token)?;
    let mut db = state.db.get().await?;
    let coach = coach_name(&db, &link).await?;
    let tx = db.transaction().await?;
    delivery::suppress(
        &tx,
        link.coach,
        &link.email,
        SuppressionReason::Unsubscribed,
    )
    .await?;
    // A consent change: who (nobody signed in: the link's holder) and when.
    audit::record(
        &tx,
        &AuditEntry {
            coach: link.coach,
            actor: None,
            action: "client.unsubscribe",
            entity_type: "suppression",
            entity_id: None,
            request_id: super::request_id::current_request_id().as_deref(),
            details: serde_json::json!({ "reason": SuppressionReason::Unsubscribed.as_str() }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(Html(page(
        "Unsubscribed",
        &format!(
            "<p>{} will not receive follow-up emails from {} any more.</p>",
            escape(&link.email),
            escape(&coach)
        ),
    )))
}

fn verified(state: &AppState, token: &str) -> Result<Unsubscribe, ApiError> {
    state
        .unsubscribe
        .as_ref()
        .and_then(|links| links.verify(token))
        .ok_or(ApiError::NotFound("unsubscribe link"))
}

async fn coach_name(db: &impl Executor, link: &Unsubscribe) -> Result<String, ApiError> {
    Ok(coaches::get(db, link.coach)
        .await?
        .ok_or(ApiError::NotFound("unsubscribe link"))?
        .display_name)
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"robots\" content=\"noindex\">\n<title>{title}</title>\n</head>\n\
         <body style=\"font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem\">\n\
         <h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    )
}
