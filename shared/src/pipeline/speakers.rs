//! Maps transcript speakers to the coach and the session's clients: first by
//! the speaker labels set on the session, then by name.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::ai::analyst::SpeakerRole;

/// One transcript speaker and who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpeakerAssignment {
    pub label: String,
    pub role: SpeakerRole,
}

/// A client known to the coach, as a candidate for a speaker.
#[derive(Debug, Clone)]
pub struct KnownClient {
    pub client_id: Uuid,
    pub name: String,
    /// Set when the client is already a participant of the session.
    pub speaker_label: Option<String>,
    pub is_participant: bool,
    /// Speaker labels this client had in the coach's earlier sessions.
    pub past_labels: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpeakerMap {
    pub assignments: Vec<SpeakerAssignment>,
    pub unmatched: Vec<String>,
    /// Clients matched by name who were not yet participants: (client, label).
    pub new_participants: Vec<(Uuid, String)>,
}

impl SpeakerMap {
    pub fn role_of(&self, label: &str) -> SpeakerRole {
        self.assignments
            .iter()
            .find(|a| a.label == label)
            .map(|a| a.role.clone())
            .unwrap_or(SpeakerRole::Unknown)
    }

    pub fn coach_label(&self) -> Option<&str> {
        self.assignments
            .iter()
            .find(|a| a.role == SpeakerRole::Coach)
            .map(|a| a.label.as_str())
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn first_name(name: &str) -> String {
    normalise(name)
        .split(' ')
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// Decides who each distinct speaker is.
pub fn map_speakers(
    speakers: &[String],
    coach_name: &str,
    coach_speaker_label: Option<&str>,
    clients: &[KnownClient],
) -> SpeakerMap {
    let mut map = SpeakerMap::default();
    let mut taken: Vec<Uuid> = Vec::new();
    let coach_label = coach_speaker_label.map(normalise);
    let participants: Vec<&KnownClient> = clients.iter().filter(|c| c.is_participant).collect();

    for speaker in speakers {
        let key = normalise(speaker);
        let by_label = participants
            .iter()
            .find(|c| c.speaker_label.as_deref().map(normalise).as_deref() == Some(key.as_str()));
        let role = if coach_label.as_deref() == Some(key.as_str()) {
            Some(SpeakerRole::Coach)
        } else if let Some(client) = by_label {
            Some(SpeakerRole::Client {
                client_id: client.client_id,
            })
        } else if coach_label.is_none() && names_match(&key, coach_name) {
            Some(SpeakerRole::Coach)
        } else {
            match_by_name(&key, &participants, &taken)
                .or_else(|| {
                    let others: Vec<&KnownClient> = clients
                        .iter()
                        .filter(|c| !c.is_participant && !taken.contains(&c.client_id))
                        .collect();
                    let found = match_outside_participants(&key, &others, participants.is_empty());
                    found.map(|c| {
                        map.new_participants.push((c.client_id, speaker.clone()));
                        c.client_id
                    })
                })
                .map(|client_id| SpeakerRole::Client { client_id })
        };
        match role {
            Some(role) => {
                if let SpeakerRole::Client { client_id } = &role {
                    taken.push(*client_id);
                }
                map.assignments.push(SpeakerAssignment {
                    label: speaker.clone(),
                    role,
                });
            }
            None => {
                map.unmatched.push(speaker.clone());
                map.assignments.push(SpeakerAssignment {
                    label: speaker.clone(),
                    role: SpeakerRole::Unknown,
                });
            }
        }
    }
    map
}

/// A client who is not (yet) a participant. With participants listed, only a
/// full name counts: a guest who shares a first name with a client must not
/// get that client's follow-up. A session without any (a dropped file) also
/// matches a label the client had before, or a first name only one client has.
fn match_outside_participants<'a>(
    speaker: &str,
    others: &[&'a KnownClient],
    no_participants: bool,
) -> Option<&'a KnownClient> {
    let only = |mut found: Vec<&'a KnownClient>| (found.len() == 1).then(|| found.remove(0));
    if let Some(full) = others.iter().find(|c| normalise(&c.name) == speaker) {
        return Some(full);
    }
    if !no_participants {
        return None;
    }
    if !is_generic_label(speaker) {
        let by_label = others
            .iter()
            .copied()
            .filter(|c| c.past_labels.iter().any(|l| normalise(l) == speaker))
            .collect();
        if let Some(client) = only(by_label) {
            return Some(client);
        }
    }
    if speaker.contains(' ') {
        return None;
    }
    only(
        others
            .iter()
            .copied()
            .filter(|c| first_name(&c.name) == speaker)
            .collect(),
    )
}

/// Labels transcription tools give anyone (`Speaker 2`, `Guest`, `Unknown`):
/// they say nothing about who spoke, so they never identify a client.
pub fn is_generic_label(label: &str) -> bool {
    let label = normalise(label);
    let word = label.trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '#');
    word.is_empty()
        || matches!(
            word,
            "speaker"
                | "participant"
                | "guest"
                | "unknown"
                | "unknown speaker"
                | "user"
                | "attendee"
                | "caller"
                | "person"
                | "client"
                | "coach"
                | "interviewer"
                | "interviewee"
                | "host"
                | "me"
                | "you"
        )
}

/// Full name, or a first name that only this person has.
fn names_match(speaker: &str, name: &str) -> bool {
    let name = normalise(name);
    speaker == name || (!speaker.contains(' ') && speaker == first_name(&name))
}

fn match_by_name(speaker: &str, participants: &[&KnownClient], taken: &[Uuid]) -> Option<Uuid> {
    let free = || {
        participants
            .iter()
            .filter(|c| !taken.contains(&c.client_id) && c.speaker_label.is_none())
    };
    if let Some(full) = free().find(|c| normalise(&c.name) == speaker) {
        return Some(full.client_id);
    }
    if speaker.contains(' ') {
        return None;
    }
    let mut by_first = free().filter(|c| first_name(&c.name) == speaker);
    match (by_first.next(), by_first.next()) {
        (Some(only), None) => Some(only.client_id),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(name: &str, label: Option<&str>, participant: bool) -> KnownClient {
        KnownClient {
            client_id: Uuid::new_v4(),
            name: name.into(),
            speaker_label: label.map(Into::into),
            is_participant: participant,
            past_labels: Vec::new(),
        }
    }

    fn labels(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn speaker_labels_win_over_names() {
        let maria = client("Maria Lopez", Some("Speaker 2"), true);
        let map = map_speakers(
            &labels(&["Speaker 1", "Speaker 2"]),
            "Dana Whitfield",
            Some("Speaker 1"),
            std::slice::from_ref(&maria),
        );
        assert_eq!(map.role_of("Speaker 1"), SpeakerRole::Coach);
        assert_eq!(
            map.role_of("Speaker 2"),
            SpeakerRole::Client {
                client_id: maria.client_id
            }
        );
        assert!(map.unmatched.is_empty());
    }

    #[test]
    fn names_match_coach_and_participants_case_insensitively() {
        let tobias = client("Tobias Renner", None, true);
        let map = map_speakers(
            &labels(&["dana whitfield", "Tobias"]),
            "Dana Whitfield",
            None,
            std::slice::from_ref(&tobias),
        );
        assert_eq!(map.role_of("dana whitfield"), SpeakerRole::Coach);
        assert_eq!(
            map.role_of("Tobias"),
            SpeakerRole::Client {
                client_id: tobias.client_id
            }
        );
    }

    #[test]
    fn unknown_speakers_are_listed() {
        let map = map_speakers(
            &labels(&["Speaker 1", "Speaker 2"]),
            "Dana Whitfield",
            None,
            &[],
        );
        assert_eq!(map.unmatched, labels(&["Speaker 1", "Speaker 2"]));
        assert_eq!(map.role_of("Speaker 1"), SpeakerRole::Unknown);
    }

    #[test]
    fn a_known_client_matched_by_full_name_joins_the_session() {
        let helen = client("Helen Achterberg", None, false);
        let map = map_speakers(
            &labels(&["Dana Whitfield", "Helen Achterberg"]),
            "Dana Whitfield",
            None,
            std::slice::from_ref(&helen),
        );
        assert_eq!(
            map.new_participants,
            vec![(helen.client_id, "Helen Achterberg".to_string())]
        );
    }

    #[test]
    fn a_dropped_file_matches_clients_by_first_name_or_a_label_seen_before() {
        let helen = client("Helen Achterberg", None, false);
        let mut tobias = client("Tobias Renner", None, false);
        tobias.past_labels = vec!["TR iPhone".into(), "Speaker 2".into()];
        let sam_a = client("Sam Smith", None, false);
        let sam_b = client("Sam Jones", None, false);
        let clients = [helen.clone(), tobias.clone(), sam_a, sam_b];
        let map = map_speakers(
            &labels(&["Dana Whitfield", "helen", "TR iPhone", "Sam"]),
            "Dana Whitfield",
            None,
            &clients,
        );
        assert_eq!(
            map.new_participants,
            vec![
                (helen.client_id, "helen".to_string()),
                (tobias.client_id, "TR iPhone".to_string())
            ]
        );
        assert_eq!(
            map.unmatched,
            labels(&["Sam"]),
            "two clients are called Sam"
        );
    }

    #[test]
    fn generic_labels_and_guests_of_listed_sessions_are_not_matched() {
        let mut tobias = client("Tobias Renner", None, false);
        tobias.past_labels = vec!["Speaker 2".into()];
        let map = map_speakers(
            &labels(&["Speaker 1", "Speaker 2"]),
            "Dana Whitfield",
            None,
            std::slice::from_ref(&tobias),
        );
        assert!(
            map.new_participants.is_empty(),
            "Speaker 2 says nothing about who spoke"
        );
        let helen = client("Helen Achterberg", None, true);
        let tobias = client("Tobias Renner", None, false);
        let map = map_speakers(
            &labels(&["Dana Whitfield", "Helen", "Tobias"]),
            "Dana Whitfield",
            None,
            &[helen, tobias],
        );
        assert_eq!(
            map.unmatched,
            labels(&["Tobias"]),
            "a listed session takes only full names from outside"
        );
        assert!(
            is_generic_label("Speaker 12")
                && is_generic_label("guest")
                && !is_generic_label("Speakerphone")
        );
    }

    #[test]
    fn an_ambiguous_first_name_is_not_guessed() {
        let a = client("Sam Smith", None, true);
        let b = client("Sam Jones", None, true);
        let map = map_speakers(&labels(&["Sam"]), "Dana Whitfield", None, &[a, b]);
        assert_eq!(map.unmatched, labels(&["Sam"]));
    }
}
