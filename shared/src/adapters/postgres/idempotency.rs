use async_trait::async_trait;

use crate::domain::CoachId;
use crate::ports::idempotency::{
    Begin, IdempotencyError, IdempotencyStore, StoredResponse, KEY_TTL,
};
use crate::store::{idempotency, Pool, StoreError};

/// `Idempotency-Key` records in the `idempotency_records` table.
pub struct PgIdempotencyStore {
    pub db: Pool,
}

/// A database that cannot be reached now is unavailable; anything else is a failure.
fn port_error(error: StoreError) -> IdempotencyError {
    if error.is_transient() {
        IdempotencyError::Unavailable(error.into())
    } else {
        IdempotencyError::Failed(error.into())
    }
}

impl PgIdempotencyStore {
    async fn connection(&self) -> Result<deadpool_postgres::Object, IdempotencyError> {
        self.db
            .get()
            .await
            .map_err(|e| port_error(StoreError::Pool(e)))
    }
}

#[async_trait]
impl IdempotencyStore for PgIdempotencyStore {
    async fn begin(
        &self,
        coach: CoachId,
        key: &str,
        request_hash: &str,
    ) -> Result<Begin, IdempotencyError> {
        let db = self.connection().await?;
        idempotency::begin(&db, coach, key, request_hash, chrono::Utc::now() + KEY_TTL)
            .await
            .map_err(port_error)
    }

    async fn finish(
        &self,
        coach: CoachId,
        key: &str,
        response: &StoredResponse,
    ) -> Result<(), IdempotencyError> {
        let db = self.connection().await?;
        idempotency::finish(&db, coach, key, response)
            .await
            .map_err(port_error)
    }

    async fn abandon(&self, coach: CoachId, key: &str) -> Result<(), IdempotencyError> {
        let db = self.connection().await?;
        idempotency::abandon(&db, coach, key)
            .await
            .map_err(port_error)
    }
}
