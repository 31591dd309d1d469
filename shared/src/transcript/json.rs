//! JSON utterance lists, as Otter/Rev-style and Whisper-style exports give:
//! `[{"speaker", "start", "end", "text"}]` or the same list wrapped in
//! `{"utterances": […]}` / `{"segments": […]}`.
//!
//! Typed deserialisation (rather than walking a `Value`) lets serde_json
//! report the line of a bad field, so the coach can find it.

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use super::error::TranscriptError;
use super::model::Utterance;
use super::speaker::UNKNOWN_SPEAKER;
use super::timestamp::{parse_clock_or_seconds, seconds_to_millis};

/// Whether the text starts like a JSON document of utterances: an object,
/// or an array of objects (so `[00:01] Dana: hi` stays plain text).
pub(crate) fn looks_like_json(text: &str) -> bool {
    let text = text.trim_start();
    if text.starts_with('{') {
        return true;
    }
    text.strip_prefix('[')
        .map(str::trim_start)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['{', ']']))
}

pub(crate) fn parse(text: &str) -> Result<Vec<Utterance>, TranscriptError> {
    let items = if text.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<JsonUtterance>>(text)
    } else {
        serde_json::from_str::<Wrapper>(text).map(|wrapper| wrapper.utterances)
    }
    .map_err(to_malformed)?;
    Ok(items
        .into_iter()
        .map(JsonUtterance::into_utterance)
        .collect())
}

#[derive(Deserialize)]
struct Wrapper {
    #[serde(alias = "segments")]
    utterances: Vec<JsonUtterance>,
}

#[derive(Deserialize)]
struct JsonUtterance {
    #[serde(default, alias = "speaker_name", alias = "name")]
    speaker: Option<SpeakerLabel>,
    #[serde(default, alias = "start_time", alias = "startTime")]
    start: Option<Millis>,
    #[serde(default, alias = "end_time", alias = "endTime")]
    end: Option<Millis>,
    #[serde(default)]
    text: Option<String>,
}

impl JsonUtterance {
    fn into_utterance(self) -> Utterance {
        Utterance {
            speaker: self
                .speaker
                .map_or_else(|| UNKNOWN_SPEAKER.to_owned(), |label| label.0),
            start_ms: self.start.map(|m| m.0),
            end_ms: self.end.map(|m| m.0),
            text: self.text.unwrap_or_default(),
        }
    }
}

/// Builds the error from serde_json's category and position only: its
/// message can quote values from the file, which are personal data.
fn to_malformed(error: serde_json::Error) -> TranscriptError {
    use serde_json::error::Category;
    let reason = match error.classify() {
        Category::Eof => "the JSON ends before it is complete",
        Category::Syntax => "the JSON syntax is not valid",
        Category::Data => {
            "expected a list of utterances (or an object with an `utterances` or `segments` \
             list), each with a text `speaker`, `start` and `end` in seconds or \
             `HH:MM:SS.mmm`, and `text`"
        }
        Category::Io => "the JSON could not be read",
    };
    TranscriptError::Malformed {
        line: error.line().max(1),
        reason: reason.to_owned(),
    }
}

/// A speaker given as a name, or as a number (`0` → `Speaker 0`).
struct SpeakerLabel(String);

impl<'de> Deserialize<'de> for SpeakerLabel {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct LabelVisitor;
        impl Visitor<'_> for LabelVisitor {
            type Value = SpeakerLabel;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a speaker name or number")
            }
            fn visit_str<E: de::Error>(self, name: &str) -> Result<SpeakerLabel, E> {
                Ok(SpeakerLabel(name.to_owned()))
            }
            fn visit_u64<E: de::Error>(self, number: u64) -> Result<SpeakerLabel, E> {
                Ok(SpeakerLabel(format!("Speaker {number}")))
            }
            fn visit_i64<E: de::Error>(self, number: i64) -> Result<SpeakerLabel, E> {
                Ok(SpeakerLabel(format!("Speaker {number}")))
            }
        }
        deserializer.deserialize_any(LabelVisitor)
    }
}

/// A time given as seconds (`1.5`) or a clock string (`"00:00:01.500"`).
struct Millis(u64);

impl<'de> Deserialize<'de> for Millis {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MillisVisitor;
        impl Visitor<'_> for MillisVisitor {
            type Value = Millis;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("seconds or an HH:MM:SS.mmm time")
            }
            fn visit_f64<E: de::Error>(self, seconds: f64) -> Result<Millis, E> {
                seconds_to_millis(seconds)
                    .map(Millis)
                    .ok_or_else(|| E::custom("time out of range"))
            }
            fn visit_u64<E: de::Error>(self, seconds: u64) -> Result<Millis, E> {
                seconds
                    .checked_mul(1000)
                    .map(Millis)
                    .ok_or_else(|| E::custom("time out of range"))
            }
            fn visit_i64<E: de::Error>(self, seconds: i64) -> Result<Millis, E> {
                u64::try_from(seconds)
                    .map_err(|_| E::custom("negative time"))
                    .and_then(|seconds| self.visit_u64(seconds))
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Millis, E> {
                parse_clock_or_seconds(text)
                    .map(Millis)
                    .ok_or_else(|| E::custom("unreadable time"))
            }
        }
        deserializer.deserialize_any(MillisVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(text: &str) -> Vec<(String, Option<u64>, Option<u64>, String)> {
        parse(text)
            .expect("parses")
            .into_iter()
            .map(|u| (u.speaker, u.start_ms, u.end_ms, u.text))
            .collect()
    }

    #[test]
    fn float_seconds_and_key_aliases() {
        let text = r#"[{"speaker": "Dana", "start": 1.5, "end": 3.2, "text": "Hi"},
                       {"speaker_name": "Tobias", "start_time": 4, "endTime": 5.25, "text": "Hey"},
                       {"name": 2, "startTime": null, "text": "Numbered"}]"#;
        assert_eq!(
            rows(text),
            vec![
                ("Dana".into(), Some(1_500), Some(3_200), "Hi".into()),
                ("Tobias".into(), Some(4_000), Some(5_250), "Hey".into()),
                ("Speaker 2".into(), None, None, "Numbered".into()),
            ]
        );
    }

    #[test]
    fn string_stamps_and_wrappers() {
        let text = r#"{"utterances": [{"speaker": "A", "start": "00:00:01.500", "end": "01:02.000", "text": "x"}]}"#;
        assert_eq!(
            rows(text),
            vec![("A".into(), Some(1_500), Some(62_000), "x".into())]
        );
        let text =
            r#"{"language": "en", "segments": [{"start": 0.0, "end": 1.0, "text": "no speaker"}]}"#;
        assert_eq!(
            rows(text),
            vec![(
                UNKNOWN_SPEAKER.into(),
                Some(0),
                Some(1_000),
                "no speaker".into()
            )]
        );
    }

    #[test]
    fn errors_name_the_line_not_the_content() {
        let err = parse("[\n{\"speaker\": \"A\",\n \"text\": }\n]").expect_err("syntax");
        assert!(
            matches!(err, TranscriptError::Malformed { line: 3, .. }),
            "{err:?}"
        );
        let err = parse("[\n{\"speaker\": \"A\", \"start\": \"secret words\", \"text\": \"x\"}]")
            .expect_err("data");
        let TranscriptError::Malformed { line, reason } = err else {
            panic!("expected Malformed");
        };
        assert_eq!(line, 2);
        assert!(!reason.contains("secret"));
        assert!(parse(r#"{"foo": 1}"#).is_err());
        assert!(parse("[{\"text\": \"unterminated").is_err());
    }

    #[test]
    fn detection() {
        assert!(looks_like_json(" [ {\"a\":1}]"));
        assert!(looks_like_json("{}"));
        assert!(looks_like_json("[]"));
        assert!(!looks_like_json("[00:01] Dana: hi"));
        assert!(!looks_like_json("[laughs]"));
    }
}
