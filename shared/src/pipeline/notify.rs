//! Stage 4: the session becomes `ready`, the coach gets an email (claimed in
//! PostgreSQL first, so it is never sent twice) and a live event.

use super::{Begin, Pipeline, StageError, StageOutcome};
use crate::ai::analyst::RiskSeverity;
use crate::domain::PipelineStage;
use crate::ports::{EventKind, LiveEvent, MailError, OutgoingEmail, StageMessage};
use crate::store::{coaches, emails, follow_ups, sessions, summaries};

pub(super) async fn run(
    pipeline: &Pipeline,
    message: &StageMessage,
) -> Result<StageOutcome, StageError> {
    let session = match pipeline.begin(message).await? {
        Begin::Run(session) => session,
        Begin::Finished(outcome) => return Ok(outcome),
    };
    let db = pipeline.db.get().await?;
    let coach = coaches::get(&db, message.coach_id)
        .await?
        .ok_or_else(|| StageError::Permanent("The coach account no longer exists.".into()))?;
    let drafts = follow_ups::list_for_session(&db, message.coach_id, session.id)
        .await?
        .into_iter()
        .filter(|f| f.generation == message.generation)
        .count();
    let summary = summaries::current(&db, message.coach_id, session.id).await?;
    let found = Found {
        drafts,
        commitments: summary.as_ref().map_or(0, |s| s.content.commitments.len()),
        urgent_flags: summary.as_ref().map_or(0, |s| {
            s.content
                .risk_flags
                .iter()
                .filter(|f| f.severity == RiskSeverity::Urgent)
                .count()
        }),
    };

    let email = ready_email(pipeline, &coach.email, &session, &found);
    let dedup_key = format!("session-ready:{}:{}", session.id, message.generation);
    match emails::claim(&db, message.coach_id, &dedup_key, &email.to, &email.subject).await? {
        emails::Claim::Claimed(email_id) => match pipeline.mailer.send(&email).await {
            Ok(provider_id) => {
                emails::mark_sent(&db, message.coach_id, email_id, &provider_id).await?
            }
            Err(MailError::Uncertain(detail)) => {
                // It may have gone out: keep the claim, never send it twice.
                emails::mark_unknown(&db, message.coach_id, email_id).await?;
                tracing::warn!(%detail, "the mail provider gave no answer for the ready notice; not sending it again");
            }
            Err(error) => {
                // Not handed over: release the claim so the retry may send it.
                emails::mark_failed(&db, message.coach_id, email_id, &error.to_string()).await?;
                return Err(match error {
                    MailError::Rejected(reason) => StageError::Permanent(format!(
                        "The ready notice to {} could not be sent: {reason}.",
                        coach.email
                    )),
                    other => StageError::Retryable(other.into()),
                });
            }
        },
        emails::Claim::AlreadySent => {}
        emails::Claim::Unknown => {
            tracing::warn!(
                dedup_key,
                "an earlier attempt may have sent the ready email; not sending it again"
            )
        }
    }

    let sha256 = session
        .transcript
        .as_ref()
        .map(|t| t.sha256.clone())
        .unwrap_or_default();
    let mut db = db;
    let tx = db.transaction().await?;
    sessions::mark_ready(&tx, message.coach_id, session.id, message.generation).await?;
    sessions::complete_stage(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        PipelineStage::Notify,
        &sha256,
    )
    .await?;
    tx.commit().await?;
    pipeline
        .notifier
        .publish(LiveEvent::now(
            message.coach_id,
            EventKind::SessionReady {
                session_id: session.id,
            },
        ))
        .await;
    Ok(StageOutcome::Completed)
}

/// What the notice counts.
struct Found {
    drafts: usize,
    commitments: usize,
    urgent_flags: usize,
}

/// The coach's notice. Counts and a link only: no client words leave in email.
fn ready_email(
    pipeline: &Pipeline,
    to: &str,
    session: &sessions::Session,
    found: &Found,
) -> OutgoingEmail {
    // A page a person can open in a browser (the API would answer 401).
    let link = format!(
        "{}{}",
        pipeline.settings.app_url,
        crate::api::session_page_path(session.id)
    );
    let held = session.held_at.format("%A %-d %B %Y");
    let plural = |n: usize, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    OutgoingEmail::plain(
        pipeline.settings.mail_from.clone(),
        to.to_owned(),
        if found.urgent_flags == 0 {
            format!("Your session of {held} is ready")
        } else {
            format!("Needs attention: your session of {held} is ready")
        },
        // Lines stay under 76 characters so the text (and the link) is sent as
        // plain 7-bit mail rather than quoted-printable.
        format!(
            "Hello,\n\nFlowCoach has finished processing your session of\n{held}.\n\n\
             {attention}It found {} and prepared\n{} for you to review.\n\n\
             Open the session:\n{link}\n\n\
             Nothing is sent to your clients until you approve it.\n\n-- FlowCoach\n",
            plural(found.commitments, "commitment", "commitments"),
            plural(found.drafts, "follow-up draft", "follow-up drafts"),
            attention = if found.urgent_flags == 0 {
                String::new()
            } else {
                format!(
                    "NEEDS YOUR ATTENTION: {} in this session.\n\
                     Every draft is held for your review until you have\n\
                     read the flags.\n\n",
                    plural(found.urgent_flags, "urgent risk flag", "urgent risk flags")
                )
            },
        ),
    )
}
