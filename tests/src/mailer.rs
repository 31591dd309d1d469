//! A mail provider for tests that keeps every message it was given and
//! accepts, refuses, or never answers.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use flowcoach_core::ports::{MailError, Mailer, OutgoingEmail};

/// What the mailer does with each message.
#[derive(Clone, Copy)]
pub enum Behaviour {
    Accept,
    Reject,
    /// Takes the message and never answers: the process stops mid hand-off.
    Hang,
    /// Takes the message and reports no answer (a timeout after sending).
    NoAnswer,
}

/// A mail provider that keeps what it was given.
pub struct RecordingMailer {
    sent: Mutex<Vec<OutgoingEmail>>,
    behaviour: Behaviour,
}

impl RecordingMailer {
    pub fn new(behaviour: Behaviour) -> Arc<Self> {
        Arc::new(Self {
            sent: Mutex::new(Vec::new()),
            behaviour,
        })
    }

    pub fn sent(&self) -> Vec<OutgoingEmail> {
        self.sent.lock().expect("lock").clone()
    }
}

#[async_trait]
impl Mailer for RecordingMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let count = {
            let mut sent = self.sent.lock().expect("lock");
            sent.push(email.clone());
            sent.len()
        };
        match self.behaviour {
            Behaviour::Accept => Ok(format!("provider-{count}")),
            Behaviour::Reject => Err(MailError::Rejected(
                "address on the provider's block list".into(),
            )),
            Behaviour::Hang => std::future::pending().await,
            Behaviour::NoAnswer => Err(MailError::Uncertain("operation timed out".into())),
        }
    }
}
