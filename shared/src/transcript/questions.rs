//! Finding questions and telling open from closed ones, by their first
//! words: "What…", "How…", "Tell me…" invite the client to explore; "Do…",
//! "Is…", "Can…" invite a yes or no.

use super::text::{sentences, without_annotations};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum QuestionKind {
    Open,
    Closed,
    /// A question we cannot classify from its opening ("Big week?").
    Unclassified,
}

/// Openings of open questions, as lower-case word sequences.
const OPEN_OPENINGS: &[&[&str]] = &[
    &["what"],
    &["what's"],
    &["whats"],
    &["what'd"],
    &["how"],
    &["how's"],
    &["how'd"],
    &["why"],
    &["why's"],
    &["where"],
    &["where's"],
    &["who"],
    &["who's"],
    &["whom"],
    &["whose"],
    &["which"],
    &["when"],
    &["when's"],
    &["tell", "me"],
    &["describe"],
    &["explain"],
    &["in", "what"],
    &["to", "what", "extent"],
    &["walk", "me"],
    &["talk", "me"],
    &["help", "me", "understand"],
    &["say", "more"],
    // Grammatically yes/no, but in practice invitations to talk.
    &["can", "you", "tell"],
    &["could", "you", "tell"],
    &["would", "you", "tell"],
    &["can", "you", "describe"],
    &["could", "you", "describe"],
    &["can", "you", "say", "more"],
    &["could", "you", "say", "more"],
    &["can", "you", "walk"],
    &["could", "you", "walk"],
];

/// First words of yes/no questions.
const CLOSED_OPENINGS: &[&str] = &[
    "am",
    "are",
    "aren't",
    "can",
    "can't",
    "could",
    "couldn't",
    "did",
    "didn't",
    "do",
    "does",
    "doesn't",
    "don't",
    "had",
    "hadn't",
    "has",
    "hasn't",
    "have",
    "haven't",
    "is",
    "isn't",
    "may",
    "might",
    "must",
    "shall",
    "should",
    "shouldn't",
    "was",
    "wasn't",
    "were",
    "weren't",
    "will",
    "won't",
    "would",
    "wouldn't",
];

/// Discourse words skipped before the question proper ("So, what…").
const FILLERS: &[&str] = &[
    "alright", "also", "and", "but", "er", "erm", "hmm", "ok", "okay", "oh", "or", "now", "right",
    "so", "then", "uh", "um", "uhm", "well", "yeah",
];

/// The kind of every question (sentence ending in `?`) in the text.
pub(crate) fn questions(text: &str) -> impl Iterator<Item = QuestionKind> + '_ {
    sentences(text)
        .into_iter()
        .filter(|sentence| is_question(sentence))
        .map(classify)
}

fn is_question(sentence: &str) -> bool {
    sentence
        .trim_end_matches(['"', '\'', '’', '”', ')', ']', '.', '!', '…'])
        .ends_with('?')
}

/// Classifies by the whole sentence, then by each clause after a comma or
/// dash, so "Tobias, what would it take?" is still open.
fn classify(sentence: &str) -> QuestionKind {
    let plain = without_annotations(sentence);
    std::iter::once(plain.as_str())
        .chain(plain.split([',', ';', '—', '–']).skip(1))
        .map(classify_clause)
        .find(|kind| *kind != QuestionKind::Unclassified)
        .unwrap_or(QuestionKind::Unclassified)
}

fn classify_clause(clause: &str) -> QuestionKind {
    let words: Vec<String> = clause.split_whitespace().map(normalize_word).collect();
    let first_content = words
        .iter()
        .position(|word| !word.is_empty() && !FILLERS.contains(&word.as_str()))
        .unwrap_or(words.len());
    let words = &words[first_content..];
    let opens_with = |phrase: &&[&str]| {
        phrase.len() <= words.len() && phrase.iter().zip(words).all(|(p, w)| p == w)
    };
    if OPEN_OPENINGS.iter().any(opens_with) {
        QuestionKind::Open
    } else if words
        .first()
        .is_some_and(|w| CLOSED_OPENINGS.contains(&w.as_str()))
    {
        QuestionKind::Closed
    } else {
        QuestionKind::Unclassified
    }
}

/// Lower-case, straight apostrophes, no surrounding punctuation.
fn normalize_word(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '\'' && c != '’')
        .trim_matches(['\'', '’'])
        .to_lowercase()
        .replace('’', "'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use QuestionKind::{Closed, Open, Unclassified};

    fn kinds(text: &str) -> Vec<QuestionKind> {
        questions(text).collect()
    }

    #[test]
    fn open_closed_and_unclassified() {
        assert_eq!(kinds("Okay. Where do you want to start?"), vec![Open]);
        assert_eq!(kinds("So what's your gut telling you?"), vec![Open]);
        assert_eq!(kinds("Tell me what a night shift looks like?"), vec![Open]);
        assert_eq!(
            kinds("Is that the job now? Being a layer removed?"),
            vec![Closed, Unclassified]
        );
        assert_eq!(kinds("Or is it evening for you?"), vec![Closed]);
        assert_eq!(kinds("Can you tell me more about that?"), vec![Open]);
        assert_eq!(kinds("Tobias, what would it take?"), vec![Open]);
        assert_eq!(kinds("Is that, you know, the real issue?"), vec![Closed]);
        assert_eq!(kinds("[laughs] Don’t you think?"), vec![Closed]);
        assert_eq!(kinds("“How did she do?”"), vec![Open]);
        assert_eq!(kinds("No questions here. None!"), vec![]);
    }
}
