//! Live events on AWS: `$connect` with a Cognito token (from the emulated
//! user pool) keeps the connection in the emulated DynamoDB under its
//! coach, a bad token or another app client's is refused; a push reaches
//! the management API (a scripted server: the emulator's accepts anything)
//! for each of the coach's connections, and one it reports gone (410) is
//! removed; `$disconnect` removes the rest.

use aws_lambda_events::event::apigw::ApiGatewayWebsocketProxyRequest;
use flowcoach_core::aws::adapters::{AwsClients, CognitoTokens, Connections, WebSocketNotifier};
use flowcoach_core::aws::lambda::websocket::ConnectionsHandler;
use flowcoach_core::domain::CoachId;
use flowcoach_core::ports::{EventKind, LiveEvent, Notifier};
use flowcoach_core::store::Executor;
use flowcoach_tests::aws::{emulator_clients, endpoint, sdk_config};
use flowcoach_tests::database::TestDb;
use serde_json::{json, Value};
use uuid::Uuid;
use wiremock::matchers::{method, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn cognito(target: &str, body: Value) -> Value {
    let response = reqwest::Client::new()
        .post(format!("{}/", endpoint()))
        .header(
            "X-Amz-Target",
            format!("AWSCognitoIdentityProviderService.{target}"),
        )
        .header("Content-Type", "application/x-amz-json-1.1")
        .body(body.to_string())
        .send()
        .await
        .expect("cognito");
    let status = response.status();
    let text = response.text().await.expect("body");
    assert!(status.is_success(), "{target}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// A user pool with a user, and the ID token of that user for `clients`'
/// app clients (the first is FlowCoach's).
struct Pool {
    id: String,
    client_ids: Vec<String>,
}

impl Pool {
    async fn create(clients: usize) -> Self {
        let pool = cognito(
            "CreateUserPool",
            json!({"PoolName": format!("fc-{}", Uuid::new_v4().simple())}),
        )
        .await;
        let id = pool["UserPool"]["Id"].as_str().expect("pool id").to_owned();
        let mut client_ids = Vec::new();
        for index in 0..clients {
            let client = cognito(
                "CreateUserPoolClient",
                json!({"UserPoolId": id, "ClientName": format!("app-{index}"),
                       "ExplicitAuthFlows": ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                       "ReadAttributes": ["email", "email_verified", "name"]}),
            )
            .await;
            client_ids.push(
                client["UserPoolClient"]["ClientId"]
                    .as_str()
                    .expect("client id")
                    .to_owned(),
            );
        }
        cognito(
            "AdminCreateUser",
            json!({"UserPoolId": id, "Username": "dana", "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "email", "Value": "dana@example.com"},
                                      {"Name": "email_verified", "Value": "true"},
                                      {"Name": "name", "Value": "Dana Whitfield"}]}),
        )
        .await;
        cognito(
            "AdminSetUserPassword",
            json!({"UserPoolId": id, "Username": "dana", "Password": "Correct-horse-9!", "Permanent": true}),
        )
        .await;
        Self { id, client_ids }
    }

    async fn token(&self, client: usize) -> String {
        let auth = cognito(
            "InitiateAuth",
            json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": self.client_ids[client],
                   "AuthParameters": {"USERNAME": "dana", "PASSWORD": "Correct-horse-9!"}}),
        )
        .await;
        auth["AuthenticationResult"]["IdToken"]
            .as_str()
            .expect("id token")
            .to_owned()
    }

    async fn tokens(&self) -> CognitoTokens {
        let jwks = reqwest::get(format!("{}/{}/.well-known/jwks.json", endpoint(), self.id))
            .await
            .expect("jwks")
            .bytes()
            .await
            .expect("jwks body");
        // The emulator's tokens name the real Cognito issuer, not its URL.
        let issuer = format!("https://cognito-idp.us-east-1.amazonaws.com/{}", self.id);
        CognitoTokens::from_jwks(&jwks, &issuer, &self.client_ids[0]).expect("a JWKS")
    }
}

async fn connections_table(clients: &AwsClients) -> String {
    use aws_sdk_dynamodb::types::{
        AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType,
    };
    let table = format!("fc-connections-{}", Uuid::new_v4().simple());
    let attribute = |name: &str| {
        AttributeDefinition::builder()
            .attribute_name(name)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .expect("attribute")
    };
    let key = |name: &str, kind| {
        KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .expect("key")
    };
    clients
        .dynamodb()
        .create_table()
        .table_name(&table)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attribute("pk"))
        .attribute_definitions(attribute("sk"))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .send()
        .await
        .expect("create table");
    table
}

fn request(
    route: &str,
    connection: &str,
    subprotocols: Option<&str>,
) -> ApiGatewayWebsocketProxyRequest {
    let mut request: ApiGatewayWebsocketProxyRequest = serde_json::from_value(json!({
        "headers": {},
        "requestContext": {"routeKey": route, "connectionId": connection, "eventType": "CONNECT",
                           "connectedAt": 0, "requestTimeEpoch": 0},
        "isBase64Encoded": false,
    }))
    .expect("a WebSocket request");
    if let Some(value) = subprotocols {
        request
            .headers
            .insert("sec-websocket-protocol", value.parse().expect("header"));
    }
    request
}

#[tokio::test]
async fn connect_keeps_the_coachs_connection_pushes_reach_it_and_gone_ones_are_removed() {
    let db = TestDb::new().await;
    let clients = emulator_clients().await;
    let table = connections_table(&clients).await;
    let pool = Pool::create(2).await;
    let connections = Connections::new(clients.dynamodb(), &table);
    let handler = ConnectionsHandler {
        db: db.pool.clone(),
        tokens: pool.tokens().await,
        connections: connections.clone(),
    };
    let token = pool.token(0).await;

    let accepted = handler
        .handle(request(
            "$connect",
            "conn-A=",
            Some(&format!("flowcoach.events.v1, bearer.{token}")),
        ))
        .await;
    assert_eq!(accepted.status_code, 200);
    assert_eq!(
        accepted
            .headers
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok()),
        Some("flowcoach.events.v1")
    );
    let mut by_query = request("$connect", "conn-B=", None);
    by_query.query_string_parameters = [("token".to_owned(), token.clone())]
        .into_iter()
        .collect::<std::collections::HashMap<_, _>>()
        .into();
    assert_eq!(handler.handle(by_query).await.status_code, 200);

    // The first sign-in made Dana a coach, bound to her Cognito user.
    let pg = db.pool.get().await.expect("connection");
    let coach: Uuid = pg
        .fetch_one(
            "SELECT id FROM coaches WHERE email = 'dana@example.com' AND cognito_sub IS NOT NULL",
            &[],
        )
        .await
        .expect("the coach")
        .get(0);
    let coach = CoachId(coach);
    let mut open = connections
        .of_coach(coach, chrono::Utc::now())
        .await
        .expect("query");
    open.sort();
    assert_eq!(open, ["conn-A=", "conn-B="]);

    // Refused: a forged token, another app client's token, no token.
    let forged = format!("{}x", &token[..token.len() - 1]);
    let other_client = pool.token(1).await;
    for (connection, subprotocols) in [
        (
            "conn-X=",
            Some(format!("flowcoach.events.v1, bearer.{forged}")),
        ),
        (
            "conn-Y=",
            Some(format!("flowcoach.events.v1, bearer.{other_client}")),
        ),
        ("conn-Z=", Some("flowcoach.events.v1".to_owned())),
    ] {
        let refused = handler
            .handle(request("$connect", connection, subprotocols.as_deref()))
            .await;
        assert_eq!(refused.status_code, 401, "{connection}");
    }
    assert_eq!(
        connections
            .of_coach(coach, chrono::Utc::now())
            .await
            .expect("query")
            .len(),
        2
    );

    // A push reaches every connection of the coach; B is gone (410).
    let management = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/live/(@|%40)connections/conn-A(=|%3D)$"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&management)
        .await;
    Mock::given(method("POST"))
        .and(path_regex(r"^/live/(@|%40)connections/conn-B(=|%3D)$"))
        .respond_with(
            ResponseTemplate::new(410)
                .insert_header("x-amzn-ErrorType", "GoneException")
                .set_body_json(json!({"message": "Gone"})),
        )
        .expect(1)
        .mount(&management)
        .await;
    let management_clients = AwsClients::from_config(&sdk_config(&management.uri()), true);
    let notifier = WebSocketNotifier {
        connections: connections.clone(),
        management: management_clients.websocket_management(&format!("{}/live", management.uri())),
    };
    let session = Uuid::new_v4();
    notifier
        .publish(LiveEvent::now(
            coach,
            EventKind::SessionReady {
                session_id: session,
            },
        ))
        .await;
    let received = management.received_requests().await.expect("recorded");
    let to_a = received
        .iter()
        .find(|r| r.url.path().contains("conn-A"))
        .expect("pushed to A");
    let event: Value = serde_json::from_slice(&to_a.body).expect("JSON");
    assert_eq!(event["type"], "session.ready");
    assert_eq!(event["session_id"], session.to_string());
    assert!(event.get("coach_id").is_none());
    assert_eq!(
        connections
            .of_coach(coach, chrono::Utc::now())
            .await
            .expect("query"),
        ["conn-A="]
    );

    // Another coach's events reach none of Dana's connections.
    notifier
        .publish(LiveEvent::now(
            CoachId(Uuid::new_v4()),
            EventKind::SessionReady {
                session_id: session,
            },
        ))
        .await;
    assert_eq!(
        management
            .received_requests()
            .await
            .expect("recorded")
            .len(),
        2
    );

    let closed = handler
        .handle(request("$disconnect", "conn-A=", None))
        .await;
    assert_eq!(closed.status_code, 200);
    assert!(connections
        .of_coach(coach, chrono::Utc::now())
        .await
        .expect("query")
        .is_empty());
}
