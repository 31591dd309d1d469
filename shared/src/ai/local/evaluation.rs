//! Scoring an analyser against labelled sessions (the fixtures'
//! `labels.json`): commitment and risk precision/recall plus the hard rules
//! (no retracted commitment extracted, no false-positive risk flagged, every
//! urgent risk found). Used by the tests and by the benchmark binary, which
//! passes transcripts parsed by the real parser.
//!
//! Matching: a predicted commitment matches a label when the owner is the
//! same and the quotes overlap (one contains the other, or their content
//! words have Jaccard ≥ 0.3) or the texts' content words have Jaccard ≥ 0.3.
//! A risk flag matches when the speaker is the same and the category or the
//! quote overlaps.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use crate::ai::analyst::{
    Analysis, AnalysisRequest, AttributedUtterance, ClientParticipant, Commitment,
    FollowUpTemplate, RiskFlag, RiskSeverity, SpeakerRole,
};
use crate::transcript::model::{CoachingMetrics, Transcript, Utterance};

use super::text::{content_set, jaccard, words};
use super::LocalAnalyst;

/// Quotes or texts sharing this much of their content words are the same.
pub const MATCH_JACCARD: f64 = 0.3;

#[derive(Debug, Clone, Deserialize)]
pub struct LabelFile {
    pub sessions: Vec<LabelledSession>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledSession {
    pub id: String,
    pub file: String,
    pub held_at: NaiveDate,
    #[serde(default)]
    pub kind: String,
    pub participants: Vec<LabelledParticipant>,
    #[serde(default)]
    pub commitments: Vec<LabelledCommitment>,
    #[serde(default)]
    pub retracted_commitments: Vec<LabelledCommitment>,
    #[serde(default)]
    pub risk_flags: Vec<LabelledRisk>,
    /// Phrases (or objects with a `quote`) that must not be flagged.
    #[serde(default)]
    pub risk_false_positives: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledParticipant {
    pub name: String,
    pub role: String,
    pub speaker_label: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledCommitment {
    pub owner: String,
    pub text: String,
    #[serde(default)]
    pub due: Option<NaiveDate>,
    pub quote: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LabelledRisk {
    pub client: String,
    pub kind: String,
    pub quote: String,
}

pub fn parse_labels(json: &str) -> Result<LabelFile, serde_json::Error> {
    serde_json::from_str(json)
}

/// A stable client id derived from the name, so runs are comparable.
pub fn stable_client_id(name: &str) -> Uuid {
    let hash = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let high = hash(0xcbf2_9ce4_8422_2325);
    let low = hash(0x8422_2325_cbf2_9ce4);
    Uuid::from_u128((u128::from(high) << 64) | u128::from(low))
}

/// Builds the analyser's request for a labelled session from its parsed
/// utterances, every client using `template`.
pub fn request_for(
    session: &LabelledSession,
    utterances: &[Utterance],
    template: &FollowUpTemplate,
) -> AnalysisRequest {
    let coach = session.participants.iter().find(|p| p.role == "coach");
    let clients: Vec<ClientParticipant> = session
        .participants
        .iter()
        .filter(|p| p.role != "coach")
        .map(|p| ClientParticipant {
            client_id: stable_client_id(&p.name),
            full_name: p.name.clone(),
            first_name: p.name.split_whitespace().next().unwrap_or("").to_string(),
            speaker_label: Some(p.speaker_label.clone()),
            template: template.clone(),
        })
        .collect();
    let role_of = |speaker: &str| {
        let same = |label: &str| label.trim().eq_ignore_ascii_case(speaker.trim());
        if coach.is_some_and(|c| same(&c.speaker_label)) {
            return SpeakerRole::Coach;
        }
        clients
            .iter()
            .find(|c| c.speaker_label.as_deref().is_some_and(same))
            .map_or(SpeakerRole::Unknown, |c| SpeakerRole::Client {
                client_id: c.client_id,
            })
    };
    let attributed = utterances
        .iter()
        .map(|u| AttributedUtterance {
            speaker: u.speaker.clone(),
            role: role_of(&u.speaker),
            start_ms: u.start_ms,
            text: u.text.clone(),
        })
        .collect();
    let coach_name = coach.map(|c| c.name.clone()).unwrap_or_default();
    AnalysisRequest {
        session_title: format!("Session {}", session.id),
        held_on: session.held_at,
        coach_signature: coach_name.clone(),
        coach_name,
        coach_speaker_label: coach.map(|c| c.speaker_label.clone()),
        clients,
        utterances: attributed,
        chunks: Vec::new(),
        metrics: CoachingMetrics {
            total_words: 0,
            duration_ms: None,
            speakers: Vec::new(),
        },
        next_session_on: None,
    }
}

/// Runs the local analyser on every labelled session and scores it.
/// `transcript_for` supplies each session's parsed transcript (e.g. the
/// fixture file through [`crate::transcript::parse`]); every client gets
/// `template`.
pub fn evaluate_against_labels<E: fmt::Display>(
    labels: &LabelFile,
    template: &FollowUpTemplate,
    mut transcript_for: impl FnMut(&LabelledSession) -> Result<Transcript, E>,
) -> Result<Report, String> {
    let mut report = Report::default();
    for session in &labels.sessions {
        let transcript =
            transcript_for(session).map_err(|e| format!("session {}: {e}", session.id))?;
        let mut request = request_for(session, &transcript.utterances, template);
        request.metrics = crate::transcript::metrics(&transcript);
        let analysis = LocalAnalyst
            .analyse_now(&request)
            .map_err(|e| format!("session {}: {e}", session.id))?;
        report.sessions.push(score_session(session, &analysis));
    }
    Ok(report)
}

/// True positives, false positives and false negatives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub true_positives: usize,
    pub false_positives: usize,
    pub false_negatives: usize,
}

impl Counts {
    /// 1.0 when nothing was predicted and nothing was expected.
    pub fn precision(&self) -> f64 {
        let predicted = self.true_positives + self.false_positives;
        if predicted == 0 {
            1.0
        } else {
            self.true_positives as f64 / predicted as f64
        }
    }

    pub fn recall(&self) -> f64 {
        let expected = self.true_positives + self.false_negatives;
        if expected == 0 {
            1.0
        } else {
            self.true_positives as f64 / expected as f64
        }
    }

    pub fn add(&mut self, other: Counts) {
        self.true_positives += other.true_positives;
        self.false_positives += other.false_positives;
        self.false_negatives += other.false_negatives;
    }
}

/// How one session's analysis compares with its labels.
#[derive(Debug, Clone, Default)]
pub struct SessionScore {
    pub session: String,
    pub commitments: Counts,
    /// Matched commitments whose due date equals the label's.
    pub due_correct: usize,
    pub risks: Counts,
    pub unmatched_predictions: Vec<String>,
    pub missed_labels: Vec<String>,
    pub retracted_extracted: Vec<String>,
    pub false_positives_flagged: Vec<String>,
    pub urgent_missed: Vec<String>,
}

pub fn score_session(session: &LabelledSession, analysis: &Analysis) -> SessionScore {
    let mut score = SessionScore {
        session: session.id.clone(),
        ..SessionScore::default()
    };

    let mut used = vec![false; analysis.commitments.len()];
    for label in &session.commitments {
        let best = analysis
            .commitments
            .iter()
            .enumerate()
            .filter(|(i, _)| !used[*i])
            .filter_map(|(i, c)| commitment_similarity(c, label).map(|s| (i, s)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        match best {
            Some((index, _)) => {
                used[index] = true;
                score.commitments.true_positives += 1;
                if analysis.commitments[index].due == label.due {
                    score.due_correct += 1;
                }
            }
            None => {
                score.commitments.false_negatives += 1;
                score
                    .missed_labels
                    .push(format!("{}: {}", label.owner, label.quote));
            }
        }
    }
    for (commitment, matched) in analysis.commitments.iter().zip(&used) {
        if !matched {
            score.commitments.false_positives += 1;
            score
                .unmatched_predictions
                .push(format!("{}: {}", commitment.owner, commitment.quote));
        }
    }
    for retracted in &session.retracted_commitments {
        if analysis
            .commitments
            .iter()
            .any(|c| commitment_similarity(c, retracted).is_some())
        {
            score.retracted_extracted.push(retracted.quote.clone());
        }
    }

    let mut flag_used = vec![false; analysis.risk_flags.len()];
    for label in &session.risk_flags {
        let found = analysis
            .risk_flags
            .iter()
            .enumerate()
            .find(|(i, flag)| !flag_used[*i] && risk_matches(flag, label));
        match found {
            Some((index, flag)) => {
                flag_used[index] = true;
                score.risks.true_positives += 1;
                if is_urgent_label(label) && flag.severity != RiskSeverity::Urgent {
                    score.urgent_missed.push(label.quote.clone());
                }
            }
            None => {
                score.risks.false_negatives += 1;
                if is_urgent_label(label) {
                    score.urgent_missed.push(label.quote.clone());
                }
            }
        }
    }
    score.risks.false_positives = flag_used.iter().filter(|used| !**used).count();
    for phrase in session.risk_false_positives.iter().filter_map(phrase_of) {
        if analysis
            .risk_flags
            .iter()
            .any(|f| quotes_overlap(&f.quote, &phrase))
        {
            score.false_positives_flagged.push(phrase);
        }
    }
    score
}

/// How well a prediction matches a label, or `None` when it does not.
fn commitment_similarity(predicted: &Commitment, label: &LabelledCommitment) -> Option<f64> {
    if !same_person(&predicted.owner, &label.owner) {
        return None;
    }
    let quote = jaccard(&content_set(&predicted.quote), &content_set(&label.quote));
    let text = jaccard(&content_set(&predicted.text), &content_set(&label.text));
    let contained = contains_either(&predicted.quote, &label.quote);
    let best = quote.max(text).max(if contained { 1.0 } else { 0.0 });
    (best >= MATCH_JACCARD).then_some(best)
}

fn risk_matches(flag: &RiskFlag, label: &LabelledRisk) -> bool {
    if !same_person(&flag.speaker, &label.client) {
        return false;
    }
    let category: BTreeSet<String> = words(&flag.category.replace('_', " "))
        .into_iter()
        .collect();
    let kind: BTreeSet<String> = words(&label.kind.replace('_', " ")).into_iter().collect();
    !category.is_disjoint(&kind) || quotes_overlap(&flag.quote, &label.quote)
}

fn is_urgent_label(label: &LabelledRisk) -> bool {
    let kind = label.kind.to_lowercase();
    kind.contains("self") || kind.contains("suicid") || kind.contains("crisis")
}

fn quotes_overlap(a: &str, b: &str) -> bool {
    contains_either(a, b) || jaccard(&content_set(a), &content_set(b)) >= MATCH_JACCARD
}

fn contains_either(a: &str, b: &str) -> bool {
    let (a, b) = (normalise(a), normalise(b));
    !a.is_empty() && !b.is_empty() && (a.contains(&b) || b.contains(&a))
}

fn normalise(text: &str) -> String {
    words(text).join(" ")
}

fn same_person(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn phrase_of(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(map) => ["quote", "text", "phrase"]
            .iter()
            .find_map(|key| map.get(*key).and_then(|v| v.as_str()))
            .map(str::to_string),
        _ => None,
    }
}

/// Totals over sessions, printable as the benchmark's report.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub sessions: Vec<SessionScore>,
}

impl Report {
    pub fn commitments(&self) -> Counts {
        let mut total = Counts::default();
        self.sessions.iter().for_each(|s| total.add(s.commitments));
        total
    }

    pub fn risks(&self) -> Counts {
        let mut total = Counts::default();
        self.sessions.iter().for_each(|s| total.add(s.risks));
        total
    }

    pub fn due_accuracy(&self) -> f64 {
        let matched = self.commitments().true_positives;
        if matched == 0 {
            return 1.0;
        }
        self.sessions.iter().map(|s| s.due_correct).sum::<usize>() as f64 / matched as f64
    }

    pub fn retracted_extracted(&self) -> Vec<String> {
        self.sessions
            .iter()
            .flat_map(|s| s.retracted_extracted.clone())
            .collect()
    }

    pub fn false_positives_flagged(&self) -> Vec<String> {
        self.sessions
            .iter()
            .flat_map(|s| s.false_positives_flagged.clone())
            .collect()
    }

    pub fn urgent_missed(&self) -> Vec<String> {
        self.sessions
            .iter()
            .flat_map(|s| s.urgent_missed.clone())
            .collect()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for s in &self.sessions {
            writeln!(
                f,
                "{}: commitments tp={} fp={} fn={} due_ok={} | risks tp={} fp={} fn={}",
                s.session,
                s.commitments.true_positives,
                s.commitments.false_positives,
                s.commitments.false_negatives,
                s.due_correct,
                s.risks.true_positives,
                s.risks.false_positives,
                s.risks.false_negatives
            )?;
            for missed in &s.missed_labels {
                writeln!(f, "    missed: {missed}")?;
            }
            for extra in &s.unmatched_predictions {
                writeln!(f, "    extra:  {extra}")?;
            }
        }
        let (c, r) = (self.commitments(), self.risks());
        writeln!(
            f,
            "commitments: precision {:.2} recall {:.2} (due dates right on {:.0}% of matches)",
            c.precision(),
            c.recall(),
            self.due_accuracy() * 100.0
        )?;
        writeln!(
            f,
            "risks: precision {:.2} recall {:.2}",
            r.precision(),
            r.recall()
        )?;
        write!(
            f,
            "retracted extracted: {} | false positives flagged: {} | urgent missed: {}",
            self.retracted_extracted().len(),
            self.false_positives_flagged().len(),
            self.urgent_missed().len()
        )
    }
}
