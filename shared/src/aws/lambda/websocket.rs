//! The WebSocket API's `$connect` and `$disconnect` routes: a connection is
//! accepted only with a valid Cognito token for a FlowCoach coach (sent as
//! the subprotocol `bearer.<token>` beside `flowcoach.events.v1`, as
//! browsers can, or as `?token=`), and is then kept in the connections
//! table under that coach until it closes.

use aws_lambda_events::encodings::Body;
use aws_lambda_events::event::apigw::{ApiGatewayProxyResponse, ApiGatewayWebsocketProxyRequest};
use axum::http::{HeaderMap, HeaderValue};
use chrono::Utc;

use crate::api::ApiError;
use crate::aws::adapters::{caller_of, claim_text, CognitoTokens, Connections};
use crate::store::Pool;

/// The subprotocol of FlowCoach's live events (as `GET /v1/events`).
pub const SUBPROTOCOL: &str = "flowcoach.events.v1";
const BEARER_PREFIX: &str = "bearer.";

pub struct ConnectionsHandler {
    pub db: Pool,
    pub tokens: CognitoTokens,
    pub connections: Connections,
}

impl ConnectionsHandler {
    pub async fn handle(
        &self,
        request: ApiGatewayWebsocketProxyRequest,
    ) -> ApiGatewayProxyResponse {
        let context = &request.request_context;
        let connection = context.connection_id.clone().unwrap_or_default();
        match context.route_key.as_deref() {
            Some("$connect") => match self.connect(&request, &connection).await {
                Ok(subprotocol) => {
                    let mut headers = HeaderMap::new();
                    if subprotocol {
                        headers.insert(
                            "Sec-WebSocket-Protocol",
                            HeaderValue::from_static(SUBPROTOCOL),
                        );
                    }
                    response(200, headers, None)
                }
                Err(Refused::Unauthorized) => response(401, HeaderMap::new(), Some("Unauthorized")),
                Err(Refused::Failed(error)) => {
                    tracing::error!(%error, "a WebSocket connection could not be recorded");
                    response(500, HeaderMap::new(), None)
                }
            },
            Some("$disconnect") => {
                if let Err(error) = self.connections.remove(&connection).await {
                    tracing::warn!(%error, "a closed connection could not be removed; it expires");
                }
                response(200, HeaderMap::new(), None)
            }
            _ => response(400, HeaderMap::new(), Some("This API only pushes events.")),
        }
    }

    /// Records the connection for the token's coach; whether the client
    /// asked for the events subprotocol (then it must be answered).
    async fn connect(
        &self,
        request: &ApiGatewayWebsocketProxyRequest,
        connection: &str,
    ) -> Result<bool, Refused> {
        let offered: Vec<String> = request
            .headers
            .get_all("sec-websocket-protocol")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(|p| p.trim().to_owned())
            .collect();
        let token = offered
            .iter()
            .find_map(|p| p.strip_prefix(BEARER_PREFIX))
            .map(str::to_owned)
            .or_else(|| {
                request
                    .query_string_parameters
                    .first("token")
                    .map(str::to_owned)
            })
            .ok_or(Refused::Unauthorized)?;
        let claims = self.tokens.verify(&token)?;
        let caller = caller_of(&self.db, |name| claim_text(&claims, name)).await?;
        if connection.is_empty() {
            return Err(Refused::Failed("the request names no connection".into()));
        }
        self.connections
            .add(caller.coach, connection, Utc::now())
            .await
            .map_err(|error| Refused::Failed(error.to_string()))?;
        Ok(offered.iter().any(|p| p == SUBPROTOCOL))
    }
}

/// Why a connection is not accepted.
enum Refused {
    /// No valid token, or none of a FlowCoach coach: 401.
    Unauthorized,
    /// Nothing the client did: 500, the cause in the log.
    Failed(String),
}

impl From<ApiError> for Refused {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::Unauthorized(_) => Self::Unauthorized,
            other => Self::Failed(other.to_string()),
        }
    }
}

fn response(status: i64, headers: HeaderMap, body: Option<&str>) -> ApiGatewayProxyResponse {
    let mut response = ApiGatewayProxyResponse::default();
    response.status_code = status;
    response.headers = headers;
    response.body = body.map(|b| Body::Text(b.to_owned()));
    response
}
