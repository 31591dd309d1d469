//! The analyst port: turns a parsed, speaker-mapped transcript into a session
//! analysis and one follow-up draft per attending client.

use async_trait::async_trait;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::transcript::model::{Chunk, CoachingMetrics};

/// Who a transcript speaker is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SpeakerRole {
    Coach,
    Client { client_id: Uuid },
    Unknown,
}

/// One utterance with its speaker resolved to a participant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributedUtterance {
    pub speaker: String,
    pub role: SpeakerRole,
    pub start_ms: Option<u64>,
    pub text: String,
}

/// A follow-up template as the analyst needs it. `subject` and `body` are
/// sandboxed minijinja templates; `instructions` guide an LLM (tone, length).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpTemplate {
    pub id: Uuid,
    /// The template's version the draft is written from (recorded on it).
    pub version: i32,
    pub name: String,
    pub subject: String,
    pub body: String,
    pub instructions: String,
}

/// An attending client and the template their follow-up uses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClientParticipant {
    pub client_id: Uuid,
    pub full_name: String,
    pub first_name: String,
    /// The transcript speaker label that is this client, when known.
    pub speaker_label: Option<String>,
    pub template: FollowUpTemplate,
}

/// Everything the analyst may read about one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AnalysisRequest {
    pub session_title: String,
    /// The calendar date the session was held, in the coach's time zone;
    /// relative due dates ("tomorrow", "by Friday") resolve against it.
    pub held_on: NaiveDate,
    pub coach_name: String,
    /// The coach's sign-off used in follow-ups (sender name).
    pub coach_signature: String,
    pub coach_speaker_label: Option<String>,
    pub clients: Vec<ClientParticipant>,
    pub utterances: Vec<AttributedUtterance>,
    pub chunks: Vec<Chunk>,
    pub metrics: CoachingMetrics,
    /// When the next session is booked, if known (template placeholder).
    pub next_session_on: Option<NaiveDate>,
    /// Which analyser the coach chose (`coaches.settings.analyser`).
    #[serde(default)]
    pub analyser: AnalyserChoice,
    /// The attending clients' commitments from earlier sessions that are
    /// still open: the analysis says what became of each.
    #[serde(default)]
    pub earlier_commitments: Vec<EarlierCommitment>,
}

/// A commitment a client made in an earlier session, still open.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlierCommitment {
    /// The session it was made in.
    pub session_id: Uuid,
    pub client_id: Uuid,
    pub owner: String,
    pub text: String,
    pub due: Option<NaiveDate>,
}

/// What a session says became of an earlier commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowThroughOutcome {
    /// The client said they did it.
    Done,
    /// The client said they did not (yet).
    NotDone,
    /// Nobody spoke of it, or not so that either could be told.
    NotMentioned,
}

/// One earlier commitment and what this session says became of it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FollowThrough {
    /// The session the commitment was made in.
    pub session_id: Uuid,
    pub client_id: Uuid,
    pub owner: String,
    /// The commitment, as it was recorded.
    pub text: String,
    pub outcome: FollowThroughOutcome,
    /// This session's words the outcome rests on; none when not mentioned.
    pub quote: Option<String>,
}

/// Which analyser writes a coach's analyses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnalyserChoice {
    /// The deployment's choice: the language model when one is configured.
    #[default]
    Default,
    /// The offline, rule-based analyser, even when a model is configured.
    Local,
    /// The configured language model (the local analyser where none is).
    LanguageModel,
}

/// A commitment someone made in the session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Commitment {
    /// The speaker who owns the commitment (coach or client display name).
    pub owner: String,
    /// Set when the owner is an attending client.
    pub client_id: Option<Uuid>,
    pub text: String,
    pub due: Option<NaiveDate>,
    /// How often it repeats, as said ("every Monday before my shifts"): a
    /// recurring commitment has no single due date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recurrence: Option<String>,
    /// For the coach's commitments: the clients it was promised to (every
    /// attending client when it was made to the group). Each client's
    /// follow-up holds only the promises made to them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Uuid>,
    /// The transcript words the commitment was taken from.
    pub quote: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RiskSeverity {
    /// Worth watching in the next session.
    Watch,
    /// Refer on / act promptly (e.g. self-harm, crisis).
    Urgent,
}

/// A risk signal the coach should look at.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RiskFlag {
    pub speaker: String,
    pub client_id: Option<Uuid>,
    /// Short category, e.g. `self_harm`, `burnout`, `substance_use`.
    pub category: String,
    pub severity: RiskSeverity,
    pub quote: String,
    /// What the coach should consider doing.
    pub guidance: String,
}

/// What the analysis says about one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ClientInsight {
    pub client_id: Uuid,
    pub insights: Vec<String>,
    /// What the client's follow-up may recall of the session (the
    /// `highlights` placeholder), kept so a template preview can use them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub highlights: Vec<String>,
}

/// A rendered follow-up draft for one client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUpDraft {
    pub client_id: Uuid,
    pub template_id: Uuid,
    /// The version of the template it was rendered from; `None` when the
    /// template was not used (the careful note for a client at risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_version: Option<i32>,
    pub subject: String,
    pub body: String,
    /// Why this draft must be reviewed before it may be approved (a session
    /// with an urgent risk flag); approval clears it. Never client words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_reason: Option<String>,
}

/// The analyst's whole answer for one session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Analysis {
    pub overview: String,
    pub themes: Vec<String>,
    pub client_insights: Vec<ClientInsight>,
    pub commitments: Vec<Commitment>,
    pub coach_observations: Vec<String>,
    pub risk_flags: Vec<RiskFlag>,
    pub follow_ups: Vec<FollowUpDraft>,
    /// What became of the clients' open commitments from earlier sessions.
    #[serde(default)]
    pub follow_through: Vec<FollowThrough>,
    /// Which analyser/model produced this, e.g. `local-extractive-v1`.
    pub model: String,
    /// What a language model was sent and charged; `None` for the local analyser.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<AnalysisUsage>,
}

/// Tokens, calls and cost of one analysis through a language model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AnalysisUsage {
    /// Requests made: the analysis, each client's email, and any repair round.
    pub calls: u32,
    pub prompt_tokens: u64,
    /// Prompt tokens the provider served from its prompt cache.
    pub cached_prompt_tokens: u64,
    pub completion_tokens: u64,
    /// In US dollars at the configured prices; absent when none are configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_usd: Option<f64>,
    /// Claims dropped because their quotes are not in the transcript.
    pub ungrounded_claims: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum AnalystError {
    /// Worth retrying (timeouts, rate limits, 5xx).
    #[error("analyst temporarily unavailable: {0}")]
    Transient(String),
    /// Retrying will not help (bad template, rejected input).
    #[error("analysis failed: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Analyst: Send + Sync {
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError>;
}
