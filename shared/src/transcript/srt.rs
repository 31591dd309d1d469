//! SRT (SubRip): numeric index, `00:00:01,000 --> 00:00:02,000`, text lines
//! with `Name: ` prefixes. Missing indexes and extra blank lines are fine.

use super::cues::{cues_to_utterances, scan_cues};
use super::error::TranscriptError;
use super::model::Utterance;

pub(crate) fn parse(text: &str) -> Result<Vec<Utterance>, TranscriptError> {
    let lines: Vec<&str> = text.lines().collect();
    let cues = scan_cues(&lines, is_cue_index)?;
    Ok(cues_to_utterances(&cues))
}

fn is_cue_index(lines: &[&str], index: usize) -> bool {
    let line = lines[index].trim();
    !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tolerates_missing_indexes_blank_lines_and_dot_millis() {
        let text = "\n\n1\n00:00:01,000 --> 00:00:02,000\nSpeaker 1: Hi\n\n\n\n\
                    00:00:02.500 --> 00:00:04.000\nSpeaker 2: Hello,\n\nhow are you?\n3\n\
                    00:00:05,000 --> 00:00:06,000\n<i>Speaker 1:</i> Good\n";
        let parsed: Vec<(String, Option<u64>, Option<u64>, String)> = parse(text)
            .expect("parses")
            .into_iter()
            .map(|u| (u.speaker, u.start_ms, u.end_ms, u.text))
            .collect();
        assert_eq!(
            parsed,
            vec![
                ("Speaker 1".into(), Some(1_000), Some(2_000), "Hi".into()),
                (
                    "Speaker 2".into(),
                    Some(2_500),
                    Some(4_000),
                    "Hello, how are you?".into()
                ),
                ("Speaker 1".into(), Some(5_000), Some(6_000), "Good".into()),
            ]
        );
    }
}
