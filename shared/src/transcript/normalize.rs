//! Normalisation shared by every format: tidy whitespace, drop empty cues and
//! merge a speaker's consecutive cues into one turn.

use super::model::Utterance;
use super::speaker::UNKNOWN_SPEAKER;

pub(crate) fn normalize(raw: Vec<Utterance>) -> Vec<Utterance> {
    let mut turns: Vec<Utterance> = Vec::with_capacity(raw.len());
    for utterance in raw {
        let text = collapse_whitespace(&utterance.text);
        if text.is_empty() {
            continue;
        }
        let mut speaker = collapse_whitespace(&utterance.speaker);
        if speaker.is_empty() {
            speaker = UNKNOWN_SPEAKER.to_owned();
        }
        match turns.last_mut() {
            Some(previous) if previous.speaker == speaker => {
                previous.text.push(' ');
                previous.text.push_str(&text);
                previous.start_ms = previous.start_ms.or(utterance.start_ms);
                previous.end_ms = utterance.end_ms.or(previous.end_ms);
            }
            _ => turns.push(Utterance {
                speaker,
                start_ms: utterance.start_ms,
                end_ms: utterance.end_ms,
                text,
            }),
        }
    }
    turns
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utterance(
        speaker: &str,
        start_ms: Option<u64>,
        end_ms: Option<u64>,
        text: &str,
    ) -> Utterance {
        Utterance {
            speaker: speaker.to_owned(),
            start_ms,
            end_ms,
            text: text.to_owned(),
        }
    }

    #[test]
    fn merges_consecutive_turns_and_drops_empty_ones() {
        let raw = vec![
            utterance(" Dana ", Some(0), Some(1_000), "  Hi\tthere "),
            utterance("Tobias", Some(1_000), Some(2_000), "   "),
            utterance("Dana", Some(2_000), Some(3_000), "How are\nyou?"),
            utterance("Tobias", Some(3_000), Some(4_000), "Fine."),
            utterance("", None, None, "Who is this?"),
        ];
        assert_eq!(
            normalize(raw),
            vec![
                utterance("Dana", Some(0), Some(3_000), "Hi there How are you?"),
                utterance("Tobias", Some(3_000), Some(4_000), "Fine."),
                utterance(UNKNOWN_SPEAKER, None, None, "Who is this?"),
            ]
        );
    }
}
