use async_trait::async_trait;
use tokio::sync::broadcast;

use crate::ports::{LiveEvent, LiveEvents, Notifier};

/// Live events fanned out in-process to subscribers (WebSocket connections).
#[derive(Debug, Clone)]
pub struct BroadcastNotifier {
    sender: broadcast::Sender<LiveEvent>,
}

impl BroadcastNotifier {
    pub fn new(capacity: usize) -> Self {
        let (sender, _) = broadcast::channel(capacity);
        Self { sender }
    }
}

impl LiveEvents for BroadcastNotifier {
    fn subscribe(&self) -> broadcast::Receiver<LiveEvent> {
        self.sender.subscribe()
    }
}

#[async_trait]
impl Notifier for BroadcastNotifier {
    async fn publish(&self, event: LiveEvent) {
        // No subscriber means no open screen; the event is simply not needed.
        if self.sender.send(event).is_err() {
            tracing::trace!("no live subscribers for the event");
        }
    }
}
