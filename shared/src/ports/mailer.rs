use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub from: String,
    pub to: String,
    pub subject: String,
    pub text_body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    /// The provider did not accept the message; it was not sent.
    #[error("the mail provider rejected the message: {0}")]
    Rejected(String),
    /// The provider could not be reached; it was not sent.
    #[error("the mail provider is unavailable: {0}")]
    Unavailable(String),
}

/// Sends email (an outbox folder locally, SESv2 on AWS). Returns the provider's message id.
#[async_trait]
pub trait Mailer: Send + Sync {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError>;
}
