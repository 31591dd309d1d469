//! Lambda: the every-minute EventBridge schedule's target. Declares the
//! hand-offs that never reported back `unknown`, schedules the drafts of
//! coaches who send without approval, and sends the follow-ups that are due
//! through SES, each exactly once (ADR 12).

use flowcoach_core::delivery::Dispatcher;

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    flowcoach_functions::run_scheduled(async |dispatcher: &Dispatcher, now| {
        dispatcher.deliver(now).await
    })
    .await
}
