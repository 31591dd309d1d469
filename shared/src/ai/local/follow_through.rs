//! Follow-through: what a session says became of the client's open
//! commitments from earlier sessions — reported done, not done, or not
//! mentioned — with the client's words.
//!
//! A commitment is "spoken of" where a sentence holds enough of its content
//! words (by stem, so "sent the plan" meets "send the plan"): the client's
//! own sentence, or the client's answer right after a coach's question that
//! names it ("Did you send Priya the plan?" — "Yes, on Monday."). The
//! client's sentence then tells which: a negated or unfinished verb is not
//! done, a completed one is done; a sentence that tells neither leaves the
//! commitment not mentioned rather than guessing.

use std::collections::BTreeSet;

use crate::ai::analyst::{
    AnalysisRequest, EarlierCommitment, FollowThrough, FollowThroughOutcome, SpeakerRole,
};

use super::participants::Roster;
use super::text::{content_words, is_question, sentence_spans, words};

/// The least share of a commitment's content words a sentence must hold.
const MIN_SHARE: f64 = 0.4;

/// Words saying it did not happen (after contractions are lower-cased).
const NOT_DONE_WORDS: &[&str] = &[
    "didn't",
    "haven't",
    "hasn't",
    "couldn't",
    "wasn't",
    "weren't",
    "won't",
    "not",
    "never",
    "forgot",
    "skipped",
    "nope",
    "postponed",
];
/// Phrases saying the same in more than one word.
const NOT_DONE_PHRASES: &[&str] = &[
    "ran out of time",
    "put it off",
    "kept putting",
    "still need to",
    "still have to",
    "not yet",
    "got round to",
    "got around to",
];
/// Words saying it happened.
const DONE_WORDS: &[&str] = &[
    "did",
    "done",
    "finished",
    "managed",
    "completed",
    "sorted",
    "yes",
    "yeah",
    "yep",
];
/// Common irregular past forms: "I sent it", "I wrote to her".
const IRREGULAR_PAST: &[(&str, &str)] = &[
    ("sent", "send"),
    ("wrote", "write"),
    ("written", "write"),
    ("spoke", "speak"),
    ("spoken", "speak"),
    ("went", "go"),
    ("made", "make"),
    ("took", "take"),
    ("taken", "take"),
    ("gave", "give"),
    ("given", "give"),
    ("told", "tell"),
    ("rang", "ring"),
    ("bought", "buy"),
    ("had", "have"),
    ("got", "get"),
    ("met", "meet"),
    ("ran", "run"),
    ("read", "read"),
    ("left", "leave"),
    ("found", "find"),
    ("kept", "keep"),
    ("began", "begin"),
    ("slept", "sleep"),
    ("ate", "eat"),
    ("drove", "drive"),
    ("paid", "pay"),
];
/// Words before which an "-ed" word is the speaker's own past action.
const SUBJECTS: &[&str] = &[
    "i", "i've", "we", "we've", "finally", "actually", "already", "just", "and",
];

/// What became of each of the request's earlier commitments whose client
/// attends this session.
pub(crate) fn follow_through(request: &AnalysisRequest, roster: &Roster) -> Vec<FollowThrough> {
    request
        .earlier_commitments
        .iter()
        .filter(|earlier| roster.client(earlier.client_id).is_some())
        .map(|earlier| {
            let (outcome, quote) = match reported(request, roster, earlier) {
                Some((outcome, quote)) => (outcome, Some(quote)),
                None => (FollowThroughOutcome::NotMentioned, None),
            };
            FollowThrough {
                session_id: earlier.session_id,
                client_id: earlier.client_id,
                owner: earlier.owner.clone(),
                text: earlier.text.clone(),
                outcome,
                quote,
            }
        })
        .collect()
}

/// The client's sentence that tells what became of `earlier`, and what it tells.
fn reported(
    request: &AnalysisRequest,
    roster: &Roster,
    earlier: &EarlierCommitment,
) -> Option<(FollowThroughOutcome, String)> {
    let keys = stems(&content_words(&earlier.text));
    if keys.is_empty() {
        return None;
    }
    let is_client = |index: usize| {
        request
            .utterances
            .get(index)
            .is_some_and(|u| roster.person(u).client_id == Some(earlier.client_id))
    };
    // The best-matching evidence wins; on a tie, the later one (a correction).
    let mut best: Option<(f64, FollowThroughOutcome, String)> = None;
    let mut consider = |share: f64, sentence: &str| {
        if let Some(outcome) = outcome_of(sentence) {
            if best.as_ref().is_none_or(|(top, _, _)| share >= *top) {
                best = Some((share, outcome, sentence.trim().to_owned()));
            }
        }
    };
    for (index, utterance) in request.utterances.iter().enumerate() {
        let from_coach = utterance.role == SpeakerRole::Coach;
        if !from_coach && !is_client(index) {
            continue;
        }
        for span in sentence_spans(&utterance.text) {
            let sentence = &utterance.text[span];
            let share = share_of(&keys, sentence);
            if share < MIN_SHARE || (keys.len() > 1 && matched(&keys, sentence) < 2) {
                continue;
            }
            if !from_coach {
                consider(share, sentence);
            } else if is_question(sentence) && is_client(index + 1) {
                // The answer's first sentence is the client's report.
                let answer = &request.utterances[index + 1].text;
                if let Some(first) = sentence_spans(answer).into_iter().next() {
                    consider(share, &answer[first]);
                }
            }
        }
    }
    best.map(|(_, outcome, quote)| (outcome, quote))
}

/// Done, not done, or `None` when the sentence says neither.
fn outcome_of(sentence: &str) -> Option<FollowThroughOutcome> {
    let lowered = sentence.to_lowercase().replace('’', "'");
    let tokens = words(&lowered);
    let negated = tokens.iter().any(|t| NOT_DONE_WORDS.contains(&t.as_str()))
        || NOT_DONE_PHRASES.iter().any(|p| lowered.contains(p));
    if negated {
        return Some(FollowThroughOutcome::NotDone);
    }
    let done = tokens.iter().enumerate().any(|(i, token)| {
        DONE_WORDS.contains(&token.as_str())
            || IRREGULAR_PAST.iter().any(|(past, _)| past == token)
            || (token.len() > 4
                && token.ends_with("ed")
                && i > 0
                && SUBJECTS.contains(&tokens[i - 1].as_str()))
    });
    // "No" alone, after nothing done: not done.
    if !done && tokens.first().is_some_and(|t| t == "no") {
        return Some(FollowThroughOutcome::NotDone);
    }
    done.then_some(FollowThroughOutcome::Done)
}

/// A word's stem: lower case, irregular pasts to their verb, regular
/// endings off ("sending", "sent", "sends" all meet "send").
fn stem(word: &str) -> String {
    let word = word.to_lowercase();
    if let Some((_, verb)) = IRREGULAR_PAST.iter().find(|(past, _)| *past == word) {
        return (*verb).to_owned();
    }
    for suffix in ["ing", "ed", "es", "s"] {
        if let Some(stem) = word.strip_suffix(suffix) {
            if stem.chars().count() >= 3 {
                return stem.trim_end_matches('e').to_owned();
            }
        }
    }
    word.trim_end_matches('e').to_owned()
}

fn stems(words: &[String]) -> BTreeSet<String> {
    words.iter().map(|w| stem(w)).collect()
}

fn matched(keys: &BTreeSet<String>, sentence: &str) -> usize {
    let found = stems(&words(sentence));
    keys.intersection(&found).count()
}

fn share_of(keys: &BTreeSet<String>, sentence: &str) -> f64 {
    matched(keys, sentence) as f64 / keys.len() as f64
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::ai::local::test_support::one_to_one_request;

    fn earlier(client_id: Uuid, text: &str) -> EarlierCommitment {
        EarlierCommitment {
            session_id: Uuid::from_u128(9),
            client_id,
            owner: "Client".into(),
            text: text.into(),
            due: None,
        }
    }

    fn outcomes(
        lines: &[(&str, &str)],
        commitments: &[&str],
    ) -> Vec<(FollowThroughOutcome, Option<String>)> {
        let mut request = one_to_one_request(lines);
        let client = request.clients[0].client_id;
        request.earlier_commitments = commitments.iter().map(|c| earlier(client, c)).collect();
        let roster = Roster::from_request(&request);
        follow_through(&request, &roster)
            .into_iter()
            .map(|f| (f.outcome, f.quote))
            .collect()
    }

    #[test]
    fn a_report_in_the_clients_words_is_done_or_not_done_with_its_quote() {
        let found = outcomes(
            &[
                ("Coach", "Welcome back. How did the week go?"),
                ("Client", "Well, I sent the budget proposal to my director on Tuesday. The gym plan I didn't start at all."),
            ],
            &["Send the budget proposal to my director", "Start the gym plan", "Book a dentist appointment"],
        );
        assert_eq!(
            found,
            vec![
                (
                    FollowThroughOutcome::Done,
                    Some("Well, I sent the budget proposal to my director on Tuesday.".into())
                ),
                (
                    FollowThroughOutcome::NotDone,
                    Some("The gym plan I didn't start at all.".into())
                ),
                (FollowThroughOutcome::NotMentioned, None),
            ]
        );
    }

    #[test]
    fn the_answer_to_the_coachs_question_is_the_report() {
        let found = outcomes(
            &[
                (
                    "Coach",
                    "Did you manage to call your landlord about the boiler?",
                ),
                ("Client", "Not yet. It keeps slipping."),
                ("Coach", "And the reading list, did you order the books?"),
                ("Client", "Yes, they arrived on Friday."),
            ],
            &[
                "Call the landlord about the boiler",
                "Order the books on the reading list",
            ],
        );
        assert_eq!(
            found[0],
            (FollowThroughOutcome::NotDone, Some("Not yet.".into()))
        );
        assert_eq!(
            found[1],
            (
                FollowThroughOutcome::Done,
                Some("Yes, they arrived on Friday.".into())
            )
        );
    }

    #[test]
    fn a_mention_that_tells_neither_is_not_mentioned() {
        let found = outcomes(
            &[(
                "Client",
                "The budget proposal for my director is on my mind a lot.",
            )],
            &["Send the budget proposal to my director"],
        );
        assert_eq!(found, vec![(FollowThroughOutcome::NotMentioned, None)]);
    }

    #[test]
    fn stems_meet_across_tenses() {
        assert_eq!(stem("sent"), "send");
        assert_eq!(stem("sending"), stem("send"));
        assert_eq!(stem("proposals"), stem("proposal"));
        assert_eq!(stem("booked"), stem("book"));
    }
}
