//! Language-model usage as CloudWatch metrics: on Lambda, one line of the
//! Embedded Metric Format per call group, which CloudWatch Logs turns into
//! the `FlowCoach/LanguageModel` metrics (tokens, cached tokens, calls,
//! cost, ungrounded claims) by model and operation — no API call, no SDK.
//! Elsewhere the structured log event beside each call is the record.

use std::io::Write as _;

use serde_json::{json, Value};

use crate::ai::analyst::AnalysisUsage;

const NAMESPACE: &str = "FlowCoach/LanguageModel";

/// What the tokens were spent on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Analysis,
    Refinement,
}

impl Operation {
    fn as_str(self) -> &'static str {
        match self {
            Self::Analysis => "analysis",
            Self::Refinement => "refinement",
        }
    }
}

/// Records `usage` as metrics where CloudWatch reads them (on Lambda).
pub fn record_usage(operation: Operation, model: &str, usage: &AnalysisUsage) {
    if std::env::var_os("AWS_LAMBDA_FUNCTION_NAME").is_none() {
        return;
    }
    let line = emf_line(
        operation,
        model,
        usage,
        chrono::Utc::now().timestamp_millis(),
    );
    // One write of one line: Lambda keeps lines whole.
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = writeln!(stdout, "{line}") {
        tracing::warn!(%error, "usage metrics could not be written");
    }
}

/// The Embedded Metric Format document for one usage record.
fn emf_line(operation: Operation, model: &str, usage: &AnalysisUsage, at_ms: i64) -> Value {
    let mut metrics = vec![
        json!({"Name": "Calls", "Unit": "Count"}),
        json!({"Name": "PromptTokens", "Unit": "Count"}),
        json!({"Name": "CachedPromptTokens", "Unit": "Count"}),
        json!({"Name": "CompletionTokens", "Unit": "Count"}),
        json!({"Name": "UngroundedClaims", "Unit": "Count"}),
    ];
    let mut line = json!({
        "Model": model,
        "Operation": operation.as_str(),
        "Calls": usage.calls,
        "PromptTokens": usage.prompt_tokens,
        "CachedPromptTokens": usage.cached_prompt_tokens,
        "CompletionTokens": usage.completion_tokens,
        "UngroundedClaims": usage.ungrounded_claims,
    });
    if let Some(cost) = usage.cost_usd {
        metrics.push(json!({"Name": "CostUsd", "Unit": "None"}));
        line["CostUsd"] = json!(cost);
    }
    line["_aws"] = json!({
        "Timestamp": at_ms,
        "CloudWatchMetrics": [{
            "Namespace": NAMESPACE,
            "Dimensions": [["Operation"], ["Model", "Operation"]],
            "Metrics": metrics,
        }],
    });
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_usage_record_is_an_emf_document_whose_metrics_are_its_members() {
        let usage = AnalysisUsage {
            calls: 3,
            prompt_tokens: 2_000,
            cached_prompt_tokens: 1_500,
            completion_tokens: 400,
            cost_usd: Some(0.0031),
            ungrounded_claims: 1,
        };
        let line = emf_line(
            Operation::Analysis,
            "gpt-4o-mini",
            &usage,
            1_764_892_800_000,
        );
        let directive = &line["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert_eq!(line["_aws"]["Timestamp"], 1_764_892_800_000_i64);
        // Every dimension and metric named is a member of the document.
        for dimension in directive["Dimensions"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d.as_array().unwrap())
        {
            assert!(line[dimension.as_str().unwrap()].is_string(), "{dimension}");
        }
        for metric in directive["Metrics"].as_array().unwrap() {
            assert!(
                line[metric["Name"].as_str().unwrap()].is_number(),
                "{metric}"
            );
        }
        assert_eq!(line["PromptTokens"], 2_000);
        assert_eq!(line["CostUsd"], 0.0031);
        assert_eq!(line["Operation"], "analysis");

        let unpriced = emf_line(Operation::Refinement, "m", &AnalysisUsage::default(), 0);
        assert!(unpriced.get("CostUsd").is_none());
        assert!(!unpriced["_aws"]["CloudWatchMetrics"][0]["Metrics"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["Name"] == "CostUsd"));
    }
}
