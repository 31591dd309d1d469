use std::path::PathBuf;

use async_trait::async_trait;
use lettre::message::{header::ContentType, Mailbox};
use lettre::Message;

use crate::ports::{MailError, Mailer, OutgoingEmail};

/// Writes each email as an RFC 5322 `.eml` file into a folder.
#[derive(Debug, Clone)]
pub struct OutboxMailer {
    dir: PathBuf,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }
}

fn mailbox(raw: &str, field: &str) -> Result<Mailbox, MailError> {
    raw.parse()
        .map_err(|e| MailError::Rejected(format!("{field} address is invalid: {e}")))
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let message_id = format!("{}@flowcoach.local", uuid::Uuid::new_v4());
        let message = Message::builder()
            .message_id(Some(format!("<{message_id}>")))
            .from(mailbox(&email.from, "sender")?)
            .to(mailbox(&email.to, "recipient")?)
            .subject(&email.subject)
            .header(ContentType::TEXT_PLAIN)
            .body(email.text_body.clone())
            .map_err(|e| MailError::Rejected(e.to_string()))?;
        let unavailable = |e: std::io::Error| {
            MailError::Unavailable(format!("outbox {}: {e}", self.dir.display()))
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(unavailable)?;
        let name = format!(
            "{}-{}.eml",
            chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ"),
            &message_id[..8]
        );
        let partial = self.dir.join(format!(".{name}.partial"));
        tokio::fs::write(&partial, message.formatted())
            .await
            .map_err(unavailable)?;
        tokio::fs::rename(&partial, self.dir.join(&name))
            .await
            .map_err(unavailable)?;
        Ok(message_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn writes_one_eml_file_per_message() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = OutboxMailer::new(dir.path());
        let id = mailer
            .send(&OutgoingEmail {
                from: "FlowCoach <no-reply@flowcoach.local>".into(),
                to: "dana@example.com".into(),
                subject: "Session ready".into(),
                text_body: "Open it here.".into(),
            })
            .await
            .unwrap();
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        assert_eq!(files.len(), 1);
        let text = std::fs::read_to_string(&files[0]).unwrap();
        assert!(text.contains("To: dana@example.com"), "{text}");
        assert!(text.contains("Subject: Session ready"));
        assert!(text.contains(&id));
    }

    #[tokio::test]
    async fn rejects_an_invalid_recipient_without_writing() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = OutboxMailer::new(dir.path());
        let result = mailer
            .send(&OutgoingEmail {
                from: "a@b.co".into(),
                to: "not an address".into(),
                subject: "x".into(),
                text_body: "y".into(),
            })
            .await;
        assert!(matches!(result, Err(MailError::Rejected(_))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
