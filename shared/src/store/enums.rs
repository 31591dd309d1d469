//! The domain's enums as PostgreSQL enum columns, by label.
//!
//! Parameters are declared "unknown" so the server resolves the enum type from
//! the column or operator it meets, and columns are selected as text
//! (`status::text AS status`): then the driver never has to look an enum's OID
//! up, which it would do with a named prepared statement (see `store::sql`). A
//! column read without the cast fails loudly in tests rather than silently
//! pinning an RDS Proxy connection.

use postgres_types::{FromSql, IsNull, ToSql, Type};

use super::sql::SqlType;
use crate::domain::{
    Attendance, CoachRole, CommitmentStatus, FollowUpStatus, PipelineStage, SessionKind,
    SessionStatus, TemplateKind, VersionSource,
};

type BoxError = Box<dyn std::error::Error + Sync + Send>;

macro_rules! sql_enum {
    ($($name:ident => $pg:literal),+ $(,)?) => {$(
        impl ToSql for $name {
            fn to_sql(&self, _: &Type, out: &mut bytes::BytesMut) -> Result<IsNull, BoxError> {
                out.extend_from_slice(self.as_str().as_bytes());
                Ok(IsNull::No)
            }

            fn accepts(ty: &Type) -> bool {
                *ty == Type::UNKNOWN || ty.name() == $pg
            }

            postgres_types::to_sql_checked!();
        }

        impl SqlType for $name {
            fn sql_type() -> Type {
                Type::UNKNOWN
            }
        }

        impl<'a> FromSql<'a> for $name {
            fn from_sql(_: &Type, raw: &'a [u8]) -> Result<Self, BoxError> {
                let label = std::str::from_utf8(raw)?;
                Self::from_label(label).ok_or_else(|| format!("{label:?} is not a {}", $pg).into())
            }

            fn accepts(ty: &Type) -> bool {
                matches!(*ty, Type::TEXT | Type::VARCHAR)
            }
        }
    )+};
}

sql_enum! {
    CoachRole => "coach_role",
    SessionKind => "session_kind",
    SessionStatus => "session_status",
    PipelineStage => "pipeline_stage",
    Attendance => "attendance",
    VersionSource => "version_source",
    FollowUpStatus => "follow_up_status",
    TemplateKind => "template_kind",
    CommitmentStatus => "commitment_status",
}
