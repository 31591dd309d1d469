//! Coaching metrics: who talked how much, how they asked, and the longest
//! uninterrupted turn.

use std::collections::HashMap;

use super::model::{CoachingMetrics, SpeakerMetrics, Transcript, Utterance};
use super::questions::{questions, QuestionKind};
use super::text::spoken_words;

/// Computes per-speaker and whole-session metrics. Speakers are listed in
/// order of first appearance.
pub fn metrics(transcript: &Transcript) -> CoachingMetrics {
    let mut speakers: Vec<SpeakerMetrics> = Vec::new();
    // A map, not a linear search: a hostile file can name a million speakers.
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    for utterance in &transcript.utterances {
        let index = *index_of
            .entry(utterance.speaker.as_str())
            .or_insert_with(|| {
                speakers.push(empty_metrics(&utterance.speaker));
                speakers.len() - 1
            });
        add_turn(&mut speakers[index], utterance);
    }
    let total_words: u32 = speakers.iter().map(|s| s.words).sum();
    for speaker in &mut speakers {
        speaker.talk_share = if total_words == 0 {
            0.0
        } else {
            f64::from(speaker.words) / f64::from(total_words)
        };
    }
    CoachingMetrics {
        total_words,
        duration_ms: duration_ms(&transcript.utterances),
        speakers,
    }
}

fn empty_metrics(speaker: &str) -> SpeakerMetrics {
    SpeakerMetrics {
        speaker: speaker.to_owned(),
        words: 0,
        talk_share: 0.0,
        turns: 0,
        questions: 0,
        open_questions: 0,
        closed_questions: 0,
        longest_monologue_words: 0,
        longest_monologue_ms: None,
    }
}

fn add_turn(metrics: &mut SpeakerMetrics, utterance: &Utterance) {
    let words = saturating_u32(spoken_words(&utterance.text));
    metrics.words = metrics.words.saturating_add(words);
    metrics.turns += 1;
    metrics.longest_monologue_words = metrics.longest_monologue_words.max(words);
    if let (Some(start), Some(end)) = (utterance.start_ms, utterance.end_ms) {
        let length = end.saturating_sub(start);
        metrics.longest_monologue_ms = Some(
            metrics
                .longest_monologue_ms
                .map_or(length, |ms| ms.max(length)),
        );
    }
    for kind in questions(&utterance.text) {
        metrics.questions += 1;
        match kind {
            QuestionKind::Open => metrics.open_questions += 1,
            QuestionKind::Closed => metrics.closed_questions += 1,
            QuestionKind::Unclassified => {}
        }
    }
}

/// From the first known start to the last known end (or start).
fn duration_ms(utterances: &[Utterance]) -> Option<u64> {
    let first_start = utterances.iter().find_map(|u| u.start_ms)?;
    let last_moment = utterances
        .iter()
        .filter_map(|u| u.end_ms.or(u.start_ms))
        .max()?;
    Some(last_moment.saturating_sub(first_start))
}

fn saturating_u32(count: usize) -> u32 {
    u32::try_from(count).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::super::model::TranscriptFormat;
    use super::*;

    fn utterance(speaker: &str, times: Option<(u64, u64)>, text: &str) -> Utterance {
        Utterance {
            speaker: speaker.to_owned(),
            start_ms: times.map(|t| t.0),
            end_ms: times.map(|t| t.1),
            text: text.to_owned(),
        }
    }

    #[test]
    fn per_speaker_counts() {
        let transcript = Transcript {
            format: TranscriptFormat::WebVtt,
            utterances: vec![
                utterance(
                    "Coach",
                    Some((1_000, 3_000)),
                    "Hi. How was the week? Did you sleep?",
                ),
                utterance(
                    "Client",
                    Some((3_000, 10_000)),
                    "Long story [laughs] short, it was fine. Good week?",
                ),
                utterance("Coach", Some((10_000, 11_000)), "Tell me more."),
            ],
        };
        let m = metrics(&transcript);
        assert_eq!(m.total_words, 8 + 8 + 3);
        assert_eq!(m.duration_ms, Some(10_000));
        let coach = &m.speakers[0];
        assert_eq!(
            (coach.speaker.as_str(), coach.words, coach.turns),
            ("Coach", 11, 2)
        );
        assert_eq!(
            (
                coach.questions,
                coach.open_questions,
                coach.closed_questions
            ),
            (2, 1, 1)
        );
        assert_eq!(
            (coach.longest_monologue_words, coach.longest_monologue_ms),
            (8, Some(2_000))
        );
        let client = &m.speakers[1];
        assert_eq!(
            (
                client.questions,
                client.open_questions,
                client.closed_questions
            ),
            (1, 0, 0)
        );
        assert_eq!(client.longest_monologue_ms, Some(7_000));
        assert!((coach.talk_share - 11.0 / 19.0).abs() < 1e-9);
        assert!((coach.talk_share + client.talk_share - 1.0).abs() < 1e-9);
    }

    #[test]
    fn without_timestamps_or_words() {
        let transcript = Transcript {
            format: TranscriptFormat::PlainText,
            utterances: vec![utterance("A", None, "[silence]")],
        };
        let m = metrics(&transcript);
        assert_eq!((m.total_words, m.duration_ms), (0, None));
        assert_eq!(m.speakers[0].talk_share, 0.0);
        assert_eq!(m.speakers[0].longest_monologue_ms, None);
    }
}
