//! WebVTT: Zoom (`Name: text` cues) and Teams (`<v Name>` voice tags).
//!
//! The header, NOTE, STYLE and REGION blocks are blanked out (keeping line
//! numbers for error messages) and the rest is read as timed cues.

use super::cues::{cues_to_utterances, is_timing_candidate, scan_cues};
use super::error::TranscriptError;
use super::model::Utterance;

const SKIPPED_BLOCK_KEYWORDS: [&str; 3] = ["NOTE", "STYLE", "REGION"];

pub(crate) fn parse(text: &str) -> Result<Vec<Utterance>, TranscriptError> {
    let lines = without_header_and_metadata_blocks(text);
    let cues = scan_cues(&lines, is_cue_identifier)?;
    Ok(cues_to_utterances(&cues))
}

/// Whether the text starts with the `WEBVTT` signature (optionally followed
/// by a space or tab and a title).
pub(crate) fn has_signature(text: &str) -> bool {
    let first_line = text.trim_start().lines().next().unwrap_or_default();
    first_line
        .strip_prefix("WEBVTT")
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
}

fn without_header_and_metadata_blocks(text: &str) -> Vec<&str> {
    let mut lines: Vec<&str> = text.lines().collect();
    let mut in_header = has_signature(text);
    let mut in_skipped_block = false;
    let mut previous_blank = true;
    let mut seen_text = false;
    for line in &mut lines {
        let blank = line.trim().is_empty();
        if blank {
            // Blank lines before the signature do not end the header.
            in_header &= !seen_text;
            in_skipped_block = false;
        } else if in_header && is_timing_candidate(line) {
            // Some tools omit the blank line after the header.
            in_header = false;
        } else if previous_blank && starts_skipped_block(line) {
            in_skipped_block = true;
        }
        previous_blank = blank;
        seen_text |= !blank;
        if in_header || in_skipped_block {
            *line = "";
        }
    }
    lines
}

fn starts_skipped_block(line: &str) -> bool {
    SKIPPED_BLOCK_KEYWORDS.iter().any(|keyword| {
        line.strip_prefix(keyword)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
    })
}

/// A cue identifier is the line right before the timing line, after a blank
/// line (Zoom numbers, Teams GUIDs like `b51c…/25-0`).
fn is_cue_identifier(lines: &[&str], index: usize) -> bool {
    let follows_blank = index == 0 || lines[index - 1].trim().is_empty();
    follows_blank && !lines[index].trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(text: &str) -> Vec<(String, Option<u64>, String)> {
        parse(text)
            .expect("parses")
            .into_iter()
            .map(|u| (u.speaker, u.start_ms, u.text))
            .collect()
    }

    fn turn(speaker: &str, start_ms: u64, text: &str) -> (String, Option<u64>, String) {
        (speaker.to_owned(), Some(start_ms), text.to_owned())
    }

    #[test]
    fn header_notes_styles_and_regions_are_skipped() {
        let text =
            "WEBVTT - Team sync\nKind: captions\n\nNOTE written by hand\nDana: not a cue\n\n\
                    STYLE\n::cue { color: red }\n\nREGION\nid:fred\n\nNOTE\n\n\
                    1\n00:01.000 --> 00:02.500 align:start position:10%\nDana: Hello\nthere\n";
        assert_eq!(turns(text), vec![turn("Dana", 1_000, "Hello there")]);
    }

    #[test]
    fn teams_guid_identifiers_and_voice_classes() {
        let text = "WEBVTT\n\nb51cfb49-6878-4285-9f8f-09aa954b2a9e/25-0\n00:00:01.398 --> 00:00:06.072\n\
                    <v.loud Dana Whitfield>Okay, <i>everyone</i>.</v>\n\n\
                    c13c/26-0\n00:00:06.847 --> 00:00:09.370\n<v Helen Achterberg>Sorry,\ncan you hear me?\n";
        assert_eq!(
            turns(text),
            vec![
                turn("Dana Whitfield", 1_398, "Okay, everyone."),
                turn("Helen Achterberg", 6_847, "Sorry, can you hear me?"),
            ]
        );
    }

    #[test]
    fn header_without_blank_line() {
        let text = "WEBVTT\n00:00.000 --> 00:01.000\nA: hi\n";
        assert_eq!(turns(text), vec![turn("A", 0, "hi")]);
    }

    #[test]
    fn signature() {
        assert!(has_signature("WEBVTT"));
        assert!(has_signature("\nWEBVTT Title\n"));
        assert!(!has_signature("WEBVTTX\n"));
        assert!(!has_signature("Dana: WEBVTT"));
    }
}
