//! Who said what: resolves an utterance's speaker to the coach, an attending
//! client or an unknown speaker, with the names the analysis should use.

use uuid::Uuid;

use crate::ai::analyst::{AnalysisRequest, AttributedUtterance, SpeakerRole};

use super::text::first_name;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    /// The name shown as owner/speaker (the participant's display name, not
    /// a raw label such as `Speaker 2`).
    pub name: String,
    pub first_name: String,
    pub client_id: Option<Uuid>,
    pub is_coach: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ClientEntry {
    pub client_id: Uuid,
    pub full_name: String,
    pub first_name: String,
    pub speaker_label: Option<String>,
}

#[derive(Debug, Clone)]
pub(crate) struct Roster {
    pub coach_name: String,
    pub coach_speaker_label: Option<String>,
    pub clients: Vec<ClientEntry>,
}

impl Roster {
    pub fn from_request(request: &AnalysisRequest) -> Self {
        Self {
            coach_name: request.coach_name.clone(),
            coach_speaker_label: request.coach_speaker_label.clone(),
            clients: request
                .clients
                .iter()
                .map(|c| ClientEntry {
                    client_id: c.client_id,
                    full_name: c.full_name.clone(),
                    first_name: if c.first_name.trim().is_empty() {
                        first_name(&c.full_name).to_string()
                    } else {
                        c.first_name.clone()
                    },
                    speaker_label: c.speaker_label.clone(),
                })
                .collect(),
        }
    }

    pub fn is_one_to_one(&self) -> bool {
        self.clients.len() == 1
    }

    pub fn person(&self, utterance: &AttributedUtterance) -> Person {
        match &utterance.role {
            SpeakerRole::Coach => self.coach(),
            SpeakerRole::Client { client_id } => self
                .client(*client_id)
                .map(client_person)
                .unwrap_or_else(|| Person {
                    name: utterance.speaker.clone(),
                    first_name: first_name(&utterance.speaker).to_string(),
                    client_id: Some(*client_id),
                    is_coach: false,
                }),
            SpeakerRole::Unknown => self.by_label(&utterance.speaker),
        }
    }

    pub fn client(&self, client_id: Uuid) -> Option<&ClientEntry> {
        self.clients.iter().find(|c| c.client_id == client_id)
    }

    fn coach(&self) -> Person {
        Person {
            name: self.coach_name.clone(),
            first_name: first_name(&self.coach_name).to_string(),
            client_id: None,
            is_coach: true,
        }
    }

    /// An unmapped speaker may still carry a known label or name.
    fn by_label(&self, speaker: &str) -> Person {
        let same = |label: &str| label.trim().eq_ignore_ascii_case(speaker.trim());
        if self.coach_speaker_label.as_deref().is_some_and(same) || same(&self.coach_name) {
            return self.coach();
        }
        if let Some(client) = self
            .clients
            .iter()
            .find(|c| c.speaker_label.as_deref().is_some_and(same) || same(&c.full_name))
        {
            return client_person(client);
        }
        Person {
            name: speaker.to_string(),
            first_name: first_name(speaker).to_string(),
            client_id: None,
            is_coach: false,
        }
    }
}

fn client_person(client: &ClientEntry) -> Person {
    Person {
        name: client.full_name.clone(),
        first_name: client.first_name.clone(),
        client_id: Some(client.client_id),
        is_coach: false,
    }
}
