//! Transcript ingestion: decoding, format detection, parsing, normalisation,
//! coaching metrics and chunking. Pure functions over bytes and values; no
//! I/O, so every stage is cheap to test and safe to retry.
//!
//! Formats: WebVTT (Zoom `Name: text` cues, Teams `<v Name>` voice tags),
//! SRT, plain text with `Name:` turns, and JSON utterance lists.

pub mod chunking;
pub mod metrics;
pub mod model;

mod cues;
mod decode;
mod detect;
mod error;
mod json;
mod markup;
mod normalize;
mod plain;
mod questions;
mod speaker;
mod srt;
mod text;
mod timestamp;
mod webvtt;

#[cfg(test)]
mod tests;

pub use chunking::{chunk, ChunkConfig};
pub use error::{BinaryCause, TranscriptError};
pub use metrics::metrics;
pub use model::{Chunk, CoachingMetrics, SpeakerMetrics, Transcript, TranscriptFormat, Utterance};
pub use text::spoken_words;

/// Largest transcript accepted (a ten-hour session is well under 5 MB).
pub const MAX_TRANSCRIPT_BYTES: usize = 20 * 1024 * 1024;

/// Parses an uploaded transcript. The format is detected from the content;
/// `filename_hint` (e.g. `"session.vtt"`) only settles ambiguous cases.
///
/// # Errors
///
/// A [`TranscriptError`] whose message tells the coach what to fix: empty,
/// too large, binary, no speaker turns, a malformed line, or no speech.
pub fn parse(bytes: &[u8], filename_hint: Option<&str>) -> Result<Transcript, TranscriptError> {
    let text = decode::decode(bytes)?;
    let format = detect::detect_format(&text, filename_hint);
    let raw = match format {
        TranscriptFormat::WebVtt => webvtt::parse(&text)?,
        TranscriptFormat::Srt => srt::parse(&text)?,
        TranscriptFormat::PlainText => plain::parse(&text)?,
        TranscriptFormat::JsonUtterances => json::parse(&text)?,
    };
    let utterances = normalize::normalize(raw);
    if utterances.is_empty() {
        return Err(TranscriptError::NoSpeech);
    }
    Ok(Transcript { format, utterances })
}
