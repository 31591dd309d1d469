//! Small text helpers shared by the local analyser: sentence spans (so quotes
//! stay exact substrings), tokens, stopwords and regex construction.

use std::collections::BTreeSet;
use std::ops::Range;

use regex::Regex;

pub(crate) use crate::domain::text::first_name;

/// Builds a case-insensitive regex in which every `'` also accepts the
/// typographic apostrophe, since transcripts use both.
pub(crate) fn pattern(source: &str) -> Regex {
    let with_apostrophes = source.replace('\'', "['’]");
    Regex::new(&format!("(?i){with_apostrophes}")).expect("valid regex")
}

/// Abbreviations whose trailing full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "prof", "st", "vs", "etc", "e.g", "i.e", "a.m", "p.m", "approx", "no",
    "jr", "sr",
];

/// Byte ranges of the sentences of `text`, trimmed of surrounding whitespace.
pub(crate) fn sentence_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut start = 0;
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (position, &(index, c)) in chars.iter().enumerate() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        // Keep runs like "?!" or "..." together.
        if let Some(&(_, next)) = chars.get(position + 1) {
            if matches!(next, '.' | '!' | '?' | '"' | '”' | '\'' | '’' | ')') {
                continue;
            }
            if !next.is_whitespace() {
                continue;
            }
        }
        if c == '.' && is_abbreviation(&text[start..index], &text[index + 1..]) {
            continue;
        }
        let end = index + c.len_utf8();
        push_trimmed(text, start..end, &mut spans);
        start = end;
    }
    push_trimmed(text, start..text.len(), &mut spans);
    spans
}

fn is_abbreviation(before_dot: &str, after_dot: &str) -> bool {
    let mut previous_words = before_dot.rsplit(|c: char| c.is_whitespace() || c == '(');
    let word = previous_words.next().unwrap_or("");
    if ABBREVIATIONS.contains(&word.to_lowercase().as_str()) {
        return true;
    }
    // An initial ("John F. Kennedy"): a capital letter after a capitalised
    // word and before one; "Q and A. Next" ends a sentence.
    let is_initial = word.len() == 1 && word.chars().all(|c| c.is_uppercase());
    let capitalised = |w: &str| w.chars().next().is_some_and(char::is_uppercase);
    let before = previous_words.find(|w| !w.is_empty()).unwrap_or("");
    let after = after_dot.split_whitespace().next().unwrap_or("");
    is_initial && capitalised(before) && capitalised(after)
}

/// Longest span taken as one sentence. Transcripts without punctuation
/// (some captioning tools) would otherwise be one "sentence" of thousands of
/// words, quoted whole into summaries and emails.
const MAX_SENTENCE_WORDS: usize = 60;

fn push_trimmed(text: &str, range: Range<usize>, spans: &mut Vec<Range<usize>>) {
    let slice = &text[range.clone()];
    let leading = slice.len() - slice.trim_start().len();
    let trailing = slice.len() - slice.trim_end().len();
    if slice.trim().is_empty() {
        return;
    }
    let trimmed = range.start + leading..range.end - trailing;
    // Cut an over-long span at word boundaries, keeping every word.
    let mut start = trimmed.start;
    let mut words = 0;
    let mut in_word = false;
    for (offset, c) in text[trimmed.clone()].char_indices() {
        let at = trimmed.start + offset;
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        if !in_word {
            if words == MAX_SENTENCE_WORDS {
                let piece = &text[start..at];
                spans.push(start..start + piece.trim_end().len());
                start = at;
                words = 0;
            }
            words += 1;
            in_word = true;
        }
    }
    spans.push(start..trimmed.end);
}

/// Moves a span's start past leading bracketed annotations such as `[pause]`.
pub(crate) fn skip_leading_annotations(text: &str, span: Range<usize>) -> Range<usize> {
    let mut start = span.start;
    loop {
        let rest = &text[start..span.end];
        if !rest.starts_with('[') {
            break;
        }
        let Some(close) = rest.find(']') else { break };
        let after = &rest[close + 1..];
        let skipped = close + 1 + (after.len() - after.trim_start().len());
        if start + skipped >= span.end {
            break;
        }
        start += skipped;
    }
    start..span.end
}

/// Removes bracketed annotations (`[laughs]`) which are not spoken words.
pub(crate) fn without_annotations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars() {
        match c {
            '[' => depth += 1,
            ']' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Word tokens as written (letters, digits, inner apostrophes and hyphens).
fn raw_words(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’' || c == '-'))
        .map(|w| w.trim_matches(|c: char| c == '\'' || c == '’' || c == '-'))
        .filter(|w| !w.is_empty())
}

/// Lower-cased word tokens.
pub(crate) fn words(text: &str) -> Vec<String> {
    raw_words(text)
        .map(|w| w.replace('’', "'").to_lowercase())
        .collect()
}

/// Content words: not stopwords or fillers, at least three letters (or a
/// two-letter acronym such as "HR"), with a possessive `'s` removed.
pub(crate) fn content_words(text: &str) -> Vec<String> {
    raw_words(text)
        .filter_map(|raw| {
            let acronym = raw.len() == 2 && raw.chars().all(|c| c.is_ascii_uppercase());
            let word = raw.replace('’', "'").to_lowercase();
            let word = word.strip_suffix("'s").map(str::to_string).unwrap_or(word);
            (acronym || is_content_word(&word)).then_some(word)
        })
        .collect()
}

pub(crate) fn content_set(text: &str) -> BTreeSet<String> {
    content_words(text).into_iter().collect()
}

pub(crate) fn is_content_word(word: &str) -> bool {
    word.chars().count() >= 3
        && !word.chars().all(|c| c.is_ascii_digit())
        && !STOPWORDS.contains(&word)
}

/// Jaccard similarity of two word sets.
pub(crate) fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 0.0;
    }
    a.intersection(b).count() as f64 / a.union(b).count() as f64
}

pub(crate) fn is_question(sentence: &str) -> bool {
    sentence
        .trim_end_matches(['"', '”', '\'', ')'])
        .ends_with('?')
}

/// Capitalises the first letter.
pub(crate) fn capitalise_first(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The part of a display name used to greet someone.
/// "a", "a and b", "a, b and c".
pub(crate) fn listed<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [rest @ .., last] => {
            let rest: Vec<&str> = rest.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", rest.join(", "), last.as_ref())
        }
    }
}

/// Function words, conversational fillers and very common verbs that carry no
/// topic. Generic English only.
#[rustfmt::skip]
pub(crate) const STOPWORDS: &[&str] = &[
    "a", "about", "above", "actually", "after", "afternoon", "again", "against", "ago", "ah",
    "all", "almost", "along", "already", "alright", "also", "although", "always", "am", "an",
    "and", "another", "any", "anybody", "anyone", "anything", "anyway", "are", "aren't", "around",
    "as", "at", "away", "awesome", "back", "bad", "basically", "be", "because", "been", "before",
    "being", "best", "better", "between", "big", "bit", "both", "but", "by", "bye", "came", "can",
    "can't", "cannot", "come", "comes", "coming", "cool", "could", "couldn't", "day", "days",
    "definitely", "did", "didn't", "different", "do", "does", "doesn't", "doing", "don't", "done",
    "down", "during", "each", "eight", "either", "else", "end", "enough", "etc", "even", "evening",
    "ever", "every", "everyone", "everything", "exactly", "fair", "feel", "feels", "felt", "few",
    "fifty", "fine", "first", "five", "for", "forty", "four", "friday", "from", "get", "gets",
    "getting", "go", "goes", "going", "gonna", "good", "got", "gotta", "gotten", "great", "guess",
    "ha", "had", "hadn't", "haha", "happen", "has", "hasn't", "have", "haven't", "having", "he",
    "he'd", "he'll", "he's", "hear", "heard", "hello", "her", "here", "hers", "herself", "hey",
    "hi", "him", "himself", "his", "hm", "hmm", "honestly", "hour", "hours", "how", "however",
    "huh", "hundred", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "instead", "into", "is",
    "isn't", "it", "it'd", "it'll", "it's", "its", "itself", "just", "kind", "knew", "know",
    "known", "last", "later", "least", "less", "let", "let's", "like", "likely", "literally",
    "little", "long", "lot", "lots", "many", "may", "maybe", "me", "mean", "means", "meant",
    "might", "mine", "minute", "minutes", "mm", "mm-hm", "monday", "month", "months", "more",
    "morning", "most", "mostly", "much", "must", "my", "myself", "need", "needs", "never", "new",
    "next", "nice", "night", "nine", "no", "nobody", "none", "nope", "nor", "not", "nothing",
    "now", "obviously", "of", "off", "often", "oh", "ok", "okay", "old", "on", "once", "one",
    "ones", "only", "onto", "oof", "or", "other", "others", "ought", "our", "ours", "ourselves",
    "out", "over", "own", "part", "people", "perfect", "perhaps", "place", "please", "point",
    "pretty", "probably", "put", "quite", "rather", "really", "right", "said", "same", "saturday",
    "saw", "say", "saying", "says", "second", "see", "seem", "seems", "seen", "seven", "she",
    "she'd", "she'll", "she's", "should", "shouldn't", "since", "six", "so", "some", "somebody",
    "someone", "something", "sometimes", "somewhere", "soon", "sorry", "sort", "still", "stuff",
    "such", "sunday", "sure", "ten", "than", "thank", "thanks", "that", "that'd", "that'll",
    "that's", "the", "their", "theirs", "them", "themselves", "then", "there", "there's", "these",
    "they", "they'd", "they'll", "they're", "they've", "thing", "things", "think", "thinking",
    "thirty", "this", "those", "though", "thought", "three", "through", "thursday", "time",
    "times", "to", "today", "told", "tomorrow", "tonight", "too", "totally", "toward", "towards",
    "tried", "true", "try", "trying", "tuesday", "twenty", "two", "uh", "um", "under", "until",
    "up", "upon", "us", "usually", "very", "via", "wait", "wanna", "want", "wanted", "wants",
    "was", "wasn't", "way", "we", "we'd", "we'll", "we're", "we've", "wednesday", "week", "weeks",
    "well", "went", "were", "weren't", "what", "what's", "whatever", "whatnot", "when", "where",
    "whether", "which", "while", "who", "who's", "whole", "whom", "whose", "why", "will", "with",
    "within", "without", "won't", "work", "would", "wouldn't", "wow", "yeah", "year", "years",
    "yep", "yes", "yesterday", "yet", "you", "you'd", "you'll", "you're", "you've", "your",
    "yours", "yourself", "yourselves", "zero",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_sentences_keeping_abbreviations() {
        let text = "Yes. I'll phone Dr. Smith at the surgery tomorrow. Done? Great! A mock Q and A. I'll play John F. Kennedy.";
        let sentences: Vec<&str> = sentence_spans(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(
            sentences,
            vec![
                "Yes.",
                "I'll phone Dr. Smith at the surgery tomorrow.",
                "Done?",
                "Great!",
                "A mock Q and A.",
                "I'll play John F. Kennedy."
            ]
        );
    }

    #[test]
    fn unpunctuated_speech_is_cut_into_bounded_sentences_that_keep_every_word() {
        let text: String = (0..1000).map(|i| format!("word{i} ")).collect();
        let spans = sentence_spans(&text);
        assert!(spans.len() >= 1000 / MAX_SENTENCE_WORDS);
        let mut rebuilt = Vec::new();
        for span in &spans {
            let words: Vec<&str> = text[span.clone()].split_whitespace().collect();
            assert!(words.len() <= MAX_SENTENCE_WORDS, "{} words", words.len());
            assert_eq!(text[span.clone()].trim(), &text[span.clone()]);
            rebuilt.extend(words);
        }
        assert_eq!(rebuilt, text.split_whitespace().collect::<Vec<_>>());
    }

    #[test]
    fn skips_annotations() {
        let text = "[pause] I'm going to tell him tonight.";
        let span = skip_leading_annotations(text, 0..text.len());
        assert_eq!(&text[span], "I'm going to tell him tonight.");
        assert_eq!(without_annotations("Yes [laughs] okay"), "Yes okay");
    }

    #[test]
    fn content_words_drop_fillers() {
        assert_eq!(
            content_words("Um, I'll send the draft proposal to Marc's team"),
            vec!["send", "draft", "proposal", "marc", "team"]
        );
        assert_eq!(content_words("Email HR on it"), vec!["email", "hr"]);
    }
}
