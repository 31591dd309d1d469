//! The AWS SDK's HTTP client: hyper 1's pooled client over HTTP/1.1, with
//! rustls on ring trusting the Mozilla roots compiled into the binary.
//!
//! The SDK's own client (`aws-smithy-http-client`) always links HTTP/2, a
//! proxy matcher and the system trust store's loader, and builds its TLS
//! configuration again for every service client a function makes (parsing
//! every root certificate each time): the larger part of an API function's
//! cold start and of its SDK code (ADR 19). AWS's endpoints speak HTTP/1.1,
//! which is all a Lambda's few calls per invocation need.

use std::borrow::Cow;
use std::collections::HashMap;
use std::error::Error;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Duration;

use aws_smithy_runtime_api::client::connector_metadata::ConnectorMetadata;
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::ErrorKind;
use hyper::Uri;
use hyper_rustls::{HttpsConnector, HttpsConnectorBuilder};
use hyper_util::client::legacy::connect::HttpConnector as TcpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioTimer};

type BoxError = Box<dyn Error + Send + Sync>;

/// What an SDK client asks of its connection: one connector (and pool) per
/// distinct pair of timeouts, made once and shared by every client of the
/// process that asks for the same.
pub struct HttpsClient {
    tls: rustls::ClientConfig,
    connectors: Mutex<HashMap<Timeouts, SharedHttpConnector>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct Timeouts {
    connect: Option<Duration>,
    read: Option<Duration>,
}

impl HttpsClient {
    /// Trusting the Mozilla roots, as the database connection does.
    pub fn new() -> Self {
        Self::with_tls(crate::crypto::mozilla_client_config())
    }

    /// Trusting what `tls` trusts (a test's own authority).
    pub fn with_tls(tls: rustls::ClientConfig) -> Self {
        Self {
            tls,
            connectors: Mutex::new(HashMap::new()),
        }
    }

    fn connector_for(&self, timeouts: Timeouts) -> SharedHttpConnector {
        // The map only ever grows by whole entries: a panic elsewhere cannot leave it half-written.
        let mut connectors = self
            .connectors
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        connectors
            .entry(timeouts)
            .or_insert_with(|| SharedHttpConnector::new(Connector::new(&self.tls, timeouts)))
            .clone()
    }
}

impl Default for HttpsClient {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for HttpsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpsClient").finish_non_exhaustive()
    }
}

impl HttpClient for HttpsClient {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.connector_for(Timeouts {
            connect: settings.connect_timeout(),
            read: settings.read_timeout(),
        })
    }

    fn connector_metadata(&self) -> Option<ConnectorMetadata> {
        Some(ConnectorMetadata::new("hyper", Some(Cow::Borrowed("1.x"))))
    }
}

/// One pooled hyper client with its timeouts.
struct Connector {
    client: Client<ConnectWithin<HttpsConnector<TcpConnector>>, SdkBody>,
    read_timeout: Option<Duration>,
}

impl fmt::Debug for Connector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Connector")
            .field("read_timeout", &self.read_timeout)
            .finish_non_exhaustive()
    }
}

impl Connector {
    fn new(tls: &rustls::ClientConfig, timeouts: Timeouts) -> Self {
        let mut tcp = TcpConnector::new();
        // The scheme is the TLS layer's to check: an emulator is plain HTTP.
        tcp.enforce_http(false);
        tcp.set_nodelay(true);
        let https = HttpsConnectorBuilder::new()
            .with_tls_config(tls.clone())
            .https_or_http()
            .enable_http1()
            .wrap_connector(tcp);
        let client = Client::builder(TokioExecutor::new())
            // Without a timer the pool never drops an idle connection.
            .pool_timer(TokioTimer::new())
            .build(ConnectWithin {
                inner: https,
                limit: timeouts.connect,
            });
        Self {
            client,
            read_timeout: timeouts.read,
        }
    }
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let request = match request.try_into_http1x() {
            Ok(request) => request,
            Err(error) => {
                return HttpConnectorFuture::ready(Err(ConnectorError::user(error.into())))
            }
        };
        let responding = self.client.request(request);
        let read_timeout = self.read_timeout;
        HttpConnectorFuture::new(async move {
            let response = match read_timeout {
                Some(limit) => tokio::time::timeout(limit, responding)
                    .await
                    .map_err(|_| ConnectorError::timeout(TimedOut::Response(limit).into()))?,
                None => responding.await,
            }
            .map_err(classify)?;
            HttpResponse::try_from(response.map(SdkBody::from_body_1_x))
                .map_err(|error| ConnectorError::other(error.into(), None))
        })
    }
}

/// A connection (TCP and TLS handshake) that must be made within `limit`.
#[derive(Clone)]
struct ConnectWithin<C> {
    inner: C,
    limit: Option<Duration>,
}

type Connecting<T> = Pin<Box<dyn Future<Output = Result<T, BoxError>> + Send>>;

impl<C> tower::Service<Uri> for ConnectWithin<C>
where
    C: tower::Service<Uri>,
    C::Future: Send + 'static,
    C::Error: Into<BoxError>,
{
    type Response = C::Response;
    type Error = BoxError;
    type Future = Connecting<C::Response>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), BoxError>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connecting = self.inner.call(uri);
        let limit = self.limit;
        Box::pin(async move {
            match limit {
                Some(limit) => match tokio::time::timeout(limit, connecting).await {
                    Ok(connected) => connected.map_err(Into::into),
                    Err(_) => Err(TimedOut::Connect(limit).into()),
                },
                None => connecting.await.map_err(Into::into),
            }
        })
    }
}

#[derive(Debug, thiserror::Error)]
enum TimedOut {
    #[error("no connection within {0:?}")]
    Connect(Duration),
    #[error("no response within {0:?}")]
    Response(Duration),
}

/// Sorts hyper's errors the way the SDK's retry strategy reads them: timeouts
/// and broken or refused connections are retried, a malformed request is not.
fn classify(error: hyper_util::client::legacy::Error) -> ConnectorError {
    if find::<TimedOut>(&error).is_some() {
        return ConnectorError::timeout(error.into());
    }
    if error.is_connect() {
        return ConnectorError::io(error.into());
    }
    let Some(hyper_error) = find::<hyper::Error>(&error) else {
        return if find::<std::io::Error>(&error).is_some() {
            ConnectorError::io(error.into())
        } else {
            ConnectorError::other(error.into(), None)
        };
    };
    if hyper_error.is_timeout() {
        ConnectorError::timeout(error.into())
    } else if hyper_error.is_user() {
        ConnectorError::user(error.into())
    } else if hyper_error.is_closed()
        || hyper_error.is_canceled()
        || find::<std::io::Error>(hyper_error).is_some()
    {
        ConnectorError::io(error.into())
    } else if hyper_error.is_incomplete_message() {
        // S3 sometimes closes a connection mid-response.
        ConnectorError::other(error.into(), Some(ErrorKind::TransientError))
    } else {
        ConnectorError::other(error.into(), None)
    }
}

fn find<'a, E: Error + 'static>(error: &'a (dyn Error + 'static)) -> Option<&'a E> {
    let mut next = Some(error);
    while let Some(error) = next {
        if let Some(found) = error.downcast_ref() {
            return Some(found);
        }
        next = error.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use http_body_util::BodyExt;
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpListener;
    use tokio_rustls::TlsAcceptor;

    /// A certificate for `localhost` made for one test, and a client trusting only it.
    fn localhost_authority() -> (
        CertificateDer<'static>,
        PrivateKeyDer<'static>,
        rustls::ClientConfig,
    ) {
        crate::crypto::install_tls_provider();
        let made = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()])
            .expect("a certificate");
        let certificate = made.cert.der().clone();
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(made.signing_key.serialize_der()));
        let mut roots = rustls::RootCertStore::empty();
        roots.add(certificate.clone()).expect("a root");
        let client = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        (certificate, key, client)
    }

    enum Server {
        /// Reads the request head, answers `200` with a body.
        Answers,
        /// Completes the handshake, then never answers.
        Silent,
    }

    /// A TLS server on a free port of loopback; its URL for `localhost`.
    async fn tls_server(
        certificate: CertificateDer<'static>,
        key: PrivateKeyDer<'static>,
        behaviour: Server,
    ) -> String {
        let config = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(vec![certificate], key)
            .expect("a server configuration");
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("an address").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                let answers = matches!(behaviour, Server::Answers);
                tokio::spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut buffer = [0u8; 1024];
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match tls.read(&mut buffer).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => head.extend_from_slice(&buffer[..n]),
                        }
                    }
                    if answers {
                        let _ = tls
                            .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello")
                            .await;
                    } else {
                        tokio::time::sleep(Duration::from_secs(60)).await;
                    }
                });
            }
        });
        format!("https://localhost:{port}/")
    }

    fn connector(
        client: &HttpsClient,
        connect: Option<Duration>,
        read: Option<Duration>,
    ) -> SharedHttpConnector {
        client.connector_for(Timeouts { connect, read })
    }

    fn get(url: &str) -> HttpRequest {
        let request = hyper::Request::get(url)
            .body(SdkBody::empty())
            .expect("a request");
        HttpRequest::try_from(request).expect("an SDK request")
    }

    #[tokio::test]
    async fn speaks_http_1_1_over_tls_to_a_server_it_trusts() {
        let (certificate, key, trusting) = localhost_authority();
        let url = tls_server(certificate, key, Server::Answers).await;
        let client = HttpsClient::with_tls(trusting);

        let response = connector(&client, Some(Duration::from_secs(5)), None)
            .call(get(&url))
            .await
            .expect("a response");

        assert_eq!(response.status().as_u16(), 200);
        let body = response
            .into_body()
            .collect()
            .await
            .expect("a body")
            .to_bytes();
        assert_eq!(&body[..], b"hello");
    }

    #[tokio::test]
    async fn refuses_a_server_whose_certificate_no_mozilla_root_signed() {
        let (certificate, key, _) = localhost_authority();
        let url = tls_server(certificate, key, Server::Answers).await;

        let error = connector(&HttpsClient::new(), Some(Duration::from_secs(5)), None)
            .call(get(&url))
            .await
            .expect_err("an untrusted certificate");

        // A connection that could not be made: retried by the SDK, never answered.
        assert!(error.is_io(), "{error:?}");
        let chain = format!("{:?}", error);
        assert!(chain.contains("UnknownIssuer"), "{chain}");
    }

    #[tokio::test]
    async fn gives_up_on_a_silent_server_after_the_read_timeout() {
        let (certificate, key, trusting) = localhost_authority();
        let url = tls_server(certificate, key, Server::Silent).await;
        let client = HttpsClient::with_tls(trusting);

        let error = connector(
            &client,
            Some(Duration::from_secs(5)),
            Some(Duration::from_millis(200)),
        )
        .call(get(&url))
        .await
        .expect_err("no answer");

        assert!(error.is_timeout(), "{error:?}");
    }

    #[tokio::test]
    async fn gives_up_on_a_handshake_that_never_ends_after_the_connect_timeout() {
        // Accepts TCP connections and never says a word of TLS.
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("an address").port();
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((tcp, _)) = listener.accept().await {
                held.push(tcp);
            }
        });
        let (_, _, trusting) = localhost_authority();
        let client = HttpsClient::with_tls(trusting);

        let error = connector(&client, Some(Duration::from_millis(200)), None)
            .call(get(&format!("https://localhost:{port}/")))
            .await
            .expect_err("no handshake");

        assert!(error.is_timeout(), "{error:?}");
    }

    #[tokio::test]
    async fn a_refused_connection_is_an_io_error_the_sdk_retries() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let port = listener.local_addr().expect("an address").port();
        drop(listener);

        let error = connector(&HttpsClient::new(), Some(Duration::from_secs(5)), None)
            .call(get(&format!("http://127.0.0.1:{port}/")))
            .await
            .expect_err("nothing listens");

        assert!(error.is_io(), "{error:?}");
    }

    #[test]
    fn one_connector_per_pair_of_timeouts() {
        let client = HttpsClient::new();
        let three_seconds = Some(Duration::from_secs(3));
        let _ = connector(&client, three_seconds, None);
        let _ = connector(&client, three_seconds, None);
        let _ = connector(&client, Some(Duration::from_secs(1)), None);
        assert_eq!(client.connectors.lock().expect("connectors").len(), 2);
    }
}
