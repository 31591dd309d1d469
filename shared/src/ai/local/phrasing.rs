//! Turns the words after "I'll …" into a clean action phrase for a commitment
//! list or an email: no fillers, no due phrase (the due date is separate), no
//! trailing clause, addressed to the client.

use std::sync::LazyLock;

use regex::Regex;

use super::due_dates::due_phrase_patterns;
use super::text::{capitalise_first, pattern};

/// Whose words the action is and who will read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Voice<'a> {
    /// A client's own words: "my" becomes "your".
    Client,
    /// A client's words in a one-to-one, where "you" is the coach, who
    /// writes the follow-up: "send you" becomes "send me".
    ClientToCoach,
    /// The coach's words in a one-to-one: "you" becomes the client's name.
    CoachTo(&'a str),
    /// The coach's words to a group: left as said.
    CoachToGroup,
}

static FILLERS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:,\s*|\s+|^)(?:um+|uh+|erm|er|hmm+|you know|I mean|sort of|kind of|like)\s*,|(?:,\s*|\s+)(?:um+|uh+|erm|hmm+)\b",
    )
});
/// Where the core action ends: a comma or a subordinate/explanatory clause.
static CLAUSE_BREAK: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"[,;:—–]| - |\s(?:so that|so|because|since|which|unless|in case|just in case|but|then I|and then)\s",
    )
});
static TRAILING_DAY: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"\s+(?:on\s+|this\s+|next\s+)?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:morning|afternoon|evening|night))?\s*$",
    )
});
static LEFTOVER_TIME_WORDS: LazyLock<Regex> =
    LazyLock::new(|| pattern(r"\s*\b(?:first thing|right away|straight away)\b"));
/// Words left hanging once a due phrase is gone ("from tonight" → "from").
static DANGLING_WORDS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"(?:\s+(?:from|by|on|at|before|until|till|starting|as of|the|this|next|and|every|each))+\s*$",
    )
});
static LEADING_ADVERBS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(
        r"^(?:(?:just|also|definitely|actually|then|really|now|absolutely|certainly|totally|still|go and|go ahead and|try and)\s+)+",
    )
});

/// Cleans `raw` (the words after the trigger) into an action phrase.
pub(crate) fn action_phrase(raw: &str, voice: Voice<'_>) -> String {
    let without_fillers = FILLERS.replace_all(raw, " ");
    let core = match CLAUSE_BREAK.find(&without_fillers) {
        Some(found) => &without_fillers[..found.start()],
        None => without_fillers.as_ref(),
    };
    let mut text = remove_due_phrases(core);
    text = text
        .trim_end_matches(|c: char| c.is_ascii_punctuation() && c != ')' && c != '\'')
        .to_string();
    text = TRAILING_DAY.replace(&text, "").into_owned();
    text = LEFTOVER_TIME_WORDS.replace_all(&text, "").into_owned();
    text = DANGLING_WORDS.replace(&text, "").into_owned();
    text = LEADING_ADVERBS.replace(text.trim(), "").into_owned();
    let text = collapse_repeated_words(&text);
    let text = text
        .trim()
        .trim_end_matches(|c: char| c.is_ascii_punctuation() && c != ')' && c != '\'')
        .trim();
    capitalise_first(&change_voice(text, voice))
}

/// Removes "by Friday", "tonight", "end of the month"… but keeps a weekday
/// used as a possessive ("before Thursday's review"), which names a thing,
/// and one that repeats ("every Monday").
fn remove_due_phrases(text: &str) -> String {
    let mut text = text.to_string();
    for regex in due_phrase_patterns() {
        let mut kept = String::with_capacity(text.len());
        let mut last = 0;
        for found in regex.find_iter(&text) {
            let rest = &text[found.end()..];
            if rest.starts_with('\'') || rest.starts_with('’') {
                continue;
            }
            // "every Monday morning" says how often, which the action keeps.
            let before = text[..found.start()].trim_end().to_lowercase();
            if before.ends_with("every") || before.ends_with("each") {
                continue;
            }
            kept.push_str(&text[last..found.start()]);
            last = found.end();
        }
        kept.push_str(&text[last..]);
        text = kept;
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// "the, um, the doc" leaves "the the doc" once fillers are gone.
fn collapse_repeated_words(text: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    for word in text.split_whitespace() {
        if out
            .last()
            .is_some_and(|previous| previous.eq_ignore_ascii_case(word))
        {
            continue;
        }
        out.push(word);
    }
    out.join(" ")
}

/// Rewrites pronouns so the phrase reads right in the client's follow-up.
fn change_voice(text: &str, voice: Voice<'_>) -> String {
    let mut out = Vec::new();
    for token in text.split(' ') {
        let (word, punctuation) = split_trailing_punctuation(token);
        let normalised = word.replace('’', "'").to_lowercase();
        let replacement = match voice {
            Voice::ClientToCoach if matches!(normalised.as_str(), "you" | "your" | "yourself") => {
                Some(
                    match normalised.as_str() {
                        "you" => "me",
                        "your" => "my",
                        _ => "myself",
                    }
                    .to_string(),
                )
            }
            Voice::Client | Voice::ClientToCoach => match normalised.as_str() {
                "i" | "me" => Some("you".to_string()),
                "my" => Some("your".to_string()),
                "mine" => Some("yours".to_string()),
                "myself" => Some("yourself".to_string()),
                "i'm" => Some("you're".to_string()),
                "i've" => Some("you've".to_string()),
                "i'd" => Some("you'd".to_string()),
                "i'll" => Some("you'll".to_string()),
                _ => None,
            },
            Voice::CoachTo(name) => match normalised.as_str() {
                "you" | "yourself" => Some(name.to_string()),
                "your" => Some(format!("{name}'s")),
                _ => None,
            },
            Voice::CoachToGroup => None,
        };
        match replacement {
            Some(new) => out.push(format!("{new}{punctuation}")),
            None => out.push(token.to_string()),
        }
    }
    out.join(" ")
}

fn split_trailing_punctuation(token: &str) -> (&str, &str) {
    let end = token
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_alphanumeric() || *c == '\'' || *c == '’')
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    token.split_at(end)
}

/// Base form of a regular past participle ("asked" → "ask", "shared" →
/// "share", "planned" → "plan", "tried" → "try").
pub(crate) fn base_from_past(verb: &str) -> String {
    let lower = verb.to_lowercase();
    if let Some(stem) = lower.strip_suffix("ied") {
        return format!("{stem}y");
    }
    match lower.strip_suffix("ed") {
        Some(stem) if stem.len() >= 2 => base_form(&format!("{stem}ing")),
        _ => lower,
    }
}

/// Base form of an `-ing` verb ("tracking" → "track", "taking" → "take").
pub(crate) fn base_form(verb: &str) -> String {
    let lower = verb.to_lowercase();
    let Some(stem) = lower.strip_suffix("ing") else {
        return lower;
    };
    if stem.len() < 2 {
        return lower;
    }
    let chars: Vec<char> = stem.chars().collect();
    let last = chars[chars.len() - 1];
    let before_last = chars[chars.len() - 2];
    let is_vowel = |c: char| "aeiou".contains(c);
    // "jotting" → "jot", but "calling" → "call".
    if last == before_last && !is_vowel(last) && !"lsfz".contains(last) {
        return chars[..chars.len() - 1].iter().collect();
    }
    // One-syllable stems ending consonant-after-single-vowel lost an "e":
    // "taking" → "take", "writing" → "write", "using" → "use".
    let vowel_groups = chars
        .iter()
        .zip(std::iter::once(&' ').chain(chars.iter()))
        .filter(|(c, previous)| is_vowel(**c) && !is_vowel(**previous))
        .count();
    let single_vowel_before =
        is_vowel(before_last) && (chars.len() < 3 || !is_vowel(chars[chars.len() - 3]));
    if vowel_groups == 1 && !is_vowel(last) && !"wxy".contains(last) && single_vowel_before {
        return format!("{stem}e");
    }
    // Longer stems: "-cing", "-ving", "-zing" always dropped an "e"
    // ("noticing", "solving", "organizing"); so do common endings after a
    // single vowel ("updating", "deciding", "managing", "preparing").
    if "cvz".contains(last) && !stem.ends_with("zz") {
        return format!("{stem}e");
    }
    const E_DROPPING_ENDINGS: [&str; 8] = ["at", "id", "ud", "ag", "ur", "ar", "ut", "in"];
    let ending: String = chars[chars.len() - 2..].iter().collect();
    if vowel_groups >= 2 && single_vowel_before && E_DROPPING_ENDINGS.contains(&ending.as_str()) {
        return format!("{stem}e");
    }
    stem.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cleans_actions() {
        assert_eq!(
            action_phrase("swim every Thursday evening before work.", Voice::Client),
            "Swim every Thursday evening before work"
        );
        assert_eq!(
            action_phrase("ring the landlord today, right after this.", Voice::Client),
            "Ring the landlord"
        );
        assert_eq!(
            action_phrase(
                "have a first cut of the, um, the budget memo.",
                Voice::Client
            ),
            "Have a first cut of the budget memo"
        );
        assert_eq!(
            action_phrase("send you the template tonight.", Voice::CoachTo("Sam")),
            "Send Sam the template"
        );
        assert_eq!(
            action_phrase("pack my own lunch when I do the school run.", Voice::Client),
            "Pack your own lunch when you do the school run"
        );
        assert_eq!(
            action_phrase(
                "grab ten minutes with Ana before Thursday's review.",
                Voice::Client
            ),
            "Grab ten minutes with Ana before Thursday's review"
        );
        assert_eq!(
            action_phrase("text you Saturday morning.", Voice::CoachTo("Kim")),
            "Text Kim"
        );
        assert_eq!(
            action_phrase("book it this afternoon so I can't back out.", Voice::Client),
            "Book it"
        );
        assert_eq!(
            action_phrase(
                "see my top clients before the end of the month.",
                Voice::Client
            ),
            "See your top clients"
        );
        assert_eq!(
            action_phrase("file the claim by tomorrow.", Voice::Client),
            "File the claim"
        );
        assert_eq!(
            action_phrase("charge the phone downstairs from tonight.", Voice::Client),
            "Charge the phone downstairs"
        );
        assert_eq!(
            action_phrase("send you my notes by Friday.", Voice::ClientToCoach),
            "Send me your notes"
        );
    }

    #[test]
    fn base_forms_from_past() {
        for (past, base) in [
            ("asked", "ask"),
            ("shared", "share"),
            ("planned", "plan"),
            ("tried", "try"),
            ("emailed", "email"),
            ("called", "call"),
        ] {
            assert_eq!(base_from_past(past), base);
        }
    }

    #[test]
    fn base_forms() {
        for (ing, base) in [
            ("tracking", "track"),
            ("keeping", "keep"),
            ("taking", "take"),
            ("writing", "write"),
            ("jotting", "jot"),
            ("calling", "call"),
            ("using", "use"),
            ("visiting", "visit"),
            ("planning", "plan"),
            ("reading", "read"),
            ("noticing", "notice"),
            ("practicing", "practice"),
            ("updating", "update"),
            ("deciding", "decide"),
            ("preparing", "prepare"),
            ("measuring", "measure"),
            ("managing", "manage"),
            ("leaving", "leave"),
            ("solving", "solve"),
            ("avoiding", "avoid"),
            ("training", "train"),
            ("opening", "open"),
            ("listening", "listen"),
            ("shouting", "shout"),
            ("eating", "eat"),
            ("focusing", "focus"),
            ("talking", "talk"),
        ] {
            assert_eq!(base_form(ing), base);
        }
    }
}
