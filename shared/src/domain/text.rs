//! Text people type into fields, checked at the edge: PostgreSQL cannot
//! store NUL, and other control characters would break logs, mail headers
//! and the transcript speaker matching downstream.

/// Why a text field was refused; the message is for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidText {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must not contain control characters")]
    ControlCharacter,
}

/// A one-line label (a name, a title, a tag, a speaker label): trimmed,
/// 1 to `max` characters, no control characters at all.
pub fn label(raw: &str, max: usize) -> Result<String, InvalidText> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(InvalidText::Empty);
    }
    if text.chars().any(char::is_control) {
        return Err(InvalidText::ControlCharacter);
    }
    within(text, max)
}

/// Free text (notes): may be empty and span lines and tabs, but holds no
/// other control characters; at most `max` characters.
pub fn prose(raw: &str, max: usize) -> Result<String, InvalidText> {
    if raw
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(InvalidText::ControlCharacter);
    }
    within(raw, max)
}

/// The first word of a full name, as an email addresses its reader.
pub fn first_name(full_name: &str) -> &str {
    full_name.split_whitespace().next().unwrap_or(full_name)
}

fn within(text: &str, max: usize) -> Result<String, InvalidText> {
    if text.chars().count() > max {
        return Err(InvalidText::TooLong { max });
    }
    Ok(text.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_is_trimmed_and_refuses_empty_long_or_control_text() {
        assert_eq!(label("  Tobias Renner ", 200), Ok("Tobias Renner".into()));
        assert_eq!(label("   ", 200), Err(InvalidText::Empty));
        assert_eq!(label("abc", 2), Err(InvalidText::TooLong { max: 2 }));
        for bad in ["Tob\0ias", "a\nb", "a\u{1b}[31m", "tab\there", "del\u{7f}"] {
            assert_eq!(
                label(bad, 200),
                Err(InvalidText::ControlCharacter),
                "{bad:?}"
            );
        }
        assert_eq!(label("Zoë 🙂", 200), Ok("Zoë 🙂".into()));
    }

    #[test]
    fn prose_keeps_lines_and_tabs_but_no_other_control_characters() {
        assert_eq!(prose("", 10), Ok(String::new()));
        assert_eq!(prose("a\n\tb\r\n", 10), Ok("a\n\tb\r\n".into()));
        assert_eq!(prose("a\0b", 10), Err(InvalidText::ControlCharacter));
        assert_eq!(prose("a\u{7}b", 10), Err(InvalidText::ControlCharacter));
        assert_eq!(prose("abcdef", 5), Err(InvalidText::TooLong { max: 5 }));
    }
}
