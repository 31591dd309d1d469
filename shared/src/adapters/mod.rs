//! Adapters behind the ports: `local` for one machine, `postgres` for what
//! both runtimes keep in the database, `not_configured` for what a function
//! was not given, `smtp_mailer` for a mail server of one's own (`mime`
//! builds the messages it and the outbox send). The AWS adapters live with the rest of the AWS glue, in
//! `crate::aws::adapters`.

pub mod local;
pub mod mime;
pub mod not_configured;
pub mod postgres;
pub mod smtp_mailer;
