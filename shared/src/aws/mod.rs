//! Everything that only runs on AWS, in one place: the adapters behind the
//! ports (S3, SQS, SESv2, DynamoDB, Secrets Manager, Cognito's claims), the
//! Lambda event glue (SQS stage batches, S3 notifications) and the runtime
//! that wires them together once per cold start. `functions/` holds only the
//! binaries' entry points.

pub mod adapters;
pub mod lambda;
pub mod runtime;
