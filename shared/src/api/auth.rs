//! Bearer-token authentication. Locally FlowCoach issues HS256 tokens itself
//! (`flowcoach token`); the caller's coach id comes only from a verified token
//! naming a coach that exists.

use async_trait::async_trait;
use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use jsonwebtoken::{decode, encode, Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::problem::ApiError;
use super::AppState;
use crate::config::Secret;
use crate::domain::{CoachId, CoachRole};
use crate::store::{coaches, Pool};

const ISSUER: &str = "flowcoach-local";
const AUDIENCE: &str = "flowcoach-api";
/// How far apart our clock and the issuer's may be: an expired token is
/// accepted this long, and one issued this far in the future.
const CLOCK_SKEW_SECS: i64 = 5;
/// Longest token lifetime (`exp - iat`) accepted unless configured otherwise.
pub const DEFAULT_MAX_LIFETIME: std::time::Duration =
    std::time::Duration::from_secs(30 * 24 * 3600);

#[derive(Debug, Serialize, Deserialize)]
struct Claims {
    sub: Uuid,
    email: String,
    role: CoachRole,
    iss: String,
    aud: String,
    iat: i64,
    exp: i64,
}

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub coach: CoachId,
    pub email: String,
    pub role: CoachRole,
}

impl From<crate::store::coaches::Coach> for Caller {
    /// The caller is the coach as stored, not as the token remembers them.
    fn from(coach: crate::store::coaches::Coach) -> Self {
        Self {
            coach: coach.coach_id(),
            email: coach.email,
            role: coach.role,
        }
    }
}

/// Issues and verifies local HS256 tokens.
#[derive(Clone)]
pub struct LocalTokens {
    encoding: EncodingKey,
    decoding: DecodingKey,
    max_lifetime_secs: i64,
}

impl std::fmt::Debug for LocalTokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("LocalTokens(***)")
    }
}

impl LocalTokens {
    pub fn new(secret: &Secret) -> Self {
        Self::with_max_lifetime(secret, DEFAULT_MAX_LIFETIME)
    }

    /// Tokens living longer than `max_lifetime` are neither issued nor accepted.
    pub fn with_max_lifetime(secret: &Secret, max_lifetime: std::time::Duration) -> Self {
        Self {
            encoding: EncodingKey::from_secret(secret.expose().as_bytes()),
            decoding: DecodingKey::from_secret(secret.expose().as_bytes()),
            max_lifetime_secs: i64::try_from(max_lifetime.as_secs()).unwrap_or(i64::MAX),
        }
    }

    pub fn issue(
        &self,
        coach: CoachId,
        email: &str,
        role: CoachRole,
        ttl: chrono::Duration,
    ) -> Result<String, ApiError> {
        if ttl.num_seconds() > self.max_lifetime_secs {
            return Err(ApiError::Unprocessable(format!(
                "A token may live at most {} hours.",
                self.max_lifetime_secs / 3600
            )));
        }
        let now = Utc::now().timestamp();
        let claims = Claims {
            sub: coach.0,
            email: email.to_owned(),
            role,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat: now,
            exp: now + ttl.num_seconds(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(ApiError::internal)
    }

    pub fn verify(&self, token: &str) -> Result<Caller, ApiError> {
        let refuse = |why: &str| {
            ApiError::Unauthorized(format!(
                "The bearer token is not valid ({why}). Get a new one with `flowcoach token`."
            ))
        };
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.leeway = CLOCK_SKEW_SECS.unsigned_abs();
        let data = decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|e| refuse(&e.to_string()))?;
        let Claims { iat, exp, .. } = data.claims;
        if iat > Utc::now().timestamp() + CLOCK_SKEW_SECS {
            return Err(refuse("issued in the future"));
        }
        if exp.saturating_sub(iat) > self.max_lifetime_secs {
            return Err(refuse("it lives longer than tokens may"));
        }
        Ok(Caller {
            coach: CoachId(data.claims.sub),
            email: data.claims.email,
            role: data.claims.role,
        })
    }
}

/// Decides who is calling. Locally: our own bearer tokens. On AWS: the claims
/// API Gateway's JWT authorizer already verified.
#[async_trait]
pub trait Authenticator: Send + Sync {
    async fn authenticate(&self, request: &Parts) -> Result<Caller, ApiError>;
}

/// Local bearer tokens, accepted for coaches that exist: a correctly signed
/// token outlives a deleted coach (or was issued against another database).
pub struct LocalAuth {
    pub tokens: std::sync::Arc<LocalTokens>,
    pub db: Pool,
}

#[async_trait]
impl Authenticator for LocalAuth {
    async fn authenticate(&self, request: &Parts) -> Result<Caller, ApiError> {
        let token = request
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .ok_or_else(|| {
                ApiError::Unauthorized(
                    "This endpoint needs an `Authorization: Bearer <token>` header.".into(),
                )
            })?;
        let claimed = self.tokens.verify(token)?;
        let db = self.db.get().await?;
        let coach = coaches::get(&db, claimed.coach).await?.ok_or_else(|| {
            ApiError::Unauthorized(
                "The bearer token is for a coach that does not exist. Get a new one with `flowcoach token`."
                    .into(),
            )
        })?;
        Ok(Caller::from(coach))
    }
}

/// Rejects requests the authenticator does not accept; stores the `Caller` for handlers.
pub async fn require_caller(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let (mut parts, body) = request.into_parts();
    let caller = state.auth.authenticate(&parts).await?;
    parts.extensions.insert(caller);
    Ok(next.run(Request::from_parts(parts, body)).await)
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| ApiError::Unauthorized("This endpoint needs a bearer token.".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(secret: &str) -> LocalTokens {
        LocalTokens::new(&Secret::new(secret))
    }

    #[test]
    fn an_issued_token_verifies_to_its_coach() {
        let t = tokens("0123456789abcdef0123456789abcdef");
        let coach = CoachId(Uuid::new_v4());
        let token = t
            .issue(
                coach,
                "dana@example.com",
                CoachRole::Coach,
                chrono::Duration::hours(1),
            )
            .unwrap();
        let caller = t.verify(&token).unwrap();
        assert_eq!(caller.coach, coach);
        assert_eq!(caller.email, "dana@example.com");
    }

    #[test]
    fn tokens_signed_with_another_secret_or_expired_are_rejected() {
        let coach = CoachId(Uuid::new_v4());
        let other = tokens("ffffffffffffffffffffffffffffffff")
            .issue(
                coach,
                "x@example.com",
                CoachRole::Coach,
                chrono::Duration::hours(1),
            )
            .unwrap();
        let t = tokens("0123456789abcdef0123456789abcdef");
        assert!(matches!(t.verify(&other), Err(ApiError::Unauthorized(_))));
        let expired = t
            .issue(
                coach,
                "x@example.com",
                CoachRole::Coach,
                chrono::Duration::hours(-2),
            )
            .unwrap();
        assert!(matches!(t.verify(&expired), Err(ApiError::Unauthorized(_))));
        assert!(matches!(
            t.verify("not-a-token"),
            Err(ApiError::Unauthorized(_))
        ));
    }

    fn signed(t: &LocalTokens, iat: i64, exp: i64) -> String {
        let claims = Claims {
            sub: Uuid::new_v4(),
            email: "x@example.com".into(),
            role: CoachRole::Coach,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat,
            exp,
        };
        encode(&Header::new(Algorithm::HS256), &claims, &t.encoding).unwrap()
    }

    #[test]
    fn a_token_expired_seconds_ago_is_rejected() {
        let t = tokens("0123456789abcdef0123456789abcdef");
        let now = Utc::now().timestamp();
        let token = signed(&t, now - 3600, now - 10);
        assert!(matches!(t.verify(&token), Err(ApiError::Unauthorized(_))));
    }

    #[test]
    fn a_token_issued_in_the_future_is_rejected() {
        let t = tokens("0123456789abcdef0123456789abcdef");
        let now = Utc::now().timestamp();
        let token = signed(&t, now + 600, now + 3600);
        assert!(matches!(t.verify(&token), Err(ApiError::Unauthorized(_))));
    }

    #[test]
    fn a_token_living_longer_than_the_maximum_is_rejected() {
        let t = tokens("0123456789abcdef0123456789abcdef");
        let now = Utc::now().timestamp();
        let token = signed(&t, now - 60, now + 60 * 24 * 3600);
        assert!(matches!(t.verify(&token), Err(ApiError::Unauthorized(_))));
        let token = signed(&t, now - 60, now + 7 * 24 * 3600);
        assert!(
            t.verify(&token).is_ok(),
            "a week is within the default maximum"
        );
    }
}
