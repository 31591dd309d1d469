//! The schedule tick inside `serve`: periodic housekeeping that EventBridge
//! schedules take over on AWS.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::delivery::Dispatcher;
use crate::pipeline::Pipeline;
use crate::retention::Retention;
use crate::store::{idempotency, jobs};

/// Finished jobs are kept this long for inspection.
const KEEP_DONE_JOBS: Duration = Duration::from_secs(7 * 24 * 3600);

/// One tick: declare the hand-offs that never reported back `unknown`,
/// schedule the drafts of coaches who send without approval, send the
/// follow-ups that are due, send the coaches' reminder digests, purge
/// transcripts past their retention (once a day), bury jobs whose worker
/// died on the last attempt, forget expired idempotency keys, trim finished jobs.
pub async fn tick(
    pipeline: &Pipeline,
    dispatcher: &Dispatcher,
) -> Result<(), crate::store::StoreError> {
    let now = chrono::Utc::now();
    let delivery = dispatcher.deliver(now).await?;
    if !delivery.is_empty() {
        tracing::info!(
            auto_scheduled = delivery.auto_scheduled,
            sent = delivery.dispatched.sent,
            failed = delivery.dispatched.failed,
            blocked = delivery.dispatched.blocked,
            unknown = delivery.dispatched.unknown,
            unfinished = delivery.unfinished,
            "follow-ups dispatched"
        );
    }
    let digests = dispatcher.send_digests(now).await?;
    if digests.sent + digests.failed > 0 {
        tracing::info!(
            sent = digests.sent,
            failed = digests.failed,
            "reminder digests"
        );
    }
    let retention = Retention {
        db: pipeline.db.clone(),
        objects: pipeline.objects.clone(),
    };
    if let Some(purged) = retention.daily(now).await? {
        purged.log();
    }
    let buried = super::worker::bury_abandoned(pipeline).await?;
    let db = pipeline.db.get().await?;
    let expired_keys = idempotency::purge_expired(&db).await?;
    let purged_jobs = jobs::purge_done(&db, KEEP_DONE_JOBS).await?;
    if buried + expired_keys as usize + purged_jobs as usize > 0 {
        tracing::info!(buried, expired_keys, purged_jobs, "schedule tick");
    }
    Ok(())
}

pub async fn run(
    pipeline: Pipeline,
    dispatcher: Dispatcher,
    interval: Duration,
    shutdown: CancellationToken,
) {
    let mut ticker = tokio::time::interval(interval);
    ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tokio::select! {
            _ = ticker.tick() => {}
            _ = shutdown.cancelled() => return,
        }
        if let Err(error) = tick(&pipeline, &dispatcher).await {
            tracing::error!(%error, "schedule tick failed");
        }
    }
}
