use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use tokio::sync::Notify;

use crate::ports::{QueueError, StageMessage, StageQueue};
use crate::store::{jobs, Pool};

/// Stage queues as rows of the `jobs` table.
#[derive(Clone)]
pub struct PgStageQueue {
    pool: Pool,
    max_attempts: i32,
    /// Wakes local workers at once instead of waiting for their next poll.
    wake: Arc<Notify>,
}

impl PgStageQueue {
    pub fn new(pool: Pool, max_attempts: i32, wake: Arc<Notify>) -> Self {
        Self {
            pool,
            max_attempts,
            wake,
        }
    }
}

#[async_trait]
impl StageQueue for PgStageQueue {
    async fn send(&self, message: &StageMessage) -> Result<(), QueueError> {
        let unavailable = |e: String| QueueError::Unavailable(e);
        let payload = serde_json::to_value(message).map_err(|e| unavailable(e.to_string()))?;
        let db = self
            .pool
            .get()
            .await
            .map_err(|e| unavailable(e.to_string()))?;
        jobs::enqueue(
            &db,
            message.stage.queue_name(),
            &payload,
            Some(&message.dedup_key()),
            self.max_attempts,
            Duration::ZERO,
        )
        .await
        .map_err(|e| unavailable(e.to_string()))?;
        self.wake.notify_waiters();
        Ok(())
    }
}
