//! The RFC 5322 message every mail adapter that speaks SMTP or writes files
//! sends: one place decides the parts and the headers.

use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::Message;

use crate::ports::{MailError, OutgoingEmail};

fn mailbox(raw: &str, field: &str) -> Result<Mailbox, MailError> {
    raw.parse()
        .map_err(|e| MailError::Rejected(format!("{field} address is invalid: {e}")))
}

/// The message as a mail server receives it, and its Message-ID (without
/// the angle brackets): `multipart/alternative` when there is HTML,
/// `Reply-To`, and RFC 8058's one-click unsubscribe headers when there is
/// an unsubscribe URL.
pub fn message(email: &OutgoingEmail) -> Result<(Message, String), MailError> {
    let message_id = format!("{}@flowcoach.local", uuid::Uuid::new_v4());
    let mut builder = Message::builder()
        .message_id(Some(format!("<{message_id}>")))
        .from(mailbox(&email.from, "sender")?)
        .to(mailbox(&email.to, "recipient")?)
        .subject(&email.subject);
    if let Some(reply_to) = &email.reply_to {
        builder = builder.reply_to(mailbox(reply_to, "reply-to")?);
    }
    let rejected = |e: lettre::error::Error| MailError::Rejected(e.to_string());
    let mut message = match &email.html_body {
        Some(html) => builder
            .multipart(MultiPart::alternative_plain_html(
                email.text_body.clone(),
                html.clone(),
            ))
            .map_err(rejected)?,
        None => builder
            .singlepart(
                SinglePart::builder()
                    .header(ContentType::TEXT_PLAIN)
                    .body(email.text_body.clone()),
            )
            .map_err(rejected)?,
    };
    if let Some(url) = &email.unsubscribe_url {
        let headers = message.headers_mut();
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe"),
            format!("<{url}>"),
        ));
        headers.insert_raw(HeaderValue::new(
            HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
            "List-Unsubscribe=One-Click".to_owned(),
        ));
    }
    Ok((message, message_id))
}
