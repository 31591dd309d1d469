//! Live events on AWS: the WebSocket API's open connections in DynamoDB,
//! and each event pushed to its coach's connections through API Gateway's
//! management API. A connection API Gateway reports gone (410) is removed.
//!
//! Each connection is two items: `coach#<id>` / `<connection>` (a coach's
//! connections, read on every push) and `connection#<connection>` / `coach`
//! (whose it is, read on `$disconnect`). Both expire with the connection's
//! longest life (API Gateway closes a WebSocket after two hours), so a
//! missed `$disconnect` cleans itself up.

use std::time::Duration;

use async_trait::async_trait;
use aws_sdk_apigatewaymanagement::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::describe;
use crate::domain::CoachId;
use crate::ports::{LiveEvent, Notifier};

/// API Gateway's longest WebSocket connection.
pub const CONNECTION_LIFETIME: Duration = Duration::from_secs(2 * 3600);

#[derive(Debug, thiserror::Error)]
#[error("the connections table: {0}")]
pub struct ConnectionsError(String);

/// The open connections (`CONNECTIONS_TABLE`: `pk`, `sk`, TTL `expires_at`).
#[derive(Clone)]
pub struct Connections {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl Connections {
    pub fn new(client: aws_sdk_dynamodb::Client, table: &str) -> Self {
        Self {
            client,
            table: table.to_owned(),
        }
    }

    pub async fn add(
        &self,
        coach: CoachId,
        connection: &str,
        now: DateTime<Utc>,
    ) -> Result<(), ConnectionsError> {
        let expires_at =
            AttributeValue::N((now.timestamp() + CONNECTION_LIFETIME.as_secs() as i64).to_string());
        for (pk, sk) in [
            (coach_key(coach), connection.to_owned()),
            (connection_key(connection), "coach".to_owned()),
        ] {
            self.client
                .put_item()
                .table_name(&self.table)
                .item("pk", AttributeValue::S(pk))
                .item("sk", AttributeValue::S(sk))
                .item("coach_id", AttributeValue::S(coach.0.to_string()))
                .item("expires_at", expires_at.clone())
                .send()
                .await
                .map_err(|e| ConnectionsError(describe(&e)))?;
        }
        Ok(())
    }

    /// Forgets a connection; nothing when it is not known.
    pub async fn remove(&self, connection: &str) -> Result<(), ConnectionsError> {
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(connection_key(connection)))
            .key("sk", AttributeValue::S("coach".into()))
            .send()
            .await
            .map_err(|e| ConnectionsError(describe(&e)))?;
        let coach = found
            .item()
            .and_then(|item| item.get("coach_id"))
            .and_then(|v| v.as_s().ok())
            .and_then(|id| Uuid::parse_str(id).ok())
            .map(CoachId);
        let mut keys = vec![(connection_key(connection), "coach".to_owned())];
        if let Some(coach) = coach {
            keys.push((coach_key(coach), connection.to_owned()));
        }
        for (pk, sk) in keys {
            self.client
                .delete_item()
                .table_name(&self.table)
                .key("pk", AttributeValue::S(pk))
                .key("sk", AttributeValue::S(sk))
                .send()
                .await
                .map_err(|e| ConnectionsError(describe(&e)))?;
        }
        Ok(())
    }

    /// The coach's connections that have not expired (DynamoDB deletes
    /// expired items only eventually).
    pub async fn of_coach(
        &self,
        coach: CoachId,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, ConnectionsError> {
        let found = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .filter_expression("expires_at > :now")
            .expression_attribute_values(":pk", AttributeValue::S(coach_key(coach)))
            .expression_attribute_values(":now", AttributeValue::N(now.timestamp().to_string()))
            .send()
            .await
            .map_err(|e| ConnectionsError(describe(&e)))?;
        Ok(found
            .items()
            .iter()
            .filter_map(|item| item.get("sk").and_then(|v| v.as_s().ok()).cloned())
            .collect())
    }
}

fn coach_key(coach: CoachId) -> String {
    format!("coach#{}", coach.0)
}

fn connection_key(connection: &str) -> String {
    format!("connection#{connection}")
}

/// Pushes live events to the coach's open WebSocket connections.
pub struct WebSocketNotifier {
    pub connections: Connections,
    /// The management API of the WebSocket API's stage.
    pub management: aws_sdk_apigatewaymanagement::Client,
}

#[async_trait]
impl Notifier for WebSocketNotifier {
    async fn publish(&self, event: LiveEvent) {
        let coach = event.coach_id;
        let connections = match self.connections.of_coach(coach, Utc::now()).await {
            Ok(connections) => connections,
            Err(error) => {
                tracing::warn!(coach = %coach, %error, "live event not pushed: connections unreadable");
                return;
            }
        };
        if connections.is_empty() {
            return;
        }
        let data = match serde_json::to_vec(&event) {
            Ok(data) => Blob::new(data),
            Err(error) => {
                tracing::error!(%error, "a live event did not serialise");
                return;
            }
        };
        for connection in connections {
            let pushed = self
                .management
                .post_to_connection()
                .connection_id(&connection)
                .data(data.clone())
                .send()
                .await;
            match pushed {
                Ok(_) => {}
                Err(error)
                    if error
                        .as_service_error()
                        .is_some_and(|e| e.is_gone_exception()) =>
                {
                    if let Err(error) = self.connections.remove(&connection).await {
                        tracing::warn!(%error, "a gone connection could not be removed");
                    }
                }
                Err(error) => {
                    tracing::warn!(coach = %coach, error = %describe(&error), "live event not pushed to a connection");
                }
            }
        }
    }
}
