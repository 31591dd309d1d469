//! The shared fixture sessions as their coaches would have them: each of
//! the three coaches signed in, their clients created, every labelled
//! session uploaded with its participants and processed to `ready`.

use std::collections::HashMap;
use std::time::Duration;

use serde::Deserialize;

use crate::fixtures::{shared_fixtures, shared_transcript};
use crate::TestApp;

#[derive(Debug, Deserialize)]
struct Labels {
    meta: Meta,
    sessions: Vec<Session>,
}

#[derive(Debug, Deserialize)]
struct Meta {
    coaches: HashMap<String, Coach>,
}

#[derive(Debug, Deserialize)]
struct Coach {
    name: String,
}

#[derive(Debug, Deserialize)]
struct Session {
    id: String,
    coach: String,
    file: String,
    held_at: String,
    participants: Vec<Participant>,
}

#[derive(Debug, Deserialize)]
struct Participant {
    name: String,
    role: String,
    speaker_label: String,
}

/// Who is who once the fixtures are loaded.
#[derive(Debug, Default)]
pub struct FixtureCoaches {
    /// Bearer token by coach key (`a`, `b`, `c`).
    pub tokens: HashMap<String, String>,
    /// Session id by fixture id (`s01`…).
    pub sessions: HashMap<String, String>,
    /// The coach key of each fixture session.
    pub coach_of: HashMap<String, String>,
    /// Client id by coach key and client name.
    pub clients: HashMap<(String, String), String>,
}

impl FixtureCoaches {
    /// The fixture id of a session id.
    pub fn fixture_of(&self, session: &str) -> Option<&str> {
        self.sessions
            .iter()
            .find(|(_, id)| id.as_str() == session)
            .map(|(fixture, _)| fixture.as_str())
    }
}

/// Loads every labelled fixture session and waits until each is `ready`.
pub async fn load(app: &TestApp) -> FixtureCoaches {
    let labels: Labels = serde_json::from_str(
        &std::fs::read_to_string(shared_fixtures().join("labels.json")).expect("labels.json"),
    )
    .expect("labels.json parses");
    let mut loaded = FixtureCoaches::default();
    let mut keys: Vec<&String> = labels.meta.coaches.keys().collect();
    keys.sort();
    for key in keys {
        let name = &labels.meta.coaches[key].name;
        let email = format!(
            "{}@example.com",
            name.split_whitespace().next().unwrap_or(key).to_lowercase()
        );
        let (_, token) = app.coach(&email, name).await;
        loaded.tokens.insert(key.clone(), token);
    }
    for session in &labels.sessions {
        let token = loaded.tokens[&session.coach].clone();
        let mut participants = Vec::new();
        for participant in session.participants.iter().filter(|p| p.role == "client") {
            let key = (session.coach.clone(), participant.name.clone());
            if !loaded.clients.contains_key(&key) {
                let email = format!(
                    "{}@example.com",
                    participant
                        .name
                        .split_whitespace()
                        .next()
                        .unwrap_or("client")
                        .to_lowercase()
                );
                let id = app.create_client(&token, &participant.name, &email).await;
                loaded.clients.insert(key.clone(), id);
            }
            participants.push((
                loaded.clients[&key].clone(),
                participant.speaker_label.clone(),
            ));
        }
        let borrowed: Vec<(&str, Option<&str>)> = participants
            .iter()
            .map(|(id, label)| (id.as_str(), Some(label.as_str())))
            .collect();
        let id = app
            .create_session(
                &token,
                &format!("Session {}", session.id),
                &format!("{}T09:00:00Z", session.held_at),
                &borrowed,
            )
            .await;
        let (status, body) = app
            .upload(&token, &id, &session.file, shared_transcript(&session.file))
            .await;
        assert_eq!(status, 202, "{body}");
        loaded.sessions.insert(session.id.clone(), id);
        loaded
            .coach_of
            .insert(session.id.clone(), session.coach.clone());
    }
    for session in &labels.sessions {
        let token = &loaded.tokens[&session.coach];
        let settled = app
            .wait_until_settled(
                token,
                &loaded.sessions[&session.id],
                Duration::from_secs(300),
            )
            .await;
        assert_eq!(settled["status"], "ready", "{} {settled}", session.id);
    }
    loaded
}
