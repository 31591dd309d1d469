//! Plain text with `Name: text` turns, optionally stamped:
//! `[00:01:02] Dana: hi`, `(01:02) Dana: hi`, `Dana [00:01:02]: hi`.
//!
//! A line that starts with a plausible speaker name opens a new turn; any
//! other line continues the current turn. Lines before the first turn (a
//! title, a date) are not speech and are dropped.

use super::error::TranscriptError;
use super::model::Utterance;
use super::speaker::{is_speaker_name, split_label, NameRules};
use super::timestamp::parse_clock;

pub(crate) fn parse(text: &str) -> Result<Vec<Utterance>, TranscriptError> {
    let mut turns: Vec<Utterance> = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        if let Some(turn) = parse_turn_line(line) {
            turns.push(turn);
        } else if let Some(current) = turns.last_mut() {
            current.text.push(' ');
            current.text.push_str(line);
        }
    }
    if turns.is_empty() {
        return Err(TranscriptError::UnknownFormat);
    }
    infer_end_times(&mut turns);
    Ok(turns)
}

/// Plain text only stamps the start of a turn; it ends when the next begins.
fn infer_end_times(turns: &mut [Utterance]) {
    for i in 1..turns.len() {
        turns[i - 1].end_ms = turns[i].start_ms;
    }
}

fn parse_turn_line(line: &str) -> Option<Utterance> {
    let (leading_stamp, rest) = match take_leading_stamp(line) {
        Some((stamp, rest)) => (Some(stamp), rest),
        None => (None, line),
    };
    let (label, text) = split_label(rest)?;
    let (name, label_stamp) = match take_trailing_stamp(label.trim()) {
        Some((name, stamp)) => (name, Some(stamp)),
        None => (label.trim(), None),
    };
    if !is_speaker_name(name, NameRules::PlainText) {
        return None;
    }
    let (text_stamp, text) = match take_leading_stamp(text.trim()) {
        Some((stamp, text)) => (Some(stamp), text),
        None => (None, text.trim()),
    };
    Some(Utterance {
        speaker: name.to_owned(),
        start_ms: leading_stamp.or(label_stamp).or(text_stamp),
        end_ms: None,
        text: text.to_owned(),
    })
}

/// `[00:01:02] rest` or `(01:02) rest` → (stamp, rest).
fn take_leading_stamp(text: &str) -> Option<(u64, &str)> {
    let close = match text.chars().next()? {
        '[' => ']',
        '(' => ')',
        _ => return None,
    };
    let end = text.find(close)?;
    let stamp = parse_clock(text[1..end].trim())?;
    Some((stamp, text[end + 1..].trim_start()))
}

/// `Dana [00:01:02]` or `Dana (01:02)` → (name, stamp).
fn take_trailing_stamp(label: &str) -> Option<(&str, u64)> {
    let open = match label.chars().last()? {
        ']' => '[',
        ')' => '(',
        _ => return None,
    };
    let start = label.rfind(open)?;
    let stamp = parse_clock(label[start + 1..label.len() - 1].trim())?;
    Some((label[..start].trim_end(), stamp))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turns(text: &str) -> Vec<(String, Option<u64>, Option<u64>, String)> {
        parse(text)
            .expect("parses")
            .into_iter()
            .map(|u| (u.speaker, u.start_ms, u.end_ms, u.text))
            .collect()
    }

    #[test]
    fn stamps_before_and_after_names() {
        let text = "Session with Helen, 3 May\n\n[00:00:05] Dana: Hi.\n\
                    Helen (00:07): Hello. [laughs]\nIt has been a week.\n\n\
                    Dana: [01:02:03] Tell me more.\n";
        assert_eq!(
            turns(text),
            vec![
                ("Dana".into(), Some(5_000), Some(7_000), "Hi.".into()),
                (
                    "Helen".into(),
                    Some(7_000),
                    Some(3_723_000),
                    "Hello. [laughs] It has been a week.".into()
                ),
                ("Dana".into(), Some(3_723_000), None, "Tell me more.".into()),
            ]
        );
    }

    #[test]
    fn colon_sentences_continue_the_turn() {
        let text = "Dana: Here is the plan.\nNote: this stays with Dana.\nso what I mean is: also Dana\nTobias: Okay.";
        let parsed = turns(text);
        assert_eq!(parsed.len(), 2);
        assert_eq!(
            parsed[0].3,
            "Here is the plan. Note: this stays with Dana. so what I mean is: also Dana"
        );
    }

    #[test]
    fn prose_without_turns_is_unknown() {
        let err =
            parse("It was a dark and stormy night.\nThe rain fell: hard.").expect_err("unknown");
        assert_eq!(err, TranscriptError::UnknownFormat);
    }
}
