//! Recognising `Name: text` speaker prefixes.
//!
//! The same prefix appears in Zoom WebVTT cues, SRT cues and plain-text
//! transcripts. Plain text needs stricter rules because an ordinary sentence
//! such as `Note: bring the notes` could otherwise start a new "speaker".

/// Label for text whose speaker the file does not say.
pub(crate) const UNKNOWN_SPEAKER: &str = "Unknown speaker";

const MAX_NAME_CHARS: usize = 60;
const MAX_NAME_WORDS: usize = 5;

/// Labels that introduce a note or a header field, never a person.
const NON_SPEAKER_LABELS: &[&str] = &[
    "action items",
    "agenda",
    "attendees",
    "date",
    "duration",
    "edit",
    "example",
    "important",
    "link",
    "location",
    "meeting",
    "n.b.",
    "nb",
    "note",
    "notes",
    "p.s.",
    "participants",
    "ps",
    "recorded",
    "recording",
    "session",
    "source",
    "subject",
    "summary",
    "time",
    "tip",
    "title",
    "topic",
    "transcript",
    "update",
    "warning",
];

/// Lower-case words that may appear inside a capitalised name.
const NAME_PARTICLES: &[&str] = &[
    "al", "bin", "da", "de", "del", "della", "der", "di", "du", "el", "ibn", "la", "le", "van",
    "von", "y",
];

/// How sure the surrounding format makes us that a prefix is a speaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NameRules {
    /// Inside a timed cue a leading `Label: ` is almost always the speaker,
    /// whatever its capitalisation (Zoom shows device names like `iPhone`).
    Cue,
    /// In free text we also require capitalised words, so sentences that
    /// happen to contain a colon stay part of the current turn.
    PlainText,
}

/// Splits `label: rest` at the first colon followed by a space or tab.
/// The label is returned untrimmed so callers can look for stamps in it.
pub(crate) fn split_label(line: &str) -> Option<(&str, &str)> {
    let bytes = line.as_bytes();
    let colon = bytes
        .windows(2)
        .position(|pair| pair[0] == b':' && matches!(pair[1], b' ' | b'\t'))?;
    Some((&line[..colon], &line[colon + 2..]))
}

/// `Name: text` with a plausible name → (name, text).
pub(crate) fn split_speaker_prefix(line: &str, rules: NameRules) -> Option<(&str, &str)> {
    let (label, rest) = split_label(line)?;
    let name = label.trim();
    is_speaker_name(name, rules).then_some((name, rest.trim_start()))
}

/// Whether `name` (already trimmed) can be a speaker label.
pub(crate) fn is_speaker_name(name: &str, rules: NameRules) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    let starts_with_letter = name.chars().next().is_some_and(char::is_alphabetic);
    let shape_ok = starts_with_letter
        && (1..=MAX_NAME_WORDS).contains(&words.len())
        && name.chars().count() <= MAX_NAME_CHARS
        && name.chars().all(is_name_char);
    if !shape_ok || NON_SPEAKER_LABELS.contains(&name.to_lowercase().as_str()) {
        return false;
    }
    match rules {
        NameRules::Cue => true,
        NameRules::PlainText => words.iter().all(|word| is_capitalised_name_word(word)),
    }
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric()
        || c.is_whitespace()
        || matches!(c, '.' | '\'' | '’' | '-' | '_' | '(' | ')' | '&' | '@')
}

fn is_capitalised_name_word(word: &str) -> bool {
    let first = word.trim_start_matches('(').chars().next();
    // Scripts without case (CJK, Arabic…) have no lower-case letters at all.
    first.is_some_and(|c| !c.is_lowercase()) || NAME_PARTICLES.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_names() {
        let rules = NameRules::PlainText;
        assert_eq!(
            split_speaker_prefix("Dana Whitfield: Hi.", rules),
            Some(("Dana Whitfield", "Hi."))
        );
        assert_eq!(
            split_speaker_prefix("Speaker 1: Hi", rules),
            Some(("Speaker 1", "Hi"))
        );
        assert_eq!(
            split_speaker_prefix("Ludwig van Beethoven: Da", rules),
            Some(("Ludwig van Beethoven", "Da"))
        );
        assert_eq!(
            split_speaker_prefix("José Ñúñez: Hola", rules),
            Some(("José Ñúñez", "Hola"))
        );
    }

    #[test]
    fn rejects_sentences_and_notes() {
        let rules = NameRules::PlainText;
        for line in [
            "Note: bring the notes",
            "so what I mean is: this",
            "Well, the thing is: no",
            "This Is Far Too Many Words To Be A Name: x",
            "10 things: a list",
            "At 10:30: we met",
            "Dana:no space",
        ] {
            assert_eq!(split_speaker_prefix(line, rules), None, "{line}");
        }
    }

    #[test]
    fn cue_rules_allow_lower_case_devices() {
        assert_eq!(
            split_speaker_prefix("iPhone: hello", NameRules::Cue),
            Some(("iPhone", "hello"))
        );
        assert_eq!(
            split_speaker_prefix("iPhone: hello", NameRules::PlainText),
            None
        );
    }
}
