//! Follow-ups a dispatcher run sends per second: 10,000 approved follow-ups,
//! all due, in a fresh database, claimed in batches and recorded one by one
//! as in production, through the outbox mailer (an `.eml` file each) and
//! through a real SMTP server (aiosmtpd into a Maildir).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{ensure, Context, Result};
use chrono::Utc;
use flowcoach_core::adapters::local::{BroadcastNotifier, OutboxMailer};
use flowcoach_core::adapters::smtp_mailer::SmtpMailer;
use flowcoach_core::delivery::{Dispatcher, UnsubscribeLinks};
use flowcoach_core::ports::Mailer;
use flowcoach_core::store::Executor;
use flowcoach_tests::smtp_sink::start_sink;
use flowcoach_tests::TestDb;
use uuid::Uuid;

/// Due follow-ups per run.
pub const FOLLOW_UPS: i64 = 10_000;

pub struct DispatchBench {
    pub follow_ups: i64,
    pub elapsed: Duration,
}

impl DispatchBench {
    pub fn per_second(&self) -> f64 {
        self.follow_ups as f64 / self.elapsed.as_secs_f64()
    }
}

/// Where the dispatched follow-ups go.
#[derive(Clone, Copy)]
pub enum Through {
    Outbox,
    Smtp,
}

pub async fn bench_dispatch(through: Through) -> Result<DispatchBench> {
    let db = TestDb::new().await;
    let coach = Uuid::now_v7();
    let client = Uuid::now_v7();
    let session = Uuid::now_v7();
    {
        let conn = db.pool.get().await.context("database")?;
        conn.exec(
            "INSERT INTO coaches (id, email, display_name) VALUES ($1, 'bench-coach@example.com', 'Bench Coach')",
            &[&coach],
        )
        .await?;
        conn.exec(
            "INSERT INTO clients (id, coach_id, name, email, consent_email)
             VALUES ($1, $2, 'Bench Client', 'bench-client@example.com', true)",
            &[&client, &coach],
        )
        .await?;
        conn.exec(
            "INSERT INTO sessions (id, coach_id, title, held_at) VALUES ($1, $2, 'Bench', now())",
            &[&session, &coach],
        )
        .await?;
        conn.exec(
            "INSERT INTO follow_ups (id, coach_id, session_id, client_id, generation, status,
                                     current_version, approved_version, scheduled_at)
             SELECT gen_random_uuid(), $1, $2, $3, n, 'scheduled', 1, 1, now() - interval '1 minute'
               FROM generate_series(1, $4::bigint) AS n",
            &[&coach, &session, &client, &FOLLOW_UPS],
        )
        .await?;
        conn.exec(
            "INSERT INTO follow_up_versions (id, follow_up_id, coach_id, version, subject, body, source)
             SELECT gen_random_uuid(), id, coach_id, 1, 'Our session today',
                    E'Hi,\\n\\nThank you for today. You said you would **block two mornings**.\\n\\nBest,\\nBench Coach', 'ai'
               FROM follow_ups",
            &[],
        )
        .await?;
    }
    let outbox = tempfile::tempdir().context("outbox folder")?;
    let sink = match through {
        Through::Smtp => Some(start_sink().await),
        Through::Outbox => None,
    };
    let mailer: Arc<dyn Mailer> = match &sink {
        Some(sink) => Arc::new(
            SmtpMailer::from_url(&format!("smtp://127.0.0.1:{}", sink.port()))
                .context("the SMTP mailer")?,
        ),
        None => Arc::new(OutboxMailer::new(outbox.path())),
    };
    let dispatcher = Dispatcher {
        db: db.pool.clone(),
        mailer,
        notifier: Arc::new(BroadcastNotifier::new(16)),
        mail_from: "FlowCoach <no-reply@flowcoach.test>".into(),
        links: UnsubscribeLinks::new(b"bench secret", "http://127.0.0.1"),
    };
    let started = Instant::now();
    let dispatched = dispatcher.dispatch_due(Utc::now()).await?;
    let elapsed = started.elapsed();
    ensure!(
        dispatched.sent as i64 == FOLLOW_UPS,
        "the dispatcher sent {} of {FOLLOW_UPS}: {dispatched:?}",
        dispatched.sent
    );
    let folder = match &sink {
        Some(sink) => sink.maildir().join("new"),
        None => outbox.path().to_owned(),
    };
    let files = std::fs::read_dir(&folder)?.count() as i64;
    ensure!(
        files == FOLLOW_UPS,
        "{files} emails in {}, not {FOLLOW_UPS}",
        folder.display()
    );
    Ok(DispatchBench {
        follow_ups: FOLLOW_UPS,
        elapsed,
    })
}
