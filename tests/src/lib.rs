//! Test harness: a fresh PostgreSQL database per test (cloned from a migrated
//! template), the local runtime on an ephemeral port, and helpers to drive it.

pub mod app;
pub mod aws;
pub mod database;
pub mod fixtures;
pub mod wire;

pub use app::{CheckIn, TestApp, TestAppOptions};
pub use database::TestDb;
