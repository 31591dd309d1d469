//! Coaching metrics for the observations: the request's metrics when the
//! pipeline computed them, otherwise a simple count from the utterances so
//! the analyser also works on its own.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::ai::analyst::{AnalysisRequest, SpeakerRole};
use crate::transcript::model::{CoachingMetrics, SpeakerMetrics};

use super::text::{is_question, pattern, sentence_spans, without_annotations};

/// Questions that invite exploration rather than yes/no.
pub(crate) static OPEN_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:(?:so|and|but|okay|ok|now|then|right|well)[,.]?\s+)*(?:what|how|why|where|when|who|which|tell me|say more|describe|talk me through|walk me through|in what way)\b",
    )
});

/// The session's metrics, counted from the utterances if none were given.
pub(crate) fn effective_metrics(request: &AnalysisRequest) -> CoachingMetrics {
    if !request.metrics.speakers.is_empty() {
        return request.metrics.clone();
    }
    let mut by_speaker: BTreeMap<String, SpeakerMetrics> = BTreeMap::new();
    let mut order: Vec<String> = Vec::new();
    let mut total_words = 0u32;
    for utterance in &request.utterances {
        let spoken = without_annotations(&utterance.text);
        let words = spoken.split_whitespace().count() as u32;
        total_words += words;
        let entry = by_speaker
            .entry(utterance.speaker.clone())
            .or_insert_with(|| {
                order.push(utterance.speaker.clone());
                SpeakerMetrics {
                    speaker: utterance.speaker.clone(),
                    words: 0,
                    talk_share: 0.0,
                    turns: 0,
                    questions: 0,
                    open_questions: 0,
                    closed_questions: 0,
                    longest_monologue_words: 0,
                    longest_monologue_ms: None,
                }
            });
        entry.words += words;
        entry.turns += 1;
        entry.longest_monologue_words = entry.longest_monologue_words.max(words);
        for span in sentence_spans(&spoken) {
            let sentence = &spoken[span];
            if is_question(sentence) {
                entry.questions += 1;
                if OPEN_QUESTION.is_match(sentence) {
                    entry.open_questions += 1;
                } else {
                    entry.closed_questions += 1;
                }
            }
        }
    }
    let speakers = order
        .into_iter()
        .filter_map(|speaker| by_speaker.remove(&speaker))
        .map(|mut metrics| {
            if total_words > 0 {
                metrics.talk_share = f64::from(metrics.words) / f64::from(total_words);
            }
            metrics
        })
        .collect();
    CoachingMetrics {
        total_words,
        duration_ms: None,
        speakers,
    }
}

/// The speaker label the coach appears under in the transcript.
pub(crate) fn coach_label(request: &AnalysisRequest) -> Option<String> {
    request
        .utterances
        .iter()
        .find(|u| u.role == SpeakerRole::Coach)
        .map(|u| u.speaker.clone())
        .or_else(|| request.coach_speaker_label.clone())
}
