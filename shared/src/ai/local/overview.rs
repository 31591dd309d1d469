//! The extractive overview: who met when, then the session's most informative
//! client statements (and at most one coach reflection) in the order said.

use crate::ai::analyst::{AnalysisRequest, Commitment, RiskFlag, RiskSeverity};

use super::follow_up::human_date;
use super::participants::Roster;
use super::salience::{best, ScoredSentence};

const MAX_EXCERPTS: usize = 4;
const MAX_COACH_EXCERPTS: usize = 1;

pub(crate) fn write_overview(
    request: &AnalysisRequest,
    roster: &Roster,
    sentences: &[ScoredSentence],
    commitments: &[Commitment],
    risks: &[RiskFlag],
) -> String {
    let mut paragraph = introduction(request, roster);

    for excerpt in pick_excerpts(roster, sentences) {
        let verb = if excerpt.is_coach {
            "reflected"
        } else {
            "said"
        };
        paragraph.push_str(&format!(
            " {} {verb}: “{}”",
            excerpt.first_name,
            excerpt.text.trim_end_matches(['.', ',', ';'])
        ));
        paragraph.push('.');
    }

    match commitments.len() {
        0 => paragraph.push_str(" No concrete commitments were recorded."),
        1 => paragraph.push_str(" One commitment was agreed."),
        n => paragraph.push_str(&format!(" {n} commitments were agreed.")),
    }
    if risks.iter().any(|r| r.severity == RiskSeverity::Urgent) {
        paragraph.push_str(" A safety concern came up and needs follow-up (see risk flags).");
    } else if !risks.is_empty() {
        paragraph.push_str(" Some wellbeing signals are worth watching (see risk flags).");
    }
    paragraph
}

fn introduction(request: &AnalysisRequest, roster: &Roster) -> String {
    let names: Vec<&str> = roster
        .clients
        .iter()
        .map(|c| c.full_name.as_str())
        .collect();
    let clients = match names.as_slice() {
        [] => "their client".to_string(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let coach = if request.coach_name.trim().is_empty() {
        "The coach"
    } else {
        request.coach_name.as_str()
    };
    let title = request.session_title.trim();
    let title = if title.is_empty() {
        String::new()
    } else {
        format!(" for “{title}”")
    };
    format!(
        "{coach} met {clients} on {}{title}.",
        human_date(request.held_on)
    )
}

/// In a group, each client's best statement first, so nobody is left out;
/// then the best remaining sentences; shown in the order they were said.
fn pick_excerpts<'a>(roster: &Roster, sentences: &'a [ScoredSentence]) -> Vec<&'a ScoredSentence> {
    let mut picked: Vec<&ScoredSentence> = Vec::new();
    if roster.clients.len() > 1 {
        for client in &roster.clients {
            let own = sentences
                .iter()
                .filter(|s| s.client_id == Some(client.client_id));
            picked.extend(best(own, 1));
        }
        picked.truncate(MAX_EXCERPTS);
    }
    let mut coach_count = 0;
    for candidate in best(sentences.iter(), sentences.len()) {
        if picked.len() >= MAX_EXCERPTS {
            break;
        }
        if picked.iter().any(|p| p.order == candidate.order) {
            continue;
        }
        if candidate.is_coach {
            if coach_count >= MAX_COACH_EXCERPTS {
                continue;
            }
            coach_count += 1;
        }
        picked.push(candidate);
    }
    picked.sort_by_key(|s| s.order);
    picked
}
