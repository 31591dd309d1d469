//! Adapters behind the ports: `local` for one machine.

pub mod local;
