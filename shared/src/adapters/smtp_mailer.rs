//! Email through an SMTP server of one's own (a coach's or a practice's mail
//! server), with lettre: `smtps://` for implicit TLS, `smtp://…?tls=required`
//! for STARTTLS, credentials in the URL (`FLOWCOACH_SMTP_URL`).

use std::time::Duration;

use async_trait::async_trait;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use crate::adapters::mime;
use crate::ports::{MailError, Mailer, OutgoingEmail};

/// How long one SMTP conversation may take.
const TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct SmtpMailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
}

impl std::fmt::Debug for SmtpMailer {
    // The transport holds the credentials.
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("SmtpMailer").finish_non_exhaustive()
    }
}

impl SmtpMailer {
    /// From a connection URL: `smtps://user:pass@host:465`,
    /// `smtp://user:pass@host:587?tls=required`, or `smtp://host:port` for
    /// an unencrypted relay on the same machine.
    pub fn from_url(url: &str) -> Result<Self, lettre::transport::smtp::Error> {
        Ok(Self {
            transport: AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
                .timeout(Some(TIMEOUT))
                .build(),
        })
    }
}

#[async_trait]
impl Mailer for SmtpMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let (message, message_id) = mime::message(email)?;
        match self.transport.send(message).await {
            Ok(_) => Ok(message_id),
            // 5xx: the server refused this message; sending it again cannot help.
            Err(error) if error.is_permanent() => Err(MailError::Rejected(error.to_string())),
            Err(error) => Err(MailError::Unavailable(error.to_string())),
        }
    }
}
