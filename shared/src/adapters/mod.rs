//! Adapters behind the ports: `local` for one machine, `aws` for Lambda.

pub mod aws;
pub mod local;
