//! The local analyser: a deterministic, offline, extractive [`Analyst`] used
//! when no LLM is configured (local runs, tests, fallback). Same input, same
//! output; no network, no randomness, no clock.
//!
//! - overview: the most informative client statements, extractively;
//! - themes: a generic coaching-topic lexicon plus recurring phrases;
//! - commitments: first-person pledges with due dates, minus retractions;
//! - risk flags: a cue lexicon that skips idioms, negations and the coach;
//! - insights and coach observations from speech and coaching metrics;
//! - follow-through: what became of the clients' open earlier commitments;
//! - one follow-up per client from their template, rendered in the sandbox.

mod antecedents;
mod commitments;
pub mod due_dates;
mod follow_through;
mod follow_up;
mod insights;
mod metrics;
mod observations;
mod overview;
mod participants;
mod phrasing;
mod recipients;
mod retraction;
pub(crate) mod risk;
mod salience;
mod text;
mod themes;

#[cfg(test)]
mod analyst_tests;
#[cfg(test)]
pub(crate) mod test_support;

use async_trait::async_trait;

use crate::ai::analyst::{
    Analysis, AnalysisRequest, Analyst, AnalystError, ClientInsight, ClientParticipant, Commitment,
    FollowThrough, SpeakerRole,
};

use follow_up::FollowUpInputs;
use participants::Roster;
use themes::WeightedText;

/// Recorded as [`Analysis::model`].
pub const LOCAL_MODEL: &str = "local-extractive-v1";

/// Coach speech counts this much towards themes (clients' count fully).
const COACH_THEME_WEIGHT: f64 = 0.5;

/// The offline extractive analyser.
#[derive(Debug, Clone, Copy, Default)]
pub struct LocalAnalyst;

impl LocalAnalyst {
    /// The analysis, synchronously (it does no I/O).
    pub fn analyse_now(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        let roster = Roster::from_request(request);
        let metrics = metrics::effective_metrics(request);

        let mut commitments = commitments::extract_commitments(request, &roster);
        recipients::assign_recipients(request, &roster, &mut commitments);
        let risk_flags = risk::detect_risks(request, &roster);

        let theme_texts: Vec<WeightedText<'_>> = request
            .utterances
            .iter()
            .map(|u| WeightedText {
                text: &u.text,
                weight: if u.role == SpeakerRole::Coach {
                    COACH_THEME_WEIGHT
                } else {
                    1.0
                },
            })
            .collect();
        let themes = themes::extract_themes(&theme_texts);

        let sentences = salience::scored_sentences(request, &roster);
        let readings =
            insights::read_clients(request, &roster, &sentences, &commitments, &risk_flags);
        let overview =
            overview::write_overview(request, &roster, &themes, &commitments, &risk_flags);
        let coach_observations = observations::coach_observations(request, &roster, &metrics);

        let highlights: Vec<(uuid::Uuid, Vec<String>)> = readings
            .iter()
            .map(|r| (r.insight.client_id, r.highlights.clone()))
            .collect();
        let follow_ups = follow_up::draft_follow_ups(
            request,
            &roster,
            &FollowUpInputs {
                themes: &themes,
                commitments: &commitments,
                risk_flags: &risk_flags,
                highlights: &highlights,
            },
        )?;

        Ok(Analysis {
            overview,
            themes,
            client_insights: readings.into_iter().map(|r| r.insight).collect(),
            commitments,
            coach_observations,
            risk_flags,
            follow_ups,
            follow_through: follow_through::follow_through(request, &roster),
            model: LOCAL_MODEL.to_string(),
            usage: None,
        })
    }
}

/// What the session says became of the clients' open earlier commitments,
/// read by rules whichever analyser writes the rest (as the risk check is):
/// each outcome rests on the client's own words.
pub fn read_follow_through(request: &AnalysisRequest) -> Vec<FollowThrough> {
    follow_through::follow_through(request, &Roster::from_request(request))
}

/// The context `client`'s follow-up template is filled with, from what a
/// stored summary kept (themes, commitments, highlights): what a template
/// preview renders against. `request` needs the session's facts and its
/// attending clients; it may hold no transcript.
pub fn follow_up_context(
    request: &AnalysisRequest,
    client: &ClientParticipant,
    themes: &[String],
    commitments: &[Commitment],
    insights: &[ClientInsight],
) -> serde_json::Value {
    let roster = Roster::from_request(request);
    let highlights: Vec<(uuid::Uuid, Vec<String>)> = insights
        .iter()
        .map(|i| (i.client_id, i.highlights.clone()))
        .collect();
    follow_up::client_context(
        request,
        &roster,
        client,
        &FollowUpInputs {
            themes,
            commitments,
            risk_flags: &[],
            highlights: &highlights,
        },
    )
}

/// The follow-ups for the parts of an analysis written elsewhere (the LLM
/// analyst), through the same templates, recipients and careful notes.
pub(crate) fn draft_follow_ups_for(
    request: &AnalysisRequest,
    themes: &[String],
    commitments: &[Commitment],
    risk_flags: &[crate::ai::analyst::RiskFlag],
    insights: &[ClientInsight],
) -> Result<Vec<crate::ai::analyst::FollowUpDraft>, AnalystError> {
    let roster = Roster::from_request(request);
    let highlights: Vec<(uuid::Uuid, Vec<String>)> = insights
        .iter()
        .map(|i| (i.client_id, i.highlights.clone()))
        .collect();
    follow_up::draft_follow_ups(
        request,
        &roster,
        &FollowUpInputs {
            themes,
            commitments,
            risk_flags,
            highlights: &highlights,
        },
    )
}

#[async_trait]
impl Analyst for LocalAnalyst {
    /// The extraction is CPU work (regexes over every utterance): it runs on
    /// tokio's blocking pool, so the executor's threads stay free for I/O.
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        let (analyst, request) = (*self, request.clone());
        match tokio::task::spawn_blocking(move || analyst.analyse_now(&request)).await {
            Ok(analysis) => analysis,
            // A panic stays a panic, for the stage's guard to contain.
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            Err(error) => Err(AnalystError::Transient(format!(
                "the analysis was cancelled: {error}"
            ))),
        }
    }
}

#[cfg(test)]
mod robustness_tests {
    use super::test_support::one_to_one_request;
    use super::LocalAnalyst;

    #[test]
    fn a_long_unpunctuated_monologue_is_analysed_into_an_email_of_normal_size() {
        // Captioning without punctuation: one "sentence" of 20,000 words.
        let monologue: String = (0..2_000)
            .map(|i| format!("so I think I will call my manager about the budget {i} "))
            .collect();
        let request =
            one_to_one_request(&[("Coach", "How was your week?"), ("Client", &monologue)]);
        let analysis = LocalAnalyst
            .analyse_now(&request)
            .expect("an unpunctuated transcript is still analysed");
        let draft = &analysis.follow_ups[0];
        assert!(draft.body.len() < 16 * 1024, "{} bytes", draft.body.len());
    }
}
