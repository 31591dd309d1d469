//! Cursor pagination: an opaque cursor encodes the last item's (created_at, id).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::problem::ApiError;

pub const DEFAULT_LIMIT: i64 = 50;
pub const MAX_LIMIT: i64 = 200;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items per page (default 50).
    #[param(value_type = i64, required = false, minimum = 1, maximum = 200)]
    pub limit: Option<i64>,
    /// The `next_cursor` of the previous page (any other value: 422).
    #[param(value_type = String, required = false)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

impl PageQuery {
    pub fn limit(&self) -> Result<i64, ApiError> {
        match self.limit {
            None => Ok(DEFAULT_LIMIT),
            Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
            Some(_) => Err(ApiError::field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            )),
        }
    }

    pub fn after(&self) -> Result<Option<(DateTime<Utc>, Uuid)>, ApiError> {
        self.cursor.as_deref().map(decode).transpose()
    }
}

fn encode(at: DateTime<Utc>, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}|{id}", at.timestamp_micros()))
}

fn decode(cursor: &str) -> Result<(DateTime<Utc>, Uuid), ApiError> {
    let invalid = || ApiError::field("cursor", "is not a cursor this API issued");
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(raw).map_err(|_| invalid())?;
    let (micros, id) = text.split_once('|').ok_or_else(invalid)?;
    let at = micros
        .parse::<i64>()
        .ok()
        .and_then(DateTime::from_timestamp_micros)
        .ok_or_else(invalid)?;
    Ok((at, Uuid::parse_str(id).map_err(|_| invalid())?))
}

/// Builds a page from `limit + 1` fetched rows.
pub fn page<T>(mut rows: Vec<T>, limit: i64, key: impl Fn(&T) -> (DateTime<Utc>, Uuid)) -> Page<T> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    let next_cursor = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|last| {
            let (at, id) = key(last);
            encode(at, id)
        })
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_garbage_is_a_field_error() {
        let at = DateTime::from_timestamp_micros(1_760_000_000_123_456).unwrap();
        let id = Uuid::new_v4();
        let query = PageQuery {
            limit: None,
            cursor: Some(encode(at, id)),
        };
        assert_eq!(query.after().unwrap(), Some((at, id)));
        let bad = PageQuery {
            limit: None,
            cursor: Some("nope".into()),
        };
        assert!(matches!(bad.after(), Err(ApiError::Validation(_))));
    }

    #[test]
    fn a_full_page_has_a_cursor_and_the_last_does_not() {
        let now = Utc::now();
        let rows: Vec<(DateTime<Utc>, Uuid)> = (0..3).map(|_| (now, Uuid::new_v4())).collect();
        assert!(page(rows.clone(), 2, |r| *r).next_cursor.is_some());
        assert_eq!(page(rows.clone(), 2, |r| *r).items.len(), 2);
        assert!(page(rows, 3, |r| *r).next_cursor.is_none());
    }

    #[test]
    fn limits_outside_the_range_are_rejected() {
        for bad in [0, -1, 201] {
            assert!(PageQuery {
                limit: Some(bad),
                cursor: None
            }
            .limit()
            .is_err());
        }
    }
}
