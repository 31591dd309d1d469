//! The caller on AWS: API Gateway's Cognito JWT authorizer has verified the
//! token; its claims arrive in the request context. The coach is found (or,
//! on first sign-in, created) by the verified email claim.

use async_trait::async_trait;
use flowcoach_core::api::{ApiError, Authenticator, Caller};
use flowcoach_core::domain::{CoachRole, EmailAddress};
use flowcoach_core::store::{coaches, Pool};
use lambda_http::http::request::Parts;
use lambda_http::request::RequestContext;

pub struct ApiGatewayClaims {
    db: Pool,
}

impl ApiGatewayClaims {
    pub fn new(db: Pool) -> Self {
        Self { db }
    }
}

#[async_trait]
impl Authenticator for ApiGatewayClaims {
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
        let verified = claims.get("email_verified").is_none_or(|v| v == "true");
        let email = claims
            .get("email")
            .filter(|_| verified)
            .and_then(|e| EmailAddress::parse(e).ok())
            .ok_or_else(|| {
                ApiError::Unauthorized("The token has no verified email claim.".into())
            })?;
        let name = claims.get("name").cloned().unwrap_or_else(|| {
            email
                .as_str()
                .split('@')
                .next()
                .unwrap_or("Coach")
                .to_owned()
        });
        let db = self.db.get().await?;
        let coach = match coaches::find_by_email(&db, &email).await? {
            Some(coach) => coach,
            None => coaches::ensure(&db, &email, &name, CoachRole::Coach).await?,
        };
        Ok(Caller {
            coach: coach.coach_id(),
            email: coach.email,
            role: coach.role,
        })
    }
}
