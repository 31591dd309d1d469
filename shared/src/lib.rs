//! FlowCoach core: domain, transcript handling, pipeline stages, API routers,
//! ports and their adapters. Lambda binaries and the local server only wire
//! adapters to what lives here.

pub mod adapters;
pub mod ai;
pub mod api;
pub mod aws;
pub mod config;
pub mod crypto;
pub mod delivery;
pub mod domain;
pub mod ingest;
pub mod metrics;
pub mod pipeline;
pub mod ports;
pub mod retention;
pub mod runtime;
pub mod search;
pub mod store;
pub mod telemetry;
pub mod transcript;
