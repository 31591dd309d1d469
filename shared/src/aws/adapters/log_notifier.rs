use async_trait::async_trait;

use crate::ports::{LiveEvent, Notifier};

/// Live events as structured log records. Pushing them to open WebSocket
/// connections (API Gateway management API) replaces this when the WebSocket
/// API is deployed; until then the events stay observable in CloudWatch.
#[derive(Debug, Clone, Default)]
pub struct LogNotifier;

#[async_trait]
impl Notifier for LogNotifier {
    async fn publish(&self, event: LiveEvent) {
        // A revision's text is the coach's draft to a client: never logged.
        if event.kind.carries_text() {
            return;
        }
        match serde_json::to_string(&event) {
            Ok(json) => tracing::info!(coach = %event.coach_id, event = %json, "live event"),
            Err(error) => tracing::warn!(%error, "live event could not be serialised"),
        }
    }
}
