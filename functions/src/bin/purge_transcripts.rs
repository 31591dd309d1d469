//! Lambda: a daily EventBridge schedule's target. Removes every transcript
//! past its coach's retention setting: the object with every version in the
//! bucket, then its utterances, chunks and embeddings (and the summary where
//! the coach chose so); answers with what it removed.

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_functions::run_retention().await
}
