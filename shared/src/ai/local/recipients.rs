//! Whom the coach promised something to. In a one-to-one it is the client;
//! in a group it is whoever the promise names ("I'll call you on Monday,
//! Ana"), everyone when it is made to the group ("I'll email all of you the
//! slides") or says nobody in particular, and otherwise the member the coach
//! was answering when "you" was said. Each client's draft then holds only
//! the promises made to them.

use std::sync::LazyLock;

use regex::Regex;
use uuid::Uuid;

use crate::ai::analyst::{AnalysisRequest, Commitment};

use super::participants::Roster;
use super::text::{pattern, sentence_spans, words};

/// Words that address the whole group.
static TO_EVERYONE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:all\s+of\s+you|you\s+all|y'all|each\s+of\s+you|both\s+of\s+you|every(?:one|body)|the\s+(?:whole\s+)?group|the\s+(?:three|four|five|six)\s+of\s+you|you\s+guys|all\s+(?:three|four|five|six)\s+of\s+you)\b",
    )
});
static YOU: LazyLock<Regex> = LazyLock::new(|| pattern(r"\b(?:you|your|yours|yourself)\b"));
/// How far back "you" may reach for the member being answered.
const ANSWERING_REACH: usize = 3;

/// Fills in `recipients` of the coach's commitments.
pub(crate) fn assign_recipients(
    request: &AnalysisRequest,
    roster: &Roster,
    commitments: &mut [Commitment],
) {
    let everyone: Vec<Uuid> = roster.clients.iter().map(|c| c.client_id).collect();
    for commitment in commitments.iter_mut().filter(|c| c.client_id.is_none()) {
        commitment.recipients = if roster.is_one_to_one() {
            everyone.clone()
        } else {
            promised_to(request, roster, &commitment.quote).unwrap_or_else(|| everyone.clone())
        };
    }
}

/// `None` when the promise was made to the whole group.
fn promised_to(request: &AnalysisRequest, roster: &Roster, quote: &str) -> Option<Vec<Uuid>> {
    let (index, sentence) = request
        .utterances
        .iter()
        .enumerate()
        .find_map(|(index, u)| sentence_holding(&u.text, quote).map(|s| (index, s)))?;
    let said = words(sentence);
    let named: Vec<Uuid> = roster
        .clients
        .iter()
        .filter(|client| {
            said.iter().any(|w| {
                w.trim_end_matches("'s")
                    .eq_ignore_ascii_case(&client.first_name)
            })
        })
        .map(|client| client.client_id)
        .collect();
    if !named.is_empty() {
        return Some(named);
    }
    if TO_EVERYONE.is_match(sentence) || !YOU.is_match(sentence) {
        return None;
    }
    let answering = request.utterances[..index]
        .iter()
        .rev()
        .take(ANSWERING_REACH)
        .chain(request.utterances.iter().skip(index + 1).take(1))
        .find_map(|u| roster.person(u).client_id)?;
    Some(vec![answering])
}

/// The sentence of `text` that holds `quote`.
fn sentence_holding<'a>(text: &'a str, quote: &str) -> Option<&'a str> {
    if !text.contains(quote) {
        return None;
    }
    sentence_spans(text)
        .into_iter()
        .map(|span| &text[span])
        .find(|sentence| sentence.contains(quote) || quote.contains(*sentence))
        .or(Some(text))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::local::test_support::{request_with, COACH_NAME};

    fn recipients(lines: &[(&str, &str)], quote: &str) -> Vec<String> {
        let lines: Vec<(&str, &str)> = lines
            .iter()
            .map(|(who, text)| (if *who == "Coach" { COACH_NAME } else { who }, *text))
            .collect();
        let request = request_with(&["Ana", "Ben", "Cleo"], &lines);
        let roster = Roster::from_request(&request);
        let mut commitments = vec![Commitment {
            owner: request.coach_name.clone(),
            client_id: None,
            text: String::new(),
            due: None,
            recurrence: None,
            recipients: Vec::new(),
            quote: quote.to_string(),
        }];
        assign_recipients(&request, &roster, &mut commitments);
        let mut names: Vec<String> = commitments[0]
            .recipients
            .iter()
            .filter_map(|id| roster.clients.iter().find(|c| c.client_id == *id))
            .map(|c| c.first_name.clone())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_promise_goes_to_whom_it_names_or_answers_or_to_everyone() {
        let lines = [
            ("Coach", "Welcome, everyone."),
            ("Ana", "My rota changes next week."),
            ("Coach", "I'll call you on Monday, Ana, to plan around it."),
            ("Ben", "Could someone share the reading list?"),
            ("Coach", "Sure, I'll send it to you tonight."),
            ("Coach", "And I'll email all of you the slides tomorrow."),
            ("Coach", "I'll book the room for next month."),
        ];
        assert_eq!(
            recipients(&lines, "I'll call you on Monday, Ana, to plan around it."),
            ["Ana"]
        );
        assert_eq!(
            recipients(&lines, "Sure, I'll send it to you tonight."),
            ["Ben"]
        );
        assert_eq!(
            recipients(&lines, "And I'll email all of you the slides tomorrow."),
            ["Ana", "Ben", "Cleo"]
        );
        assert_eq!(
            recipients(&lines, "I'll book the room for next month."),
            ["Ana", "Ben", "Cleo"]
        );
    }
}
