//! The SMTP mailer against a real SMTP server (aiosmtpd, from PyPI, into a
//! Maildir): the follow-up arrives with its parts and headers, parsed back;
//! an unreachable server is "unavailable", never "sent".

use std::time::Duration;

use flowcoach_core::adapters::smtp_mailer::SmtpMailer;
use flowcoach_core::ports::{MailError, Mailer, OutgoingEmail};
use flowcoach_tests::smtp_sink::{delivered, free_port, start_sink};

#[tokio::test]
async fn a_follow_up_arrives_at_an_smtp_server_with_its_parts_and_headers() {
    let sink = start_sink().await;
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{}", sink.port())).expect("url");
    let email = OutgoingEmail {
        reply_to: Some("Dana Whitfield <dana@example.com>".into()),
        html_body: Some("<p>Thank you for <strong>today</strong>.</p>".into()),
        unsubscribe_url: Some("https://flowcoach.test/v1/unsubscribe/t0ken".into()),
        ..OutgoingEmail::plain(
            "Dana Whitfield <no-reply@flowcoach.test>".into(),
            "tobias@example.com".into(),
            "Our session on Tuesday".into(),
            "Thank you for **today**.".into(),
        )
    };
    let message_id = mailer.send(&email).await.expect("sent");

    let mut messages = Vec::new();
    for _ in 0..50 {
        messages = delivered(sink.maildir());
        if !messages.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(messages.len(), 1);
    let message = mail_parser::MessageParser::default()
        .parse(&messages[0])
        .expect("an RFC 5322 message");
    assert_eq!(message.message_id(), Some(message_id.as_str()));
    assert_eq!(message.subject(), Some("Our session on Tuesday"));
    let from = message.from().and_then(|from| from.first()).expect("from");
    assert_eq!(
        (from.name(), from.address()),
        (Some("Dana Whitfield"), Some("no-reply@flowcoach.test"))
    );
    let reply_to = message
        .reply_to()
        .and_then(|r| r.first())
        .expect("reply-to");
    assert_eq!(reply_to.address(), Some("dana@example.com"));
    assert_eq!(
        (message.text_body_count(), message.html_body_count()),
        (1, 1)
    );
    assert_eq!(
        message.body_text(0).expect("text").trim(),
        "Thank you for **today**."
    );
    assert!(message
        .body_html(0)
        .expect("html")
        .contains("<strong>today</strong>"));
    assert_eq!(
        message.header_raw("List-Unsubscribe").map(str::trim),
        Some("<https://flowcoach.test/v1/unsubscribe/t0ken>")
    );
    assert_eq!(
        message.header_raw("List-Unsubscribe-Post").map(str::trim),
        Some("List-Unsubscribe=One-Click")
    );
}

#[tokio::test]
async fn an_unreachable_server_is_unavailable_not_sent() {
    let port = free_port();
    let mailer = SmtpMailer::from_url(&format!("smtp://127.0.0.1:{port}")).expect("url");
    let outcome = mailer
        .send(&OutgoingEmail::plain(
            "FlowCoach <no-reply@flowcoach.test>".into(),
            "tobias@example.com".into(),
            "x".into(),
            "y".into(),
        ))
        .await;
    assert!(
        matches!(outcome, Err(MailError::Unavailable(_))),
        "{outcome:?}"
    );
}
