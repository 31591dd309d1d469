//! RFC 9457 problem details. Every error the API returns is one of these,
//! carrying the request id the logs carry.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

use super::request_id::current_request_id;
use crate::telemetry::error_chain;

/// One invalid field of a request body.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub message: String,
    /// Where in the field's text the mistake is (a template's), 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub line: Option<usize>,
    /// The column on that line, in characters, 1-based.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(required = false)]
    pub column: Option<usize>,
}

impl FieldError {
    pub fn new(field: &str, message: impl Into<String>) -> Self {
        Self {
            field: field.to_owned(),
            message: message.into(),
            line: None,
            column: None,
        }
    }

    /// An error at a line and column of the field's text.
    pub fn at(field: &str, message: impl Into<String>, line: usize, column: usize) -> Self {
        Self {
            line: Some(line),
            column: Some(column),
            ..Self::new(field, message)
        }
    }
}

/// The problem+json body.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub request_id: String,
    /// The invalid fields, on a 422 for invalid fields; absent otherwise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[schema(required = false)]
    pub errors: Vec<FieldError>,
}

/// Any error, kept whole so the log can print its chain.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Everything an API request can fail with. Variants that carry a `String`
/// are sentences for the caller; internal failures carry their source error,
/// which goes to the log and never into the response.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("the request has invalid fields")]
    Validation(Vec<FieldError>),
    #[error("{0}")]
    Conflict(String),
    /// The `If-Match` version is not the current one.
    #[error("{0}")]
    PreconditionFailed(String),
    /// A change that must name the version it was made against did not.
    #[error("{0}")]
    PreconditionRequired(String),
    #[error("This endpoint does not accept this method.")]
    MethodNotAllowed,
    #[error("The request did not arrive in time; send it again.")]
    RequestTimeout,
    #[error("the body is larger than the {limit} bytes this endpoint accepts")]
    PayloadTooLarge { limit: usize },
    #[error("The request headers are larger than the server accepts.")]
    HeadersTooLarge,
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("internal error")]
    Internal(#[source] BoxError),
    /// A dependency (database, object store, queue) failed: `message` says
    /// what the caller can do, `source` says why, in the log.
    #[error("{message}")]
    Unavailable {
        message: &'static str,
        #[source]
        source: BoxError,
    },
    #[error("The request took too long to handle; try again shortly.")]
    TimedOut,
    /// A capability this deployment was not given (refinement without a
    /// language model): the message says what to configure.
    #[error("{0}")]
    NotConfigured(String),
    /// An outside service answered, but not usably (a language model's
    /// reply that cannot be used): `message` for the caller, `source` for the log.
    #[error("{message}")]
    BadGateway {
        message: &'static str,
        #[source]
        source: BoxError,
    },
    /// Another status a layer answered with, said in its own words.
    #[error("{}", .0.canonical_reason().unwrap_or("The request could not be handled."))]
    Http(StatusCode),
}

/// An internal error with what was being done when it happened.
#[derive(Debug, thiserror::Error)]
#[error("{context}")]
pub struct Failed {
    context: &'static str,
    #[source]
    source: BoxError,
}

impl ApiError {
    pub fn internal(error: impl Into<BoxError>) -> Self {
        Self::Internal(error.into())
    }

    /// An internal error, with what was being done when it happened.
    pub fn internal_while(context: &'static str, error: impl Into<BoxError>) -> Self {
        Self::Internal(Box::new(Failed {
            context,
            source: error.into(),
        }))
    }

    pub fn unavailable(message: &'static str, error: impl Into<BoxError>) -> Self {
        Self::Unavailable {
            message,
            source: error.into(),
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    /// A request body that could not be read: too large, too slow, or cut off.
    pub fn unreadable_body(error: &(dyn std::error::Error + 'static), limit: usize) -> Self {
        let mut cause = Some(error);
        while let Some(error) = cause {
            if error.is::<tower_http::timeout::TimeoutError>() {
                return Self::RequestTimeout;
            }
            if error.is::<http_body_util::LengthLimitError>() {
                return Self::PayloadTooLarge { limit };
            }
            cause = error.source();
        }
        Self::BadRequest("The request body could not be read completely.".into())
    }

    /// The problem for a response the router or a middleware produced
    /// without a body of ours (404, 405, 408, 413, 431, ...).
    pub fn for_status(status: StatusCode, body_limit: usize) -> Self {
        match status {
            StatusCode::NOT_FOUND => Self::NotFound("route"),
            StatusCode::METHOD_NOT_ALLOWED => Self::MethodNotAllowed,
            StatusCode::REQUEST_TIMEOUT => Self::RequestTimeout,
            StatusCode::PAYLOAD_TOO_LARGE => Self::PayloadTooLarge { limit: body_limit },
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE => Self::HeadersTooLarge,
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::UnsupportedMediaType(
                "Send the body as JSON with `Content-Type: application/json`.".into(),
            ),
            StatusCode::UNPROCESSABLE_ENTITY => Self::Unprocessable(
                "The request body does not match what this endpoint takes.".into(),
            ),
            // tower-http's `TimeoutLayer` answers 503 when the handler runs too long.
            StatusCode::SERVICE_UNAVAILABLE => Self::TimedOut,
            StatusCode::INTERNAL_SERVER_ERROR => {
                Self::internal("a layer answered 500 without saying why")
            }
            status => Self::Http(status),
        }
    }

    fn status(&self) -> StatusCode {
        match self {
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Validation(_) | Self::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::PreconditionFailed(_) => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired(_) => StatusCode::PRECONDITION_REQUIRED,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::RequestTimeout => StatusCode::REQUEST_TIMEOUT,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::HeadersTooLarge => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
            Self::Unavailable { .. } | Self::TimedOut => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotConfigured(_) => StatusCode::NOT_IMPLEMENTED,
            Self::BadGateway { .. } => StatusCode::BAD_GATEWAY,
            Self::Http(status) => *status,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not-found",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::BadRequest(_) => "bad-request",
            Self::Validation(_) => "validation",
            Self::Conflict(_) => "conflict",
            Self::PreconditionFailed(_) => "precondition-failed",
            Self::PreconditionRequired(_) => "precondition-required",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::RequestTimeout => "request-timeout",
            Self::PayloadTooLarge { .. } => "payload-too-large",
            Self::HeadersTooLarge => "headers-too-large",
            Self::UnsupportedMediaType(_) => "unsupported-media-type",
            Self::Unprocessable(_) => "unprocessable",
            Self::Internal(_) => "internal",
            Self::Unavailable { .. } => "unavailable",
            Self::TimedOut => "timed-out",
            Self::NotConfigured(_) => "not-configured",
            Self::BadGateway { .. } => "bad-gateway",
            Self::Http(_) => "http",
        }
    }
}

/// Who to blame when the database refuses a statement: the request (a value
/// it may not hold, a row that exists already or not at all) or us.
impl From<crate::store::StoreError> for ApiError {
    fn from(error: crate::store::StoreError) -> Self {
        use tokio_postgres::error::SqlState;
        let refused = match error.sql_state() {
            Some(state) if *state == SqlState::UNIQUE_VIOLATION => Some(Self::Conflict(
                "This conflicts with something that exists already.".into(),
            )),
            Some(state) if *state == SqlState::FOREIGN_KEY_VIOLATION => Some(Self::Unprocessable(
                "The request refers to something that does not exist.".into(),
            )),
            // Class 22 (data exception) and 23 (integrity): the value is the problem.
            Some(state) if state.code().starts_with("22") || state.code().starts_with("23") => {
                Some(Self::Unprocessable(
                    "A value in the request is not one the server can store.".into(),
                ))
            }
            _ => None,
        };
        match (refused, error) {
            (Some(problem), error) => {
                tracing::warn!(error = %error_chain(&error), "the database refused the request");
                problem
            }
            (None, crate::store::StoreError::Pool(error)) => Self::from(error),
            (None, error) if error.is_transient() => Self::unavailable(
                "The database is not reachable right now; try again shortly.",
                error,
            ),
            (None, error) => Self::internal(error),
        }
    }
}

impl From<tokio_postgres::Error> for ApiError {
    fn from(error: tokio_postgres::Error) -> Self {
        Self::from(crate::store::StoreError::from(error))
    }
}

impl From<deadpool_postgres::PoolError> for ApiError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        Self::unavailable(
            "The database is not reachable right now; try again shortly.",
            error,
        )
    }
}

impl From<crate::ports::UploadError> for ApiError {
    fn from(error: crate::ports::UploadError) -> Self {
        use crate::ports::UploadError;
        match error {
            UploadError::Unavailable(source) => Self::unavailable(
                "The upload URL could not be made right now; try again shortly.",
                source,
            ),
            UploadError::Misconfigured(source) => {
                Self::internal_while("making an upload URL", source)
            }
        }
    }
}

impl ApiError {
    /// The body for this error, logging the source of an internal or
    /// dependency failure (it stays in the log, never in the body).
    fn problem(self, request_id: String) -> Problem {
        let status = self.status();
        let slug = self.slug();
        let detail = match &self {
            Self::Internal(source) => {
                tracing::error!(request_id, error = %error_chain(source.as_ref()), "request failed");
                "Something went wrong on our side. Quote the request id if you contact support."
                    .to_owned()
            }
            Self::Unavailable { message, source } => {
                tracing::warn!(request_id, error = %error_chain(source.as_ref()), "a dependency is unavailable");
                (*message).to_owned()
            }
            Self::BadGateway { message, source } => {
                tracing::warn!(request_id, error = %error_chain(source.as_ref()), "an outside service answered unusably");
                (*message).to_owned()
            }
            other => other.to_string(),
        };
        let errors = match self {
            Self::Validation(errors) => errors,
            _ => Vec::new(),
        };
        Problem {
            kind: format!("https://flowcoach.app/problems/{}", slug),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail,
            request_id,
            errors,
        }
    }

    /// The problem as a whole HTTP/1.1 response that closes the connection:
    /// for a request refused by the transport before any router sees it.
    pub fn into_http1_response(self, request_id: &str) -> Vec<u8> {
        let status = self.status();
        let body = serde_json::to_vec(&self.problem(request_id.to_owned())).unwrap_or_default();
        let mut response = format!(
            "HTTP/1.1 {} {}\r\ncontent-type: {PROBLEM_JSON}\r\ncontent-length: {}\r\n\
             x-request-id: {request_id}\r\nconnection: close\r\n\r\n",
            status.as_u16(),
            status.canonical_reason().unwrap_or("Error"),
            body.len(),
        )
        .into_bytes();
        response.extend_from_slice(&body);
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let problem = self.problem(current_request_id().unwrap_or_default());
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        (status, [(header::CONTENT_TYPE, PROBLEM_JSON)], body).into_response()
    }
}

pub const PROBLEM_JSON: &str = "application/problem+json";

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The response body and what was logged while answering with `error`.
    fn answer(error: ApiError) -> (StatusCode, String, String) {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        let response = tracing::subscriber::with_default(subscriber, || error.into_response());
        let status = response.status();
        let body =
            futures::executor::block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
                .unwrap();
        let log = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        (status, String::from_utf8(body.to_vec()).unwrap(), log)
    }

    #[derive(Debug, thiserror::Error)]
    #[error("loading the coach failed")]
    struct Outer(#[source] std::io::Error);

    #[test]
    fn an_internal_error_logs_its_whole_chain_and_answers_without_it() {
        let error = ApiError::internal(Outer(std::io::Error::other("disk on fire")));
        let (status, body, log) = answer(error);
        assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
        assert!(!body.contains("disk on fire"), "{body}");
        assert!(!body.contains("loading the coach"), "{body}");
        assert!(
            log.contains("loading the coach failed: disk on fire"),
            "{log}"
        );
    }

    #[test]
    fn an_unreachable_pool_answers_503_and_logs_why() {
        let error = ApiError::from(deadpool_postgres::PoolError::Timeout(
            deadpool_postgres::TimeoutType::Wait,
        ));
        let (status, body, log) = answer(error);
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        assert!(!body.to_lowercase().contains("timeout occurred"), "{body}");
        assert!(log.contains("Timeout occurred while waiting"), "{log}");
    }
}
