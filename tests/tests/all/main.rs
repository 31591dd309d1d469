//! End-to-end and cross-crate tests, one binary (one link) for all of them.

mod analysis_corpus;
mod analysis_fixtures;
mod api;
mod api_lambda;
mod aws;
mod bad_input;
mod commitments;
mod delivery;
mod events;
mod follow_ups;
mod hostile;
mod http;
mod inbox;
mod isolation;
mod lambda;
mod lean_functions;
mod openapi;
mod pinning;
mod pipeline;
mod queue;
mod resilience;
mod smtp;
mod support;
mod template;
mod templates;
mod websocket_aws;
