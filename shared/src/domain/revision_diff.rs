//! What changed between two versions of a text, word by word: the spans a
//! screen shows struck through and underlined. `similar` finds the changes;
//! this only merges neighbouring pieces of one kind into one span.

use serde::Serialize;
use similar::{ChangeTag, TextDiff};
use utoipa::ToSchema;

/// One run of text the two versions share, or that one of them alone has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct DiffSpan {
    pub op: DiffOp,
    /// The words, with the spaces and line breaks between them.
    pub text: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiffOp {
    /// In both versions.
    Equal,
    /// Only in the newer version.
    Insert,
    /// Only in the older version.
    Delete,
}

/// `old` to `new` as spans; reading the `equal` and `delete` spans gives
/// `old` back, the `equal` and `insert` spans give `new`.
pub fn word_diff(old: &str, new: &str) -> Vec<DiffSpan> {
    let diff = TextDiff::configure().diff_words(old, new);
    let mut spans: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => DiffOp::Equal,
            ChangeTag::Insert => DiffOp::Insert,
            ChangeTag::Delete => DiffOp::Delete,
        };
        match spans.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => spans.push(DiffSpan {
                op,
                text: change.value().to_owned(),
            }),
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(spans: &[DiffSpan], skip: DiffOp) -> String {
        spans
            .iter()
            .filter(|span| span.op != skip)
            .map(|span| span.text.as_str())
            .collect()
    }

    #[test]
    fn changed_words_are_spans_and_both_sides_read_back() {
        let old = "Thanks for today.\nTry the breathing exercise.";
        let new = "Thank you so much for today.\nTry the breathing exercise each morning.";
        let spans = word_diff(old, new);
        assert_eq!(side(&spans, DiffOp::Insert), old);
        assert_eq!(side(&spans, DiffOp::Delete), new);
        assert!(spans.contains(&DiffSpan {
            op: DiffOp::Delete,
            text: "Thanks".into()
        }));
        assert!(spans
            .iter()
            .any(|s| s.op == DiffOp::Insert && s.text.contains("morning")));
        // Neighbours of one kind are merged: no two spans in a row share one.
        assert!(spans.windows(2).all(|pair| pair[0].op != pair[1].op));
    }

    #[test]
    fn the_same_text_is_one_equal_span() {
        assert_eq!(
            word_diff("Same words.", "Same words."),
            vec![DiffSpan {
                op: DiffOp::Equal,
                text: "Same words.".into()
            }]
        );
        assert!(word_diff("", "").is_empty());
    }
}
