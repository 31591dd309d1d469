//! How the store talks to PostgreSQL: every statement goes out as the
//! extended protocol's *unnamed* statement, with its parameter types declared
//! by the caller's Rust types, so the driver never prepares a named statement
//! and never looks a type up.
//!
//! Why: RDS Proxy pins a client connection to one database connection for the
//! rest of its life when it sees a named prepared statement (ADR 0004).
//! `tokio-postgres`' `query`/`execute` with a `&str` prepare a named statement
//! (`s0`, `s1`, …) for every call, and reading a column of a type it does not
//! know (our enums) makes it prepare and keep its own `typeinfo` statements.
//! Here parameters carry their type up front (custom types as "unknown", which
//! the server resolves from context) and enum columns are read as text
//! (`status::text AS status`), so neither happens. clippy.toml forbids the
//! named-statement methods in this workspace's code.

use std::future::Future;

use tokio_postgres::types::{Json, Kind, ToSql, Type};
use tokio_postgres::{Error, Row};

/// A statement parameter that knows the PostgreSQL type to declare for it.
pub trait SqlParam: ToSql + Sync {
    fn sql_type(&self) -> Type;
    fn as_to_sql(&self) -> &(dyn ToSql + Sync);
}

/// The PostgreSQL type a Rust type is sent as.
pub trait SqlType {
    fn sql_type() -> Type;
}

impl<T: SqlType + ToSql + Sync> SqlParam for T {
    fn sql_type(&self) -> Type {
        T::sql_type()
    }

    fn as_to_sql(&self) -> &(dyn ToSql + Sync) {
        self
    }
}

macro_rules! sql_types {
    ($($rust:ty => $pg:expr),+ $(,)?) => {
        $(impl SqlType for $rust {
            fn sql_type() -> Type {
                $pg
            }
        })+
    };
}

sql_types! {
    bool => Type::BOOL,
    i16 => Type::INT2,
    i32 => Type::INT4,
    i64 => Type::INT8,
    f32 => Type::FLOAT4,
    f64 => Type::FLOAT8,
    str => Type::TEXT,
    String => Type::TEXT,
    uuid::Uuid => Type::UUID,
    chrono::DateTime<chrono::Utc> => Type::TIMESTAMPTZ,
    chrono::NaiveDate => Type::DATE,
    serde_json::Value => Type::JSONB,
    Vec<String> => Type::TEXT_ARRAY,
    [String] => Type::TEXT_ARRAY,
    Vec<&str> => Type::TEXT_ARRAY,
    [&str] => Type::TEXT_ARRAY,
    Vec<u8> => Type::BYTEA,
    [u8] => Type::BYTEA,
    Vec<uuid::Uuid> => Type::UUID_ARRAY,
    [uuid::Uuid] => Type::UUID_ARRAY,
    Vec<i32> => Type::INT4_ARRAY,
}

impl<T: SqlType + ?Sized> SqlType for &T {
    fn sql_type() -> Type {
        T::sql_type()
    }
}

impl<T: SqlType> SqlType for Option<T> {
    fn sql_type() -> Type {
        T::sql_type()
    }
}

impl<T> SqlType for Json<T> {
    fn sql_type() -> Type {
        Type::JSONB
    }
}

/// pgvector's `vector`: its OID differs per database, so it is declared as
/// unspecified (OID 0) for the server to infer from the column it is bound to.
impl SqlType for pgvector::Vector {
    fn sql_type() -> Type {
        Type::new("vector".into(), 0, Kind::Simple, "public".into())
    }
}

/// Runs statements unnamed. Implemented for the pooled client and for
/// transactions, so repositories take `&impl Executor` and work with either.
pub trait Executor: Sync {
    /// Every row the statement returns.
    fn fetch_all(
        &self,
        sql: &str,
        params: &[&dyn SqlParam],
    ) -> impl Future<Output = Result<Vec<Row>, Error>> + Send;

    /// Exactly one row, or an error.
    fn fetch_one(
        &self,
        sql: &str,
        params: &[&dyn SqlParam],
    ) -> impl Future<Output = Result<Row, Error>> + Send;

    /// At most one row, or an error when there are more.
    fn fetch_optional(
        &self,
        sql: &str,
        params: &[&dyn SqlParam],
    ) -> impl Future<Output = Result<Option<Row>, Error>> + Send;

    /// Runs the statement and returns how many rows it changed.
    fn exec(
        &self,
        sql: &str,
        params: &[&dyn SqlParam],
    ) -> impl Future<Output = Result<u64, Error>> + Send;
}

fn typed<'a>(params: &'a [&'a dyn SqlParam]) -> Vec<(&'a (dyn ToSql + Sync), Type)> {
    params
        .iter()
        .map(|param| (param.as_to_sql(), param.sql_type()))
        .collect()
}

macro_rules! unnamed_executor {
    ($($client:ty),+ $(,)?) => {
        $(impl Executor for $client {
            async fn fetch_all(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<Vec<Row>, Error> {
                self.query_typed(sql, &typed(params)).await
            }

            async fn fetch_one(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<Row, Error> {
                self.query_typed_one(sql, &typed(params)).await
            }

            async fn fetch_optional(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<Option<Row>, Error> {
                self.query_typed_opt(sql, &typed(params)).await
            }

            async fn exec(&self, sql: &str, params: &[&dyn SqlParam]) -> Result<u64, Error> {
                self.execute_typed(sql, &typed(params)).await
            }
        })+
    };
}

unnamed_executor!(
    tokio_postgres::Client,
    tokio_postgres::Transaction<'_>,
    deadpool_postgres::Client,
    deadpool_postgres::Transaction<'_>,
);
