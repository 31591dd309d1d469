//! Hello world on the Lambda runtime: what a Rust function costs before it
//! does anything (scripts/bench-cold-start.sh compares every function to it).

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::{json, Value};

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|_: LambdaEvent<Value>| async {
        Ok::<Value, Error>(json!({ "hello": "world" }))
    }))
    .await
}
