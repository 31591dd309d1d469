//! One follow-up draft per attending client: the client's template rendered
//! in the sandbox with a context holding only that client's commitments (a
//! group session must never leak one client's commitments to another).
//!
//! A session with an urgent risk flag holds every draft for the coach's
//! review, and the client at risk gets a careful note instead of the
//! template's upbeat recap: thanks, a promise to be in touch, and where to
//! turn now, in the words that fit the kind of risk. It quotes nothing.

use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::ai::analyst::{
    AnalysisRequest, AnalystError, ClientParticipant, Commitment, FollowUpDraft, RiskFlag,
    RiskSeverity,
};
use crate::ai::template::render;

use super::participants::Roster;
use super::text::{first_name, words};

/// "Tuesday 8 September 2026".
pub(crate) fn human_date(date: NaiveDate) -> String {
    date.format("%A %-d %B %Y").to_string()
}

/// "Friday 11 September", for due dates close to the session.
pub(crate) fn human_short_date(date: NaiveDate) -> String {
    date.format("%A %-d %B").to_string()
}

/// What the analysis already knows, for building follow-ups.
pub(crate) struct FollowUpInputs<'a> {
    pub themes: &'a [String],
    pub commitments: &'a [Commitment],
    pub risk_flags: &'a [RiskFlag],
    /// Client-facing highlights per client id.
    pub highlights: &'a [(uuid::Uuid, Vec<String>)],
}

pub(crate) fn draft_follow_ups(
    request: &AnalysisRequest,
    roster: &Roster,
    inputs: &FollowUpInputs<'_>,
) -> Result<Vec<FollowUpDraft>, AnalystError> {
    let urgent: Vec<&RiskFlag> = inputs
        .risk_flags
        .iter()
        .filter(|f| f.severity == RiskSeverity::Urgent)
        .collect();
    let review_reason = review_reason(&urgent);
    request
        .clients
        .iter()
        .map(|client| {
            let at_risk: Vec<&str> = urgent
                .iter()
                .filter(|f| f.client_id == Some(client.client_id))
                .map(|f| f.category.as_str())
                .collect();
            if !at_risk.is_empty() {
                return Ok(careful_draft(
                    request,
                    client,
                    &at_risk,
                    review_reason.clone(),
                ));
            }
            let context = client_context(request, roster, client, inputs);
            let subject = render(&client.template.subject, &context).map_err(|e| {
                AnalystError::Permanent(format!(
                    "follow-up template “{}” (subject) for {}: {e}",
                    client.template.name, client.full_name
                ))
            })?;
            let body = render(&client.template.body, &context).map_err(|e| {
                AnalystError::Permanent(format!(
                    "follow-up template “{}” (body) for {}: {e}",
                    client.template.name, client.full_name
                ))
            })?;
            Ok(FollowUpDraft {
                client_id: client.client_id,
                template_id: client.template.id,
                template_version: Some(client.template.version),
                subject: subject.lines().next().unwrap_or("").trim().to_string(),
                body: tidy_body(&body),
                review_reason: review_reason.clone(),
            })
        })
        .collect()
}

/// Why every draft of the session waits for the coach: counts and
/// categories, never what anyone said.
fn review_reason(urgent: &[&RiskFlag]) -> Option<String> {
    if urgent.is_empty() {
        return None;
    }
    // Each category once, in the order the session raised them (`dedup`
    // alone keeps a category that comes back after another).
    let mut categories: Vec<String> = Vec::new();
    for flag in urgent {
        let category = flag.category.replace('_', " ");
        if !categories.contains(&category) {
            categories.push(category);
        }
    }
    Some(format!(
        "This session raised {} ({}). Read the risk flags and act on them before sending anything.",
        if urgent.len() == 1 {
            "1 urgent risk flag".to_string()
        } else {
            format!("{} urgent risk flags", urgent.len())
        },
        categories.join(", ")
    ))
}

/// The note for a client with an urgent flag: no recap, no commitments, no
/// quotes; where to turn, in the words that fit the risk.
fn careful_draft(
    request: &AnalysisRequest,
    client: &ClientParticipant,
    categories: &[&str],
    review_reason: Option<String>,
) -> FollowUpDraft {
    let first = greeting_name(client);
    let medical = categories.contains(&super::risk::MEDICAL_RED_FLAG);
    let someone_else = categories
        .iter()
        .any(|c| *c == super::risk::SAFEGUARDING || *c == super::risk::HARM_TO_OTHERS);
    let mut lines = vec![
        format!("Hi {first},"),
        String::new(),
        "Thank you for our conversation today, and for being so open with me about what has been happening. I know it wasn't easy to talk about.".to_string(),
        String::new(),
    ];
    if medical {
        lines.push("What you described needs a doctor's attention today. If it comes back, or you feel unwell at any point, please call emergency services straight away rather than waiting.".to_string());
    } else if someone_else {
        lines.push("Your safety, and the safety of the people around you, matters most. If anyone is in danger right now, please call emergency services. A helpline can also talk things through with you at any hour, in confidence.".to_string());
    } else {
        lines.push("If things feel too much at any point, please reach out straight away: call emergency services if you are in danger, or a crisis line to talk to someone now, at any hour. You don't have to wait for our next session.".to_string());
    }
    lines.push(String::new());
    lines.push("I'll be in touch very soon to see how you are.".to_string());
    lines.push(String::new());
    lines.push("Warm wishes,".to_string());
    lines.push(signature(request).to_string());
    FollowUpDraft {
        client_id: client.client_id,
        template_id: client.template.id,
        template_version: None,
        subject: "Thank you for today".to_string(),
        body: lines.join("\n"),
        review_reason,
    }
}

/// The name a draft greets the client by: their first name, or the first
/// word of their full name when none was given.
fn greeting_name(client: &ClientParticipant) -> &str {
    match client.first_name.trim() {
        "" => first_name(&client.full_name),
        given => given,
    }
}

/// How the coach signs off: their signature, or their name when it is blank.
fn signature(request: &AnalysisRequest) -> &str {
    match request.coach_signature.trim() {
        "" => &request.coach_name,
        _ => &request.coach_signature,
    }
}

/// The template context for one client. Placeholders are listed in
/// `crate::ai::template::FOLLOW_UP_PLACEHOLDERS`.
pub(crate) fn client_context(
    request: &AnalysisRequest,
    roster: &Roster,
    client: &ClientParticipant,
    inputs: &FollowUpInputs<'_>,
) -> Value {
    let own: Vec<Value> = inputs
        .commitments
        .iter()
        .filter(|c| c.client_id == Some(client.client_id))
        .map(commitment_item)
        .collect();
    let coach_own: Vec<Value> = inputs
        .commitments
        .iter()
        .filter(|c| c.client_id.is_none() && c.owner == request.coach_name)
        .filter(|c| promised_to(c, client, roster))
        .map(|c| {
            commitment_item(&Commitment {
                text: addressed_to(&c.text, client),
                ..c.clone()
            })
        })
        .collect();
    let highlights: Vec<String> = inputs
        .highlights
        .iter()
        .find(|(id, _)| *id == client.client_id)
        .map(|(_, h)| h.clone())
        .unwrap_or_default();
    let client_first_name = greeting_name(client);
    json!({
        "client_first_name": client_first_name,
        "client_name": client.full_name,
        "coach_name": request.coach_name,
        "coach_signature": signature(request),
        "session_title": request.session_title,
        "session_date": human_date(request.held_on),
        "themes": inputs.themes,
        "commitments": own,
        "coach_commitments": coach_own,
        "next_session_date": request.next_session_on.map(human_date),
        "highlights": highlights,
    })
}

fn commitment_item(commitment: &Commitment) -> Value {
    json!({
        "text": commitment.text,
        "due": commitment.due.map(human_short_date),
    })
}

/// Whether the coach's promise belongs in `client`'s email: it was made to
/// them or to the whole group (`recipients`). Analyses stored before
/// recipients were recorded fall back to the names the promise mentions.
fn promised_to(commitment: &Commitment, client: &ClientParticipant, roster: &Roster) -> bool {
    if commitment.recipients.is_empty() {
        return !mentions_another_client(commitment, client, roster);
    }
    commitment.recipients.contains(&client.client_id)
}

/// The coach's promise as the client reads it: their own name becomes
/// "you" ("Text Helen tonight" → "Text you tonight", "Helen's CV" → "your CV").
fn addressed_to(text: &str, client: &ClientParticipant) -> String {
    let mut names = vec![regex::escape(client.full_name.trim())];
    let first = greeting_name(client);
    if !first.is_empty() {
        names.push(regex::escape(first));
    }
    let Ok(name) = regex::Regex::new(&format!(r"\b(?:{})(?:['’]s)?\b", names.join("|"))) else {
        return text.to_string();
    };
    name.replace_all(text, |caps: &regex::Captures| {
        if caps[0].ends_with('s') && caps[0].contains(['\'', '’']) {
            "your"
        } else {
            "you"
        }
    })
    .into_owned()
}

/// In a group, a coach commitment naming another client ("text Sam on
/// Saturday") belongs in that client's email only.
fn mentions_another_client(
    commitment: &Commitment,
    client: &ClientParticipant,
    roster: &Roster,
) -> bool {
    let said: Vec<String> = words(&commitment.text);
    let names = |name: &str| said.iter().any(|w| w.eq_ignore_ascii_case(name));
    roster
        .clients
        .iter()
        .filter(|other| other.client_id != client.client_id)
        .any(|other| names(&other.first_name))
}

/// At most one blank line in a row and no trailing spaces, whatever the
/// template's layout.
fn tidy_body(body: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for line in body.lines().map(str::trim_end) {
        if line.is_empty() && out.last().is_none_or(|l| l.is_empty()) {
            continue;
        }
        out.push(line);
    }
    while out.last().is_some_and(|l| l.is_empty()) {
        out.pop();
    }
    out.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::analyst::RiskSeverity;

    fn urgent(category: &str) -> RiskFlag {
        RiskFlag {
            speaker: "Tobias".into(),
            client_id: None,
            category: category.into(),
            severity: RiskSeverity::Urgent,
            quote: String::new(),
            guidance: String::new(),
        }
    }

    #[test]
    fn the_review_reason_names_each_category_once_in_the_order_raised() {
        let flags = [
            urgent("self_harm"),
            urgent("medical_red_flag"),
            urgent("self_harm"),
        ];
        let flags: Vec<&RiskFlag> = flags.iter().collect();
        let reason = review_reason(&flags).expect("a reason");
        assert!(
            reason.contains("3 urgent risk flags (self harm, medical red flag)."),
            "{reason}"
        );
        assert_eq!(review_reason(&[]), None);
    }
}
