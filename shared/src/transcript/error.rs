//! Why a transcript could not be read, phrased for the coach who uploaded it.
//!
//! Messages never quote transcript content (it is personal data that may end
//! up in logs and notifications); at most they name a line number.

use std::fmt;

/// What to do about any file we cannot read: the formats we accept.
const EXPORT_HINT: &str = "Export the transcript as WebVTT (.vtt), SRT (.srt), plain text with \
     `Name:` turns, or a JSON utterance list and upload it again.";

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum TranscriptError {
    #[error(
        "The file is empty (or only blank space), so there is no transcript to read. \
         Check that the export finished, then upload the file again."
    )]
    Empty,

    #[error(
        "The file is {bytes} bytes, over the {limit_mb} MB limit for a transcript. \
         Upload the transcript text rather than the recording, or split a very long \
         session into parts.",
        limit_mb = limit / (1024 * 1024)
    )]
    TooLarge { bytes: usize, limit: usize },

    #[error(
        "The transcript has {words} spoken words, more than the {limit} a single session \
         can hold (about seven hours of speech). Check that the file is one session, or \
         split a very long session into parts and upload each."
    )]
    TooLong { words: usize, limit: usize },

    #[error("The file looks binary ({cause}), not a transcript. {EXPORT_HINT}")]
    Binary { cause: BinaryCause },

    #[error(
        "The file is text, but no speaker turns were found in it. Each turn needs a speaker \
         name, for example `Dana: How did it go?`. {EXPORT_HINT}"
    )]
    UnknownFormat,

    #[error(
        "The transcript could not be read at line {line}: {reason}. Correct that line or \
         export the transcript again, then upload it."
    )]
    Malformed { line: usize, reason: String },

    #[error(
        "The transcript was read, but it contains no spoken text. Check that transcription \
         was switched on for the recording, then upload the finished transcript."
    )]
    NoSpeech,
}

/// The evidence that made us call a file binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinaryCause {
    NulBytes,
    MostlyNonText,
    /// A recognised non-text file type, e.g. "a PNG image".
    KnownFileType(&'static str),
}

impl fmt::Display for BinaryCause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NulBytes => f.write_str("it contains NUL bytes"),
            Self::MostlyNonText => f.write_str("much of it is not readable text"),
            Self::KnownFileType(kind) => write!(f, "it is {kind}"),
        }
    }
}
