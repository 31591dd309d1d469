//! Static checks of `infra/template.yaml`: what neither cfn-lint nor the AWS
//! emulator can see (scripts/check-template.sh runs the schema checks).
//!
//! - every Lambda binary in `functions/` (except the `flowcoach` CLI) has a
//!   function, and every function a binary;
//! - every function has its own log group with a retention;
//! - every queue has a dead-letter queue (watched by an alarm), and its
//!   visibility timeout is at least 6 x the timeout of the function consuming it;
//! - every scheduled function sends failed runs to its own dead-letter queue
//!   (watched by an alarm) and has an alarm on its errors;
//! - each function's IAM role names only that function's own resources: the
//!   queue it consumes, the queue it sends to (the next pipeline stage), the
//!   bucket prefix, table and secrets its environment names, its log group;
//!   no wildcard actions, no `Resource: "*"` on data services;
//! - the only routes without the JWT authorizer are health, the API document,
//!   the session page and the unsubscribe link;
//! - the web app's bucket is private and read only by its CloudFront
//!   distribution; the API, the upload bucket and Cognito accept exactly the
//!   app's origin; the routing function gives app paths the page.
//!
//! "Own" is derived from the template itself: a function owns what its
//! environment variables name (the Rust code can reach nothing else), the
//! queues of its SQS event sources, its log group, the key encrypting a bucket
//! it owns, and the SES identity of a configuration set it owns.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_norway::{Mapping, Value};

/// The pipeline, in order: each stage sends only to the next one's queue.
const PIPELINE: [&str; 4] = [
    "stage-chunk",
    "stage-analyse",
    "stage-embed",
    "stage-notify",
];
/// Services holding data: never `Resource: "*"` for their actions.
const DATA_SERVICES: [&str; 7] = [
    "s3",
    "sqs",
    "dynamodb",
    "secretsmanager",
    "kms",
    "ses",
    "sns",
];
/// Routes without the JWT authorizer; the session page shows no session data.
const PUBLIC_ROUTES: [&str; 5] = [
    "/healthz",
    "/readyz",
    "/v1/openapi.json",
    "/sessions/{id}",
    "/v1/unsubscribe/{token}",
];
/// The bucket prefix functions may touch.
const TRANSCRIPTS_PREFIX: &str = "transcripts/*";
const SQS_CONSUME: [&str; 4] = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
];

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn read(relative: &str) -> String {
    let path = workspace_root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

/// `!Ref`, `!GetAtt`, `!Sub`… arrive as tagged values; the tag without its `!`.
fn tag_name(tagged: &serde_norway::value::TaggedValue) -> String {
    tagged.tag.to_string().trim_start_matches('!').to_string()
}

/// Logical ids (and parameter names) a value refers to, in short or long form.
fn references(value: &Value, out: &mut BTreeSet<String>) {
    fn add(name: &str, out: &mut BTreeSet<String>) {
        // `Func.Version`, `Table.Arn`, `Cluster.Endpoint.Address` → the logical id.
        let id = name.split('.').next().unwrap_or(name);
        if !id.starts_with("AWS::") && !id.is_empty() {
            out.insert(id.to_string());
        }
    }
    fn sub_variables(text: &str, out: &mut BTreeSet<String>, except: &BTreeSet<String>) {
        let mut rest = text;
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let name = &after[..end];
            if !name.starts_with('!') && !except.contains(name) {
                add(name, out);
            }
            rest = &after[end + 1..];
        }
    }
    fn sub(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::String(text) => sub_variables(text, out, &BTreeSet::new()),
            Value::Sequence(parts) => {
                let locals: BTreeSet<String> = parts
                    .get(1)
                    .and_then(Value::as_mapping)
                    .map(|m| {
                        m.keys()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some(Value::String(text)) = parts.first() {
                    sub_variables(text, out, &locals);
                }
                if let Some(values) = parts.get(1) {
                    references(values, out);
                }
            }
            other => references(other, out),
        }
    }
    fn get_att(value: &Value, out: &mut BTreeSet<String>) {
        match value {
            Value::String(path) => add(path, out),
            Value::Sequence(parts) => {
                if let Some(Value::String(id)) = parts.first() {
                    add(id, out);
                }
            }
            other => references(other, out),
        }
    }
    match value {
        Value::Tagged(tagged) => match tag_name(tagged).as_str() {
            "Ref" => match &tagged.value {
                Value::String(name) => add(name, out),
                other => references(other, out),
            },
            "GetAtt" => get_att(&tagged.value, out),
            "Sub" => sub(&tagged.value, out),
            _ => references(&tagged.value, out),
        },
        Value::Mapping(mapping) => {
            for (key, inner) in mapping {
                match (key.as_str(), inner) {
                    (Some("Ref"), Value::String(name)) => add(name, out),
                    (Some("Fn::GetAtt"), inner) => get_att(inner, out),
                    (Some("Fn::Sub"), inner) => sub(inner, out),
                    _ => references(inner, out),
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|item| references(item, out)),
        _ => {}
    }
}

/// Every literal string inside a value (the text of `!Sub`s included).
fn strings(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) => out.push(text.clone()),
        Value::Tagged(tagged) => strings(&tagged.value, out),
        Value::Sequence(items) => items.iter().for_each(|item| strings(item, out)),
        Value::Mapping(mapping) => mapping.values().for_each(|item| strings(item, out)),
        _ => {}
    }
}

/// A value that may be one item or a list of them (`Action`, `Resource`).
fn one_or_many(value: Option<&Value>) -> Vec<&Value> {
    match value {
        None => Vec::new(),
        Some(Value::Sequence(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

fn as_u64(value: Option<&Value>) -> Option<u64> {
    value.and_then(|v| {
        v.as_u64()
            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
    })
}

struct Template {
    doc: Value,
}

struct Function<'a> {
    id: String,
    binary: String,
    props: &'a Value,
}

struct Statement {
    sid: String,
    actions: Vec<String>,
    resources: Vec<Value>,
    condition: Option<Value>,
}

impl Template {
    fn load() -> Self {
        let doc: Value = serde_norway::from_str(&read("infra/template.yaml"))
            .expect("infra/template.yaml is YAML");
        Self { doc }
    }

    fn resources(&self) -> &Mapping {
        self.doc
            .get("Resources")
            .and_then(Value::as_mapping)
            .expect("the template has Resources")
    }

    fn resource(&self, id: &str) -> &Value {
        self.resources()
            .get(id)
            .unwrap_or_else(|| panic!("no resource {id}"))
    }

    fn type_of(&self, id: &str) -> Option<&str> {
        self.resources()
            .get(id)
            .and_then(|r| r.get("Type"))
            .and_then(Value::as_str)
    }

    fn ids_of_type(&self, kind: &str) -> Vec<String> {
        self.resources()
            .iter()
            .filter(|(_, r)| r.get("Type").and_then(Value::as_str) == Some(kind))
            .filter_map(|(id, _)| id.as_str().map(str::to_string))
            .collect()
    }

    fn props(&self, id: &str) -> &Value {
        self.resource(id).get("Properties").unwrap_or(&Value::Null)
    }

    /// Resource ids a value refers to (parameters and pseudo parameters left out).
    fn resource_refs(&self, value: &Value) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        references(value, &mut all);
        all.into_iter()
            .filter(|id| self.resources().contains_key(id.as_str()))
            .collect()
    }

    fn functions(&self) -> Vec<Function<'_>> {
        self.resources()
            .iter()
            .filter(|(_, r)| {
                r.get("Type").and_then(Value::as_str) == Some("AWS::Serverless::Function")
            })
            .map(|(id, r)| {
                let id = id.as_str().expect("string logical id").to_string();
                let binary = r
                    .get("Metadata")
                    .and_then(|m| m.get("BuildProperties"))
                    .and_then(|b| b.get("Binary"))
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("{id} has no Metadata.BuildProperties.Binary"))
                    .to_string();
                Function {
                    id,
                    binary,
                    props: r.get("Properties").unwrap_or(&Value::Null),
                }
            })
            .collect()
    }

    fn function_by_binary(&self, binary: &str) -> Function<'_> {
        self.functions()
            .into_iter()
            .find(|f| f.binary == binary)
            .unwrap_or_else(|| panic!("no function for binary {binary}"))
    }

    fn function_globals(&self) -> &Value {
        self.doc
            .get("Globals")
            .and_then(|g| g.get("Function"))
            .unwrap_or(&Value::Null)
    }

    /// A function property, falling back to `Globals.Function`.
    fn effective<'a>(&'a self, function: &'a Function<'_>, key: &str) -> Option<&'a Value> {
        function
            .props
            .get(key)
            .or_else(|| self.function_globals().get(key))
    }

    /// Environment variables after SAM merges `Globals` into the function.
    fn environment<'a>(&'a self, function: &'a Function<'_>) -> BTreeMap<String, &'a Value> {
        let mut env = BTreeMap::new();
        for source in [self.function_globals(), function.props] {
            if let Some(vars) = source
                .get("Environment")
                .and_then(|e| e.get("Variables"))
                .and_then(Value::as_mapping)
            {
                for (name, value) in vars {
                    env.insert(name.as_str().expect("variable name").to_string(), value);
                }
            }
        }
        env
    }

    /// Queues whose SQS events invoke the function.
    fn consumed_queues(&self, function: &Function<'_>) -> BTreeSet<String> {
        let mut queues = BTreeSet::new();
        if let Some(events) = function.props.get("Events").and_then(Value::as_mapping) {
            for event in events.values() {
                if event.get("Type").and_then(Value::as_str) == Some("SQS") {
                    let queue = event
                        .get("Properties")
                        .and_then(|p| p.get("Queue"))
                        .unwrap_or(&Value::Null);
                    queues.extend(self.resource_refs(queue));
                }
            }
        }
        queues
    }

    /// The queue an asynchronous invocation goes to when the function fails it.
    fn failure_queue(&self, function: &Function<'_>) -> Option<String> {
        let target = function.props.get("DeadLetterQueue")?.get("TargetArn")?;
        self.resource_refs(target).into_iter().next()
    }

    /// Queues some function sends its failed invocations to.
    fn failure_queues(&self) -> BTreeSet<String> {
        self.functions()
            .iter()
            .filter_map(|f| self.failure_queue(f))
            .collect()
    }

    fn is_scheduled(&self, function: &Function<'_>) -> bool {
        function
            .props
            .get("Events")
            .and_then(Value::as_mapping)
            .is_some_and(|events| {
                events
                    .values()
                    .any(|e| e.get("Type").and_then(Value::as_str) == Some("Schedule"))
            })
    }

    fn consumers_of(&self, queue: &str) -> Vec<Function<'_>> {
        self.functions()
            .into_iter()
            .filter(|f| self.consumed_queues(f).contains(queue))
            .collect()
    }

    /// Queues the function's environment gives it to send to.
    fn send_queues(&self, function: &Function<'_>) -> BTreeSet<String> {
        self.environment(function)
            .iter()
            .filter(|(name, _)| name.starts_with("FLOWCOACH_QUEUE_URL_"))
            .flat_map(|(_, value)| self.resource_refs(value))
            .collect()
    }

    fn log_group(&self, function: &Function<'_>) -> Option<String> {
        let group = function.props.get("LoggingConfig")?.get("LogGroup")?;
        self.resource_refs(group).into_iter().next()
    }

    /// What the function may name in its policies (see the module comment).
    fn owned(&self, function: &Function<'_>) -> BTreeSet<String> {
        let mut own = BTreeSet::new();
        for value in self.environment(function).values() {
            own.extend(self.resource_refs(value));
        }
        own.extend(self.consumed_queues(function));
        own.extend(self.log_group(function));
        own.extend(self.failure_queue(function));
        for bucket in self.ids_of_type("AWS::S3::Bucket") {
            if own.contains(&bucket) {
                let encryption = self
                    .props(&bucket)
                    .get("BucketEncryption")
                    .unwrap_or(&Value::Null);
                own.extend(self.resource_refs(encryption));
            }
        }
        for identity in self.ids_of_type("AWS::SES::EmailIdentity") {
            let attributes = self
                .props(&identity)
                .get("ConfigurationSetAttributes")
                .unwrap_or(&Value::Null);
            if self
                .resource_refs(attributes)
                .iter()
                .any(|set| own.contains(set))
            {
                own.insert(identity);
            }
        }
        own
    }

    fn role_of(&self, function: &Function<'_>) -> Result<String, String> {
        if function.props.get("Policies").is_some() {
            return Err(format!(
                "{}: uses SAM `Policies`; give it its own AWS::IAM::Role (SAM adds managed policies with Resource \"*\")",
                function.id
            ));
        }
        let role = function
            .props
            .get("Role")
            .ok_or_else(|| format!("{}: has no Role", function.id))?;
        let refs = self.resource_refs(role);
        match refs
            .iter()
            .find(|id| self.type_of(id) == Some("AWS::IAM::Role"))
        {
            Some(role) => Ok(role.clone()),
            None => Err(format!(
                "{}: Role is not a role of this template",
                function.id
            )),
        }
    }

    /// Every statement the function's role grants: inline and template-defined
    /// managed policies (AWS-managed policy ARNs are not allowed: they cannot be read here).
    fn statements(&self, role: &str) -> Result<Vec<Statement>, String> {
        let props = self.props(role);
        let mut documents = Vec::new();
        for policy in one_or_many(props.get("Policies")) {
            documents.push(policy.get("PolicyDocument").cloned().unwrap_or(Value::Null));
        }
        for arn in one_or_many(props.get("ManagedPolicyArns")) {
            let refs = self.resource_refs(arn);
            let managed = refs
                .iter()
                .find(|id| self.type_of(id) == Some("AWS::IAM::ManagedPolicy"))
                .ok_or_else(|| {
                    format!("{role}: managed policy {arn:?} is not defined in the template")
                })?;
            documents.push(
                self.props(managed)
                    .get("PolicyDocument")
                    .cloned()
                    .unwrap_or(Value::Null),
            );
        }
        let mut statements = Vec::new();
        for document in documents {
            for statement in one_or_many(document.get("Statement")) {
                if statement.get("Effect").and_then(Value::as_str) != Some("Allow") {
                    continue;
                }
                if statement.get("NotAction").is_some() || statement.get("NotResource").is_some() {
                    return Err(format!(
                        "{role}: NotAction/NotResource grants more than it names"
                    ));
                }
                let actions = one_or_many(statement.get("Action"))
                    .into_iter()
                    .map(|a| {
                        a.as_str()
                            .map(str::to_string)
                            .ok_or_else(|| format!("{role}: non-literal action {a:?}"))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                statements.push(Statement {
                    sid: statement
                        .get("Sid")
                        .and_then(Value::as_str)
                        .unwrap_or("(no Sid)")
                        .to_string(),
                    actions,
                    resources: one_or_many(statement.get("Resource"))
                        .into_iter()
                        .cloned()
                        .collect(),
                    condition: statement.get("Condition").cloned(),
                });
            }
        }
        Ok(statements)
    }
}

/// Every function's binary, as `scripts/build-lambdas.sh` reads them.
pub(crate) fn function_binaries() -> Vec<String> {
    Template::load()
        .functions()
        .into_iter()
        .map(|f| f.binary)
        .collect()
}

fn service(action: &str) -> &str {
    action.split(':').next().unwrap_or(action)
}

fn cargo_bins(manifest: &str) -> BTreeSet<String> {
    let mut bins = BTreeSet::new();
    let mut in_bin = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_bin = line == "[[bin]]";
            continue;
        }
        if !in_bin {
            continue;
        }
        if let Some(value) = line
            .strip_prefix("name")
            .map(str::trim_start)
            .and_then(|rest| rest.strip_prefix('='))
        {
            bins.insert(value.trim().trim_matches('"').to_string());
        }
    }
    bins
}

fn assert_no_failures(what: &str, failures: Vec<String>) {
    assert!(
        failures.is_empty(),
        "{what}:\n  - {}",
        failures.join("\n  - ")
    );
}

#[test]
fn every_lambda_binary_has_a_function_and_every_function_a_binary() {
    let template = Template::load();
    let mut binaries = cargo_bins(&read("functions/Cargo.toml"));
    assert!(
        binaries.remove("flowcoach"),
        "functions/Cargo.toml should still declare the flowcoach CLI"
    );
    let functions: BTreeSet<String> = template.functions().into_iter().map(|f| f.binary).collect();

    let without_function: Vec<_> = binaries.difference(&functions).collect();
    let without_binary: Vec<_> = functions.difference(&binaries).collect();
    assert!(
        without_function.is_empty() && without_binary.is_empty(),
        "binaries without a function in infra/template.yaml: {without_function:?}; \
         functions without a [[bin]] in functions/Cargo.toml: {without_binary:?}"
    );
}

#[test]
fn every_function_is_a_rust_arm64_lambda_built_by_cargo_lambda() {
    let template = Template::load();
    let mut failures = Vec::new();
    let functions = template.functions();
    assert!(!functions.is_empty(), "no functions in the template");
    for function in &functions {
        let method = template
            .resource(&function.id)
            .get("Metadata")
            .and_then(|m| m.get("BuildMethod"));
        let expect = |key: &str, wanted: Value, failures: &mut Vec<String>| {
            let actual = template.effective(function, key);
            if actual != Some(&wanted) {
                failures.push(format!(
                    "{}: {key} is {actual:?}, expected {wanted:?}",
                    function.id
                ));
            }
        };
        if method.and_then(Value::as_str) != Some("rust-cargolambda") {
            failures.push(format!(
                "{}: Metadata.BuildMethod is not rust-cargolambda",
                function.id
            ));
        }
        expect("Runtime", Value::from("provided.al2023"), &mut failures);
        expect("Handler", Value::from("bootstrap"), &mut failures);
        expect("CodeUri", Value::from(".."), &mut failures);
        expect(
            "Architectures",
            Value::Sequence(vec![Value::from("arm64")]),
            &mut failures,
        );
        for key in ["MemorySize", "Timeout"] {
            if as_u64(function.props.get(key)).is_none() {
                failures.push(format!(
                    "{}: {key} is not chosen for the function",
                    function.id
                ));
            }
        }
    }
    assert_no_failures("functions", failures);
}

#[test]
fn every_function_logs_to_its_own_log_group_with_retention() {
    let template = Template::load();
    let mut failures = Vec::new();
    let mut seen = BTreeMap::new();
    for function in template.functions() {
        let Some(group) = template.log_group(&function) else {
            failures.push(format!("{}: no LoggingConfig.LogGroup", function.id));
            continue;
        };
        if template.type_of(&group) != Some("AWS::Logs::LogGroup") {
            failures.push(format!(
                "{}: log group {group} is not an AWS::Logs::LogGroup",
                function.id
            ));
        } else if template.props(&group).get("RetentionInDays").is_none() {
            failures.push(format!("{group}: no RetentionInDays"));
        }
        if let Some(other) = seen.insert(group.clone(), function.id.clone()) {
            failures.push(format!("{group} is shared by {other} and {}", function.id));
        }
    }
    assert_no_failures("log groups", failures);
}

#[test]
fn every_queue_has_a_dead_letter_queue_watched_by_an_alarm() {
    let template = Template::load();
    let queues = template.ids_of_type("AWS::SQS::Queue");
    assert!(!queues.is_empty(), "no queues in the template");

    // dead-letter queue -> the queues redriving into it
    let mut redrives: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for queue in &queues {
        let Some(policy) = template.props(queue).get("RedrivePolicy") else {
            continue;
        };
        let targets =
            template.resource_refs(policy.get("deadLetterTargetArn").unwrap_or(&Value::Null));
        match targets.iter().next() {
            Some(dlq) if template.type_of(dlq) == Some("AWS::SQS::Queue") => {
                redrives.entry(dlq.clone()).or_default().push(queue.clone());
            }
            _ => failures.push(format!(
                "{queue}: RedrivePolicy.deadLetterTargetArn names no queue of the template"
            )),
        }
        match as_u64(policy.get("maxReceiveCount")) {
            Some(1..=10) => {}
            other => failures.push(format!(
                "{queue}: maxReceiveCount {other:?} is not in 1..=10"
            )),
        }
    }
    let alarms: Vec<&Value> = template
        .ids_of_type("AWS::CloudWatch::Alarm")
        .into_iter()
        .map(|id| template.props(&id))
        .collect::<Vec<_>>();
    let failure_queues = template.failure_queues();
    for queue in &queues {
        if failure_queues.contains(queue) {
            if !watched_queue(&template, &alarms, queue) {
                failures.push(format!(
                    "failed-run queue {queue} has no ApproximateNumberOfMessagesVisible alarm"
                ));
            }
        } else if let Some(sources) = redrives.get(queue) {
            if sources.len() > 1 {
                failures.push(format!(
                    "{queue} is the dead-letter queue of several queues: {sources:?}"
                ));
            }
            let retention =
                as_u64(template.props(queue).get("MessageRetentionPeriod")).unwrap_or(345_600);
            for source in sources {
                let source_retention =
                    as_u64(template.props(source).get("MessageRetentionPeriod")).unwrap_or(345_600);
                if retention <= source_retention {
                    failures.push(format!(
                        "{queue} keeps messages {retention} s, not longer than {source}'s {source_retention} s \
                         (a redriven message keeps its first enqueue time)"
                    ));
                }
            }
            if !watched_queue(&template, &alarms, queue) {
                failures.push(format!(
                    "dead-letter queue {queue} has no ApproximateNumberOfMessagesVisible alarm"
                ));
            }
        } else if template.props(queue).get("RedrivePolicy").is_none() {
            failures.push(format!(
                "{queue} has no RedrivePolicy (no dead-letter queue)"
            ));
        }
    }
    assert_no_failures("queues", failures);
}

fn watched_queue(template: &Template, alarms: &[&Value], queue: &str) -> bool {
    alarms.iter().any(|alarm| {
        alarm.get("MetricName").and_then(Value::as_str)
            == Some("ApproximateNumberOfMessagesVisible")
            && template
                .resource_refs(alarm.get("Dimensions").unwrap_or(&Value::Null))
                .contains(queue)
    })
}

#[test]
fn scheduled_functions_dead_letter_failed_runs_and_alarm_on_errors() {
    let template = Template::load();
    let mut failures = Vec::new();
    let mut scheduled = 0;
    for function in template.functions() {
        if !template.is_scheduled(&function) {
            continue;
        }
        scheduled += 1;
        let name = &function.binary;
        match template.failure_queue(&function) {
            Some(queue) if template.type_of(&queue) == Some("AWS::SQS::Queue") => {
                let shared = template
                    .functions()
                    .iter()
                    .filter(|f| template.failure_queue(f).as_deref() == Some(queue.as_str()))
                    .count();
                if shared != 1 {
                    failures.push(format!("{name}: its failed-run queue {queue} is shared"));
                }
            }
            _ => failures.push(format!("{name}: no DeadLetterQueue of type SQS")),
        }
        let alarmed = template
            .ids_of_type("AWS::CloudWatch::Alarm")
            .iter()
            .map(|id| template.props(id))
            .any(|alarm| {
                alarm.get("MetricName").and_then(Value::as_str) == Some("Errors")
                    && template
                        .resource_refs(alarm.get("Dimensions").unwrap_or(&Value::Null))
                        .contains(&function.id)
            });
        if !alarmed {
            failures.push(format!("{name}: no alarm on its Errors"));
        }
    }
    assert!(
        scheduled >= 2,
        "the dispatch and reminder functions are scheduled"
    );
    assert_no_failures("scheduled functions", failures);
}

#[test]
fn visibility_timeouts_are_at_least_six_times_the_consumer_timeout() {
    let template = Template::load();
    let mut failures = Vec::new();
    let mut checked = 0;
    for function in template.functions() {
        let timeout = as_u64(template.effective(&function, "Timeout")).unwrap_or(3);
        for queue in template.consumed_queues(&function) {
            let visibility = as_u64(template.props(&queue).get("VisibilityTimeout")).unwrap_or(30);
            checked += 1;
            if visibility < 6 * timeout {
                failures.push(format!(
                    "{queue}: VisibilityTimeout {visibility} s < 6 x {} Timeout {timeout} s = {} s",
                    function.binary,
                    6 * timeout
                ));
            }
        }
    }
    assert!(
        checked >= PIPELINE.len(),
        "expected every pipeline stage to consume a queue, checked {checked}"
    );
    assert_no_failures("visibility timeouts", failures);
}

#[test]
fn pipeline_stages_consume_their_queue_with_partial_batch_failures() {
    let template = Template::load();
    let mut failures = Vec::new();
    for stage in PIPELINE {
        let function = template.function_by_binary(stage);
        let events = function
            .props
            .get("Events")
            .and_then(Value::as_mapping)
            .cloned()
            .unwrap_or_default();
        let sqs: Vec<&Value> = events
            .values()
            .filter(|e| e.get("Type").and_then(Value::as_str) == Some("SQS"))
            .collect();
        if sqs.len() != 1 {
            failures.push(format!(
                "{stage}: {} SQS event sources, expected 1",
                sqs.len()
            ));
            continue;
        }
        let props = sqs[0].get("Properties").unwrap_or(&Value::Null);
        let reports = one_or_many(props.get("FunctionResponseTypes"))
            .iter()
            .any(|t| t.as_str() == Some("ReportBatchItemFailures"));
        if !reports {
            failures.push(format!(
                "{stage}: FunctionResponseTypes lacks ReportBatchItemFailures"
            ));
        }
        match as_u64(props.get("BatchSize")) {
            Some(1..=5) => {}
            other => failures.push(format!("{stage}: BatchSize {other:?} is not in 1..=5")),
        }
    }
    let failure_queues = template.failure_queues();
    for queue in template.ids_of_type("AWS::SQS::Queue") {
        let is_dead_letter = failure_queues.contains(&queue)
            || template
                .ids_of_type("AWS::SQS::Queue")
                .iter()
                .filter_map(|q| template.props(q).get("RedrivePolicy"))
                .any(|p| template.resource_refs(p).contains(&queue));
        let consumers = template.consumers_of(&queue).len();
        if is_dead_letter && consumers > 0 {
            failures.push(format!(
                "dead-letter queue {queue} is consumed by a function"
            ));
        }
        if !is_dead_letter && consumers != 1 {
            failures.push(format!(
                "{queue} has {consumers} consuming functions, expected exactly 1"
            ));
        }
    }
    assert_no_failures("pipeline event sources", failures);
}

#[test]
fn each_function_policy_names_only_its_own_resources() {
    let template = Template::load();
    let mut failures = Vec::new();
    let mut roles: BTreeMap<String, String> = BTreeMap::new();

    for function in template.functions() {
        let name = &function.binary;
        let role = match template.role_of(&function) {
            Ok(role) => role,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        if let Some(other) = roles.insert(role.clone(), name.clone()) {
            failures.push(format!(
                "{role} is shared by {other} and {name}: each function needs its own role"
            ));
        }
        let statements = match template.statements(&role) {
            Ok(statements) => statements,
            Err(e) => {
                failures.push(e);
                continue;
            }
        };
        let own = template.owned(&function);
        // Its environment's queues, and where Lambda puts its failed runs.
        let mut sends_to = template.send_queues(&function);
        sends_to.extend(template.failure_queue(&function));
        let consumes = template.consumed_queues(&function);
        let mut granted_send = BTreeSet::new();
        let mut granted_consume = BTreeSet::new();

        for statement in &statements {
            let at = format!("{name} ({role}, {})", statement.sid);
            let named = template.resource_refs(&Value::Sequence(statement.resources.clone()));
            let data_actions: Vec<&String> = statement
                .actions
                .iter()
                .filter(|a| DATA_SERVICES.contains(&service(a)))
                .collect();

            for action in &statement.actions {
                if action.contains('*') {
                    failures.push(format!("{at}: wildcard action {action}"));
                }
            }
            if !data_actions.is_empty() {
                if statement.resources.is_empty()
                    || statement.resources.iter().any(|r| r.as_str() == Some("*"))
                {
                    failures.push(format!("{at}: {data_actions:?} on Resource \"*\""));
                }
                for id in named.difference(&own) {
                    failures.push(format!(
                        "{at}: names {id}, which is not its own (not in its environment or events)"
                    ));
                }
                if named.is_empty() {
                    failures.push(format!(
                        "{at}: {data_actions:?} name no resource of the template"
                    ));
                }
            }
            if statement.actions.iter().any(|a| service(a) == "logs") {
                let expected: BTreeSet<String> =
                    template.log_group(&function).into_iter().collect();
                if named != expected || statement.resources.len() != 1 {
                    failures.push(format!(
                        "{at}: logs actions on {named:?}, expected only its log group {expected:?}"
                    ));
                }
            }
            for action in &statement.actions {
                match action.as_str() {
                    "sqs:SendMessage" | "sqs:SendMessageBatch" => {
                        granted_send.extend(named.iter().cloned())
                    }
                    a if SQS_CONSUME.contains(&a) => granted_consume.extend(named.iter().cloned()),
                    _ => {}
                }
            }
            if statement.actions.iter().any(|a| service(a) == "s3") {
                let mut texts = Vec::new();
                for resource in &statement.resources {
                    strings(resource, &mut texts);
                }
                let object_level = statement.actions.iter().any(|a| a.contains("Object"));
                for text in &texts {
                    let scoped = if object_level {
                        text.ends_with(&format!("/{TRANSCRIPTS_PREFIX}"))
                    } else {
                        // bucket-level (list): the bucket ARN, narrowed by an s3:prefix condition
                        let mut condition = Vec::new();
                        strings(
                            statement.condition.as_ref().unwrap_or(&Value::Null),
                            &mut condition,
                        );
                        !text.contains('*') && condition.iter().any(|c| c == TRANSCRIPTS_PREFIX)
                    };
                    if !scoped {
                        failures.push(format!(
                            "{at}: S3 resource {text} is not limited to {TRANSCRIPTS_PREFIX}"
                        ));
                    }
                }
            }
            if statement.actions.iter().any(|a| service(a) == "kms") {
                // The key is usable only through the service that owns the data (S3).
                let via_service = serde_norway::to_string(&statement.condition)
                    .unwrap_or_default()
                    .contains("kms:ViaService");
                if !via_service {
                    failures.push(format!("{at}: KMS use without a kms:ViaService condition"));
                }
            }
        }

        if granted_consume != consumes {
            failures.push(format!(
                "{name}: may consume {granted_consume:?}, but its SQS events are {consumes:?}"
            ));
        }
        if granted_send != sends_to {
            failures.push(format!(
                "{name}: may send to {granted_send:?}, but its FLOWCOACH_QUEUE_URL_* variables and DeadLetterQueue name {sends_to:?}"
            ));
        }
    }

    // Each stage sends only to the next stage's queue; the last sends nowhere.
    for (index, stage) in PIPELINE.iter().enumerate() {
        let function = template.function_by_binary(stage);
        let sends_to = template.send_queues(&function);
        let expected: BTreeSet<String> = match PIPELINE.get(index + 1) {
            Some(next) => template.consumed_queues(&template.function_by_binary(next)),
            None => BTreeSet::new(),
        };
        if sends_to != expected {
            failures.push(format!(
                "{stage}: sends to {sends_to:?}, expected only the next stage's queue {expected:?}"
            ));
        }
    }
    // Nobody sends to a dead-letter queue or a queue no stage consumes.
    for function in template.functions() {
        for queue in template.send_queues(&function) {
            if template.consumers_of(&queue).is_empty() {
                failures.push(format!(
                    "{}: sends to {queue}, which no function consumes",
                    function.binary
                ));
            }
        }
    }
    assert_no_failures("least privilege", failures);
}

#[test]
fn only_health_and_the_api_document_skip_the_jwt_authorizer() {
    let template = Template::load();
    let mut failures = Vec::new();
    let mut public = BTreeSet::new();
    for api in template.ids_of_type("AWS::Serverless::HttpApi") {
        let auth = template.props(&api).get("Auth");
        if auth.and_then(|a| a.get("DefaultAuthorizer")).is_none() {
            failures.push(format!("{api}: no DefaultAuthorizer"));
        }
    }
    for function in template.functions() {
        let Some(events) = function.props.get("Events").and_then(Value::as_mapping) else {
            continue;
        };
        for event in events
            .values()
            .filter(|e| e.get("Type").and_then(Value::as_str) == Some("HttpApi"))
        {
            let props = event.get("Properties").unwrap_or(&Value::Null);
            let path = props
                .get("Path")
                .and_then(Value::as_str)
                .unwrap_or("?")
                .to_string();
            let authorizer = props
                .get("Auth")
                .and_then(|a| a.get("Authorizer"))
                .and_then(Value::as_str);
            if authorizer == Some("NONE") {
                public.insert(path.clone());
                if !PUBLIC_ROUTES.contains(&path.as_str()) {
                    failures.push(format!("{}: {path} is unauthenticated", function.binary));
                }
            }
        }
    }
    let expected: BTreeSet<String> = PUBLIC_ROUTES.iter().map(|r| r.to_string()).collect();
    if public != expected {
        failures.push(format!(
            "public routes are {public:?}, expected {expected:?}"
        ));
    }
    assert_no_failures("authorization", failures);
}

/// `rate(1 minute)`, `rate(15 minutes)` or a six-field `cron(...)`: the
/// linters accept `rate(5 minute)`, EventBridge does not.
fn valid_schedule(expression: &str) -> bool {
    if let Some(rate) = expression
        .strip_prefix("rate(")
        .and_then(|r| r.strip_suffix(')'))
    {
        let Some((value, unit)) = rate.split_once(' ') else {
            return false;
        };
        let Ok(value) = value.parse::<u32>() else {
            return false;
        };
        let units = ["minute", "hour", "day"];
        return match value {
            0 => false,
            1 => units.contains(&unit),
            _ => units.iter().any(|u| unit == format!("{u}s")),
        };
    }
    expression
        .strip_prefix("cron(")
        .and_then(|c| c.strip_suffix(')'))
        .is_some_and(|fields| fields.split_whitespace().count() == 6)
}

#[test]
fn schedule_expressions_are_ones_eventbridge_accepts() {
    for (expression, valid) in [
        ("rate(1 minute)", true),
        ("rate(15 minutes)", true),
        ("rate(5 minute)", false),
        ("rate(1 minutes)", false),
        ("rate(0 minutes)", false),
        ("cron(0 8 * * ? *)", true),
        ("cron(0 8 * * ?)", false),
    ] {
        assert_eq!(valid_schedule(expression), valid, "{expression}");
    }
    let template = Template::load();
    let mut failures = Vec::new();
    for function in template.functions() {
        let Some(events) = function.props.get("Events").and_then(Value::as_mapping) else {
            continue;
        };
        for event in events
            .values()
            .filter(|e| e.get("Type").and_then(Value::as_str) == Some("Schedule"))
        {
            let expression = event
                .get("Properties")
                .and_then(|p| p.get("Schedule"))
                .and_then(Value::as_str)
                .unwrap_or("");
            if !valid_schedule(expression) {
                failures.push(format!("{}: schedule {expression:?}", function.binary));
            }
        }
    }
    assert_no_failures("schedules", failures);
}

/// YAML of one part of the template, for checks on what it names.
fn yaml(value: &Value) -> String {
    serde_norway::to_string(value).expect("a template value renders as YAML")
}

#[test]
fn the_web_app_bucket_is_private_and_read_only_by_its_distribution() {
    let template = Template::load();
    let bucket = template.props("WebBucket");
    let block = bucket
        .get("PublicAccessBlockConfiguration")
        .and_then(Value::as_mapping)
        .expect("a public access block");
    assert_eq!(block.len(), 4);
    assert!(
        block.values().all(|v| v.as_bool() == Some(true)),
        "{block:?}"
    );

    let policy = yaml(template.props("WebBucketPolicy"));
    assert!(
        policy.contains("Service: cloudfront.amazonaws.com"),
        "{policy}"
    );
    assert!(policy.contains("Action: s3:GetObject"), "{policy}");
    assert!(policy.contains("AWS:SourceArn"), "{policy}");
    assert!(
        policy.contains("distribution/${WebDistribution}"),
        "{policy}"
    );

    let config = template
        .props("WebDistribution")
        .get("DistributionConfig")
        .expect("a distribution config");
    let origins = config
        .get("Origins")
        .and_then(Value::as_sequence)
        .expect("origins");
    assert_eq!(
        origins.len(),
        1,
        "only the bucket: the API keeps its own domain"
    );
    assert!(yaml(&origins[0]).contains("WebOriginAccessControl.Id"));
    let behaviour = yaml(config.get("DefaultCacheBehavior").expect("a behaviour"));
    assert!(
        behaviour.contains("ViewerProtocolPolicy: redirect-to-https"),
        "{behaviour}"
    );
    assert!(
        behaviour.contains("EventType: viewer-request"),
        "{behaviour}"
    );
    assert!(
        behaviour.contains("WebAppRouting.FunctionMetadata.FunctionARN"),
        "{behaviour}"
    );
    assert!(
        config.get("CustomErrorResponses").is_none(),
        "error pages would turn real 403s and 404s into the app's page"
    );
}

#[test]
fn the_api_the_upload_bucket_and_cognito_accept_exactly_the_web_app_origin() {
    let template = Template::load();
    let app_origin =
        r#"!If [HasAppUrl, !Ref AppUrl, !Sub "https://${WebDistribution.DomainName}"]"#;
    let expected = serde_norway::from_str::<Value>(app_origin).expect("the origin as YAML");

    let cors = template
        .props("HttpApi")
        .get("CorsConfiguration")
        .expect("CORS on the HTTP API");
    let origins = cors
        .get("AllowOrigins")
        .and_then(Value::as_sequence)
        .expect("allowed origins");
    assert_eq!(origins, &vec![expected.clone()], "exactly the app, never *");
    assert_eq!(
        cors.get("AllowCredentials").and_then(Value::as_bool),
        Some(false)
    );
    let listed = |key: &str| -> Vec<String> {
        cors.get(key)
            .and_then(Value::as_sequence)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect()
    };
    for header in [
        "authorization",
        "content-type",
        "idempotency-key",
        "if-match",
    ] {
        assert!(
            listed("AllowHeaders").contains(&header.to_owned()),
            "{header}"
        );
    }
    for header in ["etag", "x-request-id", "location"] {
        assert!(
            listed("ExposeHeaders").contains(&header.to_owned()),
            "{header}"
        );
    }

    let rules = yaml(
        template
            .props("TranscriptsBucket")
            .get("CorsConfiguration")
            .expect("bucket CORS"),
    );
    let rule: Value = serde_norway::from_str(&rules).expect("yaml");
    let rule = &rule["CorsRules"][0];
    assert_eq!(rule["AllowedOrigins"], Value::Sequence(vec![expected]));
    assert_eq!(
        rule["AllowedMethods"],
        serde_norway::from_str::<Value>("[PUT]").unwrap()
    );

    let client = template.props("UserPoolClient");
    assert_eq!(yaml(&client["AllowedOAuthFlows"]).trim(), "- code");
    let callbacks = yaml(&client["CallbackURLs"]);
    assert!(callbacks.contains("/auth/callback"), "{callbacks}");
    assert!(
        callbacks.contains("WebDistribution.DomainName"),
        "{callbacks}"
    );
}

#[test]
fn the_routing_function_sends_app_paths_to_the_page_and_files_through() {
    let template = Template::load();
    let code = template.props("WebAppRouting")["FunctionCode"]
        .as_str()
        .expect("the function's code")
        .to_owned();
    let script = format!(
        "{code}\nconst cases = {{'/': '/index.html', '/sessions': '/index.html', \
         '/sessions/0b4e1670-0000-4000-8000-000000000001': '/index.html', '/auth/callback': '/index.html', \
         '/assets/index-3f2a9c.js': '/assets/index-3f2a9c.js', '/config.json': '/config.json', '/favicon.svg': '/favicon.svg'}};\n\
         for (const [uri, expected] of Object.entries(cases)) {{\n\
           const got = handler({{ request: {{ uri }} }}).uri;\n\
           if (got !== expected) {{ console.error(uri + ' -> ' + got + ', expected ' + expected); process.exit(1); }}\n\
         }}\n"
    );
    let output = std::process::Command::new("node")
        .arg("-e")
        .arg(&script)
        .output()
        .expect("node runs (the web app's tests need it too)");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}
