//! The small traits the pipeline and the API are written against. Each has a
//! local adapter (files, PostgreSQL) and an AWS adapter (S3, SQS, SES).

pub mod mailer;
pub mod notifier;
pub mod object_store;
pub mod queue;

pub use mailer::{MailError, Mailer, OutgoingEmail};
pub use notifier::{Notifier, SessionEvent, SessionEventKind};
pub use object_store::{ObjectStore, ObjectStoreError};
pub use queue::{QueueError, StageMessage, StageQueue};
