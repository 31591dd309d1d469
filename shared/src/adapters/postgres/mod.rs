//! PostgreSQL adapters that serve both runtimes. They are not under `local/`:
//! an AWS API function given no `IDEMPOTENCY_TABLE` keeps its idempotency
//! records in PostgreSQL too. Their SQL lives in `store/`.

mod idempotency;

pub use idempotency::PgIdempotencyStore;
