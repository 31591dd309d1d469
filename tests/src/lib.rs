//! Test harness: a fresh PostgreSQL database per test (cloned from a migrated
//! template), the local runtime on an ephemeral port, and helpers to drive it;
//! plus the scorer of the local analyser against the labelled fixtures.

pub mod app;
pub mod aws;
pub mod database;
pub mod evaluation;
pub mod fixture_sessions;
pub mod fixtures;
pub mod mailer;
pub mod memory;
pub mod scripted_model;
pub mod smtp_sink;
pub mod wire;

pub use app::{CheckIn, TestApp, TestAppOptions};
pub use database::TestDb;
