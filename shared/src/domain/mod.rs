//! Domain types and rules. No I/O lives here.

mod email;
pub mod follow_up_lifecycle;
pub mod retention;
pub mod revision_diff;
mod status;
pub mod text;

pub use email::{EmailAddress, InvalidEmail};
pub use status::{
    Attendance, CoachRole, CommitmentStatus, FollowUpStatus, PipelineStage, SessionKind,
    SessionStatus, TemplateKind, VersionSource,
};

use uuid::Uuid;

/// The tenant every query is scoped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct CoachId(pub Uuid);

impl std::fmt::Display for CoachId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl std::str::FromStr for CoachId {
    type Err = uuid::Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Uuid::parse_str(s).map(Self)
    }
}

/// A new, time-ordered id (UUIDv7 keeps b-tree inserts local and sorts by creation).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}
