use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub from: String,
    pub to: String,
    /// Where replies go (a follow-up's: the coach).
    pub reply_to: Option<String>,
    pub subject: String,
    pub text_body: String,
    /// The same message as HTML, sent beside the text as
    /// `multipart/alternative`.
    pub html_body: Option<String>,
    /// A one-click unsubscribe URL (RFC 8058): sent as `List-Unsubscribe`
    /// with `List-Unsubscribe-Post: List-Unsubscribe=One-Click`.
    pub unsubscribe_url: Option<String>,
}

impl OutgoingEmail {
    /// A plain-text message with nothing else (the coach's own notices).
    pub fn plain(from: String, to: String, subject: String, text_body: String) -> Self {
        Self {
            from,
            to,
            reply_to: None,
            subject,
            text_body,
            html_body: None,
            unsubscribe_url: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The provider did not accept the message; it was not sent.
    #[error("the mail provider rejected the message: {0}")]
    Rejected(String),
    /// The provider could not be reached; it was not sent.
    #[error("the mail provider is unavailable: {0}")]
    Unavailable(String),
    /// The request may have reached the provider, but no answer came back
    /// (a timeout, a broken response): it may or may not have been sent, so
    /// it must not be sent again on its own.
    #[error("the mail provider gave no answer: {0}")]
    Uncertain(String),
}

/// Sends email (an outbox folder locally, SESv2 on AWS). Returns the provider's message id.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}
