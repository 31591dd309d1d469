use async_trait::async_trait;
use tokio::sync::broadcast;

use crate::ports::{Notifier, SessionEvent};

/// Live events fanned out in-process to subscribers (WebSocket connections).
#[derive(Debug, Clone)]
pub struct BroadcastNotifier {
    sender: broadcast::Sender<SessionEvent>,
}

impl BroadcastNotifier {
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<SessionEvent> {
        self.sender.subscribe()
    }
}

#[async_trait]
impl Notifier for BroadcastNotifier {
    async fn publish(&self, event: SessionEvent) {
        // No subscriber means no open screen; the event is simply not needed.
        if self.sender.send(event).is_err() {
            tracing::trace!("no live subscribers for session event");
        }
    }
}
