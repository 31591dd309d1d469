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
//!   reuses from the provider's prompt cache; a transcript beyond the
//!   context budget is read in parts, each line once, and combined.
//!
//! docs/decisions/0021-llm-analysis.md records why.

mod assemble;
mod grounding;
mod prompt;
mod reply;

pub(crate) use prompt::defused;

#[cfg(test)]
mod tests;

use async_trait::async_trait;
use futures::future::try_join_all;

use crate::ai::analyst::{
    Analysis, AnalysisRequest, AnalysisUsage, Analyst, AnalystError, FollowUpDraft,
};
use crate::ai::llm::{ChatClient, ChatOptions, Message, Usage};
use crate::ai::local::{draft_follow_ups_for, LocalAnalyst};

use assemble::{assemble, Baseline};
use reply::{AnalysisReply, DraftReply, Schemas, SummaryReply};

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

    /// Tokens one prompt may hold besides the reply.
    fn prompt_budget(&self) -> usize {
        let config = self.client.config();
        (config.context_tokens as usize).saturating_sub(config.max_output_tokens as usize)
    }

    fn fits(&self, messages: &[Message], schema: &str) -> bool {
        prompt_tokens(messages) + prompt::estimated_tokens(schema) <= self.prompt_budget()
    }

    /// The model's reading of the session, and the prefix the emails start
    /// from: in one call with the whole transcript when it fits the context
    /// budget, else map-reduce — each part of the transcript once, then the
    /// parts' notes combined (the transcript is never sent twice).
    async fn read_session(&self, request: &AnalysisRequest) -> Result<Reading, AnalystError> {
        let prefix = prompt::session_prefix(request);
        let messages = prompt::analysis_messages(&prefix);
        if self.fits(&messages, reply::ANALYSIS_SCHEMA) {
            let analysed = self
                .client
                .complete_json::<AnalysisReply>(
                    &messages,
                    &self.schemas.analysis,
                    ChatOptions::default(),
                )
                .await?;
            return Ok(Reading {
                calls: calls_of(analysed.repaired),
                reply: analysed.value,
                usage: analysed.usage,
                model: analysed.model,
                prefix,
            });
        }
        self.read_in_parts(request).await
    }

    async fn read_in_parts(&self, request: &AnalysisRequest) -> Result<Reading, AnalystError> {
        // What each part's prompt holds besides its lines.
        let frame = prompt_tokens(&prompt::part_messages(request, "", 0, 1))
            + prompt::estimated_tokens(reply::ANALYSIS_SCHEMA);
        let room = self.prompt_budget().saturating_sub(frame);
        if room < MIN_PART_TOKENS {
            return Err(AnalystError::Permanent(format!(
                "the configured context budget ({} tokens, FLOWCOACH_LLM_CONTEXT_TOKENS) leaves too little room for the transcript beside the instructions and a reply of up to {} tokens (FLOWCOACH_LLM_MAX_OUTPUT_TOKENS); raise the budget to the model's context window",
                self.client.config().context_tokens,
                self.client.config().max_output_tokens
            )));
        }
        let parts = prompt::transcript_parts(request, room);
        if parts
            .iter()
            .any(|part| prompt::estimated_tokens(part) > room)
        {
            return Err(AnalystError::Permanent(format!(
                "one turn of the transcript is longer than the configured context budget leaves room for ({room} tokens); raise FLOWCOACH_LLM_CONTEXT_TOKENS to the model's context window"
            )));
        }
        let mut usage = Usage::default();
        let mut calls = 0;
        let mut model = String::new();
        let mut commitments = Vec::new();
        let mut risk_flags = Vec::new();
        let mut notes = String::new();
        for (index, part) in parts.iter().enumerate() {
            let messages = prompt::part_messages(request, part, index, parts.len());
            let analysed = self
                .client
                .complete_json::<AnalysisReply>(
                    &messages,
                    &self.schemas.analysis,
                    ChatOptions::default(),
                )
                .await?;
            usage += analysed.usage;
            calls += calls_of(analysed.repaired);
            model = analysed.model;
            let reading = analysed.value;
            notes.push_str(&part_notes(index, &reading));
            commitments.extend(reading.commitments);
            risk_flags.extend(reading.risk_flags);
        }
        let combined = self
            .client
            .complete_json::<SummaryReply>(
                &prompt::combine_messages(request, &notes),
                &self.schemas.summary,
                ChatOptions::default(),
            )
            .await?;
        usage += combined.usage;
        calls += calls_of(combined.repaired);
        let summary = combined.value;
        tracing::info!(parts = parts.len(), "long transcript analysed in parts");
        Ok(Reading {
            reply: AnalysisReply {
                commitments,
                risk_flags,
                clients: summary.clients,
                themes: summary.themes,
                coach_observations: summary.coach_observations,
                overview: summary.overview,
            },
            usage,
            calls,
            model: if combined.model.is_empty() {
                model
            } else {
                combined.model
            },
            prefix: prompt::notes_prefix(request, &notes),
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
        let calls = calls_of(written.repaired);
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

        let Reading {
            reply,
            mut usage,
            mut calls,
            model,
            prefix,
        } = self.read_session(request).await?;

        let assembled = assemble(
            request,
            reply,
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
            cost_usd: self.client.config().prices.map(|p| p.cost(&usage)),
            ungrounded_claims: assembled.ungrounded,
        };
        tracing::info!(
            model = %model,
            calls = usage.calls,
            prompt_tokens = usage.prompt_tokens,
            cached_prompt_tokens = usage.cached_prompt_tokens,
            completion_tokens = usage.completion_tokens,
            cost_usd = usage.cost_usd,
            ungrounded_claims = usage.ungrounded_claims,
            "session analysed by the language model"
        );
        crate::metrics::record_usage(crate::metrics::Operation::Analysis, &model, &usage);
        Ok(Analysis {
            overview: assembled.overview,
            themes: assembled.themes,
            client_insights: assembled.client_insights,
            commitments: assembled.commitments,
            coach_observations: assembled.coach_observations,
            risk_flags: assembled.risk_flags,
            follow_ups,
            follow_through: crate::ai::local::read_follow_through(request),
            model,
            usage: Some(usage),
        })
    }
}

/// A part of a long transcript must leave at least this many tokens for its lines.
const MIN_PART_TOKENS: usize = 500;

/// What the model read of the session, and the prefix its emails follow.
struct Reading {
    reply: AnalysisReply,
    usage: Usage,
    calls: u32,
    model: String,
    prefix: Vec<Message>,
}

fn calls_of(repaired: bool) -> u32 {
    if repaired {
        2
    } else {
        1
    }
}

fn prompt_tokens(messages: &[Message]) -> usize {
    messages
        .iter()
        .map(|m| prompt::estimated_tokens(&m.content))
        .sum()
}

/// What one part of a long transcript showed, for the combining call.
fn part_notes(index: usize, reading: &AnalysisReply) -> String {
    use std::fmt::Write as _;
    let mut notes = format!("Part {}: {}\n", index + 1, reading.overview.trim());
    if !reading.themes.is_empty() {
        let _ = writeln!(notes, "Themes: {}", reading.themes.join("; "));
    }
    for client in &reading.clients {
        let _ = writeln!(
            notes,
            "{}: {} | For their email: {}",
            client.name,
            client.insights.join(" "),
            client.highlights.join(" ")
        );
    }
    if !reading.coach_observations.is_empty() {
        let _ = writeln!(notes, "The coach: {}", reading.coach_observations.join(" "));
    }
    notes
}
