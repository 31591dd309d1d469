//! The [`Analyst`] through a language model, with the same result shape as
//! the local analyser and three guarantees the model cannot break:
//!
//! - **grounded**: every commitment and risk flag is found in the transcript
//!   (tolerantly) and shown in the transcript's words, or dropped and
//!   counted; who made it is read off the line, dates are resolved in code;
//! - **safe**: the local analyser's risk check always runs; the model may
//!   add grounded flags but never removes one, and a client with an urgent
//!   flag gets the careful note, never a model-written email;
//! - **frugal**: the transcript is sent once per session as a stable prefix
//!   (system message, facts, numbered transcript) that each client's email
//!   reuses from the provider's prompt cache.
//!
//! docs/decisions/0021-llm-analysis.md records why.

mod assemble;
mod grounding;
mod prompt;
mod reply;

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use futures::future::try_join_all;

use crate::ai::analyst::{
    Analysis, AnalysisRequest, AnalysisUsage, Analyst, AnalystError, FollowUpDraft,
};
use crate::ai::llm::{ChatClient, ChatOptions, Message, Prices, Usage};
use crate::ai::local::{draft_follow_ups_for, LocalAnalyst};

use assemble::{assemble, Baseline};
use reply::{AnalysisReply, DraftReply, Schemas};

/// Analysis and follow-ups written by a language model, checked against
/// the transcript and the local analyser's risk check.
pub struct LlmAnalyst {
    client: ChatClient,
    schemas: Schemas,
}

impl LlmAnalyst {
    pub fn new(client: ChatClient) -> Result<Self, AnalystError> {
        let schemas = Schemas::new().map_err(AnalystError::Permanent)?;
        Ok(Self { client, schemas })
    }

    fn too_long(&self, prefix: &[Message]) -> Option<String> {
        let budget = self.client.config().context_tokens as usize;
        let output = self.client.config().max_output_tokens as usize;
        let prompt: usize = prefix
            .iter()
            .map(|m| prompt::estimated_tokens(&m.content))
            .sum::<usize>()
            + prompt::estimated_tokens(reply::ANALYSIS_SCHEMA)
            + output;
        (prompt > budget).then(|| {
            format!(
                "the transcript needs about {prompt} tokens with its instructions and reply, more than the configured context budget of {budget} (FLOWCOACH_LLM_CONTEXT_TOKENS); raise it to the model's context window"
            )
        })
    }

    /// The client's email in the coach's voice, from what the template
    /// renders; the careful note for a client at risk is never rewritten.
    async fn write_follow_up(
        &self,
        prefix: &[Message],
        request: &AnalysisRequest,
        rendered: FollowUpDraft,
    ) -> Result<(FollowUpDraft, Usage, u32), AnalystError> {
        let Some(client) = request
            .clients
            .iter()
            .find(|c| c.client_id == rendered.client_id)
        else {
            return Ok((rendered, Usage::default(), 0));
        };
        if rendered.template_version.is_none() {
            return Ok((rendered, Usage::default(), 0));
        }
        let messages =
            prompt::draft_messages(prefix, request, client, &rendered.subject, &rendered.body);
        let written = self
            .client
            .complete_json::<DraftReply>(&messages, &self.schemas.draft, ChatOptions::default())
            .await?;
        let calls = if written.repaired { 2 } else { 1 };
        let subject = written
            .value
            .subject
            .lines()
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        let body = written.value.body.trim().to_string();
        let draft = if subject.is_empty() || body.is_empty() {
            rendered
        } else {
            FollowUpDraft {
                subject,
                body,
                ..rendered
            }
        };
        Ok((draft, written.usage, calls))
    }
}

#[async_trait]
impl Analyst for LlmAnalyst {
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        // Safety never depends on the model: the local reading (its risk
        // flags above all) is taken first and is the floor of the answer.
        let local = LocalAnalyst.analyse(request).await?;

        let prefix = prompt::session_prefix(request);
        if let Some(reason) = self.too_long(&prefix) {
            return Err(AnalystError::Permanent(reason));
        }
        let analysed = self
            .client
            .complete_json::<AnalysisReply>(
                &prompt::analysis_messages(&prefix),
                &self.schemas.analysis,
                ChatOptions::default(),
            )
            .await?;
        let mut usage = analysed.usage;
        let mut calls = if analysed.repaired { 2 } else { 1 };

        let assembled = assemble(
            request,
            analysed.value,
            &Baseline {
                overview: &local.overview,
                themes: &local.themes,
                client_insights: &local.client_insights,
                coach_observations: &local.coach_observations,
                risk_flags: &local.risk_flags,
            },
        );
        let rendered = draft_follow_ups_for(
            request,
            &assembled.themes,
            &assembled.commitments,
            &assembled.risk_flags,
            &assembled.client_insights,
        )?;
        let written = try_join_all(
            rendered
                .into_iter()
                .map(|draft| self.write_follow_up(&prefix, request, draft)),
        )
        .await?;
        let mut follow_ups = Vec::with_capacity(written.len());
        for (draft, draft_usage, draft_calls) in written {
            follow_ups.push(draft);
            usage += draft_usage;
            calls += draft_calls;
        }

        let usage = AnalysisUsage {
            calls,
            prompt_tokens: usage.prompt_tokens,
            cached_prompt_tokens: usage.cached_prompt_tokens(),
            completion_tokens: usage.completion_tokens,
            cost_usd: self.client.config().prices.map(|p| cost(&usage, p)),
            ungrounded_claims: assembled.ungrounded,
        };
        tracing::info!(
            model = %analysed.model,
            calls = usage.calls,
            prompt_tokens = usage.prompt_tokens,
            cached_prompt_tokens = usage.cached_prompt_tokens,
            completion_tokens = usage.completion_tokens,
            cost_usd = usage.cost_usd,
            ungrounded_claims = usage.ungrounded_claims,
            "session analysed by the language model"
        );
        Ok(Analysis {
            overview: assembled.overview,
            themes: assembled.themes,
            client_insights: assembled.client_insights,
            commitments: assembled.commitments,
            coach_observations: assembled.coach_observations,
            risk_flags: assembled.risk_flags,
            follow_ups,
            model: analysed.model,
            usage: Some(usage),
        })
    }
}

/// What the calls cost at `prices` (per million tokens).
fn cost(usage: &Usage, prices: Prices) -> f64 {
    let cached = usage.cached_prompt_tokens().min(usage.prompt_tokens);
    let fresh = usage.prompt_tokens - cached;
    (fresh as f64 * prices.input
        + cached as f64 * prices.cached_input
        + usage.completion_tokens as f64 * prices.output)
        / 1_000_000.0
}
