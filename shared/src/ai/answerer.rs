//! The answerer port: an answer to a coach's question written from the
//! passages a search found, every sentence citing the passages it rests on.

use async_trait::async_trait;

/// A passage the answer may cite, by its number in the search response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CitablePassage {
    pub number: usize,
    /// Where it is from: session, date, speaker.
    pub source: String,
    pub text: String,
}

/// One sentence and the numbers of the passages it cites, as written
/// (checked by the caller: a number no passage has is dropped).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct WrittenSentence {
    pub text: String,
    pub citations: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WrittenAnswer {
    pub sentences: Vec<WrittenSentence>,
    pub model: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AnswerError {
    /// The model could not be reached or is failing: answer without it.
    #[error("the language model is unavailable: {0}")]
    Unavailable(String),
    /// The model answered, unusably.
    #[error("the language model's answer was unusable: {0}")]
    Unusable(String),
}

#[async_trait]
pub trait Answerer: Send + Sync {
    async fn answer(
        &self,
        question: &str,
        passages: &[CitablePassage],
    ) -> Result<WrittenAnswer, AnswerError>;
}
