//! SES's bounce and complaint events for follow-ups, arriving from the
//! configuration set's SNS topic through an SQS queue: each permanently
//! bounced or complaining recipient is suppressed for the coach whose
//! follow-up it was, so no later follow-up goes to that address (the
//! dispatcher shows the reason on it).
//!
//! Events SES also publishes (deliveries, transient bounces) and messages
//! that are not follow-ups (a coach's own notices) are acknowledged and
//! left alone. A record that cannot be read, or a database that cannot be
//! reached, is reported as a batch item failure: SQS redelivers it, then
//! parks it in the dead-letter queue for the engineer on call.

use aws_lambda_events::event::sqs::{SqsBatchResponse, SqsEvent};
use serde::Deserialize;

use crate::store::audit::{self, AuditEntry};
use crate::store::delivery::{self, SuppressionReason};
use crate::store::{Pool, StoreError};

/// What one SES event asks of FlowCoach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailEvent {
    /// The id SES gave the message when it accepted it.
    pub message_id: String,
    pub reason: SuppressionReason,
    pub recipients: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum MailEventError {
    #[error("the record is not an SNS notification or an SES event: {0}")]
    Unreadable(#[from] serde_json::Error),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The SNS envelope (when the subscription does not deliver raw messages).
#[derive(Deserialize)]
struct SnsNotification {
    #[serde(rename = "Type")]
    kind: String,
    #[serde(rename = "Message")]
    message: String,
}

/// The parts of an SES event this reads. Configuration-set events name
/// their type `eventType`; identity notifications `notificationType`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesEvent {
    event_type: Option<String>,
    notification_type: Option<String>,
    mail: SesMail,
    bounce: Option<SesBounce>,
    complaint: Option<SesComplaint>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesMail {
    message_id: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesBounce {
    bounce_type: String,
    bounced_recipients: Vec<SesRecipient>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesComplaint {
    complained_recipients: Vec<SesRecipient>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SesRecipient {
    email_address: String,
}

/// Reads one SQS record's body: an SNS notification holding an SES event,
/// or the SES event itself (raw delivery). `None` for an event that
/// suppresses nobody.
pub fn parse(body: &str) -> Result<Option<MailEvent>, serde_json::Error> {
    let value: serde_json::Value = serde_json::from_str(body)?;
    let event: SesEvent = if value.get("Type").is_some() {
        let notification: SnsNotification = serde_json::from_value(value)?;
        if notification.kind != "Notification" {
            return Ok(None);
        }
        serde_json::from_str(&notification.message)?
    } else {
        serde_json::from_value(value)?
    };
    let kind = event.event_type.or(event.notification_type);
    let (reason, recipients) = match (kind.as_deref(), event.bounce, event.complaint) {
        // A transient bounce (a full mailbox) may well succeed next time.
        (Some("Bounce"), Some(bounce), _) if bounce.bounce_type == "Permanent" => {
            (SuppressionReason::Bounced, bounce.bounced_recipients)
        }
        (Some("Complaint"), _, Some(complaint)) => (
            SuppressionReason::Complained,
            complaint.complained_recipients,
        ),
        _ => return Ok(None),
    };
    Ok(Some(MailEvent {
        message_id: event.mail.message_id,
        reason,
        recipients: recipients
            .into_iter()
            .map(|r| r.email_address.trim().to_owned())
            .filter(|a| !a.is_empty())
            .collect(),
    }))
}

/// Suppresses the event's recipients for the coach of its follow-up, and
/// audits it. Returns how many addresses it suppressed.
pub async fn apply(db: &Pool, event: &MailEvent) -> Result<usize, StoreError> {
    let mut db = db.get().await?;
    let tx = db.transaction().await?;
    let Some((coach, follow_up)) = delivery::sent_follow_up(&tx, &event.message_id).await? else {
        return Ok(0);
    };
    for recipient in &event.recipients {
        delivery::suppress(&tx, coach, recipient, event.reason).await?;
    }
    audit::record(
        &tx,
        &AuditEntry {
            coach,
            actor: None,
            action: "suppression.add",
            entity_type: "follow_up",
            entity_id: Some(follow_up),
            request_id: None,
            details: serde_json::json!({
                "reason": event.reason.as_str(),
                "recipients": event.recipients.len(),
            }),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(event.recipients.len())
}

/// The mail-events function's handler.
pub struct MailEventsHandler {
    pub db: Pool,
}

impl MailEventsHandler {
    pub async fn handle(&self, event: SqsEvent) -> SqsBatchResponse {
        let mut response = SqsBatchResponse::default();
        for record in event.records {
            let id = record.message_id.clone().unwrap_or_default();
            let outcome = async {
                match parse(record.body.as_deref().unwrap_or_default())? {
                    Some(event) => Ok::<usize, MailEventError>(apply(&self.db, &event).await?),
                    None => Ok(0),
                }
            }
            .await;
            match outcome {
                Ok(suppressed) if suppressed > 0 => {
                    tracing::info!(message_id = %id, suppressed, "addresses suppressed after a bounce or complaint");
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(message_id = %id, %error, "mail event will be retried");
                    response.add_failure(id);
                }
            }
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ses(event_type: &str, detail: serde_json::Value) -> serde_json::Value {
        let mut event = serde_json::json!({
            "eventType": event_type,
            "mail": {"messageId": "0100018f-abc", "destination": ["tobias@example.com"]},
        });
        event
            .as_object_mut()
            .unwrap()
            .extend(detail.as_object().unwrap().clone());
        event
    }

    fn in_sns(event: &serde_json::Value) -> String {
        serde_json::json!({"Type": "Notification", "MessageId": "sns-1", "Message": event.to_string()})
            .to_string()
    }

    #[test]
    fn a_permanent_bounce_suppresses_its_recipients_wrapped_or_raw() {
        let event = ses(
            "Bounce",
            serde_json::json!({"bounce": {"bounceType": "Permanent",
                "bouncedRecipients": [{"emailAddress": "tobias@example.com"}]}}),
        );
        let expected = Some(MailEvent {
            message_id: "0100018f-abc".into(),
            reason: SuppressionReason::Bounced,
            recipients: vec!["tobias@example.com".into()],
        });
        assert_eq!(parse(&in_sns(&event)).unwrap(), expected);
        assert_eq!(parse(&event.to_string()).unwrap(), expected);
    }

    #[test]
    fn a_complaint_suppresses_and_a_transient_bounce_or_delivery_does_not() {
        let complaint = ses(
            "Complaint",
            serde_json::json!({"complaint": {"complainedRecipients": [{"emailAddress": " Mara@Example.com "}]}}),
        );
        let parsed = parse(&in_sns(&complaint)).unwrap().unwrap();
        assert_eq!(parsed.reason, SuppressionReason::Complained);
        assert_eq!(parsed.recipients, ["Mara@Example.com"]);
        let transient = ses(
            "Bounce",
            serde_json::json!({"bounce": {"bounceType": "Transient",
                "bouncedRecipients": [{"emailAddress": "tobias@example.com"}]}}),
        );
        assert_eq!(parse(&in_sns(&transient)).unwrap(), None);
        let delivery = ses("Delivery", serde_json::json!({"delivery": {}}));
        assert_eq!(parse(&in_sns(&delivery)).unwrap(), None);
        let identity = serde_json::json!({"notificationType": "Complaint",
            "mail": {"messageId": "m-2"},
            "complaint": {"complainedRecipients": [{"emailAddress": "a@example.com"}]}});
        assert_eq!(
            parse(&identity.to_string()).unwrap().unwrap().message_id,
            "m-2"
        );
    }

    #[test]
    fn a_subscription_confirmation_is_ignored_and_garbage_is_an_error() {
        let confirmation =
            serde_json::json!({"Type": "SubscriptionConfirmation", "Message": "confirm"});
        assert_eq!(parse(&confirmation.to_string()).unwrap(), None);
        assert!(parse("not json").is_err());
        assert!(parse(r#"{"Type": "Notification", "Message": "{\"eventType\": 3}"}"#).is_err());
    }
}
