//! Test helpers: small synthetic requests.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::ai::analyst::{
    AnalysisRequest, AttributedUtterance, ClientParticipant, FollowUpTemplate, SpeakerRole,
};
use crate::ai::builtin_templates::builtin_follow_up_templates;
use crate::transcript::model::CoachingMetrics;

pub(crate) const COACH_NAME: &str = "Cora Coach";
pub(crate) const CLIENT_NAME: &str = "Casey Client";

/// Tuesday.
pub(crate) fn session_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 10).expect("valid date")
}

pub(crate) fn default_template() -> FollowUpTemplate {
    builtin_follow_up_templates()[0].to_follow_up_template()
}

/// A client id derived from the name (FNV-1a), so one name is one client.
pub(crate) fn client_id_of(name: &str) -> Uuid {
    let hash = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    Uuid::from_u128(
        (u128::from(hash(0xcbf2_9ce4_8422_2325)) << 64) | u128::from(hash(0x8422_2325_cbf2_9ce4)),
    )
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
        metrics: CoachingMetrics::default(),
        next_session_on: None,
        analyser: Default::default(),
        earlier_commitments: Vec::new(),
    }
}
