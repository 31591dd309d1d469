//! Risk flags from client speech: a cue lexicon by category and severity,
//! with idioms masked out first ("this deadline is killing me"), negated cues
//! ignored ("I'm not suicidal") and one flag per speaker and category, quoting
//! the strongest sentence. Coach speech is never flagged: coaches ask safety
//! questions in exactly these words.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;

use crate::ai::analyst::{AnalysisRequest, RiskFlag, RiskSeverity};

use super::participants::Roster;
use super::text::{pattern, sentence_spans, skip_leading_annotations};

pub(crate) const SELF_HARM: &str = "self_harm";
pub(crate) const HOPELESSNESS: &str = "hopelessness";
pub(crate) const BURNOUT: &str = "burnout";
pub(crate) const PANIC_ANXIETY: &str = "panic_anxiety";
pub(crate) const SUBSTANCE_USE: &str = "substance_use";
pub(crate) const NOT_EATING: &str = "not_eating";
pub(crate) const ABUSE_HARASSMENT: &str = "abuse_harassment";

struct Cue {
    category: &'static str,
    severity: RiskSeverity,
    /// How strongly the words point at the risk; picks the quote.
    weight: u8,
    regex: Regex,
}

fn cue(category: &'static str, severity: RiskSeverity, weight: u8, source: &str) -> Cue {
    Cue {
        category,
        severity,
        weight,
        regex: pattern(source),
    }
}

static CUES: LazyLock<Vec<Cue>> = LazyLock::new(|| {
    use RiskSeverity::{Urgent, Watch};
    vec![
        // Suicidal ideation and self-harm, including passive wishes.
        cue(
            SELF_HARM,
            Urgent,
            10,
            r"\bsuicid(?:e|al)\b|\bself[- ]harm(?:ing)?\b|\bend it all\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            10,
            r"\bkill(?:ing)?\s+myself\b|\b(?:end|ending|take|taking)\s+my\s+(?:own\s+)?life\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            r"\b(?:want(?:ed)?\s+to|thought\s+about|thinking\s+(?:about|of)|think\s+about|urge\s+to|feel\s+like)\s+(?:hurt|harm|cut)(?:ting|ing)?\s+myself\b|\bcutting\s+myself\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            r"\b(?:be\s+)?better\s+off\s+(?:without\s+me|dead|if\s+I\s+(?:just\s+)?(?:wasn't|weren't|was\s+not|were\s+not|wasn't\s+around|didn't\s+exist)\b)",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            r"\b(?:don't|do\s+not|no\s+longer|not\s+sure\s+I|don't\s+know\s+if\s+I)\s+want\s+to\s+(?:be\s+here|be\s+around|live|be\s+alive|wake\s+up|exist)\b",
        ),
        cue(
            SELF_HARM,
            Urgent,
            9,
            r"\b(?:want(?:ed)?\s+to\s+die|wish(?:ed)?\s+I\s+(?:was|were)\s+dead|wish\s+I\s+could\s+(?:just\s+)?(?:die|not\s+wake\s+up))\b|\bno\s+reason\s+to\s+(?:live|go\s+on)\b",
        ),
        // Hopelessness.
        cue(
            HOPELESSNESS,
            Watch,
            6,
            r"\bhopeless\b|\bno\s+way\s+out\b|\bcan't\s+see\s+(?:a|any)\s+way\s+out\b|\bcan't\s+go\s+on\b|\bno\s+future\b",
        ),
        cue(
            HOPELESSNESS,
            Watch,
            6,
            r"\b(?:what's|what\s+is)\s+the\s+point\b|\bno\s+point\s+(?:in\s+)?(?:anything|trying|going\s+on|any\s+of\s+it)\b|\bnothing\s+(?:will|is\s+going\s+to|ever)\s+(?:change|get\s+better|improve)\b",
        ),
        cue(
            HOPELESSNESS,
            Watch,
            5,
            r"\b(?:want|wanted|need)\s+to\s+disappear\b|\bI'm\s+(?:just\s+)?a\s+burden\b|\bburden\s+(?:to|on)\s+(?:everyone|my\s+family|them)\b|\bworthless\b|\bgive\s+up\s+on\s+(?:everything|life)\b",
        ),
        // Burnout and exhaustion, including chronic sleep loss.
        cue(
            BURNOUT,
            Watch,
            7,
            r"\bburn(?:ed|t)[- ]out\b|\bburnout\b|\brunning\s+on\s+(?:empty|fumes)\b|\bnothing\s+left\s+(?:in\s+the\s+tank|to\s+give)\b",
        ),
        cue(
            BURNOUT,
            Watch,
            6,
            r"\bcan't\s+(?:do|take|handle|cope\s+with)\s+(?:this|it|any\s+of\s+(?:it|this))(?:\s+much\s+longer)?\s+(?:anymore|any\s+more)\b|\bcan't\s+take\s+much\s+more\b|\bcan't\s+cope\b|\bcan't\s+keep\s+(?:going|doing\s+this)\b|\b(?:at|reached|hit)\s+(?:the\s+end\s+of\s+my\s+(?:rope|tether)|(?:my\s+)?breaking\s+point)\b",
        ),
        cue(
            BURNOUT,
            Watch,
            5,
            r"\b(?:completely|totally|utterly|so|constantly)\s+(?:exhausted|drained|depleted|burnt)\b|\bexhausted\s+all\s+the\s+time\b|\bno\s+energy\s+(?:left|for\s+anything)\b|\bhaven't\s+had\s+a\s+(?:day|weekend|break|holiday)\s+off\b",
        ),
        cue(
            BURNOUT,
            Watch,
            4,
            r"\bsleeping\s+(?:maybe\s+|only\s+|about\s+|like\s+|barely\s+)?(?:one|two|three|four|[1-4])\s+hours\b|\b(?:can't|haven't\s+been\s+able\s+to|not\s+able\s+to)\s+sleep\b|\bhaven't\s+slept\b|\bnot\s+sleeping\b|\binsomnia\b",
        ),
        // Panic and anxiety attacks.
        cue(
            PANIC_ANXIETY,
            Watch,
            6,
            r"\b(?:panic|anxiety)\s+attacks?\b|\bcan't\s+breathe\b|\bheart\s+(?:is\s+|was\s+|keeps\s+)?(?:racing|pounding)\b|\bconstant(?:ly)?\s+(?:anxious|on\s+edge|panicking)\b|\banxiety\s+(?:is|has\s+been)\s+(?:through\s+the\s+roof|out\s+of\s+control|unbearable)\b",
        ),
        // Substance use going up.
        cue(
            SUBSTANCE_USE,
            Watch,
            6,
            r"\bdrinking\s+(?:more|a\s+lot|too\s+much|every\s+(?:night|day)|heavily|again|alone)\b|\b(?:a|another|half\s+a)\s+bottle\s+(?:of\s+\w+\s+)?(?:a|every)\s+night\b|\bneed\s+(?:a\s+drink|to\s+drink)\s+to\b",
        ),
        cue(
            SUBSTANCE_USE,
            Watch,
            6,
            r"\b(?:taking|using)\s+(?:more\s+)?(?:pills|sleeping\s+pills|painkillers|something)\s+to\s+(?:sleep|cope|get\s+through)\b|\b(?:smoking|using|drinking)\s+again\b|\brelapsed?\b",
        ),
        // Not eating.
        cue(
            NOT_EATING,
            Watch,
            5,
            r"\b(?:not|haven't\s+been|barely|stopped)\s+eating\b|\b(?:skipping|skipped)\s+(?:meals|most\s+meals)\b|\bno\s+appetite\b|\bcan't\s+eat\b|\b(?:bingeing|binging|purging)\b",
        ),
        // Abuse, violence, harassment.
        cue(
            ABUSE_HARASSMENT,
            Urgent,
            9,
            r"\b(?:he|she|they|my\s+(?:partner|husband|wife|boyfriend|girlfriend|ex|father|mother|dad|mum|mom|boss|manager))\s+(?:hits?|beats?|hurts?|chokes?|choked|pushed|shoved|threatens?|threatened|touched|groped)\s+me\b",
        ),
        cue(
            ABUSE_HARASSMENT,
            Urgent,
            9,
            r"\b(?:afraid|scared|frightened|terrified)\s+(?:of|to\s+go\s+home\s+to)\s+(?:him|her|my\s+(?:partner|husband|wife|boyfriend|girlfriend|ex))\b|\bdomestic\s+(?:abuse|violence)\b|\b(?:abusive|abusing\s+me|abused\s+me|assaulted)\b",
        ),
        cue(
            ABUSE_HARASSMENT,
            Watch,
            6,
            r"\bharass(?:ed|ing|ment)\b|\bbull(?:ied|ying)\b|\b(?:sexual|inappropriate)\s+(?:comments|jokes|advances|messages)\b",
        ),
    ]
});

/// Figures of speech that contain cue-like words; blanked before matching.
static IDIOMS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:killing\s+(?:me|it|them|us|time)|kill(?:ed)?\s+it|kill\s+for|kill\s+time|could\s+(?:have\s+|'ve\s+)?(?:just\s+)?kill(?:ed)?\s+(?:myself|him|her|them)\s+(?:for|when|laughing)|killing\s+myself\s+(?:to|over|trying|for)\b|work(?:ing)?\s+myself\s+to\s+death|(?:dying|dyin')\s+(?:to|for|of)\b|to\s+die\s+for|die\s+(?:of|from)\s+(?:embarrassment|shame|boredom|laughter|laughing)|(?:nearly|almost)\s+died|murder\s+(?:a|an|some)\b|dead\s+(?:tired|serious|on\s+my\s+feet|right|set|wrong|easy|end|last|certain)|knock\s+(?:'em|them|him|her|it)\s+dead|(?:bored|scared|sick|worried|tired)\s+to\s+death|over\s+my\s+dead\s+body|drop[- ]dead|dead\s+in\s+the\s+water|deadline|(?:career|political|social|commercial)\s+suicide|suicide\s+(?:mission|run|squeeze|doors|pact\s+with\s+the\s+deadline)|panic\s+buying|burn(?:ed|t)\s+out\s+(?:bulb|light|fuse|clutch|engine)|drinking\s+from\s+a\s+fire\s?hose)\b",
    )
});

/// Negations that cancel a cue when they come just before it.
const NEGATORS: &[&str] = &[
    "not", "never", "no", "nor", "without", "isn't", "aren't", "wasn't", "weren't", "don't",
    "doesn't", "didn't", "wouldn't", "won't", "couldn't", "haven't", "hasn't", "hadn't",
];
/// How many words before a cue a negation reaches.
const NEGATION_REACH: usize = 4;

/// What the coach should consider doing, per category.
pub(crate) fn guidance(category: &str) -> &'static str {
    match category {
        SELF_HARM => "Check their safety today: ask directly about thoughts of suicide or self-harm, any plan and access to means. Share crisis contacts (a local crisis line or emergency services) and encourage them to see their doctor or a mental-health professional. Refer on, and record what you did: this is beyond coaching alone.",
        HOPELESSNESS => "Explore this gently at your next contact and ask directly whether they have had thoughts of not wanting to live; if so, follow your safety and referral procedure.",
        BURNOUT => "Check workload, rest and sleep; agree small recovery steps and suggest they talk to their doctor or occupational health if the exhaustion persists.",
        PANIC_ANXIETY => "Ask how often this happens and how it affects daily life; suggest a doctor or therapist if the attacks are frequent or severe.",
        SUBSTANCE_USE => "Raise the change without judgement, ask how much and how often, share support options and consider referral if use is rising or affecting work or safety.",
        NOT_EATING => "Check in on eating and self-care; suggest they speak to their doctor if it continues or their weight changes.",
        ABUSE_HARASSMENT => "Ask whether they are safe now; share appropriate support (a domestic-abuse helpline, HR or an employee assistance programme) and follow your safeguarding procedure.",
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
}

/// One flag per (speaker, category), in transcript order of first mention.
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
            for (category, severity, weight) in sentence_cues(sentence) {
                let key = (person.name.clone(), category);
                let stronger = strongest.get(&key).is_none_or(|hit| {
                    (weight, severity_rank(severity)) > (hit.weight, severity_rank(hit.severity))
                });
                if stronger {
                    let first_order = strongest.get(&key).map_or(order, |hit| hit.order);
                    strongest.insert(
                        key,
                        Hit {
                            weight,
                            severity,
                            order: first_order,
                            quote: sentence.to_string(),
                            speaker_name: person.name.clone(),
                            client_id: person.client_id,
                        },
                    );
                }
            }
        }
    }

    // A self-harm flag already covers that person's hopelessness.
    let with_self_harm: Vec<String> = strongest
        .keys()
        .filter(|(_, category)| *category == SELF_HARM)
        .map(|(speaker, _)| speaker.clone())
        .collect();
    strongest.retain(|(speaker, category), _| {
        !(*category == HOPELESSNESS && with_self_harm.contains(speaker))
    });

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

/// The cues a sentence carries, strongest per category, after idioms are
/// masked and negated cues dropped.
pub(crate) fn sentence_cues(sentence: &str) -> Vec<(&'static str, RiskSeverity, u8)> {
    let masked = IDIOMS.replace_all(sentence, |caps: &regex::Captures| " ".repeat(caps[0].len()));
    let mut found: Vec<(&'static str, RiskSeverity, u8)> = Vec::new();
    for cue in CUES.iter() {
        let live = cue
            .regex
            .find_iter(&masked)
            .any(|m| !is_negated(&masked[..m.start()]));
        if !live {
            continue;
        }
        match found
            .iter_mut()
            .find(|(category, _, _)| *category == cue.category)
        {
            Some(existing) if existing.2 >= cue.weight => {}
            Some(existing) => *existing = (cue.category, cue.severity, cue.weight),
            None => found.push((cue.category, cue.severity, cue.weight)),
        }
    }
    found
}

/// A negation among the last few words of the same clause.
fn is_negated(before_cue: &str) -> bool {
    let clause = before_cue
        .rsplit([',', ';', ':', '—', '–'])
        .next()
        .unwrap_or("");
    clause
        .split_whitespace()
        .rev()
        .take(NEGATION_REACH)
        .map(|w| {
            w.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
                .replace('’', "'")
                .to_lowercase()
        })
        .any(|w| NEGATORS.contains(&w.as_str()))
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
    fn crisis_statement_is_urgent_and_subsumes_hopelessness() {
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
                (BURNOUT, RiskSeverity::Watch)
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
        assert_eq!(abuse[0].category, ABUSE_HARASSMENT);
        assert_eq!(abuse[0].severity, RiskSeverity::Urgent);
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
