//! Coaching metrics for the observations: the request's metrics when the
//! pipeline computed them, otherwise the same computation over the request's
//! utterances, so the analyser also works on its own.

use crate::ai::analyst::{AnalysisRequest, SpeakerRole};
use crate::transcript::model::{CoachingMetrics, Transcript, TranscriptFormat, Utterance};

/// The session's metrics, computed from the utterances if none were given.
pub(crate) fn effective_metrics(request: &AnalysisRequest) -> CoachingMetrics {
    if !request.metrics.speakers.is_empty() {
        return request.metrics.clone();
    }
    let transcript = Transcript {
        format: TranscriptFormat::PlainText,
        utterances: request
            .utterances
            .iter()
            .map(|u| Utterance {
                speaker: u.speaker.clone(),
                start_ms: u.start_ms,
                end_ms: None,
                text: u.text.clone(),
            })
            .collect(),
    };
    crate::transcript::metrics(&transcript)
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
