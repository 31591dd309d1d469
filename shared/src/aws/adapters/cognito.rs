//! The caller on AWS: API Gateway's Cognito JWT authorizer has verified the
//! token; its claims arrive in the request context. The coach is the one
//! bound to the Cognito user (`sub`); a first sign-in binds an existing coach
//! with the verified email, or creates one.

use crate::api::{ApiError, Authenticator, Caller};
use crate::domain::text::label;
use crate::domain::EmailAddress;
use crate::store::{coaches, Pool};
use async_trait::async_trait;
use lambda_http::http::request::Parts;
use lambda_http::request::RequestContext;

/// The `Authenticator` of the API functions.
pub struct CognitoClaims {
    db: Pool,
}

impl CognitoClaims {
    pub fn new(db: Pool) -> Self {
        Self { db }
    }
}

#[async_trait]
impl Authenticator for CognitoClaims {
    async fn authenticate(&self, request: &Parts) -> Result<Caller, ApiError> {
        let claims = match request.extensions.get::<RequestContext>() {
            Some(RequestContext::ApiGatewayV2(context)) => context
                .authorizer
                .as_ref()
                .and_then(|a| a.jwt.as_ref())
                .map(|jwt| &jwt.claims),
            _ => None,
        };
        let claims = claims.ok_or_else(|| {
            ApiError::Unauthorized("The request carries no verified identity.".into())
        })?;
        caller_of(&self.db, |name| claims.get(name).cloned()).await
    }
}

/// The coach a verified token's claims name. The Cognito user is `sub`; the
/// email is an attribute the user can change, so it only matters for
/// binding a first sign-in, and only when Cognito says it is verified (an
/// absent claim is not).
pub async fn caller_of(
    db: &Pool,
    claim: impl Fn(&str) -> Option<String>,
) -> Result<Caller, ApiError> {
    let sub = claim("sub")
        .filter(|sub| !sub.is_empty() && !sub.chars().any(char::is_control))
        .ok_or_else(|| ApiError::Unauthorized("The token names no user.".into()))?;
    let verified_email = claim("email")
        .filter(|_| claim("email_verified").is_some_and(|v| v == "true"))
        .and_then(|e| EmailAddress::parse(&e).ok());
    let name = claim("name")
        .and_then(|n| label(&n, 200).ok())
        .or_else(|| {
            verified_email
                .as_ref()
                .and_then(|e| e.as_str().split('@').next())
                .map(str::to_owned)
        })
        .unwrap_or_else(|| "Coach".to_owned());
    let db = db.get().await?;
    let coach = coaches::for_cognito_user(&db, &sub, verified_email.as_ref(), &name)
        .await?
        .ok_or_else(|| {
            ApiError::Unauthorized(
                "This sign-in is not linked to a FlowCoach account: a first sign-in needs a verified email that no other account uses."
                    .into(),
            )
        })?;
    Ok(Caller::from(coach))
}
