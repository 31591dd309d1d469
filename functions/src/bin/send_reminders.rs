//! Lambda: a quarter-hourly EventBridge schedule's target. Sends each coach
//! whose 08:00 has come today the digest of their clients' commitments that
//! are overdue or falling due, once per coach and local day.

use flowcoach_core::delivery::Dispatcher;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_functions::run_scheduled(async |dispatcher: &Dispatcher, now| {
        dispatcher.send_digests(now).await
    })
    .await
}
