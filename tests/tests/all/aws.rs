//! The AWS path against the emulator: S3 → SQS notification → stage Lambda
//! handlers chained through real (emulated) SQS queues → SES.

use std::sync::Arc;
use std::time::Duration;

use flowcoach_core::ai::analyst::Analyst;
use flowcoach_core::ai::local::LocalAnalyst;
use flowcoach_core::aws::lambda::stage::StageHandler;
use flowcoach_core::aws::runtime::{AwsRuntime, AwsSettings, TranscriptServices};
use flowcoach_core::domain::{CoachId, CoachRole, EmailAddress, PipelineStage};
use flowcoach_core::pipeline::Pipeline;
use flowcoach_core::ports::ObjectStore;
use flowcoach_core::store::{self, clients, coaches, sessions, Executor};
use flowcoach_tests::app::shared_model;
use flowcoach_tests::aws::{pause, to_lambda_event, AwsStack};
use flowcoach_tests::fixtures::shared_transcript;
use flowcoach_tests::TestDb;

use crate::support::FlakyAnalyst;

struct Harness {
    stack: AwsStack,
    runtime: AwsRuntime,
    transcripts: TranscriptServices,
    pipeline: Pipeline,
    db: TestDb,
    max_receive_count: u32,
}

impl Harness {
    async fn new(analyst: Arc<dyn Analyst>, max_receive_count: u32) -> Self {
        let stack = AwsStack::create(max_receive_count).await;
        let db = TestDb::new().await;
        let settings = AwsSettings {
            bucket: Some(stack.bucket.clone()),
            idempotency_table: Some(stack.table.clone()),
            ses_configuration_set: None,
            public_url: "https://api.flowcoach.test".into(),
            app_url: "https://app.flowcoach.test".into(),
            mail_from: stack.sender.clone(),
            queue_urls: stack.queue_urls.clone(),
            unsubscribe_secret_arn: Some(stack.unsubscribe_secret_arn.clone()),
            connections_table: None,
            websocket_management_url: None,
        };
        // One connection, as in a Lambda container: code that holds a
        // connection while asking for another fails here.
        let lambda_pool = store::connect(&db.url, 1).unwrap();
        let runtime = AwsRuntime::with(stack.clients.clone(), lambda_pool, settings);
        let transcripts = runtime.transcripts();
        let pipeline = runtime.pipeline(&transcripts, analyst, shared_model());
        Self {
            stack,
            runtime,
            transcripts,
            pipeline,
            db,
            max_receive_count,
        }
    }

    async fn coach_with_client(&self) -> CoachId {
        let db = self.db.pool.get().await.unwrap();
        let coach = coaches::ensure(
            &db,
            &EmailAddress::parse("dana@example.com").unwrap(),
            "Dana Whitfield",
            CoachRole::Coach,
        )
        .await
        .unwrap();
        let client = clients::NewClient {
            name: "Tobias Renner".into(),
            email: Some(EmailAddress::parse("tobias@example.com").unwrap()),
            time_zone: "Europe/Berlin".into(),
            tags: vec![],
            consent_ai_processing: true,
            consent_email: true,
            notes: String::new(),
            follow_up_template_id: None,
        };
        clients::insert(&db, coach.coach_id(), &client)
            .await
            .unwrap();
        coach.coach_id()
    }

    /// Plays the event source mappings: each stage's queue feeds its handler;
    /// handled records are deleted, failed ones left for redelivery.
    /// Returns the raw bodies the chunk queue delivered.
    async fn pump(
        &self,
        patience: Duration,
        until: impl Fn(&[sessions::Session]) -> bool,
    ) -> Vec<String> {
        let mut chunk_bodies = Vec::new();
        let deadline = tokio::time::Instant::now() + patience;
        while tokio::time::Instant::now() < deadline {
            for stage in PipelineStage::ALL {
                let url = &self.stack.queue_urls[&stage];
                let messages = self.stack.receive(url).await;
                if messages.is_empty() {
                    continue;
                }
                if stage == PipelineStage::Chunk {
                    chunk_bodies
                        .extend(messages.iter().filter_map(|m| m.body().map(str::to_owned)));
                }
                let handler = StageHandler {
                    pipeline: &self.pipeline,
                    ingest: &self.transcripts.ingest,
                    stage,
                    max_receive_count: self.max_receive_count,
                    stage_timeout: Duration::from_secs(120),
                };
                let response = handler.handle(to_lambda_event(&messages), None).await;
                for message in &messages {
                    let failed = response
                        .batch_item_failures
                        .iter()
                        .any(|f| Some(f.item_identifier.as_str()) == message.message_id());
                    if !failed {
                        self.stack.delete(url, message).await;
                    }
                }
            }
            if until(&self.sessions().await) {
                break;
            }
            pause().await;
        }
        chunk_bodies
    }

    /// Sends the S3 notification the chunk queue delivered once more, as SQS
    /// may, and lets the stages run.
    async fn redeliver_s3_notification(&self, chunk_bodies: &[String]) {
        let notification = chunk_bodies
            .iter()
            .find(|b| b.contains("ObjectCreated"))
            .expect("an S3 notification arrived");
        self.stack
            .clients
            .sqs()
            .send_message()
            .queue_url(&self.stack.queue_urls[&PipelineStage::Chunk])
            .message_body(notification)
            .send()
            .await
            .unwrap();
        self.pump(Duration::from_secs(2), |_| false).await;
    }

    async fn sessions(&self) -> Vec<sessions::Session> {
        let db = self.db.pool.get().await.unwrap();
        let rows = db.fetch_all("SELECT id FROM coaches", &[]).await.unwrap();
        let mut all = Vec::new();
        for row in rows {
            all.extend(
                sessions::list(
                    &db,
                    CoachId(row.get(0)),
                    sessions::SessionFilter::default(),
                    None,
                    100,
                )
                .await
                .unwrap(),
            );
        }
        all
    }

    async fn count(&self, sql: &str) -> i64 {
        self.db
            .pool
            .get()
            .await
            .unwrap()
            .fetch_one(sql, &[])
            .await
            .unwrap()
            .get(0)
    }
}

fn all_ready(sessions: &[sessions::Session]) -> bool {
    !sessions.is_empty() && sessions.iter().all(|s| s.status.as_str() == "ready")
}

#[tokio::test]
async fn a_transcript_put_in_the_bucket_flows_through_every_stage_to_ready_and_an_ses_email() {
    let harness = Harness::new(Arc::new(LocalAnalyst), 5).await;
    let coach = harness.coach_with_client().await;
    // A key with a space and parentheses arrives URL-encoded in the notification.
    let key = format!("transcripts/{coach}/Monday check-in (1).vtt");
    harness
        .transcripts
        .objects
        .put(&key, shared_transcript("s01.vtt"), "text/vtt")
        .await
        .unwrap();

    let chunk_bodies = harness.pump(Duration::from_secs(120), all_ready).await;
    let sessions = harness.sessions().await;
    assert_eq!(sessions.len(), 1);
    let session = &sessions[0];
    assert_eq!(session.status.as_str(), "ready", "{session:?}");
    assert_eq!(session.title, "Monday check in (1)");
    assert_eq!(session.transcript.as_ref().unwrap().object_key, key);
    assert_eq!(harness.count("SELECT count(*) FROM follow_ups").await, 1);
    assert!(harness.count("SELECT count(*) FROM chunk_embeddings").await > 0);
    let mails = harness.stack.sent_mail().await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(mails[0].to_string().contains("dana@example.com"));
    // The notice links to the session's page in the web app, not to the API.
    let link = format!("https://app.flowcoach.test/sessions/{}", session.id);
    assert!(mails[0].to_string().contains(&link), "{}", mails[0]);
    assert_eq!(
        harness
            .count("SELECT count(*) FROM emails WHERE status = 'sent'")
            .await,
        1
    );

    // The same S3 notification delivered again processes nothing new.
    harness.redeliver_s3_notification(&chunk_bodies).await;
    assert_eq!(harness.sessions().await.len(), 1);
    assert_eq!(
        harness.count("SELECT count(*) FROM summary_versions").await,
        1
    );
    assert_eq!(harness.stack.sent_mail().await.len(), 1);

    // Approved and due: the dispatch function's run sends it through SES once,
    // with a link signed by the key in Secrets Manager.
    harness
        .count(
            "WITH due AS (UPDATE follow_ups SET status = 'scheduled', approved_version = current_version,
                                  approved_at = now(), scheduled_at = now() - interval '1 minute'
                           RETURNING 1) SELECT count(*) FROM due",
        )
        .await;
    let dispatcher = harness.runtime.dispatcher().await.expect("a dispatcher");
    let delivery = dispatcher
        .deliver(chrono::Utc::now())
        .await
        .expect("delivery");
    assert_eq!(delivery.dispatched.sent, 1, "{delivery:?}");
    let again = dispatcher
        .deliver(chrono::Utc::now())
        .await
        .expect("delivery");
    assert_eq!(again.dispatched.sent, 0);
    let mails = harness.stack.sent_mail().await;
    assert_eq!(mails.len(), 2, "{mails:?}");
    let follow_up = mails
        .iter()
        .map(|m| m.to_string())
        .find(|m| m.contains("tobias@example.com"))
        .expect("the follow-up to Tobias");
    let token = follow_up
        .split("/v1/unsubscribe/")
        .nth(1)
        .and_then(|rest| {
            rest.split(|c: char| !(c.is_ascii_alphanumeric() || "-_.".contains(c)))
                .next()
        })
        .expect("an unsubscribe link");
    assert!(dispatcher.links.verify(token).is_some(), "{token}");
    assert_eq!(
        harness
            .count("SELECT count(*) FROM follow_ups WHERE status = 'sent' AND provider_message_id IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn the_dispatch_functions_refuse_to_start_without_the_unsubscribe_key() {
    let harness = Harness::new(Arc::new(LocalAnalyst), 5).await;
    let mut settings = harness.runtime.settings.clone();
    settings.unsubscribe_secret_arn = None;
    let runtime = AwsRuntime::with(
        harness.runtime.clients.clone(),
        harness.runtime.db.clone(),
        settings,
    );
    let error = runtime.dispatcher().await.err().expect("no dispatcher");
    assert!(
        error.to_string().contains("UNSUBSCRIBE_SECRET_ARN"),
        "{error}"
    );
    assert!(runtime
        .unsubscribe_links()
        .await
        .expect("no secret, no links")
        .is_none());
}

#[tokio::test]
async fn an_oversize_object_in_the_bucket_is_refused_unread_with_its_reason_once() {
    let harness = Harness::new(Arc::new(LocalAnalyst), 5).await;
    let coach = harness.coach_with_client().await;
    let key = format!("transcripts/{coach}/2026-10-19 marathon.txt");
    let line = "Dana Whitfield: And how did that feel for you this week?\n";
    let big = line.repeat(4 * 1024 * 1024 / line.len() + 1).into_bytes();
    harness
        .transcripts
        .objects
        .put(&key, big, "text/plain")
        .await
        .unwrap();

    let settled = |sessions: &[sessions::Session]| {
        !sessions.is_empty() && sessions.iter().all(|s| s.status.as_str() == "failed")
    };
    let chunk_bodies = harness.pump(Duration::from_secs(60), settled).await;
    let sessions = harness.sessions().await;
    assert_eq!(sessions.len(), 1, "{sessions:?}");
    let session = &sessions[0];
    assert_eq!(session.status.as_str(), "failed");
    assert_eq!(session.failure_stage.map(|s| s.as_str()), Some("chunk"));
    let reason = session.failure_reason.as_deref().unwrap_or_default();
    assert!(reason.contains("4 MB limit"), "{reason}");
    assert_eq!(session.title, "marathon");
    assert!(session.held_at.to_rfc3339().starts_with("2026-10-19"));
    assert_eq!(
        harness
            .count("SELECT count(*) FROM transcript_chunks")
            .await,
        0
    );

    // Redelivered, the notification refuses nothing new.
    harness.redeliver_s3_notification(&chunk_bodies).await;
    assert_eq!(harness.sessions().await.len(), 1);
}

#[tokio::test]
async fn a_poison_message_ends_in_the_dlq_and_the_session_shows_failed_with_stage_and_reason() {
    let harness = Harness::new(FlakyAnalyst::broken(), 2).await;
    let coach = harness.coach_with_client().await;
    harness
        .transcripts
        .objects
        .put(
            &format!("transcripts/{coach}/s03.srt"),
            shared_transcript("s03.srt"),
            "text/plain",
        )
        .await
        .unwrap();
    let failed =
        |sessions: &[sessions::Session]| sessions.iter().any(|s| s.status.as_str() == "failed");
    for _ in 0..30 {
        harness.pump(Duration::from_millis(300), failed).await;
        if failed(&harness.sessions().await) {
            break;
        }
        // Let the visibility timeout (1 s) lapse so SQS redelivers.
        tokio::time::sleep(Duration::from_millis(1100)).await;
    }
    let session = harness.sessions().await.remove(0);
    assert_eq!(session.status.as_str(), "failed");
    assert_eq!(session.failure_stage, Some(PipelineStage::Analyse));
    assert!(
        session
            .failure_reason
            .as_deref()
            .unwrap_or_default()
            .contains("failed 2 times"),
        "{session:?}"
    );
    // After its last receive the message moves to the DLQ on the next receive attempt.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(harness
        .stack
        .receive(&harness.stack.queue_urls[&PipelineStage::Analyse])
        .await
        .is_empty());
    assert_eq!(harness.stack.dead_letters(PipelineStage::Analyse).await, 1);
    assert!(harness.stack.sent_mail().await.is_empty());
}

/// Turns on object versioning, as the template does for the transcripts bucket.
async fn enable_versioning(s3: &aws_sdk_s3::Client, bucket: &str) {
    s3.put_bucket_versioning()
        .bucket(bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn s3_adapter_deletes_every_version_and_presigns_uploads() {
    let harness = Harness::new(Arc::new(LocalAnalyst), 5).await;
    let s3 = harness.stack.clients.s3();
    enable_versioning(&s3, &harness.stack.bucket).await;
    let objects = harness.runtime.objects();
    objects
        .put("exports/a/b.zip", b"one".to_vec(), "application/zip")
        .await
        .unwrap();
    objects
        .put("exports/a/b.zip", b"two".to_vec(), "application/zip")
        .await
        .unwrap();
    assert_eq!(objects.get("exports/a/b.zip").await.unwrap(), b"two");
    objects.delete("exports/a/b.zip").await.unwrap();
    let versions = s3
        .list_object_versions()
        .bucket(&harness.stack.bucket)
        .prefix("exports/a/b.zip")
        .send()
        .await
        .unwrap();
    assert!(
        versions.versions().is_empty() && versions.delete_markers().is_empty(),
        "{versions:?}"
    );

    let presigned = objects
        .presign_upload("transcripts/x/y.vtt", "text/vtt", Duration::from_secs(300))
        .await
        .unwrap();
    assert_eq!(presigned.method, "PUT");
    let uploaded = reqwest::Client::new()
        .put(&presigned.url)
        .header("content-type", "text/vtt")
        .body("WEBVTT\n")
        .send()
        .await
        .unwrap();
    assert!(uploaded.status().is_success(), "{}", uploaded.status());
    assert_eq!(
        objects.get("transcripts/x/y.vtt").await.unwrap(),
        b"WEBVTT\n"
    );
}

#[tokio::test]
async fn dynamodb_idempotency_records_replay_refuse_mismatches_and_expire_in_code() {
    use flowcoach_core::ports::idempotency::{Begin, StoredResponse};
    use flowcoach_core::ports::IdempotencyStore;
    let harness = Harness::new(Arc::new(LocalAnalyst), 5).await;
    let store = flowcoach_core::aws::adapters::DynamoIdempotencyStore::new(
        harness.stack.clients.dynamodb().clone(),
        &harness.stack.table,
    );
    let coach = CoachId(uuid::Uuid::new_v4());
    assert!(matches!(
        store.begin(coach, "key-1", "hash-a").await.unwrap(),
        Begin::Started
    ));
    assert!(matches!(
        store.begin(coach, "key-1", "hash-a").await.unwrap(),
        Begin::InFlight
    ));
    assert!(matches!(
        store.begin(coach, "key-1", "hash-b").await.unwrap(),
        Begin::Mismatch
    ));
    let response = StoredResponse {
        status: 201,
        body: b"{}".to_vec(),
        content_type: Some("application/json".into()),
        location: None,
    };
    store.finish(coach, "key-1", &response).await.unwrap();
    match store.begin(coach, "key-1", "hash-a").await.unwrap() {
        Begin::Replay(stored) => assert_eq!((stored.status, stored.body), (201, b"{}".to_vec())),
        other => panic!("expected a replay, got {other:?}"),
    }
    // Another coach's identical key is a different record.
    assert!(matches!(
        store
            .begin(CoachId(uuid::Uuid::new_v4()), "key-1", "hash-a")
            .await
            .unwrap(),
        Begin::Started
    ));

    // An expired record (the emulator never deletes TTL items) is replaced.
    harness
        .stack
        .clients
        .dynamodb()
        .update_item()
        .table_name(&harness.stack.table)
        .key(
            "pk",
            aws_sdk_dynamodb::types::AttributeValue::S(format!("idem#{coach}#key-1")),
        )
        .update_expression("SET expires_at = :past")
        .expression_attribute_values(
            ":past",
            aws_sdk_dynamodb::types::AttributeValue::N("1".into()),
        )
        .send()
        .await
        .unwrap();
    assert!(matches!(
        store.begin(coach, "key-1", "hash-c").await.unwrap(),
        Begin::Started
    ));
}

/// The emulator ignores configuration sets and drops custom headers, so the
/// SES request itself is checked, against a scripted SESv2 endpoint: a
/// follow-up names the configuration set (bounce and complaint events) and
/// carries its HTML part, Reply-To and the one-click unsubscribe headers.
#[tokio::test]
async fn a_follow_up_through_ses_names_the_configuration_set_and_carries_its_parts() {
    use flowcoach_core::aws::adapters::SesMailer;
    use flowcoach_core::ports::{Mailer, OutgoingEmail};
    use wiremock::matchers::{method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let ses = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v2/email/outbound-emails"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"MessageId": "ses-0001"})),
        )
        .expect(1)
        .mount(&ses)
        .await;
    let config = flowcoach_tests::aws::sdk_config(&ses.uri());
    let mailer = SesMailer::new(
        aws_sdk_sesv2::Client::new(&config),
        Some("flowcoach-follow-ups".into()),
    );
    let email = OutgoingEmail {
        reply_to: Some("Dana Whitfield <dana@example.com>".into()),
        html_body: Some("<p>Thank you.</p>".into()),
        unsubscribe_url: Some("https://flowcoach.test/v1/unsubscribe/t0ken".into()),
        ..OutgoingEmail::plain(
            "Dana Whitfield <no-reply@flowcoach.test>".into(),
            "tobias@example.com".into(),
            "Our session".into(),
            "Thank you.".into(),
        )
    };
    assert_eq!(mailer.send(&email).await.expect("sent"), "ses-0001");

    let requests = ses.received_requests().await.expect("recorded");
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).expect("JSON");
    assert_eq!(body["ConfigurationSetName"], "flowcoach-follow-ups");
    assert_eq!(
        body["FromEmailAddress"],
        "Dana Whitfield <no-reply@flowcoach.test>"
    );
    assert_eq!(
        body["ReplyToAddresses"],
        serde_json::json!(["Dana Whitfield <dana@example.com>"])
    );
    let simple = &body["Content"]["Simple"];
    assert_eq!(simple["Body"]["Html"]["Data"], "<p>Thank you.</p>");
    assert_eq!(simple["Body"]["Text"]["Data"], "Thank you.");
    let headers: Vec<(String, String)> = simple["Headers"]
        .as_array()
        .expect("headers")
        .iter()
        .map(|h| {
            (
                h["Name"].as_str().unwrap().to_owned(),
                h["Value"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        headers,
        [
            (
                "List-Unsubscribe".to_owned(),
                "<https://flowcoach.test/v1/unsubscribe/t0ken>".to_owned()
            ),
            (
                "List-Unsubscribe-Post".to_owned(),
                "List-Unsubscribe=One-Click".to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn the_retention_purge_removes_every_version_of_a_transcript_from_the_bucket() {
    let harness = Harness::new(Arc::new(LocalAnalyst), 5).await;
    let s3 = harness.stack.clients.s3();
    enable_versioning(&s3, &harness.stack.bucket).await;
    let coach = harness.coach_with_client().await;
    let key = format!("transcripts/{coach}/check-in.vtt");
    let objects = harness.runtime.objects();
    objects
        .put(&key, shared_transcript("s01.vtt"), "text/vtt")
        .await
        .unwrap();
    harness.pump(Duration::from_secs(120), all_ready).await;
    let sessions = harness.sessions().await;
    assert_eq!(sessions.len(), 1);
    assert_eq!(sessions[0].status.as_str(), "ready", "{:?}", sessions[0]);
    // A second stored version of the same key: the purge must take both.
    objects
        .put(&key, shared_transcript("s01.vtt"), "text/vtt")
        .await
        .unwrap();
    let versions_of = || async {
        let listed = s3
            .list_object_versions()
            .bucket(&harness.stack.bucket)
            .prefix(&key)
            .send()
            .await
            .unwrap();
        listed.versions().len() + listed.delete_markers().len()
    };
    assert_eq!(versions_of().await, 2);

    let db = harness.db.pool.get().await.unwrap();
    coaches::set_setting(
        &db,
        coach,
        coaches::TRANSCRIPT_RETENTION_DAYS,
        Some(30.into()),
    )
    .await
    .unwrap();
    let retention = flowcoach_core::retention::Retention {
        db: harness.runtime.db.clone(),
        objects: objects.clone(),
    };
    // Not yet due: the session was held today.
    let today = retention.purge_due(chrono::Utc::now()).await.unwrap();
    assert_eq!(today.sessions, 0);
    assert_eq!(versions_of().await, 2);

    let later = chrono::Utc::now() + chrono::Duration::days(31);
    let report = retention.purge_due(later).await.unwrap();
    assert_eq!((report.sessions, report.failed), (1, 0), "{report:?}");
    assert_eq!(versions_of().await, 0);
    assert_eq!(
        harness
            .count("SELECT count(*) FROM transcript_chunks")
            .await,
        0
    );
    assert_eq!(
        harness.count("SELECT count(*) FROM chunk_embeddings").await,
        0
    );
    assert_eq!(
        harness
            .count("SELECT count(*) FROM transcript_utterances")
            .await,
        0
    );
    assert_eq!(harness.count("SELECT count(*) FROM summaries").await, 1);
    let purged = &harness.sessions().await[0];
    assert!(purged.transcript.is_none() && purged.transcript_purged_at.is_some());
}
