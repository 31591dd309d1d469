//! Scores sentences by how informative they are, for the overview and the
//! client insights: recurring content words, reflective first-person
//! statements; no questions, small talk or scraps.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;
use uuid::Uuid;

use crate::ai::analyst::{AnalysisRequest, RiskSeverity};

use super::participants::Roster;
use super::risk::sentence_cues;
use super::text::{content_words, is_question, pattern, sentence_spans, without_annotations};

pub(crate) static SMALL_TALK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:hi|hello|hey|bye|goodbye|thanks|thank you|can you hear|on mute|good morning|good afternoon|good evening|see you|take care|how are you|nice to see|congratulations|sorry|welcome back)\b",
    )
});
/// Reflective statements carry more of the session's substance.
static REFLECTIVE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\bI (?:realise|realize|think I|guess I|feel like|need to|want to|notice|see now|keep|'ve been telling myself|'m scared|'m worried|never thought)\b|\bthe (?:real|whole|big) (?:point|issue|problem|thing|one)\b|\bwhat (?:I|really) (?:need|want|matters)\b|\bI'm (?:working|getting|feeling)\b",
    )
});
/// Coach sentences that play back or name what they heard.
static COACH_REFLECTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:(?:so|and|okay|ok)[,.]?\s+)*(?:it sounds|that sounds|sounds like|what I'm hearing|I'm hearing|I hear|you said|you're|you've|both (?:things|can)|it seems|I notice|I'm noticing|it's not about)\b",
    )
});
/// Client statements in the first person say something about the client.
static FIRST_PERSON: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself|we|we're|our)\b"));
/// Pledges are listed as commitments; the overview favours the situation.
static PLEDGE: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\bI(?:'ll| will|'m going to| am going to)\b"));
/// Feelings named in the first person mark what mattered to the client.
pub(crate) static FELT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:I'm|I am|I was|I feel|I felt|I've been|I get|I got|feeling|felt)\s+(?:(?:so|really|very|a bit|quite|pretty|kind of|a little|just|more|less|too|completely|totally)\s+)*(anxious|nervous|scared|terrified|afraid|worried|guilty|ashamed|embarrassed|frustrated|angry|annoyed|resentful|sad|lonely|overwhelmed|stretched|exhausted|tired|drained|stuck|lost|rattled|hurt|stung|relieved|excited|proud|hopeful|confident|calm|lighter|grateful|happy|energised|energized|motivated|humbled)\b",
    )
});
static FILLERS: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b(?:um+|uh+|erm)\b[,.]?\s*|,\s*you know,"));

const MIN_WORDS: usize = 8;
/// A word's session frequency counts up to this much towards a sentence.
const FREQUENCY_CAP: f64 = 6.0;

#[derive(Debug, Clone)]
pub(crate) struct ScoredSentence {
    pub order: usize,
    pub client_id: Option<Uuid>,
    /// Annotations and fillers removed.
    pub text: String,
    pub score: f64,
}

/// Every eligible sentence with its score, in transcript order.
pub(crate) fn scored_sentences(request: &AnalysisRequest, roster: &Roster) -> Vec<ScoredSentence> {
    let mut frequency: BTreeMap<String, f64> = BTreeMap::new();
    for utterance in &request.utterances {
        for word in content_words(&without_annotations(&utterance.text)) {
            *frequency.entry(word).or_default() += 1.0;
        }
    }
    let total_sentences: usize = request
        .utterances
        .iter()
        .map(|u| sentence_spans(&u.text).len())
        .sum();
    let opening_sentences = total_sentences / 10;
    let mut scored = Vec::new();
    let mut order = 0;
    for utterance in &request.utterances {
        let person = roster.person(utterance);
        let spoken = without_annotations(&utterance.text);
        for span in sentence_spans(&spoken) {
            order += 1;
            let raw = &spoken[span];
            let text = tidy(raw);
            if is_question(&text)
                || SMALL_TALK.is_match(&text)
                || text.split_whitespace().count() < MIN_WORDS
                || (person.is_coach && !COACH_REFLECTION.is_match(&text))
            {
                continue;
            }
            let unique: BTreeSet<String> = content_words(&text).into_iter().collect();
            if unique.len() < 2 {
                continue;
            }
            let names = capitalised_words(&text);
            // Names recur without saying much; they count once.
            let weight: f64 = unique
                .iter()
                .map(|w| match names.contains(w) {
                    true => 1.0,
                    false => frequency.get(w).copied().unwrap_or(1.0).min(FREQUENCY_CAP),
                })
                .sum();
            let length = text.split_whitespace().count() as f64;
            let mut score = weight / length.sqrt();
            if REFLECTIVE.is_match(&text) || FELT.is_match(&text) {
                score *= 1.3;
            }
            if !person.is_coach && !FIRST_PERSON.is_match(&text) {
                score *= 0.5;
            }
            if PLEDGE.is_match(&text) {
                score *= 0.6;
            }
            // Sessions open with small talk.
            if order <= opening_sentences {
                score *= 0.7;
            }
            // Strain signals matter; urgent statements stay in the risk flags,
            // never in a client-facing highlight.
            let cues = sentence_cues(&text);
            if cues.iter().any(|cue| cue.severity == RiskSeverity::Urgent) {
                continue;
            }
            if !person.is_coach && !cues.is_empty() {
                score *= 1.5;
            }
            scored.push(ScoredSentence {
                order,
                client_id: person.client_id,
                text,
                score,
            });
        }
    }
    scored
}

/// Lower-cased words written with a capital after the first word.
fn capitalised_words(sentence: &str) -> BTreeSet<String> {
    sentence
        .split_whitespace()
        .skip(1)
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase) && *w != "I")
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric())
                .trim_end_matches("'s")
                .to_lowercase()
        })
        .collect()
}

/// Removes fillers and stray spaces, keeping the words as said.
pub(crate) fn tidy(sentence: &str) -> String {
    let without = FILLERS.replace_all(sentence, "");
    // "the, the doc" and "I'm, I'm" are false starts.
    let tokens: Vec<&str> = without.split_whitespace().collect();
    let mut kept: Vec<&str> = Vec::with_capacity(tokens.len());
    for (index, token) in tokens.iter().enumerate() {
        let bare = token.trim_end_matches(',');
        let repeated = tokens
            .get(index + 1)
            .is_some_and(|next| next.trim_end_matches([',', '.']).eq_ignore_ascii_case(bare));
        if !(repeated && token.ends_with(',')) {
            kept.push(token);
        }
    }
    let collapsed = kept.join(" ");
    let trimmed = collapsed.trim_start_matches([',', ' ']);
    super::text::capitalise_first(trimmed)
}

/// The `count` best sentences (highest score first; ties by order).
pub(crate) fn best<'a>(
    sentences: impl Iterator<Item = &'a ScoredSentence>,
    count: usize,
) -> Vec<&'a ScoredSentence> {
    let mut ranked: Vec<&ScoredSentence> = sentences.collect();
    ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.order.cmp(&b.order)));
    ranked.truncate(count);
    ranked
}
