//! Adapters behind the ports: `local` for one machine, `postgres` for what
//! both runtimes keep in the database, `not_configured` for what a function
//! was not given. The AWS adapters live with the rest of the AWS glue, in
//! `crate::aws::adapters`.

pub mod local;
pub mod not_configured;
pub mod postgres;
