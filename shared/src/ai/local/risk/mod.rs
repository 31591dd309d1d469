//! Risk flags from client speech: a cue lexicon by category and severity
//! (`cues`), checked in context (`context`): figures of speech masked out
//! first ("this deadline is killing me", "my heart sank"), negated cues
//! ignored ("I'm not suicidal"), hyperbole on a trivial condition skipped,
//! passing remarks ("I was up late again") flagged only when something else
//! says the same, and symptoms counted only as the speaker's own. One flag
//! per speaker and category, quoting the strongest sentence, with guidance
//! that fits the category. Coach speech is never flagged: coaches ask safety
//! questions in exactly these words.

mod context;
mod cues;

use std::collections::BTreeMap;

use crate::ai::analyst::{AnalysisRequest, RiskFlag, RiskSeverity};

use super::participants::Roster;
use super::text::{sentence_spans, skip_leading_annotations};
use cues::{Strength, Subject, CUES};

pub(crate) const SELF_HARM: &str = "self_harm";
pub(crate) const HARM_TO_OTHERS: &str = "harm_to_others";
pub(crate) const SAFEGUARDING: &str = "safeguarding";
pub(crate) const MEDICAL_RED_FLAG: &str = "medical_red_flag";
pub(crate) const HOPELESSNESS: &str = "hopelessness";
pub(crate) const BURNOUT: &str = "burnout";
pub(crate) const PANIC_ANXIETY: &str = "panic_anxiety";
pub(crate) const SUBSTANCE_USE: &str = "substance_use";
pub(crate) const NOT_EATING: &str = "not_eating";
pub(crate) const ABUSE_HARASSMENT: &str = "abuse_harassment";

/// What the coach should consider doing, per category.
pub(crate) fn guidance(category: &str) -> &'static str {
    match category {
        SELF_HARM => "Urgent: check their safety today. Ask directly about thoughts of suicide or self-harm, any plan and access to means. Share crisis contacts (a local crisis line or emergency services) and encourage them to see their doctor or a mental-health professional. Refer on, and record what you did: this is beyond coaching alone.",
        HARM_TO_OTHERS => "Urgent: take this seriously today. Ask directly about intent, any plan and who could be hurt; if anyone is in immediate danger, contact emergency services. Follow your safeguarding and duty-to-warn procedure, talk it through with your supervisor, and record what you did.",
        SAFEGUARDING => "Urgent: ask whether they, and any child in the home, are safe now. Share a domestic-abuse or child-protection helpline and the emergency number, follow your safeguarding procedure, and record what you did.",
        MEDICAL_RED_FLAG => "Urgent: these can be signs of a medical emergency. If it is happening now or comes back, they should call emergency services straight away, not wait for an appointment; otherwise they need to be seen by a doctor today. Check that they have been, before coaching on anything else.",
        HOPELESSNESS => "Explore this gently at your next contact and ask directly whether they have had thoughts of not wanting to live; if so, follow your safety and referral procedure.",
        BURNOUT => "Check workload, rest and sleep; agree small recovery steps and suggest they talk to their doctor or occupational health if the exhaustion persists.",
        PANIC_ANXIETY => "Ask how often this happens and how it affects daily life; suggest a doctor or therapist if the attacks are frequent or severe.",
        SUBSTANCE_USE => "Raise the change without judgement, ask how much and how often, share support options and consider referral if use is rising or affecting work or safety. Mixing alcohol with sedatives, or someone who cannot be woken, is an emergency: call emergency services.",
        NOT_EATING => "Check in on eating and self-care; suggest they speak to their doctor if it continues or their weight changes.",
        ABUSE_HARASSMENT => "Ask what has happened and how it is affecting them; point them to HR, an employee assistance programme or a union, and suggest they keep a dated record.",
        _ => "Discuss this with your supervisor.",
    }
}

struct Hit {
    weight: u8,
    severity: RiskSeverity,
    order: usize,
    quote: String,
    speaker_name: String,
    client_id: Option<uuid::Uuid>,
    /// A strong cue, or a weak one that said it persists.
    stands_alone: bool,
    /// Sentences with a cue of this category from this speaker.
    mentions: usize,
}

/// One flag per (speaker, category), most severe first, then in transcript order.
pub(crate) fn detect_risks(request: &AnalysisRequest, roster: &Roster) -> Vec<RiskFlag> {
    let mut strongest: BTreeMap<(String, &'static str), Hit> = BTreeMap::new();
    let mut order = 0usize;
    for utterance in &request.utterances {
        let person = roster.person(utterance);
        if person.is_coach {
            continue;
        }
        let text = utterance.text.as_str();
        for span in sentence_spans(text) {
            let span = skip_leading_annotations(text, span);
            let sentence = &text[span];
            order += 1;
            for found in sentence_cues(sentence) {
                let key = (person.name.clone(), found.category);
                let previous = strongest.get(&key);
                let mentions = previous.map_or(0, |hit| hit.mentions) + 1;
                let stands_alone =
                    found.stands_alone || previous.is_some_and(|hit| hit.stands_alone);
                let first_order = previous.map_or(order, |hit| hit.order);
                let stronger = previous.is_none_or(|hit| {
                    (found.weight, severity_rank(found.severity))
                        > (hit.weight, severity_rank(hit.severity))
                });
                if stronger {
                    strongest.insert(
                        key,
                        Hit {
                            weight: found.weight,
                            severity: found.severity,
                            order: first_order,
                            quote: sentence.to_string(),
                            speaker_name: person.name.clone(),
                            client_id: person.client_id,
                            stands_alone,
                            mentions,
                        },
                    );
                } else if let Some(hit) = strongest.get_mut(&key) {
                    hit.mentions = mentions;
                    hit.stands_alone = stands_alone;
                }
            }
        }
    }

    // A passing remark is a flag only when it is not the only one.
    strongest.retain(|_, hit| hit.stands_alone || hit.mentions >= 2);

    let mut flags: Vec<(usize, RiskFlag)> = strongest
        .into_iter()
        .map(|((_, category), hit)| {
            (
                hit.order,
                RiskFlag {
                    speaker: hit.speaker_name,
                    client_id: hit.client_id,
                    category: category.to_string(),
                    severity: hit.severity,
                    quote: hit.quote,
                    guidance: guidance(category).to_string(),
                },
            )
        })
        .collect();
    flags.sort_by(|a, b| {
        severity_rank(b.1.severity)
            .cmp(&severity_rank(a.1.severity))
            .then(a.0.cmp(&b.0))
    });
    flags.into_iter().map(|(_, flag)| flag).collect()
}

fn severity_rank(severity: RiskSeverity) -> u8 {
    match severity {
        RiskSeverity::Watch => 1,
        RiskSeverity::Urgent => 2,
    }
}

/// A cue a sentence carries, after its context was checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SentenceCue {
    pub category: &'static str,
    pub severity: RiskSeverity,
    pub weight: u8,
    /// False for a passing remark that needs another mention to count.
    pub stands_alone: bool,
}

/// The cues a sentence carries, strongest per category, after idioms are
/// masked and cues out of context dropped.
pub(crate) fn sentence_cues(sentence: &str) -> Vec<SentenceCue> {
    let masked = context::mask_idioms(sentence);
    let hyperbole = context::hangs_on_trivial_condition(&masked);
    let first_person = context::in_first_person(&masked);
    let persists = context::says_it_persists(&masked);
    let mut found: Vec<SentenceCue> = Vec::new();
    for cue in CUES.iter() {
        if cue.subject == Subject::Speaker && !first_person {
            continue;
        }
        if hyperbole && matches!(cue.category, SELF_HARM | HARM_TO_OTHERS | HOPELESSNESS) {
            continue;
        }
        let live = cue.regex.find_iter(&masked).any(|m| {
            let after = &masked[m.end()..];
            let explained_away = match cue.category {
                SUBSTANCE_USE => context::names_a_soft_drink(after),
                NOT_EATING => context::names_a_meal_time(after),
                HOPELESSNESS => context::names_a_break(after),
                MEDICAL_RED_FLAG => context::names_a_benign_cause(after),
                _ => false,
            };
            !explained_away && !context::is_negated(&masked[..m.start()])
        });
        if !live {
            continue;
        }
        let candidate = SentenceCue {
            category: cue.category,
            severity: cue.severity,
            weight: cue.weight,
            stands_alone: cue.strength == Strength::Strong || persists,
        };
        match found.iter_mut().find(|c| c.category == cue.category) {
            Some(existing)
                if (existing.weight, severity_rank(existing.severity))
                    >= (candidate.weight, severity_rank(candidate.severity)) =>
            {
                existing.stands_alone |= candidate.stands_alone;
            }
            Some(existing) => {
                let stands_alone = existing.stands_alone || candidate.stands_alone;
                *existing = SentenceCue {
                    stands_alone,
                    ..candidate
                };
            }
            None => found.push(candidate),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::local::test_support::one_to_one_request;

    fn flags(client_lines: &[&str]) -> Vec<RiskFlag> {
        let lines: Vec<(&str, &str)> = client_lines.iter().map(|l| ("Client", *l)).collect();
        let request = one_to_one_request(&lines);
        detect_risks(&request, &Roster::from_request(&request))
    }

    #[test]
    fn idioms_are_not_flagged() {
        let found = flags(&[
            "This deadline is killing me.",
            "I'd kill for a coffee right now.",
            "I'm dying to try the new place.",
            "I could murder a pizza.",
            "I'm dead tired after the offsite but it was fun.",
            "Honestly, that presentation killed it.",
            "Go knock 'em dead, they said.",
            "I'm dead serious about the promotion.",
            "Turning it down would be career suicide.",
            "I could have killed myself for forgetting her name.",
            "I nearly died of embarrassment.",
            "I'm bored to death by these meetings.",
            "We're drinking from a firehose this quarter.",
        ]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn negated_cues_are_not_flagged_but_not_sure_is() {
        assert!(flags(&["I'm not suicidal, just frustrated."]).is_empty());
        assert!(flags(&["I would never hurt myself."]).is_empty());
        assert!(flags(&["I'm not burnt out, just busy."]).is_empty());
        let found = flags(&["I've thought about killing myself."]);
        assert_eq!(found[0].severity, RiskSeverity::Urgent);
        let found = flags(&["I'm not sure I want to be here anymore."]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].category, SELF_HARM);
        assert_eq!(found[0].severity, RiskSeverity::Urgent);
    }

    #[test]
    fn crisis_statement_is_urgent_and_listed_first() {
        let found = flags(&[
            "Work has been relentless. I'm totally drained.",
            "What's the point of any of it.",
            "Some days I think my family would be better off without me.",
        ]);
        let summary: Vec<(&str, RiskSeverity)> = found
            .iter()
            .map(|f| (f.category.as_str(), f.severity))
            .collect();
        assert_eq!(
            summary,
            vec![
                (SELF_HARM, RiskSeverity::Urgent),
                (BURNOUT, RiskSeverity::Watch),
                (HOPELESSNESS, RiskSeverity::Watch)
            ]
        );
        assert_eq!(
            found[0].quote,
            "Some days I think my family would be better off without me."
        );
        assert!(found[0].guidance.contains("safety"));
        assert!(found[0].client_id.is_some());
    }

    #[test]
    fn one_flag_per_category_with_strongest_quote() {
        let found = flags(&[
            "I'm sleeping maybe three hours a night.",
            "Honestly I think I'm burnt out.",
            "I'm completely exhausted.",
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].quote, "Honestly I think I'm burnt out.");
    }

    #[test]
    fn other_categories() {
        let categories = |lines: &[&str]| -> Vec<String> {
            flags(lines).into_iter().map(|f| f.category).collect()
        };
        assert_eq!(
            categories(&["I had two panic attacks on the train."]),
            vec![PANIC_ANXIETY]
        );
        assert_eq!(
            categories(&["I've been drinking more since the layoffs."]),
            vec![SUBSTANCE_USE]
        );
        assert_eq!(
            categories(&["I've basically stopped eating lunch or dinner."]),
            vec![NOT_EATING]
        );
        let abuse = flags(&["I'm scared of my husband when he drinks."]);
        assert_eq!(abuse[0].category, SAFEGUARDING);
        assert_eq!(abuse[0].severity, RiskSeverity::Urgent);
        let bullying = flags(&["My team lead has been bullying me in front of everyone."]);
        assert_eq!(bullying[0].category, ABUSE_HARASSMENT);
        assert_eq!(bullying[0].severity, RiskSeverity::Watch);
    }

    /// Each category as people say it, in words no fixture uses: the
    /// lexicon is a description of ways of saying a risk, not a phrase list.
    #[test]
    fn every_category_is_recognised_however_it_is_said() {
        let cases: &[(&str, &str, RiskSeverity)] = &[
            (
                "Lately I keep thinking about ending things.",
                SELF_HARM,
                RiskSeverity::Urgent,
            ),
            (
                "Honestly life doesn't feel worth living right now.",
                SELF_HARM,
                RiskSeverity::Urgent,
            ),
            (
                "I've been saving up my tablets, just in case.",
                SELF_HARM,
                RiskSeverity::Urgent,
            ),
            (
                "I keep picturing hurting him when he walks in.",
                HARM_TO_OTHERS,
                RiskSeverity::Urgent,
            ),
            (
                "I'm frightened I might hurt the baby when she won't settle.",
                HARM_TO_OTHERS,
                RiskSeverity::Urgent,
            ),
            (
                "He won't let me see my friends and he takes my bank card off me.",
                SAFEGUARDING,
                RiskSeverity::Urgent,
            ),
            (
                "My stepdad slapped my daughter last week.",
                SAFEGUARDING,
                RiskSeverity::Urgent,
            ),
            (
                "Out of nowhere my speech came out all slurred at dinner.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "I had this crushing pain in my chest on the stairs this morning.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "I've been coughing up blood since Sunday.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "I blacked out in the shower yesterday.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "I need a drink before I can face the school run.",
                SUBSTANCE_USE,
                RiskSeverity::Watch,
            ),
            (
                "Last night I mixed my sleeping tablets with vodka.",
                SUBSTANCE_USE,
                RiskSeverity::Urgent,
            ),
            (
                "It's never going to get better, is it.",
                HOPELESSNESS,
                RiskSeverity::Watch,
            ),
            (
                "I'm completely fried, there's nothing left by Thursday.",
                BURNOUT,
                RiskSeverity::Watch,
            ),
            (
                "I haven't eaten properly in days.",
                NOT_EATING,
                RiskSeverity::Watch,
            ),
            (
                "A wave of panic hits me every time the phone rings.",
                PANIC_ANXIETY,
                RiskSeverity::Watch,
            ),
            (
                "My director has been harassing me over email at midnight.",
                ABUSE_HARASSMENT,
                RiskSeverity::Watch,
            ),
            (
                "My right leg went completely dead while I was making tea.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "At the till my words came out muddled and the cashier stared.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "Out of the blue it felt like a door slammed into the back of my head.",
                MEDICAL_RED_FLAG,
                RiskSeverity::Urgent,
            ),
            (
                "I got behind the wheel after four pints on Saturday.",
                SUBSTANCE_USE,
                RiskSeverity::Urgent,
            ),
            (
                "I've been giving my books away to the neighbours, they'll be fine without me.",
                SELF_HARM,
                RiskSeverity::Urgent,
            ),
            (
                "I've started working out who gets what in the flat.",
                SELF_HARM,
                RiskSeverity::Urgent,
            ),
            (
                "I keep a hammer under the seat now, and I've sat outside her house twice.",
                HARM_TO_OTHERS,
                RiskSeverity::Urgent,
            ),
            (
                "No matter what I try it comes to nothing.",
                HOPELESSNESS,
                RiskSeverity::Watch,
            ),
            (
                "I'm getting through nearly a bottle of gin at weekends.",
                SUBSTANCE_USE,
                RiskSeverity::Watch,
            ),
            (
                "Most days I have a black coffee until the evening.",
                NOT_EATING,
                RiskSeverity::Watch,
            ),
            (
                "He keeps making remarks about my figure in front of the team.",
                ABUSE_HARASSMENT,
                RiskSeverity::Watch,
            ),
        ];
        for (sentence, category, severity) in cases {
            let found = flags(&[sentence]);
            assert!(
                found
                    .iter()
                    .any(|f| f.category == *category && f.severity == *severity),
                "{sentence}: {found:#?}"
            );
        }
    }

    /// Figures of speech, history, other people and trivial objects.
    #[test]
    fn look_alikes_are_not_flagged() {
        let found = flags(&[
            "What's the use of a rowing machine nobody has time for?",
            "I was up till one again sorting the kids' costumes.",
            "My heart was in my mouth when they called my name.",
            "My grandfather collapsed in the garden years ago, that's why I'm careful.",
            "I nearly had a heart attack when I saw the invoice.",
            "If the client changes the brief one more time I'll strangle someone.",
            "I've been drinking more herbal tea in the evenings.",
            "I'm not eating lunch until two these days because of the school pick-up.",
            "Let me get this off my chest before we start.",
            "I want to disappear for a week to somewhere with no signal.",
            "I'm scared I might fail the exam.",
            "My foot went dead after sitting cross-legged through the film.",
            "I drove home after the match with a car full of muddy kids.",
            "Whatever I cook, the kids say it tastes the same.",
        ]);
        assert!(found.is_empty(), "{found:#?}");
    }

    #[test]
    fn a_passing_remark_counts_once_something_else_says_the_same() {
        assert!(flags(&["I haven't slept, the dog was ill."]).is_empty());
        let found = flags(&[
            "I haven't slept much.",
            "Honestly, I'm running on empty at work.",
        ]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].category, BURNOUT);
        assert_eq!(found[0].quote, "Honestly, I'm running on empty at work.");
        assert_eq!(flags(&["I haven't slept properly in weeks."]).len(), 1);
    }

    #[test]
    fn guidance_fits_the_category() {
        let medical = flags(&["I got a tight pain across my chest that went into my jaw."]);
        assert_eq!(medical[0].category, MEDICAL_RED_FLAG);
        assert!(
            medical[0].guidance.contains("emergency services"),
            "{}",
            medical[0].guidance
        );
        assert!(!medical[0].guidance.contains("gently"));
        let hopeless = flags(&["Nothing ever works out for me."]);
        assert!(hopeless[0].guidance.contains("gently"));
    }

    #[test]
    fn coach_speech_is_never_flagged() {
        let request = one_to_one_request(&[
            ("Coach", "Are you having thoughts of ending your life, or of hurting yourself? Are you burnt out?"),
            ("Client", "No. I feel okay."),
        ]);
        assert!(detect_risks(&request, &Roster::from_request(&request)).is_empty());
    }
}
