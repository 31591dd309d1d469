//! Parsed transcript types shared by parsing, metrics, chunking and analysis.

use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpeakerMetrics {
    pub speaker: String,
    pub words: u32,
    /// This speaker's spoken words / all spoken words, 0..=1.
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

/// Coaching metrics for a whole session.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CoachingMetrics {
    pub total_words: u32,
    pub duration_ms: Option<u64>,
    pub speakers: Vec<SpeakerMetrics>,
}
