//! Format detection. The content decides; the file name only breaks the tie
//! between SRT and a WebVTT file that lost its `WEBVTT` header.

use super::cues::is_timing_candidate;
use super::json::looks_like_json;
use super::model::TranscriptFormat;
use super::webvtt::has_signature;

/// How many non-blank lines we look through for a cue timing line.
const TIMING_SNIFF_LINES: usize = 50;

pub(crate) fn detect_format(text: &str, filename_hint: Option<&str>) -> TranscriptFormat {
    if has_signature(text) {
        return TranscriptFormat::WebVtt;
    }
    if looks_like_json(text) {
        return TranscriptFormat::JsonUtterances;
    }
    let has_timing_lines = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(TIMING_SNIFF_LINES)
        .any(is_timing_candidate);
    if has_timing_lines {
        return match extension(filename_hint).as_deref() {
            Some("vtt") | Some("webvtt") => TranscriptFormat::WebVtt,
            _ => TranscriptFormat::Srt,
        };
    }
    TranscriptFormat::PlainText
}

fn extension(filename: Option<&str>) -> Option<String> {
    let (_, extension) = filename?.rsplit_once('.')?;
    Some(extension.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use TranscriptFormat::*;

    #[test]
    fn content_wins_over_the_file_name() {
        assert_eq!(
            detect_format("WEBVTT\n\n00:01.000 --> 00:02.000\nA: hi", Some("x.srt")),
            WebVtt
        );
        assert_eq!(
            detect_format("[{\"speaker\": \"A\"}]", Some("x.txt")),
            JsonUtterances
        );
        assert_eq!(
            detect_format("1\n00:00:01,000 --> 00:00:02,000\nA: hi", Some("x.txt")),
            Srt
        );
        assert_eq!(
            detect_format("[00:00:01] Dana: hi", Some("x.json")),
            PlainText
        );
    }

    #[test]
    fn file_name_breaks_the_vtt_srt_tie() {
        let headerless = "00:01.000 --> 00:02.000\nA: hi";
        assert_eq!(detect_format(headerless, Some("Meeting.VTT")), WebVtt);
        assert_eq!(detect_format(headerless, None), Srt);
    }
}
