//! Test helpers: small synthetic requests and the labelled fixtures.

use std::path::PathBuf;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::ai::analyst::{
    AnalysisRequest, AttributedUtterance, ClientParticipant, FollowUpTemplate, SpeakerRole,
};
use crate::ai::builtin_templates::builtin_follow_up_templates;
use crate::transcript::model::{CoachingMetrics, Transcript};

pub(crate) const COACH_NAME: &str = "Cora Coach";
pub(crate) const CLIENT_NAME: &str = "Casey Client";

/// Tuesday.
pub(crate) fn session_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).expect("valid date")
}

pub(crate) fn default_template() -> FollowUpTemplate {
    builtin_follow_up_templates()[0].to_follow_up_template()
}

pub(crate) fn client_id_of(name: &str) -> Uuid {
    super::evaluation::stable_client_id(name)
}

/// A one-to-one session: speaker "Coach" is the coach, "Client" the client.
pub(crate) fn one_to_one_request(lines: &[(&str, &str)]) -> AnalysisRequest {
    let lines: Vec<(&str, &str)> = lines
        .iter()
        .map(|(who, text)| {
            let name = if *who == "Coach" {
                COACH_NAME
            } else {
                CLIENT_NAME
            };
            (name, *text)
        })
        .collect();
    request_with(&[CLIENT_NAME], &lines)
}

/// A session with the given clients; lines are `(speaker name, text)` and
/// the coach speaks as [`COACH_NAME`].
pub(crate) fn request_with(client_names: &[&str], lines: &[(&str, &str)]) -> AnalysisRequest {
    let clients: Vec<ClientParticipant> = client_names
        .iter()
        .map(|name| ClientParticipant {
            client_id: client_id_of(name),
            full_name: name.to_string(),
            first_name: name.split_whitespace().next().unwrap_or("").to_string(),
            speaker_label: Some(name.to_string()),
            template: default_template(),
        })
        .collect();
    let utterances = lines
        .iter()
        .map(|(speaker, text)| AttributedUtterance {
            speaker: speaker.to_string(),
            role: if *speaker == COACH_NAME {
                SpeakerRole::Coach
            } else if client_names.contains(speaker) {
                SpeakerRole::Client {
                    client_id: client_id_of(speaker),
                }
            } else {
                SpeakerRole::Unknown
            },
            start_ms: None,
            text: text.to_string(),
        })
        .collect();
    AnalysisRequest {
        session_title: "Coaching session".to_string(),
        held_on: session_date(),
        coach_name: COACH_NAME.to_string(),
        coach_signature: "Cora".to_string(),
        coach_speaker_label: Some(COACH_NAME.to_string()),
        clients,
        utterances,
        chunks: Vec::new(),
        metrics: CoachingMetrics {
            total_words: 0,
            duration_ms: None,
            speakers: Vec::new(),
        },
        next_session_on: None,
    }
}

/// `CARGO_MANIFEST_DIR/../../shared/fixtures`, or `FLOWCOACH_FIXTURES`.
pub(crate) fn fixtures_dir() -> PathBuf {
    let beside = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/fixtures");
    if beside.join("labels.json").exists() {
        return beside;
    }
    std::env::var_os("FLOWCOACH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or(beside)
}

/// A fixture transcript parsed by the product parser.
pub(crate) fn parse_fixture(file: &str) -> Transcript {
    let bytes =
        std::fs::read(fixtures_dir().join("transcripts").join(file)).expect("fixture readable");
    crate::transcript::parse(&bytes, Some(file)).expect("fixture parses")
}
