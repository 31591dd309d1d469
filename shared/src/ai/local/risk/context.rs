//! Whether a cue's words are meant: figures of speech masked out first
//! ("this deadline is killing me", "my heart sank"), negations ("I'm not
//! suicidal"), hyperbole that hangs on a trivial condition ("if I have to
//! write one more cover letter I'll throw myself out the window"), drinking
//! that is not alcohol, meals that are only late, and sentences that are
//! about someone else.

use std::sync::LazyLock;

use regex::Regex;

use crate::ai::local::text::pattern;

/// Figures of speech that contain cue-like words; blanked before matching.
static IDIOMS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:killing\s+(?:me|it|them|us|time)|kill(?:ed)?\s+it|kill\s+for|kill\s+time|could\s+(?:have\s+|'ve\s+)?(?:just\s+)?kill(?:ed)?\s+(?:myself|him|her|them)\s+(?:for|when|laughing)|killing\s+myself\s+(?:to|over|trying|for)\b|work(?:ing)?\s+myself\s+to\s+death|(?:dying|dyin')\s+(?:to|for|of)\b|to\s+die\s+for|die\s+(?:of|from)\s+(?:embarrassment|shame|boredom|laughter|laughing)|(?:nearly|almost)\s+(?:died|killed\s+me|fainted|passed\s+out|had\s+a\s+(?:heart\s+attack|fit|stroke))|(?:nearly\s+|almost\s+)?gave\s+me\s+a\s+(?:heart\s+attack|coronary|stroke)|murder\s+(?:a|an|some)\b|dead\s+(?:tired|serious|on\s+my\s+feet|right|set|wrong|easy|end|last|certain)|knock\s+(?:'em|them|him|her|it)\s+dead|(?:bored|scared|sick|worried|tired)\s+to\s+death|over\s+my\s+dead\s+body|drop[- ]dead|dead\s+in\s+the\s+water|deadline|(?:career|political|social|commercial)\s+suicide|suicide\s+(?:mission|run|squeeze|doors|pact\s+with\s+the\s+deadline)|panic\s+buying|burn(?:ed|t)\s+out\s+(?:bulb|light|fuse|clutch|engine)|drinking\s+from\s+a\s+fire\s?hose|(?:get|got|getting)\s+(?:it|this|that|something|things)\s+off\s+my\s+chest|my\s+heart\s+(?:sank|sinks|was\s+in\s+my\s+mouth|skipped\s+a\s+beat|went\s+out|leapt|broke)|sweat(?:ing)?\s+bullets|butterflies|stomach\s+(?:was\s+|is\s+)?in\s+knots|(?:floor|ground|earth)\s+(?:to\s+)?(?:open\s+up\s+and\s+)?swallow\s+me)\b",
    )
});

/// A violent or despairing line that hangs on a trivial condition is
/// hyperbole: "if he books one more early meeting I'll strangle him".
static TRIVIAL_CONDITION: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\bif\b[^.?!]{0,80}\b(?:one\s+more|another|again|ever\s+again)\b"));

/// Words that say a weak cue is not a one-off.
static PERSISTENCE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\b(?:every\s+(?:night|day|morning)|most\s+nights|for\s+(?:weeks|months|days)|all\s+the\s+time|night\s+after\s+night|(?:weeks|months)\s+now|constantly|always|properly\s+in\s+(?:weeks|months))\b",
    )
});

/// The speaker speaking of themselves.
static FIRST_PERSON: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\b(?:I|I'm|I've|I'd|I'll|me|my|myself)\b"));

/// Drinks that are not alcohol, after "drinking more …".
static SOFT_DRINK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^\s*(?:of\s+)?(?:\w+\s+)?(?:water|tea|teas|coffee|juice|milk|fluids|smoothies?|squash|decaf|kombucha|shakes?|soup)\b",
    )
});

/// A meal that is only late or early: "not eating dinner until nine".
static MEAL_TIMING: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^\s*(?:\w+\s+)?(?:until|till|til|before|after|at|by)\b|^\s*(?:breakfast|lunch|dinner|tea|supper)\s+(?:until|till|before|after|at)\b",
    )
});

/// A wish to get away for a while is a wish for a break, not to vanish.
static FOR_A_WHILE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^\s*(?:for\s+(?:a\s+(?:while|bit|few\s+(?:days|hours|weeks)|week|weekend|day|month)|the\s+(?:weekend|day|afternoon|summer))|on\s+(?:holiday|a\s+beach))\b",
    )
});

/// An everyday cause said right after a limb "went dead": pins and needles,
/// not a stroke.
static BENIGN_CAUSE: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^\s*(?:\w+\s+){0,3}?(?:after|from|because\s+I\s+(?:was|had\s+been))\s+(?:sitting|kneeling|sleeping|lying|crouching|squatting|leaning)\b|^[^.?!]{0,40}\bpins\s+and\s+needles\b",
    )
});

/// Negations that cancel a cue when they come just before it.
const NEGATORS: &[&str] = &[
    "not", "never", "no", "nor", "without", "isn't", "aren't", "wasn't", "weren't", "don't",
    "doesn't", "didn't", "wouldn't", "won't", "couldn't", "haven't", "hasn't", "hadn't",
];
/// How many words before a cue a negation reaches.
const NEGATION_REACH: usize = 4;

/// The sentence with figures of speech blanked (same length, so match
/// offsets still point into the original).
pub(crate) fn mask_idioms(sentence: &str) -> String {
    IDIOMS
        .replace_all(sentence, |caps: &regex::Captures| " ".repeat(caps[0].len()))
        .into_owned()
}

pub(crate) fn names_a_benign_cause(after: &str) -> bool {
    BENIGN_CAUSE.is_match(after)
}

pub(crate) fn hangs_on_trivial_condition(sentence: &str) -> bool {
    TRIVIAL_CONDITION.is_match(sentence)
}

pub(crate) fn says_it_persists(sentence: &str) -> bool {
    PERSISTENCE.is_match(sentence)
}

pub(crate) fn in_first_person(sentence: &str) -> bool {
    FIRST_PERSON.is_match(sentence)
}

/// "drinking more water": the drink named after the cue is not alcohol.
pub(crate) fn names_a_soft_drink(after_cue: &str) -> bool {
    SOFT_DRINK.is_match(after_cue)
}

/// "not eating dinner until nine": the meal is late, not skipped.
pub(crate) fn names_a_meal_time(after_cue: &str) -> bool {
    MEAL_TIMING.is_match(after_cue)
}

/// "I want to disappear for a while": the wish has an end.
pub(crate) fn names_a_break(after_cue: &str) -> bool {
    FOR_A_WHILE.is_match(after_cue)
}

/// A negation among the last few words of the same clause.
pub(crate) fn is_negated(before_cue: &str) -> bool {
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

    #[test]
    fn masking_keeps_offsets() {
        let sentence = "My heart sank, then it was fine.";
        assert_eq!(mask_idioms(sentence).len(), sentence.len());
        assert!(!mask_idioms(sentence).contains("heart"));
    }

    #[test]
    fn conditions_persistence_and_objects() {
        assert!(hangs_on_trivial_condition(
            "If the printer jams one more time I'll scream."
        ));
        assert!(!hangs_on_trivial_condition("I want to hurt him."));
        assert!(says_it_persists("I've been awake most nights."));
        assert!(names_a_soft_drink(" herbal tea at night"));
        assert!(!names_a_soft_drink(" on my own"));
        assert!(names_a_meal_time(" lunch until three"));
        assert!(!names_a_meal_time(" properly for days"));
        assert!(names_a_break(" for a few days, somewhere quiet"));
        assert!(!names_a_break(" and never come back"));
    }
}
