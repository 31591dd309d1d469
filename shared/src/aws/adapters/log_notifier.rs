use async_trait::async_trait;

use crate::ports::{Notifier, SessionEvent};

/// Live events as structured log records. Pushing them to open WebSocket
/// connections (API Gateway management API) replaces this when the WebSocket
/// API is deployed; until then the events stay observable in CloudWatch.
#[derive(Debug, Clone, Default)]
pub struct LogNotifier;

#[async_trait]
impl Notifier for LogNotifier {
    async fn publish(&self, event: SessionEvent) {
        match serde_json::to_string(&event) {
            Ok(json) => tracing::info!(event = %json, "session event"),
            Err(error) => tracing::warn!(%error, "session event could not be serialised"),
        }
    }
}
