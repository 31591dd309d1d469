//! CloudFormation custom-resource protocol for the migration function: run
//! on Create and Update, answer Delete without touching the database, and
//! always report back to the pre-signed response URL (or the stack hangs).

use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomResourceEvent {
    pub request_type: String,
    #[serde(rename = "ResponseURL")]
    pub response_url: String,
    pub stack_id: String,
    pub request_id: String,
    pub logical_resource_id: String,
    pub physical_resource_id: Option<String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
struct CustomResourceResponse<'a> {
    status: &'a str,
    reason: &'a str,
    physical_resource_id: &'a str,
    stack_id: &'a str,
    request_id: &'a str,
    logical_resource_id: &'a str,
    data: serde_json::Value,
}

impl CustomResourceEvent {
    pub fn wants_migration(&self) -> bool {
        self.request_type != "Delete"
    }

    /// Reports the outcome to CloudFormation.
    pub async fn respond(&self, outcome: Result<String, String>) -> anyhow::Result<()> {
        let (status, reason) = match &outcome {
            Ok(summary) => ("SUCCESS", summary.as_str()),
            Err(error) => ("FAILED", error.as_str()),
        };
        let body = CustomResourceResponse {
            status,
            reason,
            physical_resource_id: self
                .physical_resource_id
                .as_deref()
                .unwrap_or("flowcoach-migrations"),
            stack_id: &self.stack_id,
            request_id: &self.request_id,
            logical_resource_id: &self.logical_resource_id,
            data: serde_json::json!({}),
        };
        // reqwest's rustls has no provider of its own: the process's (ring) must be in place.
        flowcoach_core::crypto::install_tls_provider();
        let response = reqwest::Client::new()
            .put(&self.response_url)
            .header("content-type", "")
            .body(serde_json::to_vec(&body)?)
            .send()
            .await?;
        anyhow::ensure!(
            response.status().is_success(),
            "CloudFormation refused the response: {}",
            response.status()
        );
        Ok(())
    }
}
