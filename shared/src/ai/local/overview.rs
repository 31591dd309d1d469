//! The overview: a few sentences a coach would write in their notes — who
//! met when, what they worked on (the themes) and what was decided (the
//! commitments, by person) — rather than quotes lifted out of their turns,
//! whose "it" and "him" mean nothing out of context.

use crate::ai::analyst::{AnalysisRequest, Commitment, RiskFlag, RiskSeverity};

use super::follow_up::human_date;
use super::participants::Roster;
use super::text::{first_name, listed};

/// Themes named in the "worked on" sentence.
const THEMES_NAMED: usize = 3;
/// People whose commitments the overview names, and how many of each.
const OWNERS_NAMED: usize = 3;
const COMMITMENTS_PER_OWNER: usize = 2;

pub(crate) fn write_overview(
    request: &AnalysisRequest,
    roster: &Roster,
    themes: &[String],
    commitments: &[Commitment],
    risks: &[RiskFlag],
) -> String {
    let mut sentences = vec![introduction(request, roster)];
    if let Some(worked_on) = worked_on(roster, themes) {
        sentences.push(worked_on);
    }
    sentences.push(decisions(request, roster, commitments));
    if risks.iter().any(|r| r.severity == RiskSeverity::Urgent) {
        sentences.push("A safety concern came up and needs follow-up (see risk flags).".into());
    } else if !risks.is_empty() {
        sentences.push("Some wellbeing signals are worth watching (see risk flags).".into());
    }
    sentences.join(" ")
}

fn introduction(request: &AnalysisRequest, roster: &Roster) -> String {
    let names: Vec<&str> = roster
        .clients
        .iter()
        .map(|c| c.full_name.as_str())
        .collect();
    let clients = if names.is_empty() {
        "their client".to_string()
    } else {
        listed(&names)
    };
    let title = request.session_title.trim();
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" for “{title}”")
    };
    format!(
        "{} met {clients} on {}{title}.",
        coach_name(request),
        human_date(request.held_on)
    )
}

fn worked_on(roster: &Roster, themes: &[String]) -> Option<String> {
    let named: Vec<&str> = themes
        .iter()
        .take(THEMES_NAMED)
        .map(String::as_str)
        .collect();
    if named.is_empty() {
        return None;
    }
    let who = if roster.clients.len() > 1 {
        "The group"
    } else {
        "They"
    };
    Some(format!("{who} worked on {}.", listed(&named)))
}

/// "Priya agreed to send Kenji the cost model and to block two mornings;
/// Dana will share the worksheet." People in the order they first committed.
fn decisions(request: &AnalysisRequest, roster: &Roster, commitments: &[Commitment]) -> String {
    if commitments.is_empty() {
        return "No concrete commitments were recorded.".into();
    }
    let mut owners: Vec<&str> = Vec::new();
    for commitment in commitments {
        if !owners.contains(&commitment.owner.as_str()) {
            owners.push(&commitment.owner);
        }
    }
    let coach = coach_name(request);
    let mut named = 0;
    let clauses: Vec<String> = owners
        .iter()
        .take(OWNERS_NAMED)
        .map(|owner| {
            let actions: Vec<String> = commitments
                .iter()
                .filter(|c| c.owner == *owner)
                .take(COMMITMENTS_PER_OWNER)
                .map(|c| as_infinitive(&c.text))
                .collect();
            named += actions.len();
            let is_coach = *owner == coach || roster.coach_name == **owner;
            let name = first_name(owner);
            if is_coach {
                format!("{name} will {}", actions.join(" and "))
            } else {
                // A client's commitments are worded to them ("bring your
                // readings"); the overview speaks about them.
                let actions: Vec<String> = actions.iter().map(|a| in_third_person(a)).collect();
                format!("{name} agreed to {}", actions.join(" and to "))
            }
        })
        .collect();
    let mut sentence = clauses.join("; ");
    match commitments.len() - named {
        0 => {}
        1 => sentence.push_str(", with one more commitment agreed"),
        more => sentence.push_str(&format!(", with {more} more commitments agreed")),
    }
    sentence.push('.');
    sentence
}

fn coach_name(request: &AnalysisRequest) -> &str {
    let name = request.coach_name.trim();
    if name.is_empty() {
        "The coach"
    } else {
        name
    }
}

/// A commitment's imperative ("Send Kenji the model.") as it follows "to"
/// or "will": the first letter lowered unless the word is "I" or an
/// acronym, the closing stop dropped.
fn as_infinitive(text: &str) -> String {
    let text = text.trim().trim_end_matches(['.', '!', ';', ',']);
    let first_word = text.split_whitespace().next().unwrap_or("");
    let keep_case =
        first_word == "I" || (first_word.len() > 1 && first_word.chars().all(|c| c.is_uppercase()));
    let mut chars = text.chars();
    match chars.next() {
        Some(first) if !keep_case => first.to_lowercase().chain(chars).collect(),
        _ => text.to_string(),
    }
}

/// "your readings" → "their readings", "with you" → "with them".
fn in_third_person(action: &str) -> String {
    action
        .split(' ')
        .map(|token| {
            let word = token.trim_end_matches(|c: char| !c.is_alphanumeric());
            let tail = &token[word.len()..];
            let replaced = match word {
                "your" => "their",
                "yours" => "theirs",
                "you" => "them",
                "yourself" => "themself",
                "you're" | "you’re" => "they're",
                _ => return token.to_string(),
            };
            format!("{replaced}{tail}")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::local::test_support::{request_with, COACH_NAME};

    fn commitment(owner: &str, text: &str) -> Commitment {
        Commitment {
            owner: owner.into(),
            client_id: None,
            text: text.into(),
            due: None,
            recurrence: None,
            recipients: Vec::new(),
            quote: String::new(),
        }
    }

    #[test]
    fn says_who_met_what_they_worked_on_and_what_each_person_agreed() {
        let mut request = request_with(&["Rafa Okoro"], &[("Rafa Okoro", "Hello.")]);
        request.session_title.clear();
        let roster = Roster::from_request(&request);
        let themes = ["pricing".to_string(), "sleep".into(), "the move".into()];
        let commitments = [
            commitment("Rafa Okoro", "Draft the price list for the stall."),
            commitment(COACH_NAME, "Send Rafa the costing sheet"),
            commitment("Rafa Okoro", "Ask your landlord about the lease"),
            commitment("Rafa Okoro", "Book the van"),
        ];
        let overview = write_overview(&request, &roster, &themes, &commitments, &[]);
        assert!(
            overview.starts_with("Cora Coach met Rafa Okoro on Tuesday 10 March 2026."),
            "{overview}"
        );
        assert!(
            overview.contains("They worked on pricing, sleep and the move."),
            "{overview}"
        );
        assert!(
            overview.contains(
                "Rafa agreed to draft the price list for the stall and to ask their landlord about the lease; Cora will send Rafa the costing sheet, with one more commitment agreed."
            ),
            "{overview}"
        );
        assert!(!overview.contains('“'), "no lifted quotes: {overview}");
    }

    #[test]
    fn a_session_without_commitments_or_themes_still_reads_as_sentences() {
        let request = request_with(&["Ines Vale", "Tom Hart"], &[("Ines Vale", "Hi.")]);
        let roster = Roster::from_request(&request);
        let overview = write_overview(&request, &roster, &[], &[], &[]);
        assert_eq!(
            overview,
            "Cora Coach met Ines Vale and Tom Hart on Tuesday 10 March 2026 for “Coaching session”. No concrete commitments were recorded."
        );
    }
}
