//! Lambda-side glue that is not tied to one function: SQS batches for the
//! pipeline stages and for SES's mail events, the WebSocket API's routes.

pub mod mail_events;
pub mod s3_event;
pub mod stage;
pub mod websocket;
