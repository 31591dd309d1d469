//! The small traits the pipeline and the API are written against. Each has a
//! local adapter (files, PostgreSQL) and an AWS adapter (S3, SQS, SES,
//! DynamoDB). Each has its own error type; callers decide what it means to them.

pub mod idempotency;
pub mod mailer;
pub mod notifier;
pub mod object_store;
pub mod queue;
pub mod uploads;

/// A port error's cause, kept whole so the log can print its chain.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

pub use idempotency::{IdempotencyError, IdempotencyStore};
pub use mailer::{MailError, Mailer, OutgoingEmail};
pub use notifier::{EventKind, LiveEvent, LiveEvents, Notifier, RefinementTarget};
pub use object_store::{ObjectStore, ObjectStoreError};
pub use queue::{QueueError, StageMessage, StageQueue};
pub use uploads::{TranscriptUploads, UploadError, UploadTarget};
