//! The words of a passage that match the question, marked: the passage is
//! cut into fragments, each highlighted or not, so a client renders marks
//! without parsing markup out of transcript text.

use std::collections::HashSet;

use serde::Serialize;
use utoipa::ToSchema;

/// A piece of a passage's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Fragment {
    pub text: String,
    /// One of the question's words (by stem).
    pub highlighted: bool,
}

/// A word as it is compared: lower case, without the punctuation around it.
pub fn bare(word: &str) -> String {
    word.trim_matches(|c: char| !c.is_alphanumeric())
        .to_lowercase()
}

/// The distinct bare words of `texts`, for looking their stems up.
pub fn distinct_words<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut words = Vec::new();
    for text in texts {
        for word in text.split_whitespace().map(bare) {
            if !word.is_empty() && seen.insert(word.clone()) {
                words.push(word);
            }
        }
    }
    words
}

/// `text` in fragments, the words in `matching` (bare) highlighted; the
/// text's own spacing and punctuation kept.
pub fn fragments(text: &str, matching: &HashSet<String>) -> Vec<Fragment> {
    let mut pieces: Vec<Fragment> = Vec::new();
    let mut push = |piece: &str, highlighted: bool| match pieces.last_mut() {
        Some(last) if last.highlighted == highlighted => last.text.push_str(piece),
        _ if piece.is_empty() => {}
        _ => pieces.push(Fragment {
            text: piece.to_string(),
            highlighted,
        }),
    };
    let mut rest = text;
    while !rest.is_empty() {
        let word_start = rest
            .find(|c: char| !c.is_whitespace())
            .unwrap_or(rest.len());
        push(&rest[..word_start], false);
        rest = &rest[word_start..];
        let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let word = &rest[..word_end];
        // Only the word is marked, not the punctuation around it.
        let core_start = word.find(char::is_alphanumeric).unwrap_or(word.len());
        let core_end = word.rfind(char::is_alphanumeric).map_or(core_start, |i| {
            i + word[i..].chars().next().map_or(1, char::len_utf8)
        });
        let core = &word[core_start..core_end.max(core_start)];
        let marked = !core.is_empty() && matching.contains(&core.to_lowercase());
        push(&word[..core_start], false);
        push(core, marked);
        push(&word[core_end.max(core_start)..], false);
        rest = &rest[word_end..];
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matching_words_are_marked_without_their_punctuation() {
        let matching: HashSet<String> = ["delegation".to_string(), "plan".to_string()].into();
        let pieces = fragments("My plan: “Delegation,” mostly.", &matching);
        let rebuilt: String = pieces.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(rebuilt, "My plan: “Delegation,” mostly.");
        let marked: Vec<&str> = pieces
            .iter()
            .filter(|p| p.highlighted)
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(marked, ["plan", "Delegation"]);
        assert!(fragments("", &matching).is_empty());
    }

    #[test]
    fn distinct_words_are_bare_and_once_each() {
        assert_eq!(
            distinct_words(["Sleep, sleep!", "SLEEP well —"]),
            vec!["sleep".to_string(), "well".to_string()]
        );
    }
}
