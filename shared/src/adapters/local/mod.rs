//! One-machine adapters: files for objects and mail, PostgreSQL for queues,
//! an in-process broadcast for live events, the API itself for uploads.

mod broadcast_notifier;
mod direct_uploads;
mod fs_object_store;
mod outbox_mailer;
mod pg_queue;

pub use broadcast_notifier::BroadcastNotifier;
pub use direct_uploads::DirectUploads;
pub use fs_object_store::FsObjectStore;
pub use outbox_mailer::OutboxMailer;
pub use pg_queue::PgStageQueue;
