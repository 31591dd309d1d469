//! Commitment extraction: first-person future intentions ("I'll…", "I'm going
//! to…", "my plan is to…"), coach suggestions the client explicitly accepts,
//! minus hypotheticals, hedges, reported speech, negations, retracted
//! commitments and restatements.

use std::collections::BTreeSet;
use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use crate::ai::analyst::{AnalysisRequest, Commitment};

use super::antecedents::{has_pronoun_object, resolve_pronoun_object, Earlier, LOOKBACK_SENTENCES};
use super::due_dates::{recurrence, resolve_due};
use super::participants::{Person, Roster};
use super::phrasing::{action_phrase, base_form, base_from_past, Voice};
use super::retraction::{find_retracted, Retractable};
use super::text::{
    content_set, is_question, jaccard, pattern, sentence_spans, skip_leading_annotations,
};

/// How strong a trigger is on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trigger {
    /// "I'll", "I'm going to", "I commit to", "my plan is to".
    Firm,
    /// "I want to", "let me", "I can"… count only with a stated day.
    NeedsDay,
    /// "I'm flying out on Monday": present progressive with a stated day.
    Progressive,
    /// The coach's "we'll schedule a call": scheduling the coach owns.
    CoachScheduling,
}

static TRIGGERS: LazyLock<Vec<(Trigger, Regex)>> = LazyLock::new(|| {
    vec![
        (Trigger::Firm, pattern(r"\bI(?:'ll|\s+will|\s+shall)\s+")),
        (
            Trigger::Firm,
            pattern(r"\bI(?:'m|\s+am)\s+(?:going\s+to|gonna)\s+"),
        ),
        (
            Trigger::Firm,
            pattern(
                r"\bI(?:'m|\s+am)?\s+(?:hereby\s+)?(?:commit(?:ting)?|promise|promising)\s+to\s+",
            ),
        ),
        (
            Trigger::Firm,
            pattern(
                r"\bmy\s+(?:plan|homework|commitment|next\s+step|action|intention|task)\s+(?:for\s+(?:the|this|next)\s+\w+\s+)?(?:is|will\s+be)\s+to\s+",
            ),
        ),
        (
            Trigger::NeedsDay,
            pattern(r"\bI\s+(?:want|need|plan|intend|aim|have|hope|mean)\s+to\s+"),
        ),
        (
            Trigger::NeedsDay,
            pattern(r"\bI(?:'d|\s+would)\s+like\s+to\s+"),
        ),
        (Trigger::NeedsDay, pattern(r"\blet\s+me\s+")),
        (Trigger::NeedsDay, pattern(r"\bI\s+can\s+")),
        (
            Trigger::Progressive,
            pattern(
                r"^(?:(?:so|and|okay|ok|right|well|then|yes|yeah|but|actually)[,.]?\s+)*I(?:'m|\s+am)\s+([a-z]+ing)\b",
            ),
        ),
        (
            Trigger::CoachScheduling,
            pattern(r"\bwe(?:'ll|\s+will)\s+((?:find|schedule|book|set\s+up|arrange|fix|pick)\b)"),
        ),
    ]
});

/// Words before the trigger that make it hypothetical, reported or hedged.
static NOT_A_PLEDGE_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:if|unless|whether|what if|in case|suppose|imagine|otherwise|keep (?:thinking|saying|telling)|kept (?:thinking|saying|telling)|told (?:myself|him|her|them|you|everyone)|tell myself|said|thought|always say|would say|usually|maybe|probably|perhaps|possibly|hopefully|might|could)\b",
    )
});
/// Actions that are states, predictions, figures of speech or moves within
/// the conversation itself ("I'll give you an example") rather than pledges.
static NOT_AN_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:not|never|probably|maybe|perhaps|possibly|hopefully|be|see(?:\s+(?:how|what|if|whether|when|where|you|it|that|for\s+myself|about\s+(?:that|it|this)))?\s*(?:[.,!?]|$)|see\s+(?:how|what|if|whether|when|where|you|for\s+myself|about\s+(?:that|it|this))|feel|need|freeze|forget|fail|panic|cry|die|lose|hate|love|like|regret|end up|wonder|think|guess|bet|wait and see|(?:survive|manage|cope)(?:\s*[.,!]|\s*$)|live with|miss|remember|admit|say (?:this|that|it|so|something)\b|keep (?:thinking|saying)|tell you what|give you an example|explain|put it this way|stop there|leave it there|be quick|keep it (?:brief|short)|share my screen|read (?:it|this|that) out|go(?:\s+(?:first|now|then|too|next))?\s*(?:[.,!?]|$)|stop\s+you|slow\s+(?:us|things|this|it)\s+down|tell\s+you\s+(?:that|this|what|now)|hold\s+you\s+to|believe|enjoy|get\s+there|keep\s+going|be\s+fine|be\s+okay|eat\s+my\s+hat|eat\s+my\s+(?:\w+\s+){1,2}if|ask\s+you\s+(?:something|this|a\s+question|plainly|directly|straight|honestly|outright)|take\s+your\s+point|let\s+you\s+go|leave\s+you\s+(?:to\s+it|with\s+that))\b",
    )
});
/// "have" is only an action with a concrete object ("have the conversation",
/// "have it done"), not a routine ("have dinner at six").
static HAVE_AS_ACTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^have\s+(?:(?:a|an|the|that|this|my|our|one|another)\s+(?:\w+\s+)?(?:conversation|chat|talk|word|call|meeting|look|discussion|draft|plan|version)\b|(?:it|that|this|them|the|my|our|your|a|an)\b[^.?!,;]{0,60}?\s(?:done|ready|finished|sent|written|drafted|booked|signed|sorted|filled\s+in|handed\s+in|sent\s+off|submitted|in\s+(?:before|by|on)|to\s+(?:the|my|your|his|her|their)\s+\w+|in\s+(?:your|the|his|her|their)\s+(?:inbox|hands|pigeonhole)|on\s+(?:your|the|his|her)\s+desk)\b|[^.?!,;]{1,60}?\binstead\s+of\b|a\s+proper\s+(?:meal|plate|lunch|breakfast|dinner|break)\b)",
    )
});
/// "try it", "give it a go": acceptance words, only meaningful after a
/// suggestion; "try to think about it" is not a pledge either.
static TENTATIVE_TRY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:try(?:\s+(?:it|that|this))?\s*[.!]?$|try\s+(?:it|that|this)\b|give\s+(?:it|that)\s+a\s+(?:go|try|shot)|try\s+to\s+(?:think|see|remember|figure|work out|understand|be)\b)",
    )
});
/// "-ing" verbs that describe a state or a feeling, not a planned action.
#[rustfmt::skip]
const STATE_VERBS: &[&str] = &[
    "going", "feeling", "thinking", "wondering", "hoping", "worrying", "struggling", "dreading",
    "sleeping", "being", "doing", "getting", "trying", "looking", "having", "missing", "loving",
    "hating", "running", "dying", "killing", "losing", "panicking", "drowning", "coping",
    "managing", "waiting", "sitting", "living",
];

/// Deferrals that leave the pledge open-ended.
static DEFERRAL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:once the dust settles|at some point|some ?day|one day|one of these days|who knows|eventually|when I get (?:a|the) chance|when I get round to it|when I can|if I can|if I have time|if there's time|sometime)\b",
    )
});
/// A deferral with a time frame after it ("at some point next week") is a
/// vague date, not an open end.
static BOUNDED_DEFERRAL: LazyLock<Regex> = LazyLock::new(|| {
    pattern(r"\b(?:at\s+some\s+point|sometime)\s+(?:next|this|before|by|in\s+the\s+next)\b")
});

fn is_open_ended(clause: &str) -> bool {
    DEFERRAL.is_match(clause) && !BOUNDED_DEFERRAL.is_match(clause)
}

/// Where a further pledge starts a new clause: "…, and I'll …", "; I'm
/// going to …". Group 1 is the pledge's "I".
static NEXT_PLEDGE_CLAUSE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:[,;]\s*|\s+)(?:(?:and|then|and then|but)\s+)?(I(?:'ll|\s+will|'m\s+going\s+to|\s+am\s+going\s+to|'m\s+gonna)\b)",
    )
});
/// Joining words left at the end of a clause.
static TRAILING_JOINER: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"(?:[\s,;]|\band\b|\bthen\b|\bbut\b)+$"));
static COMMIT_TO: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b(?:commit(?:ting)?|promise|promising)\s+to\b"));
/// A deadline phrased as a result: "to have asked", "to have sent".
static HAVE_DONE: LazyLock<Regex> = LazyLock::new(|| pattern(r"^have\s+([a-z]+ed)\b"));
/// The coach proposing an experiment: "try tracking…", "your homework is to…".
static SUGGESTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:^|[,.;]\s*|\b(?:so|and|then|maybe|just)\s+)(?:(?:you could|you might|I'd like you to|I want you to|why not)\s+)?try\s+([a-z]+ing)\b|\byour\s+(?:homework|experiment|task|challenge)\s+(?:for\s+(?:the|this|next)\s+\w+\s+)?is\s+to\s+(\w+)",
    )
});
/// The client taking the coach's suggestion on.
static ACCEPTANCE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:(?:yeah|yes|yep|okay|ok|sure|right|fine|alright|all right|definitely|absolutely|great)[,.!]*\s*)*(?:I can do that|I could do that|I'll (?:try|do) (?:it|that)|I will(?: try| do)?(?: it| that)?[.!]?$|I'll give it a (?:go|try|shot)|let's do it|I'm in|will do|deal)\b",
    )
});

/// A suggestion stays open for the client's answer for this many utterances.
const SUGGESTION_WINDOW: usize = 8;

#[derive(Debug, Clone)]
struct Candidate {
    commitment: Commitment,
    speaker: String,
    /// Index of the speaker's turn, for "scratch that" right afterwards.
    speaker_turn: usize,
    content: BTreeSet<String>,
    /// Content words after the verb: what the action is about.
    objects: BTreeSet<String>,
    retracted: bool,
}

impl Retractable for Candidate {
    fn speaker(&self) -> &str {
        &self.speaker
    }
    fn speaker_turn(&self) -> usize {
        self.speaker_turn
    }
    fn content(&self) -> &BTreeSet<String> {
        &self.content
    }
    fn is_retracted(&self) -> bool {
        self.retracted
    }
}

struct Suggestion {
    utterance: usize,
    quote: String,
    action: String,
    due: Option<chrono::NaiveDate>,
}

/// All commitments made in the session, in transcript order.
pub(crate) fn extract_commitments(request: &AnalysisRequest, roster: &Roster) -> Vec<Commitment> {
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut pending: Option<Suggestion> = None;
    let mut turns_by_speaker: std::collections::BTreeMap<String, usize> = Default::default();
    // Every sentence said so far, for what a pledge's "it" points back to.
    let mut said: Vec<Earlier<'_>> = Vec::new();

    for (index, utterance) in request.utterances.iter().enumerate() {
        let person = roster.person(utterance);
        let turn = turns_by_speaker
            .entry(utterance.speaker.clone())
            .or_default();
        *turn += 1;
        let speaker_turn = *turn;
        let text = utterance.text.as_str();
        let sentences: Vec<Range<usize>> = sentence_spans(text)
            .into_iter()
            .map(|span| skip_leading_annotations(text, span))
            .collect();

        if pending
            .as_ref()
            .is_some_and(|s| index - s.utterance > SUGGESTION_WINDOW)
        {
            pending = None;
        }

        // A client saying "I can do that" to an open suggestion makes it
        // theirs; their "I'll keep it in a notes app" then belongs to it.
        let mut accepted_suggestion = false;
        if !person.is_coach {
            if let Some(suggestion) = pending.take_if(|_| {
                sentences
                    .iter()
                    .any(|span| ACCEPTANCE.is_match(text[span.clone()].trim()))
            }) {
                accepted_suggestion = true;
                let content = content_set(&suggestion.action);
                let objects = object_words(&suggestion.action);
                candidates.push(Candidate {
                    commitment: Commitment {
                        owner: person.name.clone(),
                        client_id: person.client_id,
                        text: suggestion.action,
                        due: suggestion.due,
                        recurrence: recurrence(&suggestion.quote),
                        recipients: Vec::new(),
                        quote: suggestion.quote,
                    },
                    speaker: utterance.speaker.clone(),
                    speaker_turn,
                    content,
                    objects,
                    retracted: false,
                });
            }
        }

        for span in sentences {
            let sentence = &text[span.clone()];
            for target in find_retracted(sentence, &utterance.speaker, speaker_turn, &candidates) {
                candidates[target].retracted = true;
            }
            if person.is_coach {
                if let Some(suggestion) = detect_suggestion(sentence, index, request.held_on) {
                    pending = Some(suggestion);
                    said.push(Earlier {
                        speaker: &utterance.speaker,
                        text: sentence,
                    });
                    continue;
                }
            }
            let earlier = &said[said.len().saturating_sub(LOOKBACK_SENTENCES)..];
            let context = PledgeContext {
                person: &person,
                speaker: &utterance.speaker,
                roster,
                held_on: request.held_on,
                earlier,
            };
            let pledges = detect_pledges(sentence, &context);
            said.push(Earlier {
                speaker: &utterance.speaker,
                text: sentence,
            });
            for found in pledges {
                if accepted_suggestion && found.pronoun_object {
                    continue;
                }
                candidates.push(Candidate {
                    content: content_set(&found.action),
                    objects: object_words(&found.action),
                    commitment: Commitment {
                        owner: person.name.clone(),
                        client_id: person.client_id,
                        text: found.action,
                        due: found.due,
                        recurrence: recurrence(&sentence[found.clause.clone()]),
                        recipients: Vec::new(),
                        quote: sentence[found.clause].to_string(),
                    },
                    speaker: utterance.speaker.clone(),
                    speaker_turn,
                    retracted: false,
                });
            }
        }
    }

    let kept: Vec<Candidate> = candidates.into_iter().filter(|c| !c.retracted).collect();
    drop_restatements(kept)
        .into_iter()
        .map(|c| c.commitment)
        .collect()
}

struct Pledge {
    /// The clause it was said in (a range of the sentence).
    clause: Range<usize>,
    action: String,
    due: Option<chrono::NaiveDate>,
    pronoun_object: bool,
}

/// Who is speaking and what was said before: what a pledge is read against.
struct PledgeContext<'a> {
    person: &'a Person,
    /// The transcript's label for the person, as [`Earlier::speaker`] has it.
    speaker: &'a str,
    roster: &'a Roster,
    held_on: chrono::NaiveDate,
    earlier: &'a [Earlier<'a>],
}

/// The pledges in one sentence: one per clause, so "I'll pull the figures
/// tomorrow and I'll send you a draft by Friday" gives two, each with its day.
fn detect_pledges(sentence: &str, context: &PledgeContext<'_>) -> Vec<Pledge> {
    if is_question(sentence) {
        return Vec::new();
    }
    clause_spans(sentence)
        .into_iter()
        .filter_map(|clause| {
            triggers_by_position(&sentence[clause.clone()], context.person.is_coach)
                .into_iter()
                .find_map(|(trigger, start, action_start)| {
                    let found = TriggerAt {
                        kind: trigger,
                        start: clause.start + start,
                        action_start: clause.start + action_start,
                    };
                    pledge_at(sentence, clause.clone(), found, context)
                })
        })
        .collect()
}

/// Clauses split before a further "…, and I'll …" / "; I'm going to …",
/// trimmed of the joining words.
fn clause_spans(sentence: &str) -> Vec<Range<usize>> {
    let mut starts: Vec<usize> = vec![0];
    starts.extend(
        NEXT_PLEDGE_CLAUSE
            .captures_iter(sentence)
            .filter_map(|caps| caps.get(1))
            .map(|m| m.start())
            .filter(|start| *start > 0),
    );
    let mut ends: Vec<usize> = starts.iter().skip(1).copied().collect();
    ends.push(sentence.len());
    starts
        .into_iter()
        .zip(ends)
        .map(|(start, end)| {
            let clause = &sentence[start..end];
            let trimmed = TRAILING_JOINER.replace(clause, "");
            start..start + trimmed.len()
        })
        .filter(|range| !range.is_empty())
        .collect()
}

#[derive(Debug, Clone, Copy)]
struct TriggerAt {
    kind: Trigger,
    /// Byte offsets in the sentence.
    start: usize,
    action_start: usize,
}

fn pledge_at(
    sentence: &str,
    clause: Range<usize>,
    trigger: TriggerAt,
    context: &PledgeContext<'_>,
) -> Option<Pledge> {
    let (person, roster, held_on) = (context.person, context.roster, context.held_on);
    // The whole sentence before the trigger counts: "If I get time I'll do
    // X and I'll do Y" is hypothetical in both clauses.
    if NOT_A_PLEDGE_PREFIX.is_match(&sentence[..trigger.start]) {
        return None;
    }
    let due = resolve_due(&sentence[clause.clone()], held_on);
    if matches!(trigger.kind, Trigger::NeedsDay | Trigger::Progressive) && due.is_none() {
        return None;
    }
    let raw_action = sentence[trigger.action_start..clause.end].trim();
    let raw_action = match trigger.kind {
        Trigger::Progressive => {
            let (verb, rest) = raw_action.split_once(' ').unwrap_or((raw_action, ""));
            format!("{} {rest}", base_form(verb))
        }
        // "I commit to talking to HR" → "talk to HR".
        Trigger::Firm if COMMIT_TO.is_match(&sentence[trigger.start..trigger.action_start]) => {
            let (verb, rest) = raw_action.split_once(' ').unwrap_or((raw_action, ""));
            match verb.to_lowercase().ends_with("ing") {
                true => format!("{} {rest}", base_form(verb)),
                false => raw_action.to_string(),
            }
        }
        // "By Sunday I want to have asked her" → "ask her".
        _ => match HAVE_DONE.captures(raw_action) {
            Some(caps) => {
                let rest = caps.get(0).map_or("", |m| &raw_action[m.end()..]);
                format!("{}{rest}", base_from_past(&caps[1]))
            }
            None => raw_action.to_string(),
        },
    };
    // "One of these days I'll …" defers as surely as "… at some point".
    if !is_an_action(&raw_action) || is_open_ended(&sentence[clause.clone()]) {
        return None;
    }
    let pronoun_object = has_pronoun_object(&raw_action);
    // "I'll send it over tonight" says what only the turns before say.
    let resolved = resolve_pronoun_object(&raw_action, context.speaker, context.earlier);
    // "I'll do it." with nothing to say what "it" is, and no day, is
    // agreement, not a commitment anyone could follow up.
    if resolved.is_none() && due.is_none() && is_bare_pronoun_action(&raw_action) {
        return None;
    }
    let raw_action = resolved.unwrap_or(raw_action);
    let voice = voice_for(person, roster);
    let action = action_phrase(&raw_action, voice);
    if action.split_whitespace().count() < 2 {
        return None;
    }
    Some(Pledge {
        clause,
        pronoun_object,
        action,
        due,
    })
}

/// "do it", "keep it", "defend that": a verb and a pronoun, nothing more
/// (adverbs and fillers aside).
fn is_bare_pronoun_action(raw_action: &str) -> bool {
    let words: Vec<String> = raw_action
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect();
    let start = words
        .iter()
        .position(|w| !BARE_FILLERS.contains(&w.as_str()))
        .unwrap_or(words.len());
    match &words[start..] {
        [_verb, rest @ ..] => {
            let pronoun_at = rest
                .iter()
                .position(|w| matches!(w.as_str(), "it" | "that" | "this" | "them"));
            pronoun_at.is_some_and(|at| {
                rest.iter()
                    .enumerate()
                    .all(|(i, w)| i == at || BARE_FILLERS.contains(&w.as_str()))
            })
        }
        [] => false,
    }
}

/// Words that add nothing to "do it": "do it then", "actually keep it".
const BARE_FILLERS: &[&str] = &[
    "then", "now", "again", "really", "actually", "just", "too", "anyway", "properly", "honestly",
];

fn voice_for<'a>(person: &Person, roster: &'a Roster) -> Voice<'a> {
    if !person.is_coach {
        return match roster.is_one_to_one() {
            true => Voice::ClientToCoach,
            false => Voice::Client,
        };
    }
    match roster.clients.as_slice() {
        [only] => Voice::CoachTo(only.first_name.as_str()),
        _ => Voice::CoachToGroup,
    }
}

/// Every trigger in `text`: kind, where it starts and where the action
/// words start, earliest first (a later one may hold when an earlier one,
/// such as "I need to …" without a day, does not).
fn triggers_by_position(text: &str, is_coach: bool) -> Vec<(Trigger, usize, usize)> {
    let mut found: Vec<(Trigger, usize, usize)> = TRIGGERS
        .iter()
        .filter(|(kind, _)| is_coach || *kind != Trigger::CoachScheduling)
        .filter_map(|(kind, regex)| {
            let caps = regex.captures(text)?;
            let whole = caps.get(0)?;
            if *kind == Trigger::Progressive
                && caps.get(1).is_some_and(|verb| {
                    STATE_VERBS.contains(&verb.as_str().to_lowercase().as_str())
                })
            {
                return None;
            }
            let action_start = caps.get(1).map_or(whole.end(), |m| m.start());
            Some((*kind, whole.start(), action_start))
        })
        .collect();
    found.sort_by_key(|(_, start, _)| *start);
    found
}

fn is_an_action(raw_action: &str) -> bool {
    let action = raw_action.trim_start_matches(|c: char| !c.is_alphanumeric());
    let first_word = action
        .split(|c: char| !c.is_alphanumeric())
        .next()
        .unwrap_or("")
        .to_lowercase();
    if first_word == "have" {
        return HAVE_AS_ACTION.is_match(action);
    }
    !NOT_AN_ACTION.is_match(action) && !TENTATIVE_TRY.is_match(action)
}

fn detect_suggestion(
    sentence: &str,
    utterance: usize,
    held_on: chrono::NaiveDate,
) -> Option<Suggestion> {
    if is_question(sentence) {
        return None;
    }
    let caps = SUGGESTION.captures(sentence)?;
    let action_words = match (caps.get(1), caps.get(2)) {
        (Some(verb), _) => {
            let rest = &sentence[verb.end()..];
            format!("{}{rest}", base_form(verb.as_str()))
        }
        (None, Some(verb)) => sentence[verb.start()..].to_string(),
        (None, None) => return None,
    };
    // The coach already speaks to the client ("your hours"), so keep the words.
    let action = action_phrase(&action_words, Voice::CoachToGroup);
    if action.split_whitespace().count() < 2 {
        return None;
    }
    Some(Suggestion {
        utterance,
        quote: sentence.to_string(),
        due: resolve_due(sentence, held_on),
        action,
    })
}

/// Content words of an action after its verb.
fn object_words(action: &str) -> BTreeSet<String> {
    let without_verb = action.split_once(' ').map_or("", |(_, rest)| rest);
    content_set(without_verb)
}

/// Drops a commitment said again in other words (a recap, "and I'll send
/// you the diary" after "I'll email you the diary template"): one whose
/// object words are contained in another of the same owner's, or with nearly
/// the same content words. The fuller wording is kept, with the shorter
/// one's due date if it had none.
fn drop_restatements(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    let mut dropped = vec![false; candidates.len()];
    let contained = |small: &BTreeSet<String>, large: &BTreeSet<String>| {
        small.len() >= 2 && small.is_subset(large)
    };
    for i in 0..candidates.len() {
        for j in (i + 1)..candidates.len() {
            if dropped[i] || dropped[j] || candidates[i].speaker != candidates[j].speaker {
                continue;
            }
            let (a, b) = (&candidates[i].objects, &candidates[j].objects);
            let (content_i, content_j) = (&candidates[i].content, &candidates[j].content);
            let (loser, winner) = if contained(a, b) {
                (i, j)
            } else if contained(b, a) {
                (j, i)
            } else if jaccard(content_i, content_j) >= 0.6 {
                // Nearly the same words: keep the fuller wording.
                if content_i.len() > content_j.len() {
                    (j, i)
                } else {
                    (i, j)
                }
            } else {
                continue;
            };
            dropped[loser] = true;
            if candidates[winner].commitment.due.is_none() {
                candidates[winner].commitment.due = candidates[loser].commitment.due;
            }
        }
    }
    candidates
        .into_iter()
        .zip(dropped)
        .filter(|(_, is_dropped)| !is_dropped)
        .map(|(candidate, _)| candidate)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::local::test_support::one_to_one_request;

    fn extract(lines: &[(&str, &str)]) -> Vec<Commitment> {
        let request = one_to_one_request(lines);
        extract_commitments(&request, &Roster::from_request(&request))
    }

    #[test]
    fn a_pronoun_object_is_resolved_from_the_turns_before() {
        let found = extract(&[
            (
                "Coach",
                "I've got a budget tracker spreadsheet a lot of people like.",
            ),
            ("Client", "Oh, yes please."),
            ("Coach", "I'll email it to you this afternoon."),
            (
                "Coach",
                "And you could take the overdue invoices to your accountant.",
            ),
            ("Client", "Right. I'll take them in on Friday."),
        ]);
        let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Email the budget tracker spreadsheet to Casey",
                "Take the overdue invoices in"
            ]
        );
    }

    #[test]
    fn finds_first_person_pledges_with_due_dates() {
        // Session date in the helper: Tuesday 2026-03-10.
        let found = extract(&[
            ("Coach", "What will you do?"),
            (
                "Client",
                "Okay. I'll send the draft proposal to Marc by Friday.",
            ),
            ("Client", "And I'm going to book the dentist tomorrow."),
            (
                "Coach",
                "I'll email you the worksheet today, so you have it.",
            ),
        ]);
        let texts: Vec<(&str, &str, Option<String>)> = found
            .iter()
            .map(|c| {
                (
                    c.owner.as_str(),
                    c.text.as_str(),
                    c.due.map(|d| d.to_string()),
                )
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                (
                    "Casey Client",
                    "Send the draft proposal to Marc",
                    Some("2026-03-13".into())
                ),
                (
                    "Casey Client",
                    "Book the dentist",
                    Some("2026-03-11".into())
                ),
                (
                    "Cora Coach",
                    "Email Casey the worksheet",
                    Some("2026-03-10".into())
                ),
            ]
        );
        assert_eq!(
            found[0].quote,
            "I'll send the draft proposal to Marc by Friday."
        );
        assert!(found[0].client_id.is_some());
        assert!(found[2].client_id.is_none());
    }

    #[test]
    fn rejects_hypotheticals_hedges_negations_and_questions() {
        let found = extract(&[
            ("Client", "If I get time I'll clean the garage."),
            (
                "Client",
                "I'll never get this done. I would call her, but no.",
            ),
            ("Client", "Maybe I'll ask him. I'll see."),
            ("Client", "Should I'll send it? Will I send the report?"),
            ("Client", "I keep telling myself I'll start journaling."),
            ("Client", "I won't pretend it's easy. I'll be fine."),
            ("Client", "So I'll have lunch at noon like always."),
            ("Client", "I'll revisit the budget once the dust settles."),
            (
                "Client",
                "I'll go. I will. I'll manage. I'll say this, it was hard.",
            ),
            ("Client", "I want to feel calmer about it."),
            (
                "Client",
                "I'll tell you what, it's been a week. I'll give you an example.",
            ),
        ]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn retraction_drops_a_commitment() {
        let found = extract(&[
            (
                "Client",
                "So I'll cancel the weekly status meeting for the team.",
            ),
            ("Coach", "Mm-hm."),
            (
                "Client",
                "No, wait, I won't do that, it would upset people.",
            ),
            ("Client", "I'll email the board about the budget by Monday."),
            ("Client", "I'm going to hire a contractor for the website."),
            ("Coach", "Okay."),
            (
                "Client",
                "Forget what I said about the contractor, we can't afford it.",
            ),
        ]);
        let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["Email the board about the budget"]);
    }

    #[test]
    fn later_content_retraction_without_marker_needs_overlap() {
        let found = extract(&[
            ("Client", "I'll run the quarterly planning offsite in June."),
            ("Client", "I'll call my sister tonight."),
            (
                "Client",
                "I'm not going to run the quarterly planning offsite after all.",
            ),
        ]);
        let texts: Vec<&str> = found.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(texts, vec!["Call your sister"]);
    }

    #[test]
    fn accepted_coach_suggestion_becomes_the_clients_commitment() {
        let found = extract(&[
            (
                "Coach",
                "For the next fortnight, try writing three wins down every evening.",
            ),
            ("Client", "What if I forget?"),
            ("Coach", "Put a reminder on your phone."),
            (
                "Client",
                "Yeah, okay. I can do that. I'll keep it by the bed.",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert_eq!(found[0].owner, "Casey Client");
        assert_eq!(found[0].text, "Write three wins down every evening");
        assert_eq!(
            found[0].quote,
            "For the next fortnight, try writing three wins down every evening."
        );
        assert_eq!(found[0].due, None);
    }

    #[test]
    fn unaccepted_suggestion_is_not_a_commitment() {
        let found = extract(&[
            ("Coach", "You could try journalling in the mornings."),
            ("Client", "Hmm, I'm not sure that's for me."),
        ]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn two_pledges_in_one_sentence_keep_their_own_days() {
        let found = extract(&[(
            "Client",
            "I need to prepare, and I will book two mock interviews. I'll pull the figures tomorrow and I'll send you a draft by Friday.",
        )]);
        let texts: Vec<(&str, Option<String>, &str)> = found
            .iter()
            .map(|c| {
                (
                    c.text.as_str(),
                    c.due.map(|d| d.to_string()),
                    c.quote.as_str(),
                )
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                (
                    "Book two mock interviews",
                    None,
                    "I will book two mock interviews."
                ),
                (
                    "Pull the figures",
                    Some("2026-03-11".into()),
                    "I'll pull the figures tomorrow"
                ),
                (
                    "Send me a draft",
                    Some("2026-03-13".into()),
                    "I'll send you a draft by Friday."
                ),
            ]
        );
    }

    #[test]
    fn restatement_is_kept_once() {
        let found = extract(&[
            ("Client", "I'll ask for the later start date."),
            ("Coach", "Good."),
            (
                "Client",
                "In the same email I'll ask about remote days and the later start date.",
            ),
        ]);
        assert_eq!(found.len(), 1, "{found:#?}");
        assert!(found[0].text.contains("remote days"));
    }

    #[test]
    fn needs_day_triggers_and_progressive_plans() {
        let found = extract(&[
            (
                "Client",
                "By Sunday I want to have called the insurer about the car.",
            ),
            ("Client", "I want to know what she thinks."),
            (
                "Client",
                "I'm visiting the clinic on Thursday. I'm sleeping badly.",
            ),
            ("Coach", "Let me send you the article by Thursday."),
            ("Coach", "And we'll schedule a review next month."),
        ]);
        let texts: Vec<(&str, Option<String>)> = found
            .iter()
            .map(|c| (c.text.as_str(), c.due.map(|d| d.to_string())))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Call the insurer about the car", Some("2026-03-15".into())),
                ("Visit the clinic", Some("2026-03-12".into())),
                ("Send Casey the article", Some("2026-03-12".into())),
                ("Schedule a review next month", None),
            ]
        );
    }
}
