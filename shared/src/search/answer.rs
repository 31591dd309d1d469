//! An answer made of the passages found, each sentence citing the passage
//! it rests on. Without a language model it quotes the best passages'
//! best lines; no sentence is written that a passage does not carry.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Passage, PassageKind};

/// Passages an answer quotes at most.
const QUOTED: usize = 3;
/// Words of a quoted line at most.
const QUOTE_WORDS: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Answer {
    pub sentences: Vec<AnswerSentence>,
    /// How it was written.
    pub written_by: AnswerSource,
}

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AnswerSentence {
    pub text: String,
    /// 1-based positions in the response's `passages`; never empty.
    pub citations: Vec<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AnswerSource {
    /// The best passages quoted (no language model).
    Quoted,
    /// Written by the language model from the passages.
    LanguageModel,
}

/// The best passages' most relevant lines, quoted with their source;
/// `None` when there is nothing to quote.
pub fn quoted(passages: &[Passage]) -> Option<Answer> {
    let sentences: Vec<AnswerSentence> = passages
        .iter()
        .enumerate()
        .take(QUOTED)
        .filter_map(|(index, passage)| {
            let quote = best_line(passage)?;
            let date = passage.held_at.format("%-d %B %Y");
            let text = match (passage.kind, &passage.speaker) {
                (PassageKind::Summary, _) => {
                    format!(
                        "The summary of “{}” ({date}): {quote}",
                        passage.session_title
                    )
                }
                (PassageKind::Commitment, Some(owner)) => {
                    format!(
                        "{owner} committed in “{}” ({date}) to {quote}",
                        passage.session_title
                    )
                }
                (_, Some(speaker)) => {
                    format!(
                        "{speaker} in “{}” ({date}): “{quote}”",
                        passage.session_title
                    )
                }
                (_, None) => format!("In “{}” ({date}): “{quote}”", passage.session_title),
            };
            Some(AnswerSentence {
                text,
                citations: vec![index + 1],
            })
        })
        .collect();
    (!sentences.is_empty()).then_some(Answer {
        sentences,
        written_by: AnswerSource::Quoted,
    })
}

/// The passage's line with most highlighted words, without its speaker,
/// shortened to `QUOTE_WORDS`.
fn best_line(passage: &Passage) -> Option<String> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut current = (0, String::new());
    for fragment in &passage.fragments {
        for (i, piece) in fragment.text.split('\n').enumerate() {
            if i > 0 {
                lines.push(std::mem::take(&mut current));
            }
            current.1.push_str(piece);
            if fragment.highlighted && !piece.is_empty() {
                current.0 += 1;
            }
        }
    }
    lines.push(current);
    let (_, line) = lines
        .into_iter()
        .filter(|(_, l)| !l.trim().is_empty())
        .enumerate()
        .max_by_key(|(index, (marks, _))| (*marks, std::cmp::Reverse(*index)))?
        .1;
    let words = match (&passage.speaker, passage.kind) {
        (Some(speaker), PassageKind::Transcript | PassageKind::Commitment) => line
            .strip_prefix(&format!("{speaker}: "))
            .unwrap_or(&line)
            .to_string(),
        _ => line,
    };
    let mut words: Vec<&str> = words.split_whitespace().collect();
    let cut = words.len() > QUOTE_WORDS;
    words.truncate(QUOTE_WORDS);
    let mut quote = words.join(" ");
    if cut {
        quote.push('…');
    }
    (!quote.is_empty()).then_some(quote)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::highlight::Fragment;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn passage(kind: PassageKind, speaker: Option<&str>, fragments: &[(&str, bool)]) -> Passage {
        Passage {
            kind,
            id: Uuid::nil(),
            session_id: Uuid::nil(),
            session_title: "Check-in".into(),
            held_at: chrono::Utc.with_ymd_and_hms(2026, 10, 6, 9, 0, 0).unwrap(),
            clients: Vec::new(),
            speaker: speaker.map(str::to_string),
            start_ms: None,
            end_ms: None,
            text: fragments.iter().map(|(t, _)| *t).collect(),
            quote: String::new(),
            fragments: fragments
                .iter()
                .map(|(text, highlighted)| Fragment {
                    text: (*text).to_string(),
                    highlighted: *highlighted,
                })
                .collect(),
            score: 0.1,
        }
    }

    #[test]
    fn each_sentence_quotes_the_most_matching_line_and_cites_its_passage() {
        let passages = vec![
            passage(
                PassageKind::Transcript,
                Some("Tobias Renner"),
                &[
                    (
                        "Dana Whitfield: How is it going?\nTobias Renner: The ",
                        false,
                    ),
                    ("delegation", true),
                    (" plan is with Priya.", false),
                ],
            ),
            passage(
                PassageKind::Summary,
                None,
                &[
                    ("Tobias worked on ", false),
                    ("delegation", true),
                    (".", false),
                ],
            ),
        ];
        let answer = quoted(&passages).expect("an answer");
        assert_eq!(answer.written_by, AnswerSource::Quoted);
        assert_eq!(
            answer.sentences,
            vec![
                AnswerSentence {
                    text: "Tobias Renner in “Check-in” (6 October 2026): “The delegation plan is with Priya.”".into(),
                    citations: vec![1],
                },
                AnswerSentence {
                    text: "The summary of “Check-in” (6 October 2026): Tobias worked on delegation.".into(),
                    citations: vec![2],
                },
            ]
        );
        assert_eq!(quoted(&[]), None);
    }
}
