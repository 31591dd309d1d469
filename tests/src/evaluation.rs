//! Scoring the local analyser against labelled sessions (the fixtures'
//! `labels.json`): commitment and risk precision/recall plus the hard rules
//! (no retracted commitment extracted, no false-positive risk flagged, every
//! urgent risk found). Used by the fixture tests and by the benchmark binary;
//! it lives here, not in the product crate, so no Lambda ships scoring code.
//!
//! Matching: a predicted commitment matches a label when the owner is the
//! same and the quotes overlap (one contains the other, or their content
//! words have Jaccard ≥ 0.3) or the texts' content words have Jaccard ≥ 0.3.
//! A risk flag matches when the speaker is the same and the category or the
//! quote overlaps.
//!
//! The scorer tokenises on its own (see [`words`] and [`content_words`]), so
//! a change to the analyser's tokeniser shows in the figures instead of
//! moving the yardstick with it.

use std::collections::BTreeSet;
use std::fmt;

use chrono::NaiveDate;
use serde::Deserialize;
use uuid::Uuid;

use flowcoach_core::ai::analyst::{
    Analysis, AnalysisRequest, AttributedUtterance, ClientParticipant, Commitment,
    FollowUpTemplate, RiskFlag, RiskSeverity, SpeakerRole,
};
use flowcoach_core::ai::local::LocalAnalyst;
use flowcoach_core::transcript::{self, CoachingMetrics, Transcript, Utterance};

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
    /// The themes a coach would name for the session.
    #[serde(default)]
    pub themes: Vec<String>,
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
    /// The analyser's category id (`self_harm`, `medical_red_flag`, …). Where
    /// a label names one, a flag matches only in that category.
    #[serde(default)]
    pub category: Option<String>,
    /// `urgent` or `watch`, where the label says.
    #[serde(default)]
    pub severity: Option<String>,
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
        metrics: CoachingMetrics::default(),
        next_session_on: None,
        analyser: Default::default(),
        earlier_commitments: Vec::new(),
    }
}

/// Runs the local analyser on every labelled session and scores it.
/// `transcript_for` supplies each session's parsed transcript (e.g. the
/// fixture file through [`transcript::parse`]); every client gets
/// `template`.
pub fn evaluate_against_labels<E: fmt::Display>(
    labels: &LabelFile,
    template: &FollowUpTemplate,
    mut transcript_for: impl FnMut(&LabelledSession) -> Result<Transcript, E>,
) -> Result<Report, String> {
    let mut report = Report::default();
    for session in &labels.sessions {
        let parsed = transcript_for(session).map_err(|e| format!("session {}: {e}", session.id))?;
        let mut request = request_for(session, &parsed.utterances, template);
        request.metrics = transcript::metrics(&parsed);
        let analysis = LocalAnalyst
            .analyse_now(&request)
            .map_err(|e| format!("session {}: {e}", session.id))?;
        report.sessions.push(score_session(session, &analysis));
    }
    Ok(report)
}

/// A folder of labelled sessions: `labels.json` beside `transcripts/`.
#[derive(Debug, Clone)]
pub struct Corpus {
    /// How reports name it: `fixtures`, `tuning`, `held-out`.
    pub name: &'static str,
    pub dir: std::path::PathBuf,
    pub labels: LabelFile,
}

impl Corpus {
    pub fn load(name: &'static str, dir: std::path::PathBuf) -> Result<Self, String> {
        let path = dir.join("labels.json");
        let json = std::fs::read_to_string(&path)
            .map_err(|e| format!("reading {}: {e}", path.display()))?;
        let labels = parse_labels(&json).map_err(|e| format!("{}: {e}", path.display()))?;
        Ok(Self { name, dir, labels })
    }

    /// The shared fixtures, the tuning half and the held-out half, in that order.
    pub fn all() -> Result<Vec<Self>, String> {
        let own = crate::fixtures::workspace_root().join("tests/data/analysis");
        Ok(vec![
            Self::load("fixtures", crate::fixtures::shared_fixtures())?,
            Self::load("tuning", own.join("tuning"))?,
            Self::load("held-out", own.join("held-out"))?,
        ])
    }

    /// A session's transcript, parsed by the product parser.
    pub fn transcript(&self, session: &LabelledSession) -> Result<Transcript, String> {
        let path = self.dir.join("transcripts").join(&session.file);
        let bytes = std::fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        transcript::parse(&bytes, Some(&session.file)).map_err(|e| format!("{}: {e}", session.file))
    }

    /// The local analyser on every session, scored.
    pub fn evaluate(&self, template: &FollowUpTemplate) -> Result<Report, String> {
        evaluate_against_labels(&self.labels, template, |session| self.transcript(session))
    }
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

    /// The harmonic mean of precision and recall.
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
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
    /// Flags raised in a session whose labels hold no risk at all.
    pub flags_without_risk: usize,
    pub missed_risks: Vec<String>,
    pub extra_risks: Vec<String>,
    pub themes: ThemeScore,
    /// Predicted themes no label shares a word stem with.
    pub unmatched_themes: Vec<String>,
    /// The analysis's overview, for reading the prose.
    pub overview: String,
}

/// Themes against the labelled ones, by shared word stems: how many of the
/// predicted themes a label recognises, and how many labels were named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ThemeScore {
    pub predicted: usize,
    pub predicted_matched: usize,
    pub labelled: usize,
    pub labelled_matched: usize,
}

impl ThemeScore {
    pub fn precision(&self) -> f64 {
        ratio(self.predicted_matched, self.predicted)
    }

    pub fn recall(&self) -> f64 {
        ratio(self.labelled_matched, self.labelled)
    }

    fn add(&mut self, other: ThemeScore) {
        self.predicted += other.predicted;
        self.predicted_matched += other.predicted_matched;
        self.labelled += other.labelled;
        self.labelled_matched += other.labelled_matched;
    }
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        1.0
    } else {
        part as f64 / whole as f64
    }
}

/// Stems of a theme's content words: the first five letters, so
/// "delegating" and "delegation" meet.
fn theme_stems(theme: &str) -> BTreeSet<String> {
    content_words(theme)
        .into_iter()
        .map(|word| word.chars().take(5).collect())
        .collect()
}

fn score_themes(labelled: &[String], predicted: &[String]) -> (ThemeScore, Vec<String>) {
    if labelled.is_empty() {
        return (ThemeScore::default(), Vec::new());
    }
    let labelled: Vec<BTreeSet<String>> = labelled.iter().map(|t| theme_stems(t)).collect();
    let predicted_stems: Vec<BTreeSet<String>> = predicted.iter().map(|t| theme_stems(t)).collect();
    let meets = |a: &BTreeSet<String>, b: &BTreeSet<String>| !a.is_disjoint(b);
    let unmatched: Vec<String> = predicted
        .iter()
        .zip(&predicted_stems)
        .filter(|(_, p)| !labelled.iter().any(|l| meets(p, l)))
        .map(|(theme, _)| theme.clone())
        .collect();
    let score = ThemeScore {
        predicted: predicted.len(),
        predicted_matched: predicted.len() - unmatched.len(),
        labelled: labelled.len(),
        labelled_matched: labelled
            .iter()
            .filter(|l| predicted_stems.iter().any(|p| meets(p, l)))
            .count(),
    };
    (score, unmatched)
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
                score.missed_risks.push(format!(
                    "{} {}: {}",
                    label.client,
                    label.category.as_deref().unwrap_or(&label.kind),
                    label.quote
                ));
                if is_urgent_label(label) {
                    score.urgent_missed.push(label.quote.clone());
                }
            }
        }
    }
    score.risks.false_positives = flag_used.iter().filter(|used| !**used).count();
    for (flag, used) in analysis.risk_flags.iter().zip(&flag_used) {
        if !used {
            score.extra_risks.push(format!(
                "{} {} ({:?}): {}",
                flag.speaker, flag.category, flag.severity, flag.quote
            ));
        }
    }
    if session.risk_flags.is_empty() {
        score.flags_without_risk = analysis.risk_flags.len();
    }
    (score.themes, score.unmatched_themes) = score_themes(&session.themes, &analysis.themes);
    score.overview = analysis.overview.clone();
    for look_alike in &session.risk_false_positives {
        let Some(phrase) = phrase_of(look_alike) else {
            continue;
        };
        // A look-alike is someone's words: only a flag on that person's
        // words can be it (a client's real flag may echo the coach's
        // safety question about it).
        let speaker = look_alike.get("speaker").and_then(|v| v.as_str());
        if analysis.risk_flags.iter().any(|f| {
            speaker.is_none_or(|who| same_person(&f.speaker, who))
                && quotes_overlap(&f.quote, &phrase)
        }) {
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
    let quote = jaccard(
        &content_words(&predicted.quote),
        &content_words(&label.quote),
    );
    let text = jaccard(&content_words(&predicted.text), &content_words(&label.text));
    let contained = contains_either(&predicted.quote, &label.quote);
    let best = quote.max(text).max(if contained { 1.0 } else { 0.0 });
    (best >= MATCH_JACCARD).then_some(best)
}

fn risk_matches(flag: &RiskFlag, label: &LabelledRisk) -> bool {
    if !same_person(&flag.speaker, &label.client) {
        return false;
    }
    if let Some(category) = &label.category {
        return flag.category == *category;
    }
    let category: BTreeSet<String> = words(&flag.category.replace('_', " "))
        .into_iter()
        .collect();
    let kind: BTreeSet<String> = words(&label.kind.replace('_', " ")).into_iter().collect();
    !category.is_disjoint(&kind) || quotes_overlap(&flag.quote, &label.quote)
}

fn is_urgent_label(label: &LabelledRisk) -> bool {
    if let Some(severity) = &label.severity {
        return severity == "urgent";
    }
    let kind = label.kind.to_lowercase();
    kind.contains("self") || kind.contains("suicid") || kind.contains("crisis")
}

fn quotes_overlap(a: &str, b: &str) -> bool {
    contains_either(a, b) || jaccard(&content_words(a), &content_words(b)) >= MATCH_JACCARD
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

// ---------------------------------------------------------------------------
// The scorer's tokenisation

/// Word tokens as written: letters, digits, inner apostrophes and hyphens.
fn tokens(text: &str) -> impl Iterator<Item = &str> {
    let edge = |c: char| c == '\'' || c == '’' || c == '-';
    text.split(move |c: char| !(c.is_alphanumeric() || edge(c)))
        .map(move |token| token.trim_matches(edge))
        .filter(|token| !token.is_empty())
}

/// A token lower-cased, typographic apostrophes read as `'`.
fn lower(token: &str) -> String {
    token.replace('’', "'").to_lowercase()
}

fn words(text: &str) -> Vec<String> {
    tokens(text).map(lower).collect()
}

/// Content words: tokens of three letters or more (or a two-letter acronym
/// such as "HR"), possessive `'s` removed, that are neither numbers nor
/// [`FUNCTION_WORDS`].
fn content_words(text: &str) -> BTreeSet<String> {
    tokens(text)
        .filter_map(|token| {
            let acronym = token.len() == 2 && token.chars().all(|c| c.is_ascii_uppercase());
            let word = lower(token);
            let word = word.strip_suffix("'s").map(str::to_string).unwrap_or(word);
            let meaningful = word.chars().count() >= 3
                && !word.chars().all(|c| c.is_ascii_digit())
                && !FUNCTION_WORDS.contains(&word.as_str());
            (acronym || meaningful).then_some(word)
        })
        .collect()
}

/// Jaccard similarity of two word sets (0 when both are empty).
fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f64 / a.union(b).count() as f64
}

/// English function words, contractions and conversational fillers: words
/// that say nothing about what a commitment or a risk is about.
#[rustfmt::skip]
const FUNCTION_WORDS: &[&str] = &[
    "about", "actually", "after", "again", "all", "also", "and", "any", "anyway", "are",
    "aren't", "back", "basically", "because", "been", "before", "being", "both", "but", "can",
    "can't", "cannot", "could", "couldn't", "did", "didn't", "does", "doesn't", "doing", "don't",
    "down", "each", "even", "for", "from", "get", "going", "gonna", "got", "had", "has", "have",
    "having", "he'd", "he'll", "he's", "her", "here", "him", "his", "honestly", "how", "i'd",
    "i'll", "i'm", "i've", "into", "isn't", "it'd", "it'll", "it's", "its", "just", "kind",
    "know", "let", "let's", "like", "maybe", "mean", "might", "mine", "more", "much", "must",
    "myself", "need", "not", "now", "off", "okay", "one", "only", "other", "our", "out", "over",
    "probably", "really", "she", "she'd", "she'll", "she's", "should", "some", "something",
    "sort", "still", "sure", "than", "that", "that's", "the", "their", "them", "then", "there",
    "these", "they", "they'll", "they're", "thing", "things", "think", "this", "those", "too",
    "try", "uh", "um", "very", "want", "was", "wasn't", "we'll", "we're", "well", "were", "what",
    "when", "where", "which", "while", "who", "why", "will", "with", "won't", "would",
    "wouldn't", "yeah", "yes", "you", "you'd", "you'll", "you're", "your", "yourself",
];

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

    pub fn themes(&self) -> ThemeScore {
        let mut total = ThemeScore::default();
        self.sessions.iter().for_each(|s| total.add(s.themes));
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

    /// Sessions labelled free of risk in which something was flagged.
    pub fn false_positive_sessions(&self) -> Vec<String> {
        self.sessions
            .iter()
            .filter(|s| s.flags_without_risk > 0)
            .map(|s| s.session.clone())
            .collect()
    }

    pub fn urgent_missed(&self) -> Vec<String> {
        self.sessions
            .iter()
            .flat_map(|s| s.urgent_missed.clone())
            .collect()
    }
}

impl Report {
    /// Per session: the counts, and what was missed or extra, quoting the
    /// transcript. Never for the held-out half, whose words must stay unread.
    pub fn details(&self) -> String {
        let mut out = String::new();
        for s in &self.sessions {
            out.push_str(&format!(
                "{}: commitments tp={} fp={} fn={} due_ok={} | risks tp={} fp={} fn={}\n",
                s.session,
                s.commitments.true_positives,
                s.commitments.false_positives,
                s.commitments.false_negatives,
                s.due_correct,
                s.risks.true_positives,
                s.risks.false_positives,
                s.risks.false_negatives
            ));
            for missed in &s.missed_labels {
                out.push_str(&format!("    missed: {missed}\n"));
            }
            for extra in &s.unmatched_predictions {
                out.push_str(&format!("    extra:  {extra}\n"));
            }
            for missed in &s.missed_risks {
                out.push_str(&format!("    missed risk: {missed}\n"));
            }
            for extra in &s.extra_risks {
                out.push_str(&format!("    extra risk:  {extra}\n"));
            }
            for look_alike in &s.false_positives_flagged {
                out.push_str(&format!("    look-alike flagged: {look_alike}\n"));
            }
            out.push_str(&format!("    overview: {}\n", s.overview));
            for theme in &s.unmatched_themes {
                out.push_str(&format!("    theme no label names: {theme}\n"));
            }
        }
        out
    }
}

/// The totals only: figures, no transcript words.
impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (c, r) = (self.commitments(), self.risks());
        writeln!(
            f,
            "commitments: precision {:.2} recall {:.2} F1 {:.2} (due dates right on {:.0}% of matches)",
            c.precision(),
            c.recall(),
            c.f1(),
            self.due_accuracy() * 100.0
        )?;
        writeln!(
            f,
            "risks: precision {:.2} recall {:.2}",
            r.precision(),
            r.recall()
        )?;
        let themes = self.themes();
        writeln!(
            f,
            "themes: {:.2} of those named are labelled, {:.2} of the labelled are named",
            themes.precision(),
            themes.recall()
        )?;
        write!(
            f,
            "retracted extracted: {} | look-alikes flagged: {} | sessions without risk flagged: {} | urgent missed: {}",
            self.retracted_extracted().len(),
            self.false_positives_flagged().len(),
            self.false_positive_sessions().len(),
            self.urgent_missed().len()
        )
    }
}
