use std::collections::HashMap;

use async_trait::async_trait;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;

use super::describe;
use crate::domain::CoachId;
use crate::ports::idempotency::{
    Begin, IdempotencyError, IdempotencyStore, StoredResponse, KEY_TTL,
};

/// API `Idempotency-Key` records in DynamoDB: claimed by a conditional put,
/// expired by TTL. DynamoDB deletes expired items late (and emulators never),
/// so expiry is also checked in the condition.
#[derive(Clone, Debug)]
pub struct DynamoIdempotencyStore {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl DynamoIdempotencyStore {
    pub fn new(client: aws_sdk_dynamodb::Client, table: impl Into<String>) -> Self {
        Self {
            client,
            table: table.into(),
        }
    }
}

fn partition_key(coach: CoachId, key: &str) -> AttributeValue {
    AttributeValue::S(format!("idem#{coach}#{key}"))
}

fn unavailable(reason: String) -> IdempotencyError {
    IdempotencyError::Unavailable(reason.into())
}

fn text(item: &HashMap<String, AttributeValue>, name: &str) -> Option<String> {
    item.get(name).and_then(|v| v.as_s().ok()).cloned()
}

#[async_trait]
impl IdempotencyStore for DynamoIdempotencyStore {
    async fn begin(
        &self,
        coach: CoachId,
        key: &str,
        request_hash: &str,
    ) -> Result<Begin, IdempotencyError> {
        let now = chrono::Utc::now().timestamp();
        let expires_at = now + KEY_TTL.num_seconds();
        let put = self
            .client
            .put_item()
            .table_name(&self.table)
            .item("pk", partition_key(coach, key))
            .item("request_hash", AttributeValue::S(request_hash.to_owned()))
            .item("expires_at", AttributeValue::N(expires_at.to_string()))
            .condition_expression("attribute_not_exists(pk) OR expires_at <= :now")
            .expression_attribute_values(":now", AttributeValue::N(now.to_string()))
            .send()
            .await;
        match put {
            Ok(_) => return Ok(Begin::Started),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) => {}
            Err(e) => return Err(unavailable(describe(&e))),
        }
        let item = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", partition_key(coach, key))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| unavailable(describe(&e)))?
            .item
            .unwrap_or_default();
        if text(&item, "request_hash").as_deref() != Some(request_hash) {
            return Ok(Begin::Mismatch);
        }
        let status = item
            .get("status_code")
            .and_then(|v| v.as_n().ok())
            .and_then(|n| n.parse::<u16>().ok());
        Ok(match status {
            None => Begin::InFlight,
            Some(status) => Begin::Replay(StoredResponse {
                status,
                body: item
                    .get("body")
                    .and_then(|v| v.as_b().ok())
                    .map(|b| b.as_ref().to_vec())
                    .unwrap_or_default(),
                content_type: text(&item, "content_type"),
                location: text(&item, "location"),
            }),
        })
    }

    async fn finish(
        &self,
        coach: CoachId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), IdempotencyError> {
        let mut update = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", partition_key(coach, key))
            .update_expression(
                "SET status_code = :status, body = :body, content_type = :type, #loc = :location",
            )
            .expression_attribute_names("#loc", "location")
            .expression_attribute_values(":status", AttributeValue::N(response.status.to_string()))
            .expression_attribute_values(
                ":body",
                AttributeValue::B(Blob::new(response.body.clone())),
            )
            .expression_attribute_values(
                ":type",
                AttributeValue::S(
                    response
                        .content_type
                        .clone()
                        .unwrap_or_else(|| "application/json".into()),
                ),
            );
        update = match &response.location {
            Some(location) => {
                update.expression_attribute_values(":location", AttributeValue::S(location.clone()))
            }
            None => update.expression_attribute_values(":location", AttributeValue::Null(true)),
        };
        update.send().await.map_err(|e| unavailable(describe(&e)))?;
        Ok(())
    }

    async fn abandon(&self, coach: CoachId, key: &str) -> Result<(), IdempotencyError> {
        self.client
            .delete_item()
            .table_name(&self.table)
            .key("pk", partition_key(coach, key))
            .send()
            .await
            .map_err(|e| unavailable(describe(&e)))?;
        Ok(())
    }
}
