//! The error responses the OpenAPI document lists: each is
//! `application/problem+json` with the `Problem` schema, declared once under
//! `components.responses` and referenced by the operations that can produce it.

use std::collections::BTreeMap;

use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::IntoResponses;

use super::problem::PROBLEM_JSON;

/// Every error status the API documents: (status, component name, when).
const PROBLEMS: &[(u16, &str, &str)] = &[
    (
        400,
        "BadRequest",
        "The request is malformed: JSON or a query string that cannot be parsed, \
         a body cut off, or an `Idempotency-Key` that is not 8–255 visible ASCII characters.",
    ),
    (401, "Unauthorized", "The bearer token is missing, invalid or expired."),
    (
        404,
        "NotFound",
        "This coach has no such resource (a malformed id is not found either).",
    ),
    (
        408,
        "RequestTimeout",
        "The request body did not arrive in time.",
    ),
    (
        409,
        "Conflict",
        "The request conflicts with the current state: the transcript belongs to another session, \
         there is no transcript to reprocess, a follow-up's status does not allow the action (the \
         detail names the status), or a request with this `Idempotency-Key` is still running.",
    ),
    (
        412,
        "PreconditionFailed",
        "The `If-Match` is not the current version's ETag (someone changed it since, or it is no ETag \
         this API issued); read the resource again.",
    ),
    (
        413,
        "PayloadTooLarge",
        "The body is larger than the endpoint accepts (1 MiB of JSON, 4 MiB of transcript).",
    ),
    (
        415,
        "UnsupportedMediaType",
        "The body is not sent as `application/json`.",
    ),
    (
        422,
        "Unprocessable",
        "The body does not match the schema, a field is invalid (each listed in `errors`), \
         or the `Idempotency-Key` was used for a different request.",
    ),
    (
        428,
        "PreconditionRequired",
        "The change needs an `If-Match` header with the version it was made against.",
    ),
    (
        501,
        "NotConfigured",
        "This deployment was not given what the action needs: refinement without a language model \
         (the detail names the settings to configure).",
    ),
    (
        502,
        "BadGateway",
        "The language model answered, but its reply could not be used (empty, cut off, or refused); \
         try again, perhaps with another instruction.",
    ),
    (
        503,
        "Unavailable",
        "A dependency (database, storage, queue) or the language model is unavailable, or the request took too long; retry shortly.",
    ),
];

fn problem_response(description: &str) -> Response {
    ResponseBuilder::new()
        .description(description)
        .content(
            PROBLEM_JSON,
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build(),
        )
        .build()
}

/// The `components.responses` entries.
pub(super) fn components() -> impl Iterator<Item = (String, RefOr<Response>)> {
    PROBLEMS
        .iter()
        .map(|(_, name, description)| ((*name).to_owned(), RefOr::T(problem_response(description))))
}

fn references(statuses: &[u16]) -> BTreeMap<String, RefOr<Response>> {
    PROBLEMS
        .iter()
        .filter(|(status, _, _)| statuses.contains(status))
        .map(|(status, name, _)| {
            (
                status.to_string(),
                RefOr::Ref(Ref::from_response_name(*name)),
            )
        })
        .collect()
}

macro_rules! problems {
    ($($(#[$meta:meta])* $name:ident: $($status:literal),+;)+) => {
        $(
            $(#[$meta])*
            pub(super) struct $name;

            impl IntoResponses for $name {
                fn responses() -> BTreeMap<String, RefOr<Response>> {
                    references(&[$($status),+])
                }
            }
        )+
    };
}

problems! {
    /// Any route behind the bearer token.
    Authenticated: 401, 503;
    /// A public route that reads the database.
    Public: 503;
    /// A route with a resource id in its path.
    ById: 404;
    /// A route with query parameters (`limit` and `cursor` are checked: 422).
    WithQuery: 400, 422;
    /// A route that reads a JSON body.
    JsonBody: 400, 408, 413, 415, 422;
    /// The transcript upload: raw bytes, checked for size, emptiness and file name.
    UploadBody: 400, 408, 413, 422;
    /// A POST that takes an `Idempotency-Key`.
    Idempotent: 400, 409, 422;
    /// A route that can conflict with the resource's state.
    Conflicting: 409;
    /// A change guarded by `If-Match` (required: 428 without it).
    Versioned: 412, 428;
    /// An action that honours an `If-Match` when one is sent.
    IfMatched: 412;
    /// A revision written by the language model.
    LanguageModel: 501, 502;
    /// A route served only where its service is (501 elsewhere).
    NeedsService: 501;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_set_references_a_declared_response() {
        let declared: Vec<String> = components().map(|(name, _)| name).collect();
        for set in [
            Authenticated::responses(),
            Public::responses(),
            ById::responses(),
            WithQuery::responses(),
            JsonBody::responses(),
            UploadBody::responses(),
            Idempotent::responses(),
            Conflicting::responses(),
            Versioned::responses(),
            IfMatched::responses(),
            LanguageModel::responses(),
            NeedsService::responses(),
        ] {
            assert!(!set.is_empty());
            for reference in set.values() {
                let RefOr::Ref(reference) = reference else {
                    panic!("an inline response")
                };
                let name = reference.ref_location.rsplit('/').next().unwrap();
                assert!(declared.iter().any(|d| d == name), "{name}");
            }
        }
    }
}
