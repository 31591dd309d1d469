//! End-to-end and cross-crate tests, one binary (one link) for all of them.

mod api;
mod bad_input;
mod inbox;
mod isolation;
mod lambda;
mod openapi;
mod pipeline;
mod queue;
mod resilience;
mod support;
