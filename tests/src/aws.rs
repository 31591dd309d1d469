//! The AWS emulator (moto) side of the tests: clients pointed at it, a
//! uniquely named stack of bucket, queues, DLQs, table and SES identity per
//! test, and a driver that plays Lambda's SQS event source mapping.

use std::collections::HashMap;
use std::time::Duration;

use aws_lambda_events::event::sqs::{SqsEvent, SqsMessage};
use aws_sdk_s3::config::{Credentials, Region, SharedCredentialsProvider};
use aws_sdk_sqs::types::{MessageSystemAttributeName, QueueAttributeName};
use flowcoach_core::aws::adapters::AwsClients;
use flowcoach_core::domain::PipelineStage;

pub fn endpoint() -> String {
    std::env::var("FLOWCOACH_AWS_ENDPOINT").unwrap_or_else(|_| "http://127.0.0.1:4566".into())
}

/// An SDK configuration for test credentials against `endpoint` (the
/// emulator, or a scripted server), built as the functions build theirs but
/// with its parts given (no process-wide env).
pub fn sdk_config(endpoint: &str) -> aws_config::SdkConfig {
    let credentials = Credentials::new("test", "test", None, None, "flowcoach-tests");
    flowcoach_core::aws::adapters::sdk_config(
        Region::new("us-east-1"),
        SharedCredentialsProvider::new(credentials),
        Some(endpoint.to_owned()),
    )
}

/// Clients for the emulator.
pub async fn emulator_clients() -> AwsClients {
    let config = sdk_config(&endpoint());
    let clients = AwsClients::from_config(&config, true);
    clients.sqs().list_queues().send().await.unwrap_or_else(|e| {
        panic!(
            "the AWS emulator must run at {} (scripts/test.sh starts it: scripts/start-moto.sh): {e:?}",
            endpoint()
        )
    });
    clients
}

/// One test's AWS resources.
pub struct AwsStack {
    pub clients: AwsClients,
    pub bucket: String,
    pub table: String,
    pub sender: String,
    pub queue_urls: HashMap<PipelineStage, String>,
    /// A Secrets Manager secret holding the unsubscribe links' key.
    pub unsubscribe_secret_arn: String,
    pub dlq_urls: HashMap<PipelineStage, String>,
}

impl AwsStack {
    /// Creates everything, including the bucket's ObjectCreated → chunk queue notification.
    pub async fn create(max_receive_count: u32) -> Self {
        let clients = emulator_clients().await;
        let suffix = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        let bucket = format!("fc-transcripts-{suffix}");
        clients
            .s3()
            .create_bucket()
            .bucket(&bucket)
            .send()
            .await
            .expect("create bucket");

        let mut queue_urls = HashMap::new();
        let mut dlq_urls = HashMap::new();
        for stage in PipelineStage::ALL {
            let dlq = clients
                .sqs()
                .create_queue()
                .queue_name(format!("fc-{suffix}-{stage}-dlq"))
                .send()
                .await
                .expect("create dlq");
            let dlq_url = dlq.queue_url().expect("dlq url").to_owned();
            let dlq_arn = queue_arn(&clients, &dlq_url).await;
            let redrive = serde_json::json!({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count});
            let queue = clients
                .sqs()
                .create_queue()
                .queue_name(format!("fc-{suffix}-{stage}"))
                .attributes(QueueAttributeName::RedrivePolicy, redrive.to_string())
                .attributes(QueueAttributeName::VisibilityTimeout, "1")
                .send()
                .await
                .expect("create queue");
            queue_urls.insert(stage, queue.queue_url().expect("queue url").to_owned());
            dlq_urls.insert(stage, dlq_url);
        }

        let chunk_arn = queue_arn(&clients, &queue_urls[&PipelineStage::Chunk]).await;
        let notification = aws_sdk_s3::types::NotificationConfiguration::builder()
            .queue_configurations(
                aws_sdk_s3::types::QueueConfiguration::builder()
                    .queue_arn(chunk_arn)
                    .events(aws_sdk_s3::types::Event::S3ObjectCreated)
                    .filter(
                        aws_sdk_s3::types::NotificationConfigurationFilter::builder()
                            .key(
                                aws_sdk_s3::types::S3KeyFilter::builder()
                                    .filter_rules(
                                        aws_sdk_s3::types::FilterRule::builder()
                                            .name(aws_sdk_s3::types::FilterRuleName::Prefix)
                                            .value("transcripts/")
                                            .build(),
                                    )
                                    .build(),
                            )
                            .build(),
                    )
                    .build()
                    .expect("queue configuration"),
            )
            .build();
        clients
            .s3()
            .put_bucket_notification_configuration()
            .bucket(&bucket)
            .notification_configuration(notification)
            .send()
            .await
            .expect("bucket notification");

        let table = format!("fc-idempotency-{suffix}");
        clients
            .dynamodb()
            .create_table()
            .table_name(&table)
            .billing_mode(aws_sdk_dynamodb::types::BillingMode::PayPerRequest)
            .attribute_definitions(
                aws_sdk_dynamodb::types::AttributeDefinition::builder()
                    .attribute_name("pk")
                    .attribute_type(aws_sdk_dynamodb::types::ScalarAttributeType::S)
                    .build()
                    .expect("attribute"),
            )
            .key_schema(
                aws_sdk_dynamodb::types::KeySchemaElement::builder()
                    .attribute_name("pk")
                    .key_type(aws_sdk_dynamodb::types::KeyType::Hash)
                    .build()
                    .expect("key schema"),
            )
            .send()
            .await
            .expect("create table");

        let sender = format!("notices-{suffix}@flowcoach.test");
        clients
            .ses()
            .create_email_identity()
            .email_identity(&sender)
            .send()
            .await
            .expect("SES identity");
        let unsubscribe_secret_arn = clients
            .secrets()
            .create_secret()
            .name(format!("fc-{suffix}-unsubscribe"))
            .secret_string(uuid::Uuid::new_v4().simple().to_string())
            .send()
            .await
            .expect("unsubscribe secret")
            .arn()
            .expect("secret arn")
            .to_owned();
        Self {
            clients,
            bucket,
            table,
            sender,
            queue_urls,
            dlq_urls,
            unsubscribe_secret_arn,
        }
    }

    /// Receives what is waiting on a queue, as the Lambda event source would.
    pub async fn receive(&self, url: &str) -> Vec<aws_sdk_sqs::types::Message> {
        self.clients
            .sqs()
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .message_system_attribute_names(MessageSystemAttributeName::All)
            .wait_time_seconds(0)
            .send()
            .await
            .expect("receive")
            .messages
            .unwrap_or_default()
    }

    pub async fn delete(&self, url: &str, message: &aws_sdk_sqs::types::Message) {
        if let Some(handle) = message.receipt_handle() {
            self.clients
                .sqs()
                .delete_message()
                .queue_url(url)
                .receipt_handle(handle)
                .send()
                .await
                .expect("delete");
        }
    }

    /// Messages waiting in a stage's DLQ.
    pub async fn dead_letters(&self, stage: PipelineStage) -> usize {
        self.receive(&self.dlq_urls[&stage]).await.len()
    }

    /// Every email the emulator's SES accepted, as JSON text.
    pub async fn sent_mail(&self) -> Vec<serde_json::Value> {
        let data: serde_json::Value = reqwest::get(format!("{}/moto-api/data.json", endpoint()))
            .await
            .expect("moto data")
            .json()
            .await
            .expect("moto data json");
        let mut mails = Vec::new();
        collect_messages(&data["ses"], &mut mails);
        mails
            .into_iter()
            .filter(|m| m.to_string().contains(&self.sender))
            .collect()
    }
}

fn collect_messages(value: &serde_json::Value, into: &mut Vec<serde_json::Value>) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, child) in map {
                if key.to_lowercase().contains("message") {
                    if let Some(items) = child.as_array() {
                        into.extend(items.iter().cloned());
                        continue;
                    }
                }
                collect_messages(child, into);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|i| collect_messages(i, into)),
        _ => {}
    }
}

async fn queue_arn(clients: &AwsClients, url: &str) -> String {
    clients
        .sqs()
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("queue attributes")
        .attributes
        .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
        .expect("queue arn")
}

/// An SQS message as Lambda hands it to a function.
pub fn to_lambda_event(messages: &[aws_sdk_sqs::types::Message]) -> SqsEvent {
    let records: Vec<SqsMessage> = messages
        .iter()
        .map(|m| {
            let attributes: HashMap<String, String> = m
                .attributes()
                .map(|a| {
                    a.iter()
                        .map(|(k, v)| (k.as_str().to_owned(), v.clone()))
                        .collect()
                })
                .unwrap_or_default();
            let mut record = SqsMessage::default();
            record.message_id = m.message_id().map(str::to_owned);
            record.receipt_handle = m.receipt_handle().map(str::to_owned);
            record.body = m.body().map(str::to_owned);
            record.attributes = attributes;
            record.event_source = Some("aws:sqs".into());
            record
        })
        .collect();
    let mut event = SqsEvent::default();
    event.records = records;
    event
}

/// Waits for the emulator to settle between polls.
pub async fn pause() {
    tokio::time::sleep(Duration::from_millis(200)).await;
}
