//! Optional `jsonb` columns to and from their Rust types; a value that no
//! longer reads is corrupt data, named by what it holds.

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::StoreError;

pub(crate) fn optional<T: DeserializeOwned>(
    value: Option<serde_json::Value>,
    what: &str,
) -> Result<Option<T>, StoreError> {
    value
        .map(serde_json::from_value)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(crate) fn to_optional<T: Serialize>(
    value: Option<&T>,
    what: &str,
) -> Result<Option<serde_json::Value>, StoreError> {
    value
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}
