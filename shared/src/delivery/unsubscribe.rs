//! Signed unsubscribe links: `/v1/unsubscribe/{token}`, where the token
//! names the coach and the client's address and is signed, so a link works
//! without a login and cannot be made up for someone else's address.
//!
//! The token is a JWT (HS256) without an expiry: an unsubscribe link in an
//! old email must keep working. Its key is derived from the server's secret
//! for this purpose alone, so no token of one kind passes for another.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::domain::CoachId;

const PURPOSE: &str = "unsubscribe";

#[derive(Debug, Serialize, Deserialize)]
struct LinkClaims {
    coach: Uuid,
    email: String,
    purpose: String,
}

/// Makes and checks unsubscribe links.
#[derive(Clone)]
pub struct UnsubscribeLinks {
    public_url: String,
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for UnsubscribeLinks {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("UnsubscribeLinks")
            .field("public_url", &self.public_url)
            .finish_non_exhaustive()
    }
}

/// What a valid link names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsubscribe {
    pub coach: CoachId,
    /// Lower-cased.
    pub email: String,
}

impl UnsubscribeLinks {
    /// `secret`: the server's signing secret; `public_url`: where links point.
    pub fn new(secret: &[u8], public_url: &str) -> Self {
        let mut derivation = Sha256::new();
        derivation.update(b"flowcoach unsubscribe links v1\0");
        derivation.update(secret);
        let key = derivation.finalize();
        Self {
            public_url: public_url.trim_end_matches('/').to_owned(),
            encoding: EncodingKey::from_secret(&key),
            decoding: DecodingKey::from_secret(&key),
        }
    }

    /// The link that stops `coach`'s follow-ups to `email`.
    pub fn url(&self, coach: CoachId, email: &str) -> Result<String, jsonwebtoken::errors::Error> {
        let claims = LinkClaims {
            coach: coach.0,
            email: email.trim().to_lowercase(),
            purpose: PURPOSE.to_owned(),
        };
        let token = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)?;
        Ok(format!("{}/v1/unsubscribe/{token}", self.public_url))
    }

    /// The coach and address a token names, if we signed it.
    pub fn verify(&self, token: &str) -> Option<Unsubscribe> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.required_spec_claims.clear();
        validation.validate_exp = false;
        let claims = jsonwebtoken::decode::<LinkClaims>(token, &self.decoding, &validation)
            .ok()?
            .claims;
        (claims.purpose == PURPOSE).then_some(Unsubscribe {
            coach: CoachId(claims.coach),
            email: claims.email,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token_of(url: &str) -> &str {
        url.rsplit('/').next().expect("a token")
    }

    #[test]
    fn a_link_names_the_coach_and_the_address_it_was_made_for() {
        let links = UnsubscribeLinks::new(b"server secret", "https://flowcoach.test/");
        let coach = CoachId(Uuid::now_v7());
        let url = links.url(coach, " Tobias@Example.com ").expect("signs");
        assert!(
            url.starts_with("https://flowcoach.test/v1/unsubscribe/"),
            "{url}"
        );
        assert_eq!(
            links.verify(token_of(&url)),
            Some(Unsubscribe {
                coach,
                email: "tobias@example.com".into()
            })
        );
    }

    #[test]
    fn a_token_signed_otherwise_or_altered_is_refused() {
        let links = UnsubscribeLinks::new(b"server secret", "https://flowcoach.test");
        let other = UnsubscribeLinks::new(b"another secret", "https://flowcoach.test");
        let url = other
            .url(CoachId(Uuid::now_v7()), "a@example.com")
            .expect("signs");
        assert_eq!(links.verify(token_of(&url)), None);
        let url = links
            .url(CoachId(Uuid::now_v7()), "a@example.com")
            .expect("signs");
        let mut altered = token_of(&url).to_owned();
        altered.insert(altered.len() / 2, 'x');
        assert_eq!(links.verify(&altered), None);
        assert_eq!(links.verify("not-a-token"), None);
        // A bearer token signed with the server's secret itself is no link.
        let bearer = jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &LinkClaims {
                coach: Uuid::now_v7(),
                email: "a@example.com".into(),
                purpose: PURPOSE.into(),
            },
            &EncodingKey::from_secret(b"server secret"),
        )
        .expect("signs");
        assert_eq!(links.verify(&bearer), None);
    }
}
