//! Coach observations phrased as supervision feedback, from the session's
//! coaching metrics: the coach's talk share, open versus closed questions
//! (with an example to rework) and the longest monologue; in groups, anyone
//! who hardly spoke.

use std::sync::LazyLock;

use regex::Regex;

use crate::ai::analyst::AnalysisRequest;
use crate::transcript::model::{CoachingMetrics, SpeakerMetrics};

use super::metrics::coach_label;
use super::participants::Roster;
use super::salience::SMALL_TALK;
use super::text::{is_question, pattern, sentence_spans, without_annotations};

/// Yes/no questions, the kind worth reworking as an example.
static CLOSED_QUESTION: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:(?:so|and|but|okay|ok)[,.]?\s+)*(?:is|are|was|were|do|does|did|can|could|would|will|have|has|had|should|shall)\b",
    )
});

/// "Can I offer something?": good practice, not a closed question to fix.
static ASKING_PERMISSION: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"^(?:(?:so|and|okay|ok)[,.]?\s+)*(?:can|may|could) I\b"));

/// Above this share a one-to-one coach is doing much of the talking.
const ONE_TO_ONE_HIGH_SHARE: f64 = 0.45;
const ONE_TO_ONE_GOOD_SHARE: f64 = 0.35;
/// In a group the coach facilitates; above this they dominate.
const GROUP_HIGH_SHARE: f64 = 0.35;
/// Below this share of open questions, suggest opening questions up.
const OPEN_QUESTION_TARGET: f64 = 0.6;
/// A coach turn longer than this is a monologue worth noticing.
const LONG_TURN_WORDS: u32 = 120;
const LONG_TURN_MS: u64 = 90_000;
/// A group member below this share may need inviting in.
const QUIET_MEMBER_SHARE: f64 = 0.08;

pub(crate) fn coach_observations(
    request: &AnalysisRequest,
    roster: &Roster,
    metrics: &CoachingMetrics,
) -> Vec<String> {
    let label = coach_label(request);
    let Some(coach) = label
        .as_deref()
        .and_then(|label| metrics.speakers.iter().find(|s| s.speaker == label))
    else {
        return vec![
            "The coach could not be identified in the transcript, so no talk-time or question feedback is available. Map the coach's speaker label to get it.".to_string(),
        ];
    };

    let mut observations = vec![talk_share_feedback(coach, roster.is_one_to_one())];
    observations.push(question_feedback(request, coach));
    observations.push(monologue_feedback(coach));
    if !roster.is_one_to_one() {
        observations.extend(quiet_members(request, roster, metrics));
    }
    observations
}

fn percent(share: f64) -> u32 {
    (share * 100.0).round() as u32
}

fn talk_share_feedback(coach: &SpeakerMetrics, one_to_one: bool) -> String {
    let share = percent(coach.talk_share);
    if one_to_one {
        if coach.talk_share > ONE_TO_ONE_HIGH_SHARE {
            format!("You spoke {share}% of the words. In a one-to-one the client should do most of the thinking aloud; aim for under about 40% with shorter questions and more silence.")
        } else if coach.talk_share > ONE_TO_ONE_GOOD_SHARE {
            format!("You spoke {share}% of the words, at the upper end of a healthy range; look for moments where you could hand the thinking back to the client.")
        } else {
            format!("You spoke {share}% of the words, leaving the client most of the space. Good balance.")
        }
    } else if coach.talk_share > GROUP_HIGH_SHARE {
        format!("You spoke {share}% of the words in a group session; as facilitator, try inviting members to respond to each other before you come in.")
    } else {
        format!("You spoke {share}% of the words and let the group carry most of the conversation. Good facilitation balance.")
    }
}

fn question_feedback(request: &AnalysisRequest, coach: &SpeakerMetrics) -> String {
    let asked = coach.open_questions + coach.closed_questions;
    if asked == 0 {
        return "You asked almost no questions; check whether the session leaned towards advising rather than coaching.".to_string();
    }
    let open_share = f64::from(coach.open_questions) / f64::from(asked);
    let summary = format!(
        "You asked {} questions: {} open and {} closed ({}% open).",
        coach.questions.max(asked),
        coach.open_questions,
        coach.closed_questions,
        percent(open_share)
    );
    if open_share >= OPEN_QUESTION_TARGET {
        return format!("{summary} Strong use of open questions to deepen the client's thinking.");
    }
    let example = first_closed_question(request, &coach.speaker)
        .map(|q| format!(" For example, “{q}” could become a “what” or “how” question."))
        .unwrap_or_default();
    format!(
        "{summary} More open questions would invite the client to explore rather than confirm.{example}"
    )
}

fn first_closed_question(request: &AnalysisRequest, coach_speaker: &str) -> Option<String> {
    request
        .utterances
        .iter()
        .filter(|u| u.speaker == coach_speaker)
        .flat_map(|u| {
            let spoken = without_annotations(&u.text);
            sentence_spans(&spoken)
                .into_iter()
                .map(|span| spoken[span].to_string())
                .collect::<Vec<_>>()
        })
        .find(|s| {
            is_question(s)
                && CLOSED_QUESTION.is_match(s)
                && !ASKING_PERMISSION.is_match(s)
                && !SMALL_TALK.is_match(s)
                && s.split_whitespace().count() >= 4
        })
}

fn monologue_feedback(coach: &SpeakerMetrics) -> String {
    let words = coach.longest_monologue_words;
    let seconds = coach.longest_monologue_ms.map(|ms| ms / 1000);
    let duration = seconds
        .map(|s| format!(", about {s} seconds"))
        .unwrap_or_default();
    let long = words > LONG_TURN_WORDS
        || coach
            .longest_monologue_ms
            .is_some_and(|ms| ms > LONG_TURN_MS);
    if long {
        format!("Your longest turn ran to {words} words{duration}. Long explanations shift the work from the client to you; consider offering the idea briefly and asking what they make of it.")
    } else {
        format!("Your longest turn was {words} words{duration}: you kept your interventions brief.")
    }
}

fn quiet_members(
    request: &AnalysisRequest,
    roster: &Roster,
    metrics: &CoachingMetrics,
) -> Vec<String> {
    roster
        .clients
        .iter()
        .filter_map(|client| {
            let label = request
                .utterances
                .iter()
                .find(|u| roster.person(u).client_id == Some(client.client_id))
                .map(|u| u.speaker.clone());
            let share = label
                .and_then(|label| metrics.speakers.iter().find(|s| s.speaker == label))
                .map_or(0.0, |s| s.talk_share);
            (share < QUIET_MEMBER_SHARE).then(|| {
                format!(
                    "{} spoke only {}% of the words; consider inviting them in earlier or checking in with them one-to-one.",
                    client.first_name,
                    percent(share)
                )
            })
        })
        .collect()
}
