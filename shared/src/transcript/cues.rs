//! Timed cues shared by WebVTT and SRT: finding `start --> end` lines, the
//! payload lines that belong to each, and who speaks in them.
//!
//! Cues are found by their timing lines rather than by blank-line blocks, so
//! missing or extra blank lines and missing SRT indexes do not lose text.

use super::error::TranscriptError;
use super::markup::voice_spans;
use super::model::Utterance;
use super::speaker::{split_speaker_prefix, NameRules, UNKNOWN_SPEAKER};
use super::timestamp::parse_clock;

const TIMING_ARROW: &str = "-->";

/// One cue: its times and its non-blank payload lines, trimmed.
#[derive(Debug)]
pub(crate) struct TimedCue<'a> {
    pub start_ms: u64,
    pub end_ms: u64,
    pub lines: Vec<&'a str>,
}

/// Whether the line at an index is the identifier of the cue whose timing
/// line follows it (WebVTT ids, SRT indexes) rather than payload text.
pub(crate) type IsCueIdentifier = fn(lines: &[&str], index: usize) -> bool;

/// Whether a line is meant as a timing line (it may still be invalid): an
/// arrow after something clock-like, so speech such as `3 --> 4` is not.
pub(crate) fn is_timing_candidate(line: &str) -> bool {
    line.split_once(TIMING_ARROW).is_some_and(|(left, _)| {
        let left = left.trim();
        left.starts_with(|c: char| c.is_ascii_digit()) && left.contains(':')
    })
}

/// Finds every cue. A timing candidate that does not parse is an error:
/// silently skipping it would drop what was said in that cue.
pub(crate) fn scan_cues<'a>(
    lines: &[&'a str],
    is_identifier: IsCueIdentifier,
) -> Result<Vec<TimedCue<'a>>, TranscriptError> {
    let timing_indexes: Vec<usize> = (0..lines.len())
        .filter(|&i| is_timing_candidate(lines[i]))
        .collect();
    let mut cues = Vec::with_capacity(timing_indexes.len());
    for (k, &timing_index) in timing_indexes.iter().enumerate() {
        let (start_ms, end_ms) =
            parse_timing(lines[timing_index]).ok_or_else(|| TranscriptError::Malformed {
                line: timing_index + 1,
                reason: "the cue timing should look like `00:01:02.500 --> 00:01:05.000`"
                    .to_owned(),
            })?;
        let mut body_end = timing_indexes.get(k + 1).copied().unwrap_or(lines.len());
        if body_end < lines.len()
            && body_end > timing_index + 1
            && is_identifier(lines, body_end - 1)
        {
            body_end -= 1;
        }
        let payload = lines[timing_index + 1..body_end]
            .iter()
            .map(|line| line.trim())
            .filter(|line| !line.is_empty())
            .collect();
        cues.push(TimedCue {
            start_ms,
            end_ms,
            lines: payload,
        });
    }
    Ok(cues)
}

/// `start --> end [cue settings]` → (start, end); end is never before start.
fn parse_timing(line: &str) -> Option<(u64, u64)> {
    let (left, right) = line.split_once(TIMING_ARROW)?;
    let start = parse_clock(left.trim())?;
    let end = parse_clock(right.split_whitespace().next()?)?;
    Some((start, end.max(start)))
}

/// Turns cues into utterances. Cue text is split where a new speaker starts
/// (a voice tag or a `Name: ` prefix on a line); text without a speaker
/// belongs to the previous speaker, as Zoom splits long turns into cues.
pub(crate) fn cues_to_utterances(cues: &[TimedCue<'_>]) -> Vec<Utterance> {
    let mut utterances = Vec::new();
    let mut current_speaker: Option<String> = None;
    for cue in cues {
        for segment in cue_segments(&cue.lines) {
            if segment.speaker.is_some() {
                current_speaker = segment.speaker;
            }
            let speaker = current_speaker.as_deref().unwrap_or(UNKNOWN_SPEAKER);
            utterances.push(Utterance {
                speaker: speaker.to_owned(),
                start_ms: Some(cue.start_ms),
                end_ms: Some(cue.end_ms),
                text: segment.text,
            });
        }
    }
    utterances
}

/// Part of a cue's text with the speaker it names (if it names one).
struct CueSegment {
    speaker: Option<String>,
    text: String,
}

fn cue_segments(lines: &[&str]) -> Vec<CueSegment> {
    let mut segments = vec![CueSegment {
        speaker: None,
        text: String::new(),
    }];
    for line in lines {
        let spans = voice_spans(line);
        let has_voice = spans
            .iter()
            .any(|span| span.voice.as_deref().is_some_and(|v| !v.is_empty()));
        if has_voice {
            for span in spans {
                match span.voice.filter(|voice| !voice.is_empty()) {
                    Some(voice) => segments.push(CueSegment {
                        speaker: Some(voice),
                        text: span.text,
                    }),
                    None => append(&mut segments, &span.text),
                }
            }
            continue;
        }
        let plain: String = spans.into_iter().map(|span| span.text).collect();
        match split_speaker_prefix(&plain, NameRules::Cue) {
            Some((name, text)) => segments.push(CueSegment {
                speaker: Some(name.to_owned()),
                text: text.to_owned(),
            }),
            None => append(&mut segments, &plain),
        }
    }
    segments.retain(|segment| segment.speaker.is_some() || !segment.text.trim().is_empty());
    segments
}

fn append(segments: &mut [CueSegment], text: &str) {
    if let Some(last) = segments.last_mut() {
        if !last.text.is_empty() {
            last.text.push(' ');
        }
        last.text.push_str(text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numeric_index(lines: &[&str], index: usize) -> bool {
        let line = lines[index].trim();
        !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
    }

    #[test]
    fn timing_with_settings_and_short_stamps() {
        assert_eq!(
            parse_timing("01:02.500 --> 01:04.000 align:start position:10%"),
            Some((62_500, 64_000))
        );
        assert_eq!(
            parse_timing("00:00:05,000 --> 00:00:01,000"),
            Some((5_000, 5_000))
        );
        assert_eq!(parse_timing("00:00:05,000 --> later"), None);
    }

    #[test]
    fn payload_stops_before_next_index_even_without_blank_line() {
        let lines = [
            "1",
            "00:00:01,000 --> 00:00:02,000",
            "A: one",
            "2",
            "00:00:03,000 --> 00:00:04,000",
            "two",
            "",
            "",
        ];
        let cues = scan_cues(&lines, numeric_index).expect("cues");
        assert_eq!(cues.len(), 2);
        assert_eq!(cues[0].lines, vec!["A: one"]);
        assert_eq!(cues[1].lines, vec!["two"]);
    }

    #[test]
    fn arrows_in_speech_are_not_timing_lines() {
        assert!(is_timing_candidate("00:01.000 --> 00:02.000"));
        assert!(is_timing_candidate("00:0x --> whenever"));
        assert!(!is_timing_candidate("3 --> 4 is the plan"));
        assert!(!is_timing_candidate("Dana: step one --> step two"));
    }

    #[test]
    fn bad_timing_reports_its_line() {
        let lines = ["1", "00:00:01,000 --> soon", "A: one"];
        let err = scan_cues(&lines, numeric_index).expect_err("malformed");
        assert!(matches!(err, TranscriptError::Malformed { line: 2, .. }));
    }

    #[test]
    fn speakerless_cues_inherit_previous_speaker() {
        let cues = [
            TimedCue {
                start_ms: 0,
                end_ms: 1,
                lines: vec!["just text"],
            },
            TimedCue {
                start_ms: 1,
                end_ms: 2,
                lines: vec!["Dana: hi", "there"],
            },
            TimedCue {
                start_ms: 2,
                end_ms: 3,
                lines: vec!["more", "Tobias: hello"],
            },
        ];
        let speakers: Vec<(String, String)> = cues_to_utterances(&cues)
            .into_iter()
            .map(|u| (u.speaker, u.text))
            .collect();
        let expected = [
            (UNKNOWN_SPEAKER, "just text"),
            ("Dana", "hi there"),
            ("Dana", "more"),
            ("Tobias", "hello"),
        ];
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(s, t)| (s.to_string(), t.to_string()))
            .collect();
        assert_eq!(speakers, expected);
    }
}
