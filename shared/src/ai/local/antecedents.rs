//! What "it" means in "I'll send it over tonight": the noun phrase a
//! pronoun object points back to, found in the sentences said just before.
//!
//! The candidates are the noun phrases (a determiner and the content words
//! after it) of the last few sentences. The one a pledge refers to is
//! usually what someone just offered, asked for or suggested ("I've got a
//! checklist…", "could you send me the model?", "you should put the
//! rollout on your CV"), or the object of a verb of handing over, so those
//! count for more, and nearer sentences count for more than older ones.

use std::sync::LazyLock;

use regex::Regex;

use super::text::{is_content_word, pattern};

/// A sentence said before the pledge, and by whom.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Earlier<'a> {
    pub speaker: &'a str,
    pub text: &'a str,
}

/// How far back an antecedent is looked for, in sentences.
pub(crate) const LOOKBACK_SENTENCES: usize = 6;

/// A verb followed by a pronoun object and nothing that names a thing:
/// "send it to you", "add that tonight", but not "send that report".
static PRONOUN_OBJECT: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^([a-z]+(?:\s+(?:up|over|out|back|on|in|off|through|round))?)\s+(it|them|that|this|those|these)\b(.*)$",
    )
});
/// Offers, requests and suggestions: what they name is what gets promised.
static PROPOSAL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:could|can|would|will)\s+you\b|\byou\s+(?:should|could|might|need\s+to|ought\s+to)\b|\bwhy\s+don't\s+you\b|\bI(?:'ve|\s+have)\s+got\b|\bI\s+have\s+(?:a|an|this|some)\b|\bthere(?:'s|\s+is)\b|\b(?:want|like)\s+me\s+to\b|\bshall\s+I\b|\bdo\s+you\s+want\b|\bhow\s+about\b|\bwhat\s+about\b",
    )
});
/// Verbs whose object is a thing handed over, made or mentioned.
static HANDING_VERB: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:send|sent|email|share|shared|forward|give|gave|bring|brought|put|add|write|wrote|draft|mentioned|recommend|recommended|use|read|show|pass|post|print|book|finish|update)\s+(?:me\s+|you\s+|him\s+|her\s+|us\s+|them\s+)?$",
    )
});
static AFTER_PREPOSITION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"\b(?:in|on|at|for|during|over|to|with|from|about|into|by|of|between|through)\s+$")
});
/// A determiner opening a noun phrase.
static DETERMINER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b(?:a|an|the|your|my|his|her|their|our|this|that|these|those)\s+"));

/// Heads that are times, amounts or placeholders, not things to hand over.
#[rustfmt::skip]
const NOT_A_THING: &[&str] = &[
    "session", "week", "weekend", "morning", "afternoon", "evening", "night", "day", "days",
    "time", "moment", "month", "year", "minute", "minutes", "hour", "hours", "bit", "lot",
    "thing", "things", "way", "one", "point", "end", "rest", "start", "idea", "sense", "kind",
    "sort", "whole", "same", "other", "first", "last", "next", "best", "worst", "problem",
    "question", "answer", "chance", "while", "second", "today", "tomorrow",
];

/// Content words a noun phrase may hold after its determiner.
const MAX_PHRASE_WORDS: usize = 4;

/// Whether `raw_action` is a verb with a pronoun for its object: "try
/// that", "send it over", "bring them".
pub(crate) fn has_pronoun_object(raw_action: &str) -> bool {
    PRONOUN_OBJECT.is_match(raw_action.trim())
}

/// `raw_action` ("send it over tonight") with its pronoun object replaced
/// by what it points back to ("send the costing sheet over tonight"), or
/// `None` when it has no pronoun object or nothing earlier fits.
/// `speaker` said the pledge; `earlier` is what came before, oldest first.
pub(crate) fn resolve_pronoun_object(
    raw_action: &str,
    speaker: &str,
    earlier: &[Earlier<'_>],
) -> Option<String> {
    let caps = PRONOUN_OBJECT.captures(raw_action.trim())?;
    let (verb, pronoun, rest) = (&caps[1], &caps[2], &caps[3]);
    let next_word = rest
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .find(|w| !w.is_empty())
        .unwrap_or("");
    if matches!(pronoun.to_lowercase().as_str(), "that" | "this") && is_content_word(next_word) {
        return None;
    }
    let phrase = best_antecedent(speaker, earlier)?;
    Some(format!("{verb} {phrase}{rest}"))
}

fn best_antecedent(speaker: &str, earlier: &[Earlier<'_>]) -> Option<String> {
    let mut best: Option<(f64, String)> = None;
    for (distance, sentence) in earlier.iter().rev().take(LOOKBACK_SENTENCES).enumerate() {
        let proposal_at = PROPOSAL.find(sentence.text).map(|m| m.start());
        for (start, phrase) in noun_phrases(sentence.text) {
            let mut score = -0.5 * distance as f64;
            if proposal_at.is_some_and(|at| at <= start) {
                score += 3.0;
            }
            let before = &sentence.text[..start];
            if HANDING_VERB.is_match(before) {
                score += 2.0;
            }
            // What is handed over is a direct object, not "for the holidays".
            if AFTER_PREPOSITION.is_match(before) {
                score -= 1.0;
            }
            let from_someone_else = sentence.speaker != speaker;
            if from_someone_else {
                score += 1.0;
            }
            if best.as_ref().is_none_or(|(top, _)| score > *top) {
                let phrase = as_said_by_pledger(&phrase, from_someone_else);
                best = Some((score, phrase));
            }
        }
    }
    // Without an offer, a request or a handing-over verb, a phrase is only
    // a guess.
    best.filter(|(score, _)| *score > 0.0)
        .map(|(_, phrase)| phrase)
}

/// The noun phrases of `text`, with where each starts: "a one-page swap
/// list", "the automation rollout". A phrase ends at the first word that
/// is not a content word.
fn noun_phrases(text: &str) -> Vec<(usize, String)> {
    DETERMINER
        .find_iter(text)
        .filter_map(|determiner| {
            let words: Vec<&str> = text[determiner.end()..]
                .split_whitespace()
                .map_while(|raw| {
                    let word = raw.trim_end_matches(|c: char| !c.is_alphanumeric());
                    let clean = word.to_lowercase();
                    let fits = is_content_word(&clean)
                        && !clean.chars().next().is_some_and(char::is_numeric);
                    let ends_here = word.len() < raw.len();
                    fits.then_some((word, ends_here))
                })
                .scan(false, |ended, (word, ends_here)| {
                    if *ended {
                        return None;
                    }
                    *ended = ends_here;
                    Some(word)
                })
                .take(MAX_PHRASE_WORDS)
                .collect();
            let head = words.last()?.to_lowercase();
            if NOT_A_THING.contains(&head.as_str()) {
                return None;
            }
            Some((
                determiner.start(),
                format!("{} {}", determiner.as_str().trim(), words.join(" ")),
            ))
        })
        .collect()
}

/// The phrase as the person making the pledge would say it: once
/// mentioned, "a report" is "the report"; someone else's "your CV" is the
/// pledger's "my CV".
fn as_said_by_pledger(phrase: &str, from_someone_else: bool) -> String {
    let (determiner, rest) = phrase.split_once(' ').unwrap_or((phrase, ""));
    let determiner = match determiner.to_lowercase().as_str() {
        "a" | "an" | "this" | "that" => "the".to_string(),
        "these" | "those" => "the".to_string(),
        "your" if from_someone_else => "my".to_string(),
        "my" if from_someone_else => "your".to_string(),
        _ => determiner.to_lowercase(),
    };
    format!("{determiner} {rest}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said<'a>(lines: &[(&'a str, &'a str)]) -> Vec<Earlier<'a>> {
        lines
            .iter()
            .map(|(speaker, text)| Earlier { speaker, text })
            .collect()
    }

    #[test]
    fn a_pronoun_points_back_to_what_was_offered() {
        let after = |opening| {
            said(&[
                ("Coach", opening),
                ("Coach", "Would that help?"),
                ("Client", "It really would."),
            ])
        };
        let mentioned = after("I keep a short checklist for difficult phone calls.");
        assert_eq!(
            resolve_pronoun_object("forward it to you tomorrow", "Coach", &mentioned).as_deref(),
            None,
            "a phrase nobody offered or handed over is only a guess"
        );
        let offered = after("I've got a short checklist for difficult phone calls.");
        assert_eq!(
            resolve_pronoun_object("forward it to you tomorrow", "Coach", &offered).as_deref(),
            Some("forward the short checklist to you tomorrow")
        );
    }

    #[test]
    fn a_suggestion_from_someone_else_beats_a_nearer_passing_phrase() {
        let earlier = said(&[
            (
                "Friend",
                "You should put the volunteering project on your portfolio page.",
            ),
            ("Client", "I never counted it."),
            ("Client", "It was just the job."),
        ]);
        assert_eq!(
            resolve_pronoun_object("add it this evening", "Client", &earlier).as_deref(),
            Some("add the volunteering project this evening")
        );
    }

    #[test]
    fn a_request_for_that_reaches_back_to_what_was_mentioned() {
        let earlier = said(&[
            (
                "Client",
                "You mentioned a rota template in our last session, the colour-coded one.",
            ),
            ("Client", "Could you send me that?"),
            ("Client", "I want to try it for the holidays."),
        ]);
        assert_eq!(
            resolve_pronoun_object("send it over tonight", "Coach", &earlier).as_deref(),
            Some("send the rota template over tonight")
        );
    }

    #[test]
    fn someone_elses_possessive_is_turned_round_and_named_things_are_left_alone() {
        let earlier = said(&[("Coach", "Could you bring your spending diary?")]);
        assert_eq!(
            resolve_pronoun_object("bring it on Thursday", "Client", &earlier).as_deref(),
            Some("bring my spending diary on Thursday")
        );
        assert_eq!(
            resolve_pronoun_object("send that report", "Client", &earlier),
            None
        );
        assert_eq!(
            resolve_pronoun_object("call the bank", "Client", &earlier),
            None
        );
    }
}
