//! One-machine adapters: files for objects and mail, PostgreSQL for queues,
//! an in-process broadcast for live events.

mod broadcast_notifier;
mod fs_object_store;
mod outbox_mailer;
mod pg_queue;

pub use broadcast_notifier::BroadcastNotifier;
pub use fs_object_store::FsObjectStore;
pub use outbox_mailer::OutboxMailer;
pub use pg_queue::PgStageQueue;
