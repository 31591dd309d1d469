//! Versioned resources (follow-ups, templates): the version is served as a
//! strong `ETag` and a change names the version it was made against in
//! `If-Match`, so it never overwrites one the coach has not seen.

use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

use super::problem::ApiError;

/// The `If-Match` header: the version (as its `ETag`, `"3"`) the change was
/// made against.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Header)]
#[allow(dead_code)] // Only documents the header; `expected_version` reads it.
pub(super) struct IfMatch {
    /// The `ETag` of the version the change was made against, e.g. `"3"`.
    #[serde(rename = "If-Match")]
    #[param(value_type = String, required = false)]
    if_match: Option<String>,
}

/// The version `If-Match` names; `None` when absent or `*`. Anything else
/// is 412: it names no version of `resource`.
pub(super) fn expected_version(
    headers: &HeaderMap,
    resource: &str,
) -> Result<Option<i32>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let malformed = || {
        ApiError::PreconditionFailed(format!(
            "If-Match names no version of this {resource}: send its ETag, such as \"3\"."
        ))
    };
    let text = value.to_str().map_err(|_| malformed())?.trim();
    if text == "*" {
        return Ok(None);
    }
    let version = text
        .strip_prefix('"')
        .and_then(|rest| rest.strip_suffix('"'))
        .filter(|digits| {
            (1..=9).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
        })
        .and_then(|digits| digits.parse::<i32>().ok())
        .ok_or_else(malformed)?;
    Ok(Some(version))
}

/// The body with its version as a strong `ETag`.
pub(super) fn with_etag(version: i32, body: impl Serialize) -> Response {
    let etag = HeaderValue::from_str(&format!("\"{version}\""));
    match etag {
        Ok(etag) => ([(header::ETAG, etag)], Json(body)).into_response(),
        // Digits and quotes are always a valid header value.
        Err(_) => Json(body).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(if_match: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::IF_MATCH,
            HeaderValue::from_str(if_match).expect("header"),
        );
        headers
    }

    #[test]
    fn if_match_names_a_version_or_any() {
        let version = |value: &str| expected_version(&headers(value), "template");
        assert_eq!(version("\"3\"").expect("parses"), Some(3));
        assert_eq!(version(" \"12\" ").expect("parses"), Some(12));
        assert_eq!(version("*").expect("parses"), None);
        assert_eq!(
            expected_version(&HeaderMap::new(), "template").expect("absent"),
            None
        );
        for malformed in ["3", "W/\"3\"", "\"three\"", "\"\"", "", "\"1234567890\""] {
            assert!(
                matches!(version(malformed), Err(ApiError::PreconditionFailed(_))),
                "{malformed:?}"
            );
        }
    }
}
