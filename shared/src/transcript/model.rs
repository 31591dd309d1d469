//! Parsed transcript types shared by parsing, metrics, chunking and analysis.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// The on-disk format a transcript arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TranscriptFormat {
    WebVtt,
    Srt,
    PlainText,
    JsonUtterances,
}

impl TranscriptFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WebVtt => "web_vtt",
            Self::Srt => "srt",
            Self::PlainText => "plain_text",
            Self::JsonUtterances => "json_utterances",
        }
    }

    /// File extension used for stored objects.
    pub fn extension(self) -> &'static str {
        match self {
            Self::WebVtt => "vtt",
            Self::Srt => "srt",
            Self::PlainText => "txt",
            Self::JsonUtterances => "json",
        }
    }
}

/// One speaker turn after normalisation (consecutive cues of a speaker merged,
/// whitespace trimmed, markup removed). Bracketed annotations such as `[laughs]`
/// are kept in `text` but are not spoken words (see `spoken_words`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Utterance {
    pub speaker: String,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    pub text: String,
}

/// A whole parsed transcript.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub format: TranscriptFormat,
    pub utterances: Vec<Utterance>,
}

/// A speaker-aware slice of the transcript, sized for the embedding model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Chunk {
    pub ordinal: u32,
    /// Distinct speakers in the chunk, in order of first appearance.
    pub speakers: Vec<String>,
    pub start_ms: Option<u64>,
    pub end_ms: Option<u64>,
    /// `Speaker: text` lines, one per (partial) utterance.
    pub text: String,
    pub word_count: u32,
}

/// Per-speaker coaching metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SpeakerMetrics {
    /// The speaker label as the transcript has it.
    pub speaker: String,
    pub words: u32,
    /// This speaker's spoken words / all spoken words, 0..=1.
    #[schema(minimum = 0, maximum = 1)]
    pub talk_share: f64,
    pub turns: u32,
    pub questions: u32,
    pub open_questions: u32,
    pub closed_questions: u32,
    /// Longest single turn, in spoken words.
    pub longest_monologue_words: u32,
    /// Longest single turn, in milliseconds, when timestamps are known.
    pub longest_monologue_ms: Option<u64>,
}

/// Coaching metrics for a whole session (`default()`: none measured, for a
/// request that holds no transcript).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CoachingMetrics {
    pub total_words: u32,
    pub duration_ms: Option<u64>,
    pub speakers: Vec<SpeakerMetrics>,
}

impl CoachingMetrics {
    /// The metrics as served, with the speaker who is the coach marked.
    pub fn with_coach(self, coach_speaker: Option<&str>) -> SessionMetrics {
        let coach = self
            .speakers
            .iter()
            .find(|s| Some(s.speaker.as_str()) == coach_speaker);
        SessionMetrics {
            coach_speaker: coach.map(|s| s.speaker.clone()),
            coach_talk_share: coach.map(|s| s.talk_share),
            total_words: self.total_words,
            duration_ms: self.duration_ms,
            speakers: self
                .speakers
                .into_iter()
                .map(|metrics| SpeakerMetricsView {
                    is_coach: Some(metrics.speaker.as_str()) == coach_speaker,
                    metrics,
                })
                .collect(),
        }
    }
}

/// One speaker's metrics, marked when the speaker is the coach.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SpeakerMetricsView {
    #[serde(flatten)]
    pub metrics: SpeakerMetrics,
    /// True for the speaker recognised as the coach.
    pub is_coach: bool,
}

/// A session's coaching metrics as the API serves them: which speaker is the
/// coach, and the coach's talk share, the headline coaching metric.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SessionMetrics {
    /// The transcript speaker recognised as the coach (by the session's
    /// `coach_speaker_label`, else by the coach's name); null when none was.
    pub coach_speaker: Option<String>,
    /// The coach's share of all spoken words, 0..=1; null when no speaker is the coach.
    #[schema(minimum = 0, maximum = 1)]
    pub coach_talk_share: Option<f64>,
    pub total_words: u32,
    pub duration_ms: Option<u64>,
    pub speakers: Vec<SpeakerMetricsView>,
}
