//! The refinement port: a draft the coach is reading (a follow-up email or
//! a summary's overview) rewritten to the coach's instruction ("warmer",
//! "add the breathing exercise"), streamed as it is written.
//!
//! Only a language model refines; where none is configured there is no
//! refiner and the API says what to configure.

use std::pin::Pin;

use async_trait::async_trait;
use futures::Stream;

use crate::ai::analyst::AnalysisUsage;

/// What is being refined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Draft {
    /// A follow-up email to one client.
    Email {
        subject: String,
        body: String,
        /// The client's first name, as the email addresses them.
        recipient: String,
    },
    /// The overview of a session summary, for the coach.
    Overview(String),
}

/// One refinement: the draft, the instruction, and what the session's
/// summary says (so "add the breathing exercise" has something to add).
#[derive(Debug, Clone)]
pub struct RefineRequest {
    pub draft: Draft,
    /// The coach's instruction, 1–2,000 characters.
    pub instruction: String,
    /// Instructions already applied to this draft, oldest first: the
    /// conversation so far, so "shorter still" means something.
    pub earlier_instructions: Vec<String>,
    /// The session's summary as prose: overview, themes, this client's
    /// insights and commitments. Never the raw transcript.
    pub session_notes: String,
}

/// The finished revision.
#[derive(Debug, Clone, PartialEq)]
pub struct Refined {
    /// The new subject, for an email (`None` keeps the old one).
    pub subject: Option<String>,
    /// The email body or the overview.
    pub text: String,
    /// The model that wrote it.
    pub model: String,
    pub usage: AnalysisUsage,
}

/// One step of a revision as it is written.
#[derive(Debug, Clone, PartialEq)]
pub enum RefineEvent {
    /// The next piece of the revision's raw text.
    Delta(String),
    Done(Refined),
}

pub type RefineStream = Pin<Box<dyn Stream<Item = Result<RefineEvent, RefineError>> + Send>>;

#[derive(Debug, thiserror::Error)]
pub enum RefineError {
    /// Timeouts, rate limits, an open circuit: try again later.
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    /// The provider refused, or the reply is unusable (empty, cut off).
    #[error("the refinement failed: {0}")]
    Failed(String),
}

#[async_trait]
pub trait Refiner: Send + Sync {
    /// The revision of `request.draft`, streamed; the stream ends with
    /// [`RefineEvent::Done`] or an error.
    async fn refine(&self, request: &RefineRequest) -> Result<RefineStream, RefineError>;

    /// The model refinements go to, for messages and records.
    fn model(&self) -> &str;
}
