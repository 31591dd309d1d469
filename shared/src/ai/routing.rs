//! Which analyser a session goes to: the language model when one is
//! configured, unless the coach chose the local analyser (a feature flag in
//! the coach's settings); the local analyser otherwise.

use std::sync::Arc;

use async_trait::async_trait;

use crate::ai::analyst::{AnalyserChoice, Analysis, AnalysisRequest, Analyst, AnalystError};
use crate::ai::llm::{ChatClient, LlmConfig};
use crate::ai::llm_analyst::LlmAnalyst;
use crate::ai::local::LocalAnalyst;

/// The analyst the pipeline runs.
pub struct AnalystRouter {
    language_model: Option<Arc<dyn Analyst>>,
}

impl AnalystRouter {
    /// Only the local analyser.
    pub fn local() -> Self {
        Self {
            language_model: None,
        }
    }

    pub fn with_language_model(analyst: Arc<dyn Analyst>) -> Self {
        Self {
            language_model: Some(analyst),
        }
    }

    /// The language model `config` names, when there is one.
    pub fn from_config(config: Option<LlmConfig>) -> Result<Self, AnalystError> {
        let Some(config) = config else {
            return Ok(Self::local());
        };
        let client = ChatClient::new(config)
            .map_err(|e| AnalystError::Permanent(format!("the language model client: {e}")))?;
        Ok(Self::with_language_model(Arc::new(LlmAnalyst::new(
            client,
        )?)))
    }

    fn for_request(&self, request: &AnalysisRequest) -> Option<&Arc<dyn Analyst>> {
        match request.analyser {
            AnalyserChoice::Local => None,
            AnalyserChoice::Default | AnalyserChoice::LanguageModel => {
                if self.language_model.is_none()
                    && request.analyser == AnalyserChoice::LanguageModel
                {
                    tracing::warn!("the coach chose the language model, but none is configured: using the local analyser");
                }
                self.language_model.as_ref()
            }
        }
    }
}

#[async_trait]
impl Analyst for AnalystRouter {
    async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
        match self.for_request(request) {
            Some(analyst) => analyst.analyse(request).await,
            None => LocalAnalyst.analyse(request).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::local::test_support::one_to_one_request;
    use crate::ai::local::LOCAL_MODEL;

    struct Named;

    #[async_trait]
    impl Analyst for Named {
        async fn analyse(&self, request: &AnalysisRequest) -> Result<Analysis, AnalystError> {
            let mut analysis = LocalAnalyst.analyse(request).await?;
            analysis.model = "language-model".into();
            Ok(analysis)
        }
    }

    #[tokio::test]
    async fn the_coach_setting_chooses_and_the_local_analyser_stands_in() {
        let mut request = one_to_one_request(&[("Coach", "Hello."), ("Client", "Hi.")]);
        let routed = AnalystRouter::with_language_model(Arc::new(Named));
        let local_only = AnalystRouter::local();
        for (choice, with_model, without) in [
            (AnalyserChoice::Default, "language-model", LOCAL_MODEL),
            (AnalyserChoice::LanguageModel, "language-model", LOCAL_MODEL),
            (AnalyserChoice::Local, LOCAL_MODEL, LOCAL_MODEL),
        ] {
            request.analyser = choice;
            assert_eq!(routed.analyse(&request).await.unwrap().model, with_model);
            assert_eq!(local_only.analyse(&request).await.unwrap().model, without);
        }
    }
}
