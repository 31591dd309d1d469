use async_trait::async_trait;
use aws_sdk_sesv2::config::http::HttpResponse;
use aws_sdk_sesv2::error::SdkError;
use aws_sdk_sesv2::operation::send_email::SendEmailError;
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, MessageHeader};

use super::describe;
use crate::ports::{MailError, Mailer, OutgoingEmail};

/// Email through SESv2, always through a configuration set (bounce and
/// complaint events, suppression).
#[derive(Clone, Debug)]
pub struct SesMailer {
    client: aws_sdk_sesv2::Client,
    configuration_set: Option<String>,
}

impl SesMailer {
    pub fn new(client: aws_sdk_sesv2::Client, configuration_set: Option<String>) -> Self {
        Self {
            client,
            configuration_set,
        }
    }
}

fn content(text: &str) -> Result<Content, MailError> {
    Content::builder()
        .data(text)
        .charset("UTF-8")
        .build()
        .map_err(|e| MailError::Rejected(e.to_string()))
}

#[async_trait]
impl Mailer for SesMailer {
    async fn send(&self, email: &OutgoingEmail) -> Result<String, MailError> {
        let mut body = Body::builder().text(content(&email.text_body)?);
        if let Some(html) = &email.html_body {
            body = body.html(content(html)?);
        }
        let mut message = Message::builder()
            .subject(content(&email.subject)?)
            .body(body.build());
        if let Some(url) = &email.unsubscribe_url {
            for (name, value) in [
                ("List-Unsubscribe", format!("<{url}>")),
                (
                    "List-Unsubscribe-Post",
                    "List-Unsubscribe=One-Click".to_owned(),
                ),
            ] {
                let header = MessageHeader::builder()
                    .name(name)
                    .value(value)
                    .build()
                    .map_err(|e| MailError::Rejected(e.to_string()))?;
                message = message.headers(header);
            }
        }
        let result = self
            .client
            .send_email()
            .from_email_address(&email.from)
            .set_reply_to_addresses(email.reply_to.clone().map(|reply_to| vec![reply_to]))
            .destination(Destination::builder().to_addresses(&email.to).build())
            .content(EmailContent::builder().simple(message.build()).build())
            .set_configuration_set_name(self.configuration_set.clone())
            .send()
            .await;
        match result {
            Ok(output) => Ok(output.message_id().unwrap_or_default().to_owned()),
            Err(e) => Err(classify(&e)),
        }
    }
}

type SendError = SdkError<SendEmailError, HttpResponse>;

/// What an SES failure means for the message.
fn classify(error: &SendError) -> MailError {
    match error {
        // SES refused the message itself (bad address, unverified sender,
        // suppressed): retrying the same message cannot help.
        e if e.as_service_error().is_some_and(|s| {
            s.is_message_rejected()
                || s.is_mail_from_domain_not_verified_exception()
                || s.is_bad_request_exception()
        }) =>
        {
            MailError::Rejected(describe(e))
        }
        // Sent, but no (readable) answer: SES may have accepted it.
        SdkError::TimeoutError(_) | SdkError::ResponseError(_) => {
            MailError::Uncertain(describe(error))
        }
        // Not sent (no connection, request not built) or answered with an error.
        _ => MailError::Unavailable(describe(error)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_answer_is_uncertain_and_no_connection_unavailable() {
        let timeout: SendError = SdkError::timeout_error("operation timed out");
        assert!(matches!(classify(&timeout), MailError::Uncertain(_)));
        let refused: SendError = SdkError::construction_failure("no region");
        assert!(matches!(classify(&refused), MailError::Unavailable(_)));
    }
}
