//! Stringly-typed columns are database enums and Rust enums, mapped one to one
//! by their labels (the SQL side of the mapping lives with the store).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

macro_rules! labelled_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $text),+ }
            }

            /// The variant with this label.
            pub fn from_label(label: &str) -> Option<Self> {
                match label {
                    $($text => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

labelled_enum!(CoachRole { Coach => "coach", Supervisor => "supervisor", Admin => "admin" });
labelled_enum!(SessionKind { OneToOne => "one_to_one", Group => "group" });
labelled_enum!(
    /// Processing status of a session.
    SessionStatus {
        AwaitingTranscript => "awaiting_transcript",
        Processing => "processing",
        Ready => "ready",
        Failed => "failed",
    }
);
labelled_enum!(
    /// The pipeline's stages, in order.
    PipelineStage { Chunk => "chunk", Analyse => "analyse", Embed => "embed", Notify => "notify" }
);
labelled_enum!(Attendance { Attended => "attended", Absent => "absent" });
labelled_enum!(
    /// Who or what made a summary or follow-up version: the analysis, the
    /// coach's edit, the language model at the coach's instruction, or the
    /// coach going back to an earlier version.
    VersionSource {
        Ai => "ai",
        CoachEdit => "coach_edit",
        AiRefinement => "ai_refinement",
        Revert => "revert",
    }
);
labelled_enum!(
    /// Where a follow-up is in its lifecycle (`domain::follow_up_lifecycle`).
    /// `unknown`: handed to the mail provider, outcome not recorded; the
    /// coach resolves it as sent or as resend, it is never resent silently.
    FollowUpStatus {
        Draft => "draft",
        Approved => "approved",
        Scheduled => "scheduled",
        Sending => "sending",
        Sent => "sent",
        Failed => "failed",
        Cancelled => "cancelled",
        Unknown => "unknown",
    }
);
labelled_enum!(TemplateKind { Summary => "summary", FollowUp => "follow_up" });
labelled_enum!(
    /// Whether a commitment still stands: `done` and `dropped` ones leave
    /// the coach's daily digest.
    CommitmentStatus { Open => "open", Done => "done", Dropped => "dropped" }
);

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
