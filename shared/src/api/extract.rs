//! Extractors whose rejections are problem+json.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};

use super::problem::ApiError;

/// `Json<T>` whose errors are problem+json. Every body is a JSON object:
/// serde would read a struct from an array too (`[null, null]` as its
/// fields in order), which no client means.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) =
            axum::Json::<serde_json::Value>::from_request(request, state).await?;
        if !value.is_object() {
            return Err(ApiError::Unprocessable(
                "The body must be a JSON object.".into(),
            ));
        }
        // Read again as `T` through axum, for its errors naming the field.
        let bytes = serde_json::to_vec(&value)
            .map_err(|_| ApiError::BadRequest("The body is not valid JSON.".into()))?;
        let axum::Json(parsed) = axum::Json::<T>::from_bytes(&bytes)?;
        Ok(Self(parsed))
    }
}

/// `Path<T>` whose errors are problem+json (a malformed id is a 404, as an unknown one is).
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct ApiPath<T>(pub T);

/// `Query<T>` whose errors are problem+json.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct ApiQuery<T>(pub T);

impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        match rejection {
            JsonRejection::JsonDataError(e) => ApiError::Unprocessable(e.body_text()),
            JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType(
                "Send the body as JSON with `Content-Type: application/json`.".into(),
            ),
            JsonRejection::BytesRejection(e) => {
                ApiError::unreadable_body(&e, super::idempotency::MAX_POST_BODY)
            }
            other => ApiError::BadRequest(other.body_text()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(_: PathRejection) -> Self {
        ApiError::NotFound("resource")
    }
}

impl From<QueryRejection> for ApiError {
    fn from(rejection: QueryRejection) -> Self {
        ApiError::BadRequest(rejection.body_text())
    }
}

/// For `Option<Option<T>>` fields of a PATCH body (with `#[serde(default)]`):
/// present-but-null clears the field, absent leaves it.
pub(super) fn present<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}
