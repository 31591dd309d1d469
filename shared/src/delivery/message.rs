//! The email a client receives for a follow-up: the approved text as plain
//! text and as HTML, from the coach (by name, through FlowCoach's sending
//! address), replies to the coach, and a way to stop these emails.

use lettre::message::Mailbox;
use pulldown_cmark::{html, CowStr, Event, Options, Parser};

use crate::ports::{MailError, OutgoingEmail};
use crate::store::delivery::DueFollowUp;

/// The follow-up as an email to `to`. `mail_from` is FlowCoach's sending
/// address; the coach's name replaces its display name, so the client sees
/// who wrote to them while the domain stays the one that is verified.
pub fn follow_up_email(
    due: &DueFollowUp,
    to: &str,
    mail_from: &str,
    unsubscribe_url: &str,
) -> Result<OutgoingEmail, MailError> {
    let sender: Mailbox = mail_from
        .parse()
        .map_err(|e| MailError::Rejected(format!("the sending address is invalid: {e}")))?;
    let from = Mailbox::new(Some(due.coach_name.clone()), sender.email).to_string();
    let reply_to = due
        .coach_email
        .parse()
        .map(|address| Mailbox::new(Some(due.coach_name.clone()), address).to_string())
        .map_err(|e| MailError::Rejected(format!("the coach's address is invalid: {e}")))?;
    let footer = format!(
        "You receive this email because {} coaches you. To stop these emails: {unsubscribe_url}",
        due.coach_name
    );
    Ok(OutgoingEmail {
        from,
        to: to.to_owned(),
        reply_to: Some(reply_to),
        subject: due.subject.clone(),
        text_body: format!("{}\n\n-- \n{footer}\n", due.body.trim_end()),
        html_body: Some(format!(
            "<!DOCTYPE html>\n<html><body>\n{}<hr>\n<p style=\"font-size:small;color:#555\">You receive this email because {} coaches you. \
             <a href=\"{}\">Stop these emails</a>.</p>\n</body></html>\n",
            text_to_html(&due.body),
            escape(&due.coach_name),
            escape(unsubscribe_url),
        )),
        unsubscribe_url: Some(unsubscribe_url.to_owned()),
    })
}

/// The coach's text as HTML: Markdown's paragraphs, emphasis, lists and
/// links, with any HTML in the text shown as text rather than interpreted
/// (a draft quotes a client; nothing in it may become markup).
pub fn text_to_html(text: &str) -> String {
    let events = Parser::new_ext(text, Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        // A single line break in an email is meant as one.
        Event::SoftBreak => Event::HardBreak,
        Event::Start(pulldown_cmark::Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) if !is_web_link(&dest_url) => Event::Start(pulldown_cmark::Tag::Link {
            link_type,
            dest_url: CowStr::Borrowed(""),
            title,
            id,
        }),
        other => other,
    });
    let mut out = String::with_capacity(text.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Only web and mail links survive; `javascript:` and the like do not.
fn is_web_link(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["https://", "http://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

/// Text for an HTML text or attribute position.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::domain::CoachId;

    fn due(body: &str) -> DueFollowUp {
        DueFollowUp {
            id: Uuid::nil(),
            coach: CoachId(Uuid::nil()),
            client_id: Uuid::nil(),
            version: 2,
            subject: "Our session on Tuesday".into(),
            body: body.into(),
            client_name: "Tobias Renner".into(),
            client_email: Some("tobias@example.com".into()),
            consent_email: true,
            coach_name: "Dana Whitfield".into(),
            coach_email: "dana@example.com".into(),
            suppressed: None,
        }
    }

    #[test]
    fn the_coach_writes_and_is_replied_to_through_the_verified_sender() {
        let email = follow_up_email(
            &due("Hi Tobias,\n\nThanks for today."),
            "tobias@example.com",
            "FlowCoach <no-reply@flowcoach.test>",
            "https://flowcoach.test/v1/unsubscribe/t0ken",
        )
        .expect("renders");
        assert_eq!(email.from, "Dana Whitfield <no-reply@flowcoach.test>");
        assert_eq!(
            email.reply_to.as_deref(),
            Some("Dana Whitfield <dana@example.com>")
        );
        assert!(email
            .text_body
            .starts_with("Hi Tobias,\n\nThanks for today.\n\n-- \n"));
        assert!(email
            .text_body
            .contains("https://flowcoach.test/v1/unsubscribe/t0ken"));
        let html = email.html_body.expect("html");
        assert!(
            html.contains("<p>Hi Tobias,</p>\n<p>Thanks for today.</p>"),
            "{html}"
        );
        assert!(html.contains("href=\"https://flowcoach.test/v1/unsubscribe/t0ken\""));
    }

    #[test]
    fn html_in_the_text_is_shown_not_interpreted() {
        let html = text_to_html(
            "You said <script>alert(1)</script> & <b>more</b>\n\n<div onclick=x>hi</div>",
        );
        assert!(
            !html.contains("<script>") && !html.contains("<b>") && !html.contains("<div"),
            "{html}"
        );
        assert!(
            html.contains("&lt;script&gt;") && html.contains("&amp;"),
            "{html}"
        );
    }

    #[test]
    fn markdown_becomes_markup_and_only_web_links_survive() {
        let html = text_to_html("**Do** this:\n\n- breathe\n- [notes](https://example.com/n)\n\n[x](javascript:alert(1))\nnext line");
        assert!(html.contains("<strong>Do</strong>"), "{html}");
        assert!(html.contains("<li>breathe</li>"), "{html}");
        assert!(html.contains("href=\"https://example.com/n\""), "{html}");
        assert!(!html.contains("javascript"), "{html}");
        assert!(
            html.contains("<br />"),
            "a single line break stays one: {html}"
        );
    }
}
