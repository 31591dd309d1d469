//! Stringly-typed columns are Postgres enums and Rust enums, mapped one to one.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The enums cross the wire as their labels. Parameters are declared
/// "unknown" so the server resolves the enum type from the column or operator
/// it meets, and columns are selected as text (`status::text AS status`):
/// then the driver never has to look an enum's OID up, which it would do with a
/// named prepared statement (see `store::sql`). A column read without the cast
/// fails loudly in tests rather than silently pinning an RDS Proxy connection.
macro_rules! pg_enum_sql {
    ($name:ident, $pg:literal { $($variant:ident => $text:literal),+ }) => {
        impl $name {
            /// The variant with this label.
            pub fn from_label(label: &str) -> Option<Self> {
                match label {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl postgres_types::ToSql for $name {
            fn to_sql(
                &self,
                _: &postgres_types::Type,
                out: &mut bytes::BytesMut,
            ) -> Result<postgres_types::IsNull, Box<dyn std::error::Error + Sync + Send>> {
                out.extend_from_slice(self.as_str().as_bytes());
                Ok(postgres_types::IsNull::No)
            }

            fn accepts(ty: &postgres_types::Type) -> bool {
                *ty == postgres_types::Type::UNKNOWN || ty.name() == $pg
            }

            postgres_types::to_sql_checked!();
        }

        impl crate::store::sql::SqlType for $name {
            fn sql_type() -> postgres_types::Type {
                postgres_types::Type::UNKNOWN
            }
        }

        impl<'a> postgres_types::FromSql<'a> for $name {
            fn from_sql(
                _: &postgres_types::Type,
                raw: &'a [u8],
            ) -> Result<Self, Box<dyn std::error::Error + Sync + Send>> {
                let label = std::str::from_utf8(raw)?;
                Self::from_label(label)
                    .ok_or_else(|| format!("{label:?} is not a {}", $pg).into())
            }

            fn accepts(ty: &postgres_types::Type) -> bool {
                matches!(*ty, postgres_types::Type::TEXT | postgres_types::Type::VARCHAR)
            }
        }
    };
}

macro_rules! pg_enum {
    ($(#[$meta:meta])* $name:ident, $pg:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        pg_enum_sql!($name, $pg { $($variant => $text),+ });

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pg_enum!(CoachRole, "coach_role" { Coach => "coach", Supervisor => "supervisor", Admin => "admin" });
pg_enum!(SessionKind, "session_kind" { OneToOne => "one_to_one", Group => "group" });
pg_enum!(
    /// Processing status of a session.
    SessionStatus, "session_status" {
        AwaitingTranscript => "awaiting_transcript",
        Processing => "processing",
        Ready => "ready",
        Failed => "failed",
    }
);
pg_enum!(
    /// The pipeline's stages, in order.
    PipelineStage, "pipeline_stage" { Chunk => "chunk", Analyse => "analyse", Embed => "embed", Notify => "notify" }
);
pg_enum!(Attendance, "attendance" { Attended => "attended", Absent => "absent" });
pg_enum!(
    /// Who or what made a summary or follow-up version.
    VersionSource, "version_source" { Ai => "ai", CoachEdit => "coach_edit", AiRefinement => "ai_refinement" }
);
pg_enum!(
    FollowUpStatus, "follow_up_status" {
        Draft => "draft",
        Approved => "approved",
        Scheduled => "scheduled",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
        Cancelled => "cancelled",
    }
);
pg_enum!(TemplateKind, "template_kind" { Summary => "summary", FollowUp => "follow_up" });

impl PipelineStage {
    pub const ALL: [PipelineStage; 4] = [Self::Chunk, Self::Analyse, Self::Embed, Self::Notify];

    /// The stage that runs after this one, if any.
    pub fn next(self) -> Option<Self> {
        match self {
            Self::Chunk => Some(Self::Analyse),
            Self::Analyse => Some(Self::Embed),
            Self::Embed => Some(Self::Notify),
            Self::Notify => None,
        }
    }

    /// Name of the queue feeding this stage.
    pub fn queue_name(self) -> &'static str {
        match self {
            Self::Chunk => "stage-chunk",
            Self::Analyse => "stage-analyse",
            Self::Embed => "stage-embed",
            Self::Notify => "stage-notify",
        }
    }

    pub fn from_queue_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|stage| stage.queue_name() == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_chain_in_order_and_end_with_notify() {
        let mut stage = PipelineStage::Chunk;
        let mut seen = vec![stage];
        while let Some(next) = stage.next() {
            seen.push(next);
            stage = next;
        }
        assert_eq!(seen, PipelineStage::ALL.to_vec());
    }

    #[test]
    fn queue_names_round_trip() {
        for stage in PipelineStage::ALL {
            assert_eq!(
                PipelineStage::from_queue_name(stage.queue_name()),
                Some(stage)
            );
        }
        assert_eq!(PipelineStage::from_queue_name("nope"), None);
    }
}
