//! Speaker-aware chunking for embedding and map-reduce analysis.
//!
//! Chunks are packed from whole utterances where they fit; a long utterance
//! is cut at sentence boundaries (at word boundaries only for a sentence that
//! is itself too long). Each chunk after the first repeats the last
//! `overlap_words` words of the previous one, so a thought cut at a chunk
//! boundary is still whole in one of the two chunks.

use super::model::{Chunk, Transcript, Utterance};
use super::text::sentences;

/// Chunk sizes in words (whitespace-separated tokens of the utterance text,
/// annotations included; speaker labels are not counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkConfig {
    pub max_words: usize,
    /// Clamped to half of `max_words` so every chunk has new content.
    pub overlap_words: usize,
}

/// About a minute of talk: a passage a coach can read at a glance, and
/// short enough that its embedding is about one thing (a 180-word chunk
/// averaged several topics and paraphrased questions missed it: ADR 24).
impl Default for ChunkConfig {
    fn default() -> Self {
        Self {
            max_words: 60,
            overlap_words: 15,
        }
    }
}

/// Consecutive words of one utterance.
#[derive(Debug, Clone)]
struct Piece<'a> {
    utterance: &'a Utterance,
    words: Vec<&'a str>,
}

/// Splits the transcript into chunks of at most `config.max_words` words.
pub fn chunk(transcript: &Transcript, config: &ChunkConfig) -> Vec<Chunk> {
    let max_words = config.max_words.max(1);
    let overlap_words = config.overlap_words.min(max_words / 2);
    // A piece must fit after a full overlap, so no chunk exceeds max_words.
    let piece_limit = max_words - overlap_words;

    let mut chunks = Vec::new();
    // Every emitted chunk is immediately followed by a new piece, so a
    // non-empty `current` always holds content not yet emitted.
    let mut current: Vec<Piece<'_>> = Vec::new();
    for utterance in &transcript.utterances {
        for words in split_utterance(&utterance.text, piece_limit) {
            let piece = Piece { utterance, words };
            if !current.is_empty() && word_count(&current) + piece.words.len() > max_words {
                chunks.push(build_chunk(chunks.len(), &current));
                current = tail(&current, overlap_words);
            }
            current.push(piece);
        }
    }
    if !current.is_empty() {
        chunks.push(build_chunk(chunks.len(), &current));
    }
    chunks
}

/// Word runs of at most `limit` words, each made of whole sentences unless a
/// single sentence is longer than `limit`.
fn split_utterance(text: &str, limit: usize) -> Vec<Vec<&str>> {
    let mut pieces: Vec<Vec<&str>> = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for sentence in sentences(text) {
        let words: Vec<&str> = sentence.split_whitespace().collect();
        if current.len() + words.len() > limit && !current.is_empty() {
            pieces.push(std::mem::take(&mut current));
        }
        if words.len() > limit {
            pieces.extend(words.chunks(limit).map(<[&str]>::to_vec));
        } else {
            current.extend(words);
        }
    }
    if !current.is_empty() {
        pieces.push(current);
    }
    pieces
}

fn word_count(pieces: &[Piece<'_>]) -> usize {
    pieces.iter().map(|piece| piece.words.len()).sum()
}

/// The last `words` words of the pieces, as pieces (speakers kept).
fn tail<'a>(pieces: &[Piece<'a>], words: usize) -> Vec<Piece<'a>> {
    let mut remaining = words;
    let mut tail = Vec::new();
    for piece in pieces.iter().rev() {
        if remaining == 0 {
            break;
        }
        let take = remaining.min(piece.words.len());
        tail.push(Piece {
            utterance: piece.utterance,
            words: piece.words[piece.words.len() - take..].to_vec(),
        });
        remaining -= take;
    }
    tail.reverse();
    tail
}

fn build_chunk(ordinal: usize, pieces: &[Piece<'_>]) -> Chunk {
    let mut lines: Vec<(&str, Vec<&str>)> = Vec::new();
    for piece in pieces {
        match lines.last_mut() {
            Some((speaker, words)) if *speaker == piece.utterance.speaker => {
                words.extend(&piece.words);
            }
            _ => lines.push((&piece.utterance.speaker, piece.words.clone())),
        }
    }
    let mut speakers: Vec<String> = Vec::new();
    for (speaker, _) in &lines {
        if !speakers.iter().any(|known| known == speaker) {
            speakers.push((*speaker).to_owned());
        }
    }
    let text = lines
        .iter()
        .map(|(speaker, words)| format!("{speaker}: {}", words.join(" ")))
        .collect::<Vec<_>>()
        .join("\n");
    Chunk {
        ordinal: u32::try_from(ordinal).unwrap_or(u32::MAX),
        speakers,
        start_ms: pieces.iter().find_map(|piece| piece.utterance.start_ms),
        end_ms: pieces.iter().rev().find_map(|piece| piece.utterance.end_ms),
        text,
        word_count: u32::try_from(word_count(pieces)).unwrap_or(u32::MAX),
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::TranscriptFormat;
    use super::*;

    fn numbered_sentences(prefix: &str, sentences: usize, words_each: usize) -> String {
        (0..sentences)
            .map(|s| {
                let words: Vec<String> = (0..words_each)
                    .map(|w| format!("{prefix}{s}w{w}"))
                    .collect();
                format!("{}.", words.join(" "))
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn sample() -> Transcript {
        let mut utterances = Vec::new();
        for turn in 0..12u64 {
            let (speaker, text) = match turn % 3 {
                0 => ("Coach", numbered_sentences(&format!("c{turn}s"), 2, 9)),
                1 => ("Client", numbered_sentences(&format!("k{turn}s"), 20, 12)),
                _ => (
                    "Other Client",
                    numbered_sentences(&format!("o{turn}s"), 1, 300),
                ),
            };
            utterances.push(Utterance {
                speaker: speaker.into(),
                start_ms: Some(turn * 10_000),
                end_ms: Some(turn * 10_000 + 9_000),
                text,
            });
        }
        Transcript {
            format: TranscriptFormat::WebVtt,
            utterances,
        }
    }

    fn chunk_words(chunk: &Chunk) -> Vec<&str> {
        chunk
            .text
            .lines()
            .flat_map(|line| {
                line.split_once(": ")
                    .map_or("", |(_, text)| text)
                    .split_whitespace()
            })
            .collect()
    }

    #[test]
    fn chunks_are_bounded_overlapping_and_ordered() {
        let config = ChunkConfig::default();
        let transcript = sample();
        let chunks = chunk(&transcript, &config);
        assert!(chunks.len() > 10);
        for (i, chunk) in chunks.iter().enumerate() {
            assert_eq!(chunk.ordinal as usize, i);
            let words = chunk_words(chunk);
            assert!(!words.is_empty());
            assert_eq!(words.len(), chunk.word_count as usize);
            assert!(
                words.len() <= config.max_words,
                "chunk {i} has {} words",
                words.len()
            );
            assert!(!chunk.speakers.is_empty());
            for line in chunk.text.lines() {
                let (speaker, _) = line.split_once(": ").expect("speaker label");
                assert!(chunk.speakers.iter().any(|s| s == speaker));
            }
            assert!(chunk.start_ms <= chunk.end_ms);
        }
        for pair in chunks.windows(2) {
            let previous = chunk_words(&pair[0]);
            let next = chunk_words(&pair[1]);
            let overlap = &previous[previous.len() - config.overlap_words..];
            assert_eq!(&next[..config.overlap_words], overlap);
        }
        // Every word of the transcript appears, in order, once overlaps are removed.
        let mut rebuilt: Vec<&str> = chunk_words(&chunks[0]);
        for chunk in &chunks[1..] {
            rebuilt.extend(&chunk_words(chunk)[config.overlap_words..]);
        }
        let original: Vec<&str> = transcript
            .utterances
            .iter()
            .flat_map(|u| u.text.split_whitespace())
            .collect();
        assert_eq!(rebuilt, original);
    }

    #[test]
    fn short_turns_stay_whole_and_multi_speaker() {
        let transcript = Transcript {
            format: TranscriptFormat::PlainText,
            utterances: vec![
                Utterance {
                    speaker: "A".into(),
                    start_ms: None,
                    end_ms: None,
                    text: "Hello there.".into(),
                },
                Utterance {
                    speaker: "B".into(),
                    start_ms: None,
                    end_ms: None,
                    text: "Hi. [laughs]".into(),
                },
            ],
        };
        let chunks = chunk(&transcript, &ChunkConfig::default());
        assert_eq!(chunks.len(), 1);
        assert_eq!(chunks[0].text, "A: Hello there.\nB: Hi. [laughs]");
        assert_eq!(chunks[0].speakers, vec!["A".to_owned(), "B".to_owned()]);
        assert_eq!((chunks[0].word_count, chunks[0].start_ms), (4, None));
    }

    #[test]
    fn long_utterances_split_at_sentences_and_degenerate_configs_terminate() {
        let text = numbered_sentences("s", 10, 10);
        let pieces = split_utterance(&text, 35);
        assert!(pieces
            .iter()
            .all(|piece| piece.len() == 30 || piece.len() == 10));
        assert!(pieces
            .iter()
            .all(|piece| piece.last().is_some_and(|w| w.ends_with('.'))));
        let transcript = sample();
        for config in [
            ChunkConfig {
                max_words: 0,
                overlap_words: 0,
            },
            ChunkConfig {
                max_words: 1,
                overlap_words: 5,
            },
            ChunkConfig {
                max_words: 10,
                overlap_words: 50,
            },
        ] {
            let chunks = chunk(&transcript, &config);
            assert!(chunks
                .iter()
                .all(|c| c.word_count as usize <= config.max_words.max(1)));
        }
        assert!(chunk(
            &Transcript {
                format: TranscriptFormat::Srt,
                utterances: vec![]
            },
            &ChunkConfig::default()
        )
        .is_empty());
    }
}
