//! Session themes: generic coaching topics found through a small lexicon,
//! plus the session's own recurring phrases (content-word bigrams and words),
//! weighted towards what clients said.

use std::collections::{BTreeMap, BTreeSet};

use super::text::{content_words, is_content_word, sentence_spans, without_annotations, words};

/// Generic coaching topics and the word stems that signal them. A stem
/// matches a word that starts with it; entries with a space match phrases.
pub(crate) const TOPIC_LEXICON: &[(&str, &[&str])] = &[
    (
        "workload",
        &[
            "workload",
            "overload",
            "firefight",
            "back-to-back",
            "swamped",
            "overtime",
            "too much on",
            "capacity",
        ],
    ),
    (
        "time management",
        &[
            "calendar",
            "schedul",
            "meetings",
            "prioriti",
            "time management",
            "where my time goes",
            "hours",
        ],
    ),
    (
        "delegation",
        &[
            "delegat",
            "hand over",
            "handed over",
            "hand off",
            "handed off",
            "hand it back",
            "let go",
            "letting go",
            "ownership",
            "micromanag",
            "trust",
        ],
    ),
    (
        "boundaries",
        &[
            "boundar",
            "say no",
            "saying no",
            "said no",
            "day off",
            "time off",
            "switch off",
            "unplug",
        ],
    ),
    (
        "sleep",
        &[
            "sleep", "slept", "insomnia", "bedtime", "bedroom", "nap", "awake", "wake up", "tired",
        ],
    ),
    (
        "confidence",
        &[
            "confiden",
            "self-doubt",
            "imposter",
            "impostor",
            "nervous",
            "scared",
            "scary",
            "self-worth",
            "believe in myself",
        ],
    ),
    (
        "career change",
        &[
            "career",
            "new role",
            "job offer",
            "interview",
            "resume",
            "recruiter",
            "promotion",
            "promoted",
            "job market",
            "job search",
        ],
    ),
    (
        "workplace conflict",
        &[
            "conflict", "bully", "bullied", "shouts", "shouting", "harass", "tension", "argument",
            "toxic",
        ],
    ),
    (
        "salary negotiation",
        &[
            "salary",
            "negotiat",
            "compensation",
            "pay rise",
            "market rate",
        ],
    ),
    (
        "giving feedback",
        &[
            "feedback",
            "difficult conversation",
            "hard conversation",
            "performance conversation",
        ],
    ),
    (
        "relationships",
        &[
            "relationship",
            "partner",
            "husband",
            "wife",
            "friendship",
            "peer",
            "colleague",
        ],
    ),
    (
        "family",
        &[
            "kids",
            "children",
            "son",
            "daughter",
            "family",
            "sister",
            "brother",
            "parents",
            "school run",
        ],
    ),
    (
        "health",
        &[
            "health",
            "doctor",
            "exercise",
            "workout",
            "walking",
            "diet",
            "nutrition",
            "snack",
            "healthy",
            "weight",
            "gym",
        ],
    ),
    (
        "stress",
        &[
            "stress",
            "pressure",
            "anxious",
            "anxiety",
            "overwhelm",
            "worried",
            "panic",
        ],
    ),
    (
        "burnout",
        &[
            "burnout",
            "burnt out",
            "burned out",
            "exhaust",
            "running on empty",
            "drained",
            "day off",
        ],
    ),
    (
        "leadership",
        &[
            "leader",
            "leadership",
            "executive",
            "direct report",
            "one-on-one",
            "director",
            "manager",
            "my team",
        ],
    ),
    (
        "team retention",
        &["retention", "resign", "attrition", "quit", "leaving"],
    ),
    (
        "presenting",
        &[
            "presentation",
            "presenting",
            "deck",
            "slides",
            "board",
            "pitch",
            "rehears",
        ],
    ),
    (
        "habits",
        &[
            "habit",
            "routine",
            "every day",
            "once a week",
            "twice a week",
            "every night",
            "experiment",
        ],
    ),
    (
        "work-life balance",
        &[
            "work-life",
            "balance",
            "weekend",
            "at home",
            "family time",
            "commute",
        ],
    ),
    ("decision making", &["decision", "decide", "deciding"]),
    (
        "avoidance",
        &["avoid", "procrastinat", "putting off", "put off", "excuses"],
    ),
    (
        "returning to work",
        &[
            "career gap",
            "back to work",
            "return to work",
            "returning to work",
            "time out of work",
        ],
    ),
];

/// Frequent but topic-less verbs that should not become a theme on their own.
const GENERIC_VERBS: &[&str] = &[
    "make", "makes", "making", "made", "take", "taking", "took", "give", "keep", "look", "use",
    "call", "tell", "ask", "talk", "help", "start", "feel", "want", "need", "thing", "guess",
    "mean", "sounds", "sound", "send", "email", "share", "check", "come", "bring", "find", "write",
    "read", "book", "reply", "text", "message", "told", "asked", "sent",
];

const MIN_TOPIC_SCORE: f64 = 2.0;
const MAX_THEMES: usize = 6;
const MIN_THEMES: usize = 3;

/// Speech to draw themes from: each text with how much it counts.
pub(crate) struct WeightedText<'a> {
    pub text: &'a str,
    pub weight: f64,
}

/// Lexicon topics ranked by weighted hits.
pub(crate) fn topic_scores(texts: &[WeightedText<'_>]) -> Vec<(&'static str, f64)> {
    let mut scores: BTreeMap<&'static str, f64> = BTreeMap::new();
    for piece in texts {
        let lowered = format!(" {} ", without_annotations(piece.text).to_lowercase());
        let tokens = words(&lowered);
        for (label, stems) in TOPIC_LEXICON {
            let hits = stems
                .iter()
                .map(|stem| count_stem(stem, &lowered, &tokens))
                .sum::<usize>();
            if hits > 0 {
                *scores.entry(label).or_default() += hits as f64 * piece.weight;
            }
        }
    }
    let mut ranked: Vec<(&'static str, f64)> = scores.into_iter().collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
    ranked
}

fn count_stem(stem: &str, lowered: &str, tokens: &[String]) -> usize {
    if stem.contains(' ') {
        lowered.matches(&format!(" {stem}")).count()
    } else if stem.len() <= 3 {
        tokens.iter().filter(|t| t.as_str() == stem).count()
    } else {
        tokens.iter().filter(|t| t.starts_with(stem)).count()
    }
}

/// 3–6 short theme labels for the session.
pub(crate) fn extract_themes(texts: &[WeightedText<'_>]) -> Vec<String> {
    let mut themes: Vec<String> = topic_scores(texts)
        .into_iter()
        .filter(|(_, score)| *score >= MIN_TOPIC_SCORE)
        .take(4)
        .map(|(label, _)| label.to_string())
        .collect();
    let proper = proper_nouns(texts);
    let mut used_words: BTreeSet<String> = themes.iter().flat_map(|t| words(t)).collect();

    for phrase in recurring_bigrams(texts, &proper).into_iter().take(2) {
        if themes.len() >= MAX_THEMES {
            break;
        }
        let phrase_words: BTreeSet<String> = words(&phrase).into_iter().collect();
        if phrase_words.iter().any(|w| used_words.contains(w)) {
            continue;
        }
        used_words.extend(phrase_words);
        themes.push(phrase);
    }
    // Short sessions: weaker topics, then the most repeated words.
    for (label, _) in topic_scores(texts) {
        if themes.len() >= MIN_THEMES {
            break;
        }
        if !themes.iter().any(|t| t == label) {
            used_words.extend(words(label));
            themes.push(label.to_string());
        }
    }
    if themes.len() < MIN_THEMES {
        for word in frequent_words(texts, &proper) {
            if themes.len() >= MIN_THEMES {
                break;
            }
            if used_words.insert(word.clone()) {
                themes.push(word);
            }
        }
    }
    themes.truncate(MAX_THEMES);
    themes
}

/// Words written capitalised mid-sentence and never in lower case: names of
/// people and organisations, which are not themes.
fn proper_nouns(texts: &[WeightedText<'_>]) -> BTreeSet<String> {
    let mut capitalised = BTreeSet::new();
    let mut lowercase = BTreeSet::new();
    for piece in texts {
        let text = without_annotations(piece.text);
        for span in sentence_spans(&text) {
            for (position, raw) in text[span].split_whitespace().enumerate() {
                let word: String = raw.trim_matches(|c: char| !c.is_alphanumeric()).to_string();
                let Some(first) = word.chars().next() else {
                    continue;
                };
                let lower = word.to_lowercase();
                if first.is_uppercase() {
                    if position > 0 && word != "I" {
                        capitalised.insert(lower.trim_end_matches("'s").to_string());
                    }
                } else {
                    lowercase.insert(lower);
                }
            }
        }
    }
    capitalised.difference(&lowercase).cloned().collect()
}

fn is_theme_word(word: &str, proper: &BTreeSet<String>) -> bool {
    is_content_word(word) && !proper.contains(word) && !GENERIC_VERBS.contains(&word)
}

/// Where a phrase was said: its weighted count and the turns it came up in.
#[derive(Default)]
struct Mentions {
    weight: f64,
    turns: BTreeSet<usize>,
}

impl Mentions {
    fn add(&mut self, turn: usize, weight: f64) {
        self.weight += weight;
        self.turns.insert(turn);
    }

    /// A theme comes back over the session; a thing mentioned in passing
    /// ("the paper clip", twice in one exchange) stays in one stretch of it.
    fn recurs(&self) -> bool {
        let spread = match (self.turns.first(), self.turns.last()) {
            (Some(first), Some(last)) => last - first,
            _ => 0,
        };
        self.weight >= 2.0
            && (self.turns.len() >= MIN_TURNS_FOR_THEME
                || (self.turns.len() >= 2 && spread >= MIN_THEME_SPREAD))
    }
}

/// A phrase said in this many turns recurs wherever they are…
const MIN_TURNS_FOR_THEME: usize = 3;
/// …and one said in two turns only when this many turns apart.
const MIN_THEME_SPREAD: usize = 6;

fn ranked(counts: BTreeMap<String, Mentions>) -> Vec<String> {
    let mut ranked: Vec<(String, f64)> = counts
        .into_iter()
        .filter(|(_, mentions)| mentions.recurs())
        .map(|(phrase, mentions)| (phrase, mentions.weight))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.into_iter().map(|(phrase, _)| phrase).collect()
}

/// Adjacent content-word pairs that recur over the session, most frequent first.
fn recurring_bigrams(texts: &[WeightedText<'_>], proper: &BTreeSet<String>) -> Vec<String> {
    let mut counts: BTreeMap<String, Mentions> = BTreeMap::new();
    for (turn, piece) in texts.iter().enumerate() {
        let text = without_annotations(piece.text);
        for span in sentence_spans(&text) {
            let tokens: Vec<String> = words(&text[span])
                .into_iter()
                .map(|w| w.strip_suffix("'s").map(str::to_string).unwrap_or(w))
                .collect();
            for pair in tokens.windows(2) {
                if pair.iter().all(|w| is_theme_word(w, proper)) && pair[0] != pair[1] {
                    counts
                        .entry(format!("{} {}", pair[0], pair[1]))
                        .or_default()
                        .add(turn, piece.weight);
                }
            }
        }
    }
    ranked(counts)
}

fn frequent_words(texts: &[WeightedText<'_>], proper: &BTreeSet<String>) -> Vec<String> {
    let mut counts: BTreeMap<String, Mentions> = BTreeMap::new();
    for (turn, piece) in texts.iter().enumerate() {
        for word in content_words(&without_annotations(piece.text)) {
            if is_theme_word(&word, proper) {
                counts.entry(word).or_default().add(turn, piece.weight);
            }
        }
    }
    ranked(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_topics_and_recurring_phrases() {
        let texts = [
            WeightedText {
                text: "I can't sleep before the quarterly review. The quarterly review is all I think about, and my sleep is wrecked.",
                weight: 1.0,
            },
            WeightedText {
                text: "I never delegate. I should delegate the budget work to Marguerite, but I feel like I need to say no to more things too. Saying no is hard.",
                weight: 1.0,
            },
            WeightedText {
                text: "And the quarterly review is on Friday.",
                weight: 1.0,
            },
            WeightedText {
                text: "After the quarterly review I can breathe.",
                weight: 1.0,
            },
        ];
        let themes = extract_themes(&texts);
        assert!(themes.contains(&"sleep".to_string()), "{themes:?}");
        assert!(themes.contains(&"delegation".to_string()), "{themes:?}");
        assert!(
            themes.contains(&"quarterly review".to_string()),
            "{themes:?}"
        );
        assert!(
            themes.iter().all(|t| !t.contains("marguerite")),
            "{themes:?}"
        );
        assert!((3..=6).contains(&themes.len()), "{themes:?}");
    }

    #[test]
    fn a_thing_mentioned_in_one_exchange_is_not_a_theme() {
        let filler = "We talked about the team and the plan for the quarter.";
        let mut lines = vec![
            "Where did the spare door key go?",
            "The spare door key was in the kitchen drawer, I think.",
        ];
        lines.extend([filler; 8]);
        let texts: Vec<WeightedText<'_>> = lines
            .iter()
            .map(|text| WeightedText { text, weight: 1.0 })
            .collect();
        let themes = extract_themes(&texts);
        assert!(!themes.iter().any(|t| t.contains("door key")), "{themes:?}");
        assert!(themes.iter().any(|t| t.contains("quarter")), "{themes:?}");
    }
}
