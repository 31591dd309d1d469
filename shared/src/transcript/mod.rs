//! Transcript ingestion: decoding, format detection, parsing, normalisation,
//! coaching metrics and chunking. Pure functions over bytes and values; no
//! I/O, so every stage is cheap to test and safe to retry.
//!
//! Formats: WebVTT (Zoom `Name: text` cues, Teams `<v Name>` voice tags),
//! SRT, plain text with `Name:` turns, and JSON utterance lists.

pub mod chunking;
pub mod held_at;
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

/// Largest transcript file accepted, by every entry point (API, inbox,
/// bucket). Ten hours of WebVTT are about 1 MB; 4 MiB also fits the
/// Lambda's 6 MB request limit, so one limit holds everywhere.
pub const MAX_TRANSCRIPT_BYTES: usize = 4 * 1024 * 1024;

/// Most spoken words in one session: about seven hours of speech at a brisk
/// 140 words a minute. Anything longer is not one coaching session, and
/// refusing it keeps one file from holding a worker for many minutes.
pub const MAX_SPOKEN_WORDS: usize = 60_000;

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
    let words: usize = utterances.iter().map(|u| spoken_words(&u.text)).sum();
    if words > MAX_SPOKEN_WORDS {
        return Err(TranscriptError::TooLong {
            words,
            limit: MAX_SPOKEN_WORDS,
        });
    }
    Ok(Transcript { format, utterances })
}
