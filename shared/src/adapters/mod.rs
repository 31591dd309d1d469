//! Adapters behind the ports: `local` for one machine, `aws` for Lambda,
//! `postgres` for what both keep in the database.

pub mod aws;
pub mod local;
pub mod postgres;
