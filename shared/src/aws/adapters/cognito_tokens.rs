//! Verifies a Cognito token where no API Gateway authorizer has: the
//! WebSocket API's `$connect` (API Gateway offers WebSocket APIs no JWT
//! authorizer). The same checks as the HTTP API's authorizer: signed by a
//! key of the user pool's JWKS (RS256), issued by the pool, for the app
//! client, not expired.

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{decode, decode_header, Algorithm, DecodingKey, Validation};

use crate::api::ApiError;

/// The user pool's keys and what a token must say.
pub struct CognitoTokens {
    keys: JwkSet,
    issuer: String,
    client_id: String,
}

impl CognitoTokens {
    /// `keys`: the pool's JWKS, fetched once per cold start (Cognito rotates
    /// keys rarely and keeps old ones listed).
    pub fn new(keys: JwkSet, issuer: &str, client_id: &str) -> Self {
        Self {
            keys,
            issuer: issuer.to_owned(),
            client_id: client_id.to_owned(),
        }
    }

    /// From the pool's JWKS document (`<issuer>/.well-known/jwks.json`).
    pub fn from_jwks(
        jwks: &[u8],
        issuer: &str,
        client_id: &str,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self::new(serde_json::from_slice(jwks)?, issuer, client_id))
    }

    /// The token's claims, as the HTTP API's authorizer passes them on
    /// (every value as text), or 401.
    pub fn verify(
        &self,
        token: &str,
    ) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
        let refused = || ApiError::Unauthorized("The token is not valid.".into());
        let header = decode_header(token).map_err(|_| refused())?;
        let key = header
            .kid
            .as_deref()
            .and_then(|kid| self.keys.find(kid))
            .ok_or_else(refused)?;
        let key = DecodingKey::from_jwk(key).map_err(|_| refused())?;
        let mut validation = Validation::new(Algorithm::RS256);
        validation.set_issuer(&[&self.issuer]);
        // ID tokens name the app client in `aud`, access tokens in `client_id`.
        validation.validate_aud = false;
        let claims = decode::<serde_json::Map<String, serde_json::Value>>(token, &key, &validation)
            .map_err(|_| refused())?
            .claims;
        let for_client = ["aud", "client_id"].iter().any(|name| {
            claims.get(*name).and_then(|v| v.as_str()) == Some(self.client_id.as_str())
        });
        if !for_client {
            return Err(refused());
        }
        Ok(claims)
    }
}

/// One claim as text, as API Gateway's authorizer context gives it
/// (`email_verified` is `true` in the token, `"true"` there).
pub fn claim_text(
    claims: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<String> {
    match claims.get(name)? {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Bool(flag) => Some(flag.to_string()),
        serde_json::Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}
