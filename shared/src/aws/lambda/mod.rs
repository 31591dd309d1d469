//! Lambda-side glue that is not tied to one function: SQS batches for the
//! pipeline stages.

pub mod s3_event;
pub mod stage;
