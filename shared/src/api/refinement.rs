//! What the two refine endpoints share: the instruction's rules, the
//! language model's revision streamed to the coach's screens as it is
//! written (`refinement.delta` events, a few a second), and the problem
//! a failed revision answers.
//!
//! The revision is written before any row is locked: a model call takes
//! seconds, and a lock held that long would stall the coach's other
//! changes. The caller stores it afterwards, under the lock, only if the
//! draft is still the version it was refined from.

use std::fmt::Write as _;
use std::time::Duration;

use futures::StreamExt;
use serde::Deserialize;
use tokio::time::Instant;
use utoipa::ToSchema;
use uuid::Uuid;

use super::problem::ApiError;
use super::AppState;
use crate::ai::refiner::{RefineError, RefineEvent, RefineRequest, Refined};
use crate::domain::text::prose;
use crate::domain::CoachId;
use crate::domain::VersionSource;
use crate::metrics;
use crate::ports::{EventKind, LiveEvent, Notifier, RefinementTarget};
use crate::store::follow_ups::FollowUpVersion;
use crate::store::summaries::{SummaryContent, SummaryVersion};

/// Longest instruction a coach may give.
pub(super) const MAX_INSTRUCTION_CHARS: usize = 2_000;
/// How long deltas gather before they are pushed: each push is a request
/// to API Gateway on AWS, so a revision is a handful of pushes, not hundreds.
const PUSH_EVERY: Duration = Duration::from_millis(150);

/// What the coach wants changed.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefineInstruction {
    /// In the coach's words, 1–2,000 characters: "warmer", "add the
    /// breathing exercise", "shorter, and mention Thursday".
    #[schema(
        min_length = 1,
        max_length = 2000,
        example = "Warmer, and mention the breathing exercise."
    )]
    pub instruction: String,
}

impl RefineInstruction {
    /// The instruction, trimmed, or the field error.
    pub(super) fn checked(&self) -> Result<String, ApiError> {
        prose(&self.instruction, MAX_INSTRUCTION_CHARS)
            .ok()
            .map(|instruction| instruction.trim().to_owned())
            .filter(|instruction| !instruction.is_empty())
            .ok_or_else(|| {
                ApiError::field(
                    "instruction",
                    format!("must hold text, at most {MAX_INSTRUCTION_CHARS} characters"),
                )
            })
    }
}

/// Where a revision is being written to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Revising {
    pub coach: CoachId,
    pub target: RefinementTarget,
    /// The follow-up's id, or the session's.
    pub id: Uuid,
}

/// The refiner and notifier, or what to configure.
pub(super) fn refinement(state: &AppState) -> Result<&super::Refinement, ApiError> {
    state.refinement.as_ref().ok_or_else(|| {
        ApiError::NotConfigured(
            "Refinement needs a language model, and none is configured: set FLOWCOACH_LLM_BASE_URL and FLOWCOACH_LLM_MODEL (with FLOWCOACH_LLM_API_KEY where the provider needs a key); on AWS, the stack's LlmBaseUrl and LlmModel parameters and the LLM key secret (docs/deploy.md).".into(),
        )
    })
}

/// The revision of `request`, pushed to the coach's screens as it is
/// written; a failure is pushed too, and answered as a problem.
pub(super) async fn revise(
    state: &AppState,
    revising: Revising,
    request: &RefineRequest,
) -> Result<Refined, ApiError> {
    let refinement = refinement(state)?;
    let result = stream(refinement, revising, request).await;
    if let Err(error) = &result {
        tracing::warn!(target_kind = ?revising.target, id = %revising.id, %error, "a refinement failed");
        push(
            refinement.notifier.as_ref(),
            revising,
            EventKind::RefinementFailed {
                target: revising.target,
                id: revising.id,
                reason: failure_reason(error).into(),
            },
        )
        .await;
    }
    result.map_err(refine_problem)
}

async fn stream(
    refinement: &super::Refinement,
    revising: Revising,
    request: &RefineRequest,
) -> Result<Refined, RefineError> {
    let mut events = refinement.refiner.refine(request).await?;
    let mut pending = String::new();
    let mut last_push = Instant::now();
    while let Some(event) = events.next().await {
        match event? {
            RefineEvent::Delta(text) => {
                pending.push_str(&text);
                if last_push.elapsed() >= PUSH_EVERY {
                    push_delta(refinement.notifier.as_ref(), revising, &mut pending).await;
                    last_push = Instant::now();
                }
            }
            RefineEvent::Done(refined) => {
                push_delta(refinement.notifier.as_ref(), revising, &mut pending).await;
                tracing::info!(
                    model = %refined.model,
                    prompt_tokens = refined.usage.prompt_tokens,
                    completion_tokens = refined.usage.completion_tokens,
                    cost_usd = refined.usage.cost_usd,
                    "revision written by the language model"
                );
                metrics::record_usage(
                    metrics::Operation::Refinement,
                    &refined.model,
                    &refined.usage,
                );
                return Ok(refined);
            }
        }
    }
    Err(RefineError::Failed(
        "the revision ended before it was finished".into(),
    ))
}

async fn push_delta(notifier: &dyn Notifier, revising: Revising, pending: &mut String) {
    if pending.is_empty() {
        return;
    }
    let text = std::mem::take(pending);
    push(
        notifier,
        revising,
        EventKind::RefinementDelta {
            target: revising.target,
            id: revising.id,
            text,
        },
    )
    .await;
}

async fn push(notifier: &dyn Notifier, revising: Revising, kind: EventKind) {
    notifier.publish(LiveEvent::now(revising.coach, kind)).await;
}

/// Tells the coach's screens the revision is stored.
pub(super) async fn done(state: &AppState, revising: Revising, version: i32, version_id: Uuid) {
    if let Some(refinement) = &state.refinement {
        push(
            refinement.notifier.as_ref(),
            revising,
            EventKind::RefinementDone {
                target: revising.target,
                id: revising.id,
                version,
                version_id,
            },
        )
        .await;
    }
}

/// A reason the coach can act on; the provider's words stay in the log.
fn failure_reason(error: &RefineError) -> &'static str {
    match error {
        RefineError::Unavailable(_) => {
            "The language model is unavailable just now; try again in a minute."
        }
        RefineError::Failed(_) => {
            "The language model's revision could not be used; try again, perhaps with another instruction."
        }
    }
}

fn refine_problem(error: RefineError) -> ApiError {
    let message = failure_reason(&error);
    match error {
        RefineError::Unavailable(_) => ApiError::Unavailable {
            message,
            source: error.into(),
        },
        RefineError::Failed(_) => ApiError::BadGateway {
            message,
            source: error.into(),
        },
    }
}

/// What the session's summary says, as prose for the prompt: for one
/// client's email, that client's insights and commitments (never another
/// client's, never a risk flag's words); for the overview, everyone's.
pub(super) fn session_notes(content: &SummaryContent, client: Option<Uuid>) -> String {
    let mine = |id: Option<Uuid>| client.is_none() || id == client;
    let mut notes = format!("Overview: {}", content.overview.trim());
    if !content.themes.is_empty() {
        let _ = write!(notes, "\nThemes: {}", content.themes.join("; "));
    }
    for insight in content
        .client_insights
        .iter()
        .filter(|insight| mine(Some(insight.client_id)))
    {
        for line in insight.insights.iter().chain(&insight.highlights) {
            let _ = write!(notes, "\nAbout the client: {line}");
        }
    }
    // A client's own, and the coach's promises to them.
    let theirs = |c: &&crate::ai::analyst::Commitment| {
        mine(c.client_id) || client.is_some_and(|client| c.recipients.contains(&client))
    };
    for commitment in content.commitments.iter().filter(theirs) {
        let _ = write!(
            notes,
            "\nCommitment ({}): {}",
            commitment.owner, commitment.text
        );
        if let Some(due) = commitment.due {
            let _ = write!(notes, " (due {due})");
        }
    }
    if client.is_none() {
        for observation in &content.coach_observations {
            let _ = write!(notes, "\nOn the coach's practice: {observation}");
        }
    }
    notes
}

/// A revision of a text the coach reviews must still be text they could
/// have typed: the edit rules hold for it too.
pub(super) fn revised_text(text: &str, max: usize) -> Result<String, ApiError> {
    prose(text, max)
        .ok()
        .filter(|text| !text.trim().is_empty())
        .ok_or_else(|| ApiError::BadGateway {
            message: "The language model's revision could not be used; try again, perhaps with another instruction.",
            source: format!("the revision is empty, longer than {max} characters or holds control characters").into(),
        })
}

/// The version a revision was made from is no longer the current one.
pub(super) fn changed_meanwhile(what: &str) -> ApiError {
    ApiError::Conflict(format!(
        "The {what} changed while the language model was revising it; read it again and repeat the instruction."
    ))
}

/// A kept version, as the version helpers below read it.
pub(super) trait KeptVersion {
    fn number(&self) -> i32;
    fn source(&self) -> VersionSource;
    fn instruction(&self) -> Option<&str>;
}

impl KeptVersion for FollowUpVersion {
    fn number(&self) -> i32 {
        self.version
    }
    fn source(&self) -> VersionSource {
        self.source
    }
    fn instruction(&self) -> Option<&str> {
        self.instruction.as_deref()
    }
}

impl KeptVersion for SummaryVersion {
    fn number(&self) -> i32 {
        self.version
    }
    fn source(&self) -> VersionSource {
        self.source
    }
    fn instruction(&self) -> Option<&str> {
        self.instruction.as_deref()
    }
}

/// Version `number` of `versions`, or the field error naming the range.
pub(super) fn version_in<'a, V: KeptVersion>(
    versions: &'a [V],
    number: i32,
    field: &str,
) -> Result<&'a V, ApiError> {
    versions
        .iter()
        .find(|v| v.number() == number)
        .ok_or_else(|| {
            ApiError::field(field, format!("there are versions 1 to {}", versions.len()))
        })
}

/// The instructions behind the current text: the refinements in a row that
/// end at the current version (an edit or a revert starts the chain again).
pub(super) fn applied_instructions<V: KeptVersion>(versions: &[V]) -> Vec<String> {
    let mut instructions: Vec<String> = versions
        .iter()
        .rev()
        .take_while(|v| v.source() == VersionSource::AiRefinement)
        .filter_map(|v| v.instruction().map(str::to_owned))
        .collect();
    instructions.reverse();
    instructions
}

#[cfg(test)]
mod tests {
    use chrono::Utc;

    use super::*;
    use crate::ai::analyst::{ClientInsight, Commitment};

    fn version(version: i32, source: VersionSource, instruction: Option<&str>) -> FollowUpVersion {
        FollowUpVersion {
            version,
            subject: "s".into(),
            body: "b".into(),
            source,
            instruction: instruction.map(str::to_owned),
            model: None,
            based_on: None,
            usage: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn only_the_refinements_since_the_last_edit_or_revert_are_applied() {
        let versions = [
            version(1, VersionSource::Ai, None),
            version(2, VersionSource::AiRefinement, Some("warmer")),
            version(3, VersionSource::Revert, None),
            version(4, VersionSource::AiRefinement, Some("shorter")),
            version(5, VersionSource::AiRefinement, Some("mention Thursday")),
        ];
        assert_eq!(
            applied_instructions(&versions),
            ["shorter", "mention Thursday"]
        );
        assert!(applied_instructions(&versions[..3]).is_empty());
    }

    #[test]
    fn an_emails_notes_hold_only_its_clients_insights_and_commitments() {
        let (ana, ben) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let commitment =
            |owner: &str, client: Option<Uuid>, recipients: Vec<Uuid>, text: &str| Commitment {
                owner: owner.into(),
                client_id: client,
                text: text.into(),
                due: None,
                recurrence: None,
                recipients,
                quote: text.into(),
            };
        let content = SummaryContent {
            overview: "A group session on boundaries.".into(),
            themes: vec!["boundaries".into()],
            client_insights: vec![
                ClientInsight {
                    client_id: ana,
                    insights: vec!["Ana wants Fridays off.".into()],
                    highlights: vec![],
                },
                ClientInsight {
                    client_id: ben,
                    insights: vec!["Ben is tired.".into()],
                    highlights: vec![],
                },
            ],
            commitments: vec![
                commitment("Ana", Some(ana), vec![], "ask for Fridays off"),
                commitment("Ben", Some(ben), vec![], "sleep by eleven"),
                commitment("Coach", None, vec![ana], "send Ana the worksheet"),
            ],
            coach_observations: vec!["The coach spoke 60 % of the time.".into()],
            risk_flags: vec![],
            follow_through: vec![],
        };
        let for_ana = session_notes(&content, Some(ana));
        assert!(for_ana.contains("Ana wants Fridays off."));
        assert!(for_ana.contains("ask for Fridays off"));
        assert!(for_ana.contains("send Ana the worksheet"));
        assert!(!for_ana.contains("Ben"), "{for_ana}");
        assert!(
            !for_ana.contains("60 %"),
            "the coach's feedback is not the client's"
        );
        let for_overview = session_notes(&content, None);
        assert!(for_overview.contains("Ben is tired.") && for_overview.contains("60 %"));
    }
}
