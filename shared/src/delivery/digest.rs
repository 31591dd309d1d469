//! The coach's daily reminder digest: from 08:00 in the coach's time zone,
//! one email listing the clients' open commitments that are overdue (by up
//! to 30 days: older ones have gone stale, and would fill every digest
//! forever) or due within three days. None when nothing is due.
//!
//! At most one per coach and local day: the digest is claimed in `emails`
//! under the key `digest:<coach>:<local date>` before the hand-off, like a
//! follow-up, so a second tick (or a second process) finds it taken. A
//! refused one may be claimed again on a later tick that day; one whose
//! hand-off never reported back is not.
//!
//! The digest goes to the coach's own address only, and its point is the
//! items, so it names the client and the commitment.

use std::collections::HashSet;

use chrono::{DateTime, Days, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

use super::message::text_to_html;
use super::Dispatcher;
use crate::ports::OutgoingEmail;
use crate::store::coaches::Coach;
use crate::store::commitments::{self, CommitmentView};
use crate::store::emails::{self, Claim};
use crate::store::StoreError;

/// The local hour from which a coach's digest goes out.
pub const DIGEST_HOUR: u32 = 8;
/// Commitments due within this many days of the coach's today are listed.
pub const DIGEST_HORIZON_DAYS: u64 = 3;
/// Commitments overdue by more than this many days are no longer listed.
pub const DIGEST_OVERDUE_DAYS: u64 = 30;

/// What one digest run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Digests {
    pub sent: usize,
    pub failed: usize,
}

impl Dispatcher {
    /// Sends the digest of every coach whose 08:00 has come today (in their
    /// time zone) and who has not had today's.
    pub async fn send_digests(&self, now: DateTime<Utc>) -> Result<Digests, StoreError> {
        let db = self.db.get().await?;
        // No time zone's today is more than a day from UTC's.
        let utc_today = now.date_naive();
        let widest = (
            utc_today - Days::new(DIGEST_OVERDUE_DAYS + 1),
            utc_today + Days::new(DIGEST_HORIZON_DAYS + 1),
        );
        let waiting: Vec<(Coach, NaiveDate, String)> = commitments::coaches_with_open(&db, widest)
            .await?
            .into_iter()
            .filter_map(|coach| {
                let local = now.with_timezone(&coach_zone(&coach));
                (local.hour() >= DIGEST_HOUR).then(|| {
                    let today = local.date_naive();
                    let key = format!("digest:{}:{today}", coach.id);
                    (coach, today, key)
                })
            })
            .collect();
        let keys: Vec<String> = waiting.iter().map(|(_, _, key)| key.clone()).collect();
        let claimed: HashSet<String> = emails::claimed_keys(&db, &keys)
            .await?
            .into_iter()
            .collect();
        let mut done = Digests::default();
        for (coach, today, key) in waiting
            .into_iter()
            .filter(|(_, _, key)| !claimed.contains(key))
        {
            let days = (
                today - Days::new(DIGEST_OVERDUE_DAYS),
                today + Days::new(DIGEST_HORIZON_DAYS),
            );
            let items = commitments::due_between(&db, coach.coach_id(), days).await?;
            if items.is_empty() {
                continue;
            }
            let email = digest_email(&coach, today, &items, &self.mail_from);
            let email_id = match emails::claim(
                &db,
                coach.coach_id(),
                &key,
                &email.to,
                &email.subject,
            )
            .await?
            {
                Claim::Claimed(id) => id,
                Claim::AlreadySent | Claim::Unknown => continue,
            };
            match self.mailer.send(&email).await {
                Ok(message_id) => {
                    emails::mark_sent(&db, coach.coach_id(), email_id, &message_id).await?;
                    done.sent += 1;
                }
                Err(error) => {
                    tracing::warn!(coach = %coach.id, %error, "the mail provider did not take a reminder digest");
                    emails::mark_failed(&db, coach.coach_id(), email_id, &error.to_string())
                        .await?;
                    done.failed += 1;
                }
            }
        }
        Ok(done)
    }
}

/// The coach's time zone; UTC when the stored one is not a zone (the API
/// only stores zones, so this is old or hand-edited data).
fn coach_zone(coach: &Coach) -> Tz {
    coach.time_zone.parse().unwrap_or_else(|_| {
        tracing::warn!(coach = %coach.id, "the coach's time zone is not an IANA zone; digest at 08:00 UTC");
        Tz::UTC
    })
}

/// The digest as an email from FlowCoach to the coach.
pub fn digest_email(
    coach: &Coach,
    today: NaiveDate,
    items: &[CommitmentView],
    mail_from: &str,
) -> OutgoingEmail {
    let (overdue, upcoming): (Vec<_>, Vec<_>) = items
        .iter()
        .partition(|item| item.due_on.is_some_and(|due| due < today));
    let mut text = format!(
        "Hello {},\n\nYour clients' open commitments on {}:\n",
        coach.display_name,
        today.format("%A %-d %B")
    );
    for (heading, group) in [
        ("Overdue", &overdue),
        ("Due in the next three days", &upcoming),
    ] {
        if group.is_empty() {
            continue;
        }
        text.push_str(&format!("\n**{heading}**\n\n"));
        for item in group {
            text.push_str(&format!(
                "- {}: {} ({})\n",
                item.client_name.as_deref().unwrap_or(&item.owner),
                item.text.trim(),
                due_phrase(item.due_on, today)
            ));
        }
    }
    text.push_str("\nMark a commitment done or dropped in FlowCoach and it leaves this digest.\n");
    let subject = match (overdue.len(), upcoming.len()) {
        (0, n) => format!("{} falling due", count(n)),
        (n, 0) => format!("{} overdue", count(n)),
        (late, soon) => format!("{} falling due, {late} overdue", count(soon)),
    };
    OutgoingEmail {
        html_body: Some(format!(
            "<!DOCTYPE html>\n<html><body>\n{}</body></html>\n",
            text_to_html(&text)
        )),
        ..OutgoingEmail::plain(mail_from.to_owned(), coach.email.clone(), subject, text)
    }
}

fn count(n: usize) -> String {
    if n == 1 {
        "1 client commitment".to_owned()
    } else {
        format!("{n} client commitments")
    }
}

/// "due today", "due tomorrow", "due Saturday 5 December", "was due …".
fn due_phrase(due: Option<NaiveDate>, today: NaiveDate) -> String {
    let Some(due) = due else {
        return "no due date".to_owned();
    };
    let day = due.format("%A %-d %B");
    match (due - today).num_days() {
        0 => "due today".to_owned(),
        1 => "due tomorrow".to_owned(),
        n if n < 0 => format!("was due {day}"),
        _ => format!("due {day}"),
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use uuid::Uuid;

    use super::*;
    use crate::domain::{CoachRole, CommitmentStatus};

    fn coach() -> Coach {
        Coach {
            id: Uuid::nil(),
            email: "dana@example.com".into(),
            display_name: "Dana Whitfield".into(),
            time_zone: "Europe/Berlin".into(),
            role: CoachRole::Coach,
            settings: serde_json::json!({}),
            created_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        }
    }

    fn item(client: &str, text: &str, due: &str) -> CommitmentView {
        CommitmentView {
            id: Uuid::new_v4(),
            session_id: Uuid::nil(),
            session_title: "Check-in".into(),
            session_held_at: Utc.with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap(),
            client_id: Some(Uuid::nil()),
            client_name: Some(client.into()),
            owner: client.into(),
            text: text.into(),
            due_on: Some(due.parse().unwrap()),
            quote: String::new(),
            status: CommitmentStatus::Open,
            status_changed_at: None,
            follow_through: None,
        }
    }

    #[test]
    fn overdue_and_upcoming_items_are_listed_apart_with_their_days() {
        let today: NaiveDate = "2026-12-02".parse().unwrap();
        let items = [
            item("Tobias Renner", "Call the GP", "2026-11-30"),
            item("Mara Ito", "Draft the budget", "2026-12-02"),
            item("Tobias Renner", "Book the course", "2026-12-05"),
        ];
        let email = digest_email(&coach(), today, &items, "FlowCoach <noreply@example.com>");
        assert_eq!(email.to, "dana@example.com");
        assert_eq!(email.subject, "2 client commitments falling due, 1 overdue");
        let text = &email.text_body;
        let overdue = text.find("**Overdue**").unwrap();
        let upcoming = text.find("**Due in the next three days**").unwrap();
        let gp = text
            .find("Tobias Renner: Call the GP (was due Monday 30 November)")
            .unwrap();
        assert!(overdue < gp && gp < upcoming, "{text}");
        assert!(
            text.contains("Mara Ito: Draft the budget (due today)"),
            "{text}"
        );
        assert!(
            text.contains("Book the course (due Saturday 5 December)"),
            "{text}"
        );
        let html = email.html_body.unwrap();
        assert!(html.contains("<strong>Overdue</strong>"), "{html}");
        assert!(
            html.contains("<li>Mara Ito: Draft the budget (due today)</li>"),
            "{html}"
        );
    }

    #[test]
    fn markup_in_a_commitment_stays_text_in_the_html() {
        let today: NaiveDate = "2026-12-02".parse().unwrap();
        let items = [item(
            "Tobias Renner",
            "Read <script>alert(1)</script>",
            "2026-12-03",
        )];
        let email = digest_email(&coach(), today, &items, "noreply@example.com");
        assert_eq!(email.subject, "1 client commitment falling due");
        let html = email.html_body.unwrap();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(email.text_body.contains("(due tomorrow)"));
    }

    #[test]
    fn a_zone_that_is_not_one_falls_back_to_utc() {
        let mut bad = coach();
        bad.time_zone = "Mars/Olympus".into();
        assert_eq!(coach_zone(&bad), Tz::UTC);
        assert_eq!(coach_zone(&coach()), Tz::Europe__Berlin);
    }
}
