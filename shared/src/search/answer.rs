//! An answer made of the passages found, each sentence citing the passage
//! it rests on. Without a language model it quotes the best passages'
//! best lines; no sentence is written that a passage does not carry.

use serde::Serialize;
use utoipa::ToSchema;

use super::{Passage, PassageKind};
use crate::ai::answerer::{CitablePassage, WrittenAnswer};

/// Passages an answer quotes at most.
const QUOTED: usize = 3;
/// Words of a quoted line at most.
const QUOTE_WORDS: usize = 40;

#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct Answer {
    pub sentences: Vec<AnswerSentence>,
    /// How it was written.
    pub written_by: AnswerSource,
    /// The language model that wrote it, when one did.
    pub model: Option<String>,
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
        model: None,
    })
}

/// The passages as the language model is given them, numbered as listed.
pub fn citable(passages: &[Passage]) -> Vec<CitablePassage> {
    passages
        .iter()
        .enumerate()
        .map(|(index, passage)| {
            let mut source = format!(
                "{}, {}",
                passage.session_title,
                passage.held_at.format("%-d %B %Y")
            );
            if let Some(speaker) = &passage.speaker {
                source.push_str(&format!(", {speaker}"));
            }
            CitablePassage {
                number: index + 1,
                source,
                text: passage.text.clone(),
            }
        })
        .collect()
}

/// The model's answer, held to the passages: a citation of a number no
/// passage has is dropped, and a sentence left citing nothing goes with it.
/// `None` when nothing is left.
pub fn from_model(written: WrittenAnswer, passages: usize) -> Option<Answer> {
    let sentences: Vec<AnswerSentence> = written
        .sentences
        .into_iter()
        .filter_map(|sentence| {
            let mut citations: Vec<usize> = sentence
                .citations
                .into_iter()
                .filter(|n| (1..=passages).contains(n))
                .collect();
            citations.dedup();
            let text = sentence.text.trim().to_string();
            (!citations.is_empty() && !text.is_empty())
                .then_some(AnswerSentence { text, citations })
        })
        .collect();
    (!sentences.is_empty()).then_some(Answer {
        sentences,
        written_by: AnswerSource::LanguageModel,
        model: Some(written.model),
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
    fn a_model_s_citation_of_nothing_found_is_dropped_and_its_sentence_with_it() {
        use crate::ai::answerer::WrittenSentence;
        let sentence = |text: &str, citations: &[usize]| WrittenSentence {
            text: text.into(),
            citations: citations.to_vec(),
        };
        let written = WrittenAnswer {
            sentences: vec![
                sentence("Helen is exhausted.", &[1, 3]),
                sentence("Tobias resigned.", &[7]),
                sentence("Nobody cited.", &[]),
            ],
            model: "m".into(),
        };
        let answer = from_model(written, 2).expect("an answer");
        assert_eq!(
            answer.sentences,
            vec![AnswerSentence {
                text: "Helen is exhausted.".into(),
                citations: vec![1],
            }]
        );
        assert_eq!(answer.written_by, AnswerSource::LanguageModel);
        let nothing = WrittenAnswer {
            sentences: vec![sentence("Made up.", &[9])],
            model: "m".into(),
        };
        assert_eq!(from_model(nothing, 2), None);
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
