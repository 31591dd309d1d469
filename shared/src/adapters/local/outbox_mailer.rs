use std::path::PathBuf;

use async_trait::async_trait;

use crate::adapters::mime;
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

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let (message, message_id) = mime::message(email)?;
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
            .send(&OutgoingEmail::plain(
                "FlowCoach <no-reply@flowcoach.local>".into(),
                "dana@example.com".into(),
                "Session ready".into(),
                "Open it here.".into(),
            ))
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
            .send(&OutgoingEmail::plain(
                "a@b.co".into(),
                "not an address".into(),
                "x".into(),
                "y".into(),
            ))
            .await;
        assert!(matches!(result, Err(MailError::Rejected(_))));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[tokio::test]
    async fn a_follow_up_is_multipart_with_reply_to_and_one_click_unsubscribe() {
        let dir = tempfile::tempdir().unwrap();
        let mailer = OutboxMailer::new(dir.path());
        let email = OutgoingEmail {
            reply_to: Some("Dana Whitfield <dana@example.com>".into()),
            html_body: Some("<p>Hi <strong>Tobias</strong></p>".into()),
            unsubscribe_url: Some("https://flowcoach.test/v1/unsubscribe/abc".into()),
            ..OutgoingEmail::plain(
                "Dana Whitfield <no-reply@flowcoach.test>".into(),
                "tobias@example.com".into(),
                "Our session".into(),
                "Hi **Tobias**".into(),
            )
        };
        mailer.send(&email).await.unwrap();
        let path = std::fs::read_dir(dir.path())
            .unwrap()
            .next()
            .unwrap()
            .unwrap()
            .path();
        let raw = std::fs::read(path).unwrap();
        let parsed = mail_parser::MessageParser::default()
            .parse(&raw)
            .expect("parses");
        assert_eq!(parsed.subject(), Some("Our session"));
        assert_eq!(
            parsed
                .reply_to()
                .and_then(|r| r.first())
                .and_then(|a| a.address()),
            Some("dana@example.com")
        );
        assert_eq!(parsed.text_body_count(), 1);
        assert_eq!(parsed.html_body_count(), 1);
        assert!(parsed
            .body_html(0)
            .unwrap()
            .contains("<strong>Tobias</strong>"));
        assert_eq!(parsed.body_text(0).unwrap().trim(), "Hi **Tobias**");
        assert_eq!(
            parsed.header_raw("List-Unsubscribe").map(str::trim),
            Some("<https://flowcoach.test/v1/unsubscribe/abc>")
        );
        assert_eq!(
            parsed.header_raw("List-Unsubscribe-Post").map(str::trim),
            Some("List-Unsubscribe=One-Click")
        );
    }
}
