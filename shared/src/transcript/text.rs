//! Word and sentence helpers shared by metrics and chunking.

/// Counts spoken words: bracketed annotations such as `[laughs]`,
/// `[crosstalk]` or `(inaudible)` are not speech, and neither are tokens
/// without a letter or digit (a lone dash).
pub fn spoken_words(text: &str) -> usize {
    without_annotations(text)
        .split_whitespace()
        .filter(|token| token.chars().any(char::is_alphanumeric))
        .count()
}

/// Removes `[…]` and `(…)` spans; an unclosed bracket is kept as text.
pub(crate) fn without_annotations(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Once a closer is missing from the rest of the text it stays missing;
    // remembering that keeps `((((…` linear instead of quadratic.
    let mut closer_missing = [false, false];
    while let Some(open_at) = rest.find(['[', '(']) {
        out.push_str(&rest[..open_at]);
        let (close, slot) = if rest[open_at..].starts_with('[') {
            (']', 0)
        } else {
            (')', 1)
        };
        let after_open = &rest[open_at + 1..];
        let close_at = if closer_missing[slot] {
            None
        } else {
            after_open.find(close)
        };
        match close_at {
            Some(close_at) => {
                // Keep the words on either side apart.
                out.push(' ');
                rest = &after_open[close_at + 1..];
            }
            None => {
                closer_missing[slot] = true;
                out.push_str(&rest[open_at..=open_at]);
                rest = after_open;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Splits text into sentences after `.`, `!`, `?` or `…` (plus closing
/// quotes or brackets) followed by whitespace. Each sentence is trimmed.
pub(crate) fn sentences(text: &str) -> Vec<&str> {
    let mut result = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?' | '…') {
            continue;
        }
        while let Some(&(_, next)) = chars.peek() {
            if matches!(
                next,
                '.' | '!' | '?' | '…' | '"' | '\'' | '’' | '”' | ')' | ']'
            ) {
                chars.next();
            } else {
                break;
            }
        }
        if let Some(&(at, next)) = chars.peek() {
            if next.is_whitespace() {
                push_trimmed(&mut result, &text[start..at]);
                start = at;
            }
        }
    }
    push_trimmed(&mut result, &text[start..]);
    result
}

fn push_trimmed<'a>(sentences: &mut Vec<&'a str>, sentence: &'a str) {
    let sentence = sentence.trim();
    if !sentence.is_empty() {
        sentences.push(sentence);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_are_not_spoken() {
        assert_eq!(spoken_words("I'm in a parked car. [laughs] It's quiet."), 7);
        assert_eq!(spoken_words("Well (inaudible) yes [crosstalk]"), 2);
        assert_eq!(spoken_words("so - um — right"), 3);
        assert_eq!(spoken_words("unclosed [bracket here"), 3);
        assert_eq!(spoken_words("word[note]word"), 2);
        assert_eq!(spoken_words(""), 0);
    }

    #[test]
    fn sentence_split() {
        assert_eq!(
            sentences("Okay. Where do you want to start? \"Really?\" he said… Fine!"),
            vec![
                "Okay.",
                "Where do you want to start?",
                "\"Really?\"",
                "he said…",
                "Fine!"
            ]
        );
        assert_eq!(
            sentences("It is 3.5 percent. Next"),
            vec!["It is 3.5 percent.", "Next"]
        );
    }
}
