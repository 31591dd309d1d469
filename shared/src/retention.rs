//! The daily retention purge: a transcript past its coach's retention leaves
//! the object store (every stored version) and the database (utterances,
//! chunks, embeddings, and the summary where the coach chose so), and its
//! session is marked with when. Runs on the local server's tick and as a
//! scheduled Lambda on AWS.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use deadpool_postgres::Pool;
use serde::Serialize;

use crate::ports::ObjectStore;
use crate::store::audit::{self, AuditEntry};
use crate::store::retention::{self, DueTranscript};
use crate::store::StoreError;

/// The name of the purge's daily claim (`maintenance_runs`).
pub const DAILY_JOB: &str = "transcript-retention";
/// Sessions read per query; a run goes on until none is due.
const BATCH: i64 = 100;

/// What one run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PurgeReport {
    /// Sessions whose transcript was removed.
    pub sessions: u64,
    pub chunks: u64,
    pub embeddings: u64,
    pub utterances: u64,
    pub summaries: u64,
    /// Sessions whose transcript object could not be removed: they keep
    /// everything and are due again on the next run.
    pub failed: u64,
}

impl PurgeReport {
    /// One log line of counts (never what was removed).
    pub fn log(&self) {
        tracing::info!(
            sessions = self.sessions,
            chunks = self.chunks,
            embeddings = self.embeddings,
            summaries = self.summaries,
            failed = self.failed,
            "retention purge"
        );
    }
}

pub struct Retention {
    pub db: Pool,
    pub objects: Arc<dyn ObjectStore>,
}

impl Retention {
    /// Runs [`Self::purge_due`] unless today's run has already happened
    /// (here or on another server); `None` when it had.
    pub async fn daily(&self, now: DateTime<Utc>) -> Result<Option<PurgeReport>, StoreError> {
        let db = self.db.get().await?;
        if !retention::claim_daily_run(&db, DAILY_JOB, now).await? {
            return Ok(None);
        }
        drop(db);
        self.purge_due(now).await.map(Some)
    }

    /// Removes every transcript past its coach's retention at `now`. The
    /// object goes first: should the database step fail, the next run finds
    /// the session still due and removes the rest (removing a missing object
    /// is no error), while the other order could leave an object nothing
    /// points to any more.
    pub async fn purge_due(&self, now: DateTime<Utc>) -> Result<PurgeReport, StoreError> {
        let mut report = PurgeReport::default();
        loop {
            let due = retention::due(&self.db.get().await?, now, BATCH).await?;
            let full_batch = due.len() as i64 == BATCH;
            let failed_before = report.failed;
            for transcript in &due {
                self.purge_one(transcript, now, &mut report).await?;
            }
            // A session whose object would not go stays due: stop rather than
            // read it again in this run.
            if !full_batch || report.failed > failed_before {
                return Ok(report);
            }
        }
    }

    async fn purge_one(
        &self,
        due: &DueTranscript,
        now: DateTime<Utc>,
        report: &mut PurgeReport,
    ) -> Result<(), StoreError> {
        if let Err(error) = self.objects.delete(&due.object_key).await {
            tracing::error!(
                session_id = %due.session,
                %error,
                "retention: the transcript object could not be removed; the session keeps its transcript until the next run"
            );
            report.failed += 1;
            return Ok(());
        }
        let mut db = self.db.get().await?;
        let tx = db.transaction().await?;
        let rows = retention::purge(&tx, due, now).await?;
        // Counts only: the record outlives the transcript and names nobody.
        audit::record(
            &tx,
            &AuditEntry {
                coach: due.coach,
                actor: None,
                action: "transcript.purged",
                entity_type: "session",
                entity_id: Some(due.session),
                request_id: None,
                details: serde_json::json!({
                    "reason": "retention",
                    "chunks": rows.chunks,
                    "embeddings": rows.embeddings,
                    "summaries": rows.summaries,
                }),
            },
        )
        .await?;
        tx.commit().await?;
        report.sessions += 1;
        report.chunks += rows.chunks;
        report.embeddings += rows.embeddings;
        report.utterances += rows.utterances;
        report.summaries += rows.summaries;
        Ok(())
    }
}
