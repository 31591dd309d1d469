//! S3 `ObjectCreated` notifications as SQS message bodies. Parsed with our own
//! small types: emulators (and some real events) omit fields such as
//! `userIdentity` that the full event types require, and the first message a
//! bucket sends is an `s3:TestEvent` with no records at all.

use percent_encoding::percent_decode_str;
use serde::Deserialize;

use crate::domain::CoachId;

#[derive(Debug, Deserialize)]
pub struct S3Notification {
    #[serde(rename = "Records", default)]
    pub records: Vec<S3Record>,
    /// `s3:TestEvent` on the bucket's first notification.
    #[serde(rename = "Event")]
    pub event: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct S3Record {
    #[serde(rename = "eventName", default)]
    pub event_name: String,
    pub s3: S3Entity,
}

#[derive(Debug, Deserialize)]
pub struct S3Entity {
    pub object: S3Object,
}

#[derive(Debug, Deserialize)]
pub struct S3Object {
    pub key: String,
    #[serde(default)]
    pub size: Option<u64>,
}

impl S3Notification {
    /// Parses a message body when it is an S3 notification (not a stage message).
    pub fn parse(body: &str) -> Option<Self> {
        let value: serde_json::Value = serde_json::from_str(body).ok()?;
        let looks_like_s3 = value.get("Records").is_some() || value.get("Event").is_some();
        looks_like_s3
            .then(|| serde_json::from_value(value).ok())
            .flatten()
    }

    pub fn is_test_event(&self) -> bool {
        self.event.as_deref() == Some("s3:TestEvent")
    }

    /// Keys of created objects, decoded.
    pub fn created_keys(&self) -> impl Iterator<Item = String> + '_ {
        self.created_objects().map(|(key, _)| key)
    }

    /// Created objects: decoded key, and size when the notification gives it.
    pub fn created_objects(&self) -> impl Iterator<Item = (String, Option<u64>)> + '_ {
        self.records
            .iter()
            .filter(|r| r.event_name.starts_with("ObjectCreated"))
            .map(|r| (decode_key(&r.s3.object.key), r.s3.object.size))
    }
}

/// S3 URL-encodes keys in notifications and writes spaces as `+`.
pub fn decode_key(raw: &str) -> String {
    percent_decode_str(&raw.replace('+', " "))
        .decode_utf8_lossy()
        .into_owned()
}

/// The coach a transcript key belongs to: `transcripts/<coach id>/<file>`.
pub fn coach_of_key(key: &str) -> Option<CoachId> {
    let mut parts = key.splitn(3, '/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some("transcripts"), Some(coach), Some(file))
            if !file.is_empty() && !file.contains('/') =>
        {
            coach.parse().ok()
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_url_decoded_with_plus_as_space() {
        assert_eq!(
            decode_key("transcripts%2Fabc%2FMy+Session%281%29.vtt"),
            "transcripts/abc/My Session(1).vtt"
        );
        assert_eq!(
            decode_key("transcripts/a/b%2Bc.vtt"),
            "transcripts/a/b+c.vtt"
        );
    }

    #[test]
    fn the_test_event_has_no_records() {
        let event = S3Notification::parse(r#"{"Service":"Amazon S3","Event":"s3:TestEvent","Time":"2026-01-01T00:00:00Z","Bucket":"b"}"#)
            .expect("an S3 notification");
        assert!(event.is_test_event());
        assert_eq!(event.created_keys().count(), 0);
    }

    #[test]
    fn records_without_optional_fields_parse() {
        let body = r#"{"Records":[{"eventVersion":"2.1","eventSource":"aws:s3","eventName":"ObjectCreated:Put",
            "s3":{"bucket":{"name":"b"},"object":{"key":"transcripts/0191d9c4-0000-7000-8000-000000000001/a+b.vtt"}}}]}"#;
        let event = S3Notification::parse(body).expect("parses without userIdentity or size");
        let keys: Vec<String> = event.created_keys().collect();
        assert_eq!(
            keys,
            vec!["transcripts/0191d9c4-0000-7000-8000-000000000001/a b.vtt"]
        );
        assert!(coach_of_key(&keys[0]).is_some());
    }

    #[test]
    fn stage_messages_are_not_s3_notifications() {
        assert!(S3Notification::parse(
            r#"{"stage":"chunk","coach_id":"x","session_id":"y","generation":1}"#
        )
        .is_none());
    }

    #[test]
    fn only_transcript_keys_name_a_coach() {
        assert!(coach_of_key("exports/0191d9c4-0000-7000-8000-000000000001/a.zip").is_none());
        assert!(coach_of_key("transcripts/not-a-uuid/a.vtt").is_none());
        assert!(
            coach_of_key("transcripts/0191d9c4-0000-7000-8000-000000000001/nested/a.vtt").is_none()
        );
    }
}
