//! Finding a model's quote in the transcript. Models paraphrase a little
//! when they quote (curly quotes straightened, an "um" dropped, a word's
//! case changed), so the match is tolerant; what is shown is always the
//! transcript's own words, never the model's version of them. A claim whose
//! quote cannot be found is not shown at all.

use crate::ai::analyst::AttributedUtterance;

/// Quotes shorter than this (in words) must match exactly: a fuzzy match
/// of two or three words finds something almost anywhere.
const FUZZY_MIN_WORDS: usize = 5;
/// The share of a quote's words that must appear, in order, in one
/// utterance for a fuzzy match.
const FUZZY_MIN_SHARE: f64 = 0.85;

/// Where a quote was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Grounded {
    /// Index into the request's utterances.
    pub utterance: usize,
    /// The transcript's words the quote stands for.
    pub quote: String,
}

/// The transcript, normalised once for every quote looked up in it.
pub(crate) struct Transcript<'a> {
    utterances: Vec<NormalisedText<'a>>,
}

impl<'a> Transcript<'a> {
    pub fn new(utterances: &'a [AttributedUtterance]) -> Self {
        Self {
            utterances: utterances
                .iter()
                .map(|u| NormalisedText::new(&u.text))
                .collect(),
        }
    }

    /// How many utterances (numbered lines) the transcript has.
    pub fn lines(&self) -> usize {
        self.utterances.len()
    }

    /// The utterance `quote` comes from and the transcript's words for it.
    /// Only the utterances `only` accepts are searched (a commitment or a
    /// risk belongs to whoever said it).
    pub fn find(&self, quote: &str, only: impl Fn(usize) -> bool) -> Option<Grounded> {
        let wanted = NormalisedText::new(quote);
        if wanted.words.is_empty() {
            return None;
        }
        let candidates = || {
            self.utterances
                .iter()
                .enumerate()
                .filter(|(index, _)| only(*index))
        };
        for (index, text) in candidates() {
            if let Some(span) = text.exact(&wanted) {
                return Some(Grounded {
                    utterance: index,
                    quote: span.to_string(),
                });
            }
        }
        if wanted.words.len() < FUZZY_MIN_WORDS {
            return None;
        }
        candidates()
            .filter_map(|(index, text)| {
                text.fuzzy(&wanted)
                    .map(|(share, span)| (share, index, span))
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, index, span)| Grounded {
                utterance: index,
                quote: span.to_string(),
            })
    }
}

/// Words, lower-cased, apostrophes straightened, punctuation dropped, each
/// with its byte range in the original text.
struct NormalisedText<'a> {
    original: &'a str,
    words: Vec<(String, std::ops::Range<usize>)>,
}

impl<'a> NormalisedText<'a> {
    fn new(original: &'a str) -> Self {
        let mut words = Vec::new();
        let mut current = String::new();
        let mut start = None;
        for (index, c) in original.char_indices() {
            if c.is_alphanumeric() || (matches!(c, '\'' | '’') && start.is_some()) {
                if start.is_none() {
                    start = Some(index);
                }
                if c == '’' {
                    current.push('\'');
                } else {
                    current.extend(c.to_lowercase());
                }
            } else if let Some(from) = start.take() {
                words.push((finish_word(&mut current), from..index));
            }
        }
        if let Some(from) = start {
            words.push((finish_word(&mut current), from..original.len()));
        }
        Self { original, words }
    }

    /// The original text from word `first` to word `last`.
    fn span(&self, first: usize, last: usize) -> &'a str {
        &self.original[self.words[first].1.start..self.words[last].1.end]
    }

    /// The words of `wanted` in a row.
    fn exact(&self, wanted: &NormalisedText<'_>) -> Option<&'a str> {
        let n = wanted.words.len();
        if n > self.words.len() {
            return None;
        }
        (0..=self.words.len() - n)
            .find(|&start| {
                self.words[start..start + n]
                    .iter()
                    .zip(&wanted.words)
                    .all(|(have, want)| have.0 == want.0)
            })
            .map(|start| self.span(start, start + n - 1))
    }

    /// The best in-order match of `wanted`'s words within a window of this
    /// text a little longer than the quote: the share matched and the span.
    fn fuzzy(&self, wanted: &NormalisedText<'_>) -> Option<(f64, &'a str)> {
        let n = wanted.words.len();
        let needed = (n as f64 * FUZZY_MIN_SHARE).ceil() as usize;
        // Cheap pre-check: enough of the quote's words occur at all.
        let present = wanted
            .words
            .iter()
            .filter(|(w, _)| self.words.iter().any(|(have, _)| have == w))
            .count();
        if present < needed {
            return None;
        }
        let window = n + n / 4 + 1;
        let mut best: Option<(usize, usize, usize)> = None;
        for start in 0..self.words.len() {
            // A match starts on one of the quote's first few words.
            if !wanted.words[..n - needed + 1]
                .iter()
                .any(|(w, _)| *w == self.words[start].0)
            {
                continue;
            }
            let end = (start + window).min(self.words.len());
            let (matched, last) = in_order(&wanted.words, &self.words[start..end]);
            if matched >= needed && best.is_none_or(|(m, _, _)| matched > m) {
                best = Some((matched, start, start + last));
            }
        }
        best.map(|(matched, first, last)| (matched as f64 / n as f64, self.span(first, last)))
    }
}

fn finish_word(current: &mut String) -> String {
    let word = std::mem::take(current);
    word.trim_end_matches('\'').to_string()
}

/// The longest common subsequence of two word lists: its length and the
/// index in `text` of its last word.
fn in_order(
    wanted: &[(String, std::ops::Range<usize>)],
    text: &[(String, std::ops::Range<usize>)],
) -> (usize, usize) {
    let mut table = vec![vec![0usize; text.len() + 1]; wanted.len() + 1];
    for i in 1..=wanted.len() {
        for j in 1..=text.len() {
            table[i][j] = if wanted[i - 1].0 == text[j - 1].0 {
                table[i - 1][j - 1] + 1
            } else {
                table[i - 1][j].max(table[i][j - 1])
            };
        }
    }
    let matched = table[wanted.len()][text.len()];
    // The first column of the last row that reaches the full length is
    // where the match ends.
    let last = (1..=text.len())
        .find(|&j| table[wanted.len()][j] == matched)
        .map_or(0, |j| j - 1);
    (matched, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::analyst::SpeakerRole;

    fn utterances(texts: &[&str]) -> Vec<AttributedUtterance> {
        texts
            .iter()
            .map(|text| AttributedUtterance {
                speaker: "Someone".to_string(),
                role: SpeakerRole::Unknown,
                start_ms: None,
                text: text.to_string(),
            })
            .collect()
    }

    #[test]
    fn a_quote_is_found_despite_case_punctuation_and_curly_apostrophes() {
        let said = utterances(&[
            "Right, let's start.",
            "Honestly? I’ll send Marta the rota tonight, before I forget.",
        ]);
        let transcript = Transcript::new(&said);
        let found = transcript
            .find("i'll send marta the rota tonight", |_| true)
            .unwrap();
        assert_eq!(found.utterance, 1);
        assert_eq!(found.quote, "I’ll send Marta the rota tonight");
    }

    #[test]
    fn a_quote_with_a_filler_word_dropped_is_found_as_spoken() {
        let said = utterances(&["So I'll um book the physio for Thursday morning then."]);
        let transcript = Transcript::new(&said);
        let found = transcript
            .find("I'll book the physio for Thursday morning", |_| true)
            .unwrap();
        assert_eq!(found.quote, "I'll um book the physio for Thursday morning");
    }

    #[test]
    fn an_invented_quote_is_not_found() {
        let said = utterances(&[
            "I'll send Marta the rota tonight.",
            "We talked about the rota and Marta at length.",
        ]);
        let transcript = Transcript::new(&said);
        assert_eq!(
            transcript.find("I promised to email my manager the whole rota", |_| true),
            None
        );
        // Short quotes must match exactly.
        assert_eq!(transcript.find("send the rota", |_| true), None);
    }

    #[test]
    fn only_the_allowed_utterances_are_searched() {
        let said = utterances(&["I'll call the clinic today.", "I'll call the clinic today."]);
        let transcript = Transcript::new(&said);
        let found = transcript
            .find("I'll call the clinic today", |index| index == 1)
            .unwrap();
        assert_eq!(found.utterance, 1);
        assert_eq!(transcript.find("call the clinic", |_| false), None);
    }
}
