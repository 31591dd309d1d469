//! What processing a transcript costs on AWS without the LLM: the measured
//! stage durations, scaled to the vCPU share of each function's configured
//! memory, at the Lambda price, plus the SQS, S3 and SES requests one
//! transcript makes.
//!
//! The durations are measured on this machine's cores. A Lambda function gets
//! CPU in proportion to its memory (one vCPU at 1,769 MB), so a stage that
//! kept `p` threads busy for `d` seconds here is taken to need `d × p` CPU
//! seconds there, spread over `min(p, vCPUs)`: CPU-bound throughout, which
//! overstates stages that mostly wait on the database.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use serde_norway::Value;

/// Lambda's price on arm64 (the template's architecture), us-east-1.
pub const USD_PER_GB_SECOND: f64 = 0.000_013_333_4;
pub const USD_PER_INVOCATION: f64 = 0.20 / 1e6;
pub const USD_PER_SQS_REQUEST: f64 = 0.40 / 1e6;
pub const USD_PER_S3_PUT: f64 = 0.005 / 1e3;
pub const USD_PER_S3_GET: f64 = 0.0004 / 1e3;
pub const USD_PER_SES_EMAIL: f64 = 0.10 / 1e3;
/// Lambda allocates one vCPU's worth of CPU per 1,769 MB.
const MB_PER_VCPU: f64 = 1769.0;
/// Per stage message: one SendMessage, one ReceiveMessage, one DeleteMessage.
const SQS_REQUESTS_PER_STAGE: f64 = 3.0;
/// The upload's PUT; the chunk stage's GET (analyse reads the stored utterances).
const S3_PUTS: f64 = 1.0;
const S3_GETS: f64 = 1.0;
/// The "ready" email to the coach.
const SES_EMAILS: f64 = 1.0;

/// Each stage's function binary, as the template names it.
pub const STAGE_FUNCTIONS: [(&str, &str); 4] = [
    ("chunk", "stage-chunk"),
    ("analyse", "stage-analyse"),
    ("embed", "stage-embed"),
    ("notify", "stage-notify"),
];

/// Each function's `MemorySize` (MB) from `infra/template.yaml`, by binary.
pub fn function_memory_mb(template: &Path) -> Result<BTreeMap<String, f64>> {
    let text = std::fs::read_to_string(template)
        .with_context(|| format!("reading {}", template.display()))?;
    let doc: Value =
        serde_norway::from_str(&text).with_context(|| format!("parsing {}", template.display()))?;
    let default = doc
        .get("Globals")
        .and_then(|g| g.get("Function"))
        .and_then(|f| f.get("MemorySize"))
        .and_then(Value::as_f64);
    let mut memory = BTreeMap::new();
    let resources = doc
        .get("Resources")
        .and_then(Value::as_mapping)
        .context("the template has no Resources")?;
    for resource in resources.values() {
        if resource.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let binary = resource
            .get("Metadata")
            .and_then(|m| m.get("BuildProperties"))
            .and_then(|b| b.get("Binary"))
            .and_then(Value::as_str);
        let size = resource
            .get("Properties")
            .and_then(|p| p.get("MemorySize"))
            .and_then(Value::as_f64)
            .or(default);
        if let (Some(binary), Some(size)) = (binary, size) {
            memory.insert(binary.to_owned(), size);
        }
    }
    Ok(memory)
}

/// One stage's share of the bill.
pub struct StageCost {
    pub stage: String,
    pub memory_mb: f64,
    pub local_s: f64,
    pub lambda_s: f64,
    pub usd: f64,
}

pub struct TranscriptCost {
    pub stages: Vec<StageCost>,
    pub requests_usd: f64,
    pub total_usd: f64,
}

/// `stages`: stage name → seconds measured here; `embed_threads`: the threads
/// the embed stage kept busy (every other stage runs on one).
pub fn transcript_cost(
    stages: &[(String, f64)],
    memory_mb: &BTreeMap<String, f64>,
    embed_threads: usize,
) -> Result<TranscriptCost> {
    let mut costs = Vec::new();
    for (stage, function) in STAGE_FUNCTIONS {
        let Some((_, local_s)) = stages.iter().find(|(name, _)| name == stage) else {
            bail!("no {stage} duration was measured");
        };
        let Some(&memory) = memory_mb.get(function) else {
            bail!("infra/template.yaml gives {function} no MemorySize");
        };
        let threads = if stage == "embed" { embed_threads } else { 1 } as f64;
        let vcpus = memory / MB_PER_VCPU;
        let lambda_s = local_s * threads / threads.min(vcpus);
        costs.push(StageCost {
            stage: stage.to_owned(),
            memory_mb: memory,
            local_s: *local_s,
            lambda_s,
            usd: lambda_s * memory / 1024.0 * USD_PER_GB_SECOND + USD_PER_INVOCATION,
        });
    }
    let requests_usd = STAGE_FUNCTIONS.len() as f64 * SQS_REQUESTS_PER_STAGE * USD_PER_SQS_REQUEST
        + S3_PUTS * USD_PER_S3_PUT
        + S3_GETS * USD_PER_S3_GET
        + SES_EMAILS * USD_PER_SES_EMAIL;
    let total_usd = costs.iter().map(|c| c.usd).sum::<f64>() + requests_usd;
    Ok(TranscriptCost {
        stages: costs,
        requests_usd,
        total_usd,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn memory() -> BTreeMap<String, f64> {
        STAGE_FUNCTIONS
            .iter()
            .map(|(_, f)| {
                (
                    f.to_string(),
                    if *f == "stage-embed" { 3538.0 } else { 1769.0 },
                )
            })
            .collect()
    }

    #[test]
    fn a_stage_with_fewer_vcpus_than_threads_takes_longer_there() {
        let stages: Vec<_> = ["chunk", "analyse", "embed", "notify"]
            .iter()
            .map(|s| (s.to_string(), 1.0))
            .collect();
        let cost = transcript_cost(&stages, &memory(), 4).unwrap();
        let embed = cost.stages.iter().find(|c| c.stage == "embed").unwrap();
        // 4 thread-seconds over 2 vCPUs.
        assert!((embed.lambda_s - 2.0).abs() < 1e-9, "{}", embed.lambda_s);
        let chunk = cost.stages.iter().find(|c| c.stage == "chunk").unwrap();
        assert!((chunk.lambda_s - 1.0).abs() < 1e-9);
        let expected = (2.0 * 3538.0 + 3.0 * 1769.0) / 1024.0 * USD_PER_GB_SECOND
            + 4.0 * USD_PER_INVOCATION
            + cost.requests_usd;
        assert!((cost.total_usd - expected).abs() < 1e-12);
    }

    #[test]
    fn a_missing_stage_is_an_error_not_a_free_stage() {
        let stages = vec![("chunk".to_owned(), 1.0)];
        assert!(transcript_cost(&stages, &memory(), 2).is_err());
    }
}
