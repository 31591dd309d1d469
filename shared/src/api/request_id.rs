//! Request ids: taken from `x-request-id` when sane, otherwise generated
//! (tower-http's `SetRequestIdLayer`), echoed on the response, put on the log
//! span, and reachable from anywhere in the request's task (problem bodies,
//! stage messages).

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::Response;

pub const REQUEST_ID_HEADER: &str = "x-request-id";

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The current request's id, inside a request.
pub fn current_request_id() -> Option<String> {
    REQUEST_ID.try_with(Clone::clone).ok()
}

fn acceptable(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 128
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:".contains(c))
}

/// The id of a request, once `SetRequestIdLayer` has run.
pub fn of(request: &Request) -> Option<&str> {
    request
        .headers()
        .get(REQUEST_ID_HEADER)
        .and_then(|v| v.to_str().ok())
}

/// Drops a caller's id that cannot go into logs and headers as is, so that
/// `SetRequestIdLayer` generates one instead.
pub async fn drop_unusable(mut request: Request, next: Next) -> Response {
    let unusable = request
        .headers()
        .get(REQUEST_ID_HEADER)
        .is_some_and(|id| !id.to_str().is_ok_and(acceptable));
    if unusable {
        request.headers_mut().remove(REQUEST_ID_HEADER);
    }
    next.run(request).await
}

/// Runs the rest of the request with its id in reach of `current_request_id`.
pub async fn scope(request: Request, next: Next) -> Response {
    let id = of(&request).unwrap_or_default().to_owned();
    REQUEST_ID.scope(id, next.run(request)).await
}

#[cfg(test)]
mod tests {
    use super::acceptable;

    #[test]
    fn only_short_plain_ids_are_taken_from_the_caller() {
        assert!(acceptable("req-123_a.b:c"));
        assert!(!acceptable(""));
        assert!(!acceptable("has space"));
        assert!(!acceptable("new\nline"));
        assert!(!acceptable(&"a".repeat(129)));
    }
}
