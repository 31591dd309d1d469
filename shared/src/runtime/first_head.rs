//! The first request head of every connection, read and checked before hyper
//! sees it. hyper answers a head it cannot parse (a bad request line, a bad
//! header, an oversize head) itself, with an empty 400 or 431 and no hook to
//! change it; checking the head here with the same parser and the same rules
//! gives such a request a problem+json answer with a request id instead.
//!
//! Only the first head is screened: later requests on a kept-alive connection
//! come from a client that already spoke valid HTTP, and the router's own
//! limits (`api::edge`) answer for those (docs/decisions/0007).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::http::{Method, StatusCode, Uri};
use bytes::{Buf, Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

use crate::api::ApiError;

/// hyper's own limits: the most headers and the longest URI it takes.
const MAX_HEADERS: usize = 100;
const MAX_URI_BYTES: usize = 65_534;
/// After refusing, read (and drop) what the client is still sending for this
/// long, so closing does not reset the connection before the answer arrives.
const DRAIN_FOR: Duration = Duration::from_secs(1);
const DRAIN_AT_MOST: usize = 1024 * 1024;

/// What became of a connection's first request head.
pub(super) enum Screened<S> {
    /// A valid head: serve the connection, the bytes read so far first.
    Serve(Prefixed<S>),
    /// Refused with a problem+json answer, or closed or timed out before a
    /// whole head arrived: nothing more to do.
    Done,
}

/// Reads the first request head (at most `max_head_bytes`, within
/// `read_timeout`) and refuses it with problem+json where hyper would refuse it.
pub(super) async fn screen<S>(
    mut stream: S,
    max_head_bytes: usize,
    read_timeout: Duration,
) -> Screened<S>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut received = BytesMut::with_capacity(4096);
    let verdict = tokio::time::timeout(read_timeout, async {
        loop {
            received.reserve(4096);
            if stream.read_buf(&mut received).await? == 0 {
                return Ok::<_, io::Error>(None);
            }
            match check(&received, max_head_bytes) {
                Check::Incomplete => continue,
                Check::Valid => return Ok(Some(Ok(()))),
                Check::Refused(refusal) => return Ok(Some(Err(refusal))),
            }
        }
    })
    .await;
    match verdict {
        Ok(Ok(Some(Ok(())))) => Screened::Serve(Prefixed {
            prefix: received.freeze(),
            inner: stream,
        }),
        Ok(Ok(Some(Err(refusal)))) => {
            refuse(&mut stream, refusal).await;
            Screened::Done
        }
        // Closed, failed or too slow before a whole head: as hyper does, close.
        Ok(Ok(None)) | Ok(Err(_)) | Err(_) => Screened::Done,
    }
}

/// Why a head is refused, in words that name no part of the input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    Malformed(&'static str),
    UriTooLong,
    TooLarge,
}

#[derive(Debug, PartialEq, Eq)]
enum Check {
    Incomplete,
    Valid,
    Refused(Refusal),
}

/// hyper's parse of a request head (`proto::h1::role::Server::parse`): the
/// same parser with the same configuration, then the same checks on the
/// method, the URI and the body framing.
fn check(received: &[u8], max_head_bytes: usize) -> Check {
    let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
    let mut request = httparse::Request::new(&mut headers);
    let head_bytes = match request.parse(received) {
        Ok(httparse::Status::Partial) if received.len() > max_head_bytes => {
            return Check::Refused(Refusal::TooLarge)
        }
        Ok(httparse::Status::Partial) => return Check::Incomplete,
        Ok(httparse::Status::Complete(head_bytes)) => head_bytes,
        Err(httparse::Error::TooManyHeaders) => return Check::Refused(Refusal::TooLarge),
        Err(httparse::Error::Token) if request.method.is_none() => {
            return Check::Refused(Refusal::Malformed("The request method is not valid."))
        }
        Err(httparse::Error::Token) => {
            return Check::Refused(Refusal::Malformed("The request target is not valid."))
        }
        Err(httparse::Error::Version) => {
            return Check::Refused(Refusal::Malformed(
                "The request line does not end with HTTP/1.0 or HTTP/1.1.",
            ))
        }
        Err(
            httparse::Error::HeaderName | httparse::Error::HeaderValue | httparse::Error::NewLine,
        ) => {
            return Check::Refused(Refusal::Malformed(
                "A request header is not valid: each is `Name: value` on its own line.",
            ))
        }
        Err(httparse::Error::Status) => {
            return Check::Refused(Refusal::Malformed("The request line is not valid."))
        }
    };
    if head_bytes > max_head_bytes {
        return Check::Refused(Refusal::TooLarge);
    }
    match framing(&request) {
        Ok(()) => Check::Valid,
        Err(refusal) => Check::Refused(refusal),
    }
}

/// The checks hyper makes once httparse has a whole head.
fn framing(request: &httparse::Request<'_, '_>) -> Result<(), Refusal> {
    let path = request.path.unwrap_or_default();
    if path.len() > MAX_URI_BYTES {
        return Err(Refusal::UriTooLong);
    }
    let method = request.method.unwrap_or_default();
    Method::from_bytes(method.as_bytes())
        .map_err(|_| Refusal::Malformed("The request method is not valid."))?;
    Uri::try_from(path).map_err(|_| Refusal::Malformed("The request target is not valid."))?;

    let http_11 = request.version == Some(1);
    let mut content_length: Option<u64> = None;
    let mut chunked_last = None;
    for header in request.headers.iter() {
        if header.name.eq_ignore_ascii_case("transfer-encoding") {
            if !http_11 {
                return Err(Refusal::Malformed(
                    "HTTP/1.0 requests cannot carry Transfer-Encoding.",
                ));
            }
            let last_coding = header.value.rsplit(|byte| *byte == b',').next();
            chunked_last = Some(
                last_coding
                    .is_some_and(|coding| coding.trim_ascii().eq_ignore_ascii_case(b"chunked")),
            );
        } else if header.name.eq_ignore_ascii_case("content-length") && chunked_last.is_none() {
            let length = parse_content_length(header.value).ok_or(Refusal::Malformed(
                "Content-Length is not a single whole number.",
            ))?;
            if content_length.is_some_and(|earlier| earlier != length) {
                return Err(Refusal::Malformed(
                    "Content-Length is given twice with different values.",
                ));
            }
            content_length = Some(length);
        }
    }
    if chunked_last == Some(false) {
        return Err(Refusal::Malformed(
            "Transfer-Encoding must end with chunked on a request.",
        ));
    }
    Ok(())
}

/// hyper's `headers::content_length_parse`: digits, or the same digits
/// repeated in a comma-separated list.
fn parse_content_length(value: &[u8]) -> Option<u64> {
    let mut length: Option<u64> = None;
    for part in value.split(|byte| *byte == b',') {
        let part = part.trim_ascii();
        if part.is_empty() || !part.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let parsed: u64 = std::str::from_utf8(part).ok()?.parse().ok()?;
        if length.is_some_and(|earlier| earlier != parsed) {
            return None;
        }
        length = Some(parsed);
    }
    length
}

/// Answers the refusal, then lets the client finish sending before closing.
async fn refuse<S>(stream: &mut S, refusal: Refusal)
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let request_id = uuid::Uuid::new_v4().to_string();
    let (status, error) = match refusal {
        Refusal::Malformed(reason) => {
            (StatusCode::BAD_REQUEST, ApiError::BadRequest(reason.into()))
        }
        Refusal::UriTooLong => (
            StatusCode::URI_TOO_LONG,
            ApiError::Http(StatusCode::URI_TOO_LONG),
        ),
        Refusal::TooLarge => (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            ApiError::HeadersTooLarge,
        ),
    };
    tracing::info!(
        request_id,
        status = status.as_u16(),
        "refused a request head the server cannot read"
    );
    let answer = error.into_http1_response(&request_id);
    if stream.write_all(&answer).await.is_err() || stream.shutdown().await.is_err() {
        return; // The client is gone.
    }
    let _drained = tokio::time::timeout(DRAIN_FOR, async {
        let mut sink = [0u8; 8192];
        let mut total = 0;
        while total < DRAIN_AT_MOST {
            match stream.read(&mut sink).await {
                Ok(0) | Err(_) => break,
                Ok(read) => total += read,
            }
        }
    })
    .await;
}

/// A stream that yields `prefix` before reading on from `inner`.
pub(super) struct Prefixed<S> {
    prefix: Bytes,
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        if self.prefix.has_remaining() {
            let take = self.prefix.len().min(buf.remaining());
            buf.put_slice(&self.prefix[..take]);
            self.prefix.advance(take);
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMIT: usize = 1024;

    fn checked(head: &str) -> Check {
        check(head.as_bytes(), LIMIT)
    }

    fn malformed(head: &str) -> bool {
        matches!(checked(head), Check::Refused(Refusal::Malformed(_)))
    }

    #[test]
    fn a_whole_valid_head_passes_and_a_partial_one_waits() {
        assert_eq!(
            checked("GET /v1/me HTTP/1.1\r\nHost: x\r\n\r\n"),
            Check::Valid
        );
        assert_eq!(
            checked("POST /v1/clients HTTP/1.1\r\nContent-Length: 12\r\n\r\n{\"name\""),
            Check::Valid
        );
        assert_eq!(
            checked("GET /v1/me HTTP/1.1\r\nHost: x\r\n"),
            Check::Incomplete
        );
        assert_eq!(checked("GE"), Check::Incomplete);
    }

    #[test]
    fn what_hyper_refuses_is_refused() {
        assert!(malformed("GET /v1/me HTTP/9.9\r\n\r\n"), "version");
        assert!(malformed("G(T /v1/me HTTP/1.1\r\n\r\n"), "method token");
        assert!(malformed("GET /v1/\x01me HTTP/1.1\r\n\r\n"), "target byte");
        assert!(
            malformed("GET /v1/me HTTP/1.1\r\nBad Header: x\r\n\r\n"),
            "header name"
        );
        assert!(malformed("\x00\x01\x02\x03 garbage\r\n\r\n"), "binary");
        assert!(malformed(
            "POST / HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\n"
        ));
        assert!(malformed("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n"));
        assert!(malformed(
            "POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n"
        ));
        assert!(malformed(
            "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"
        ));
    }

    #[test]
    fn framing_hyper_accepts_is_accepted() {
        assert_eq!(
            checked("POST / HTTP/1.1\r\nContent-Length: 3, 3\r\n\r\n"),
            Check::Valid
        );
        assert_eq!(
            checked(
                "POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\nContent-Length: x\r\n\r\n"
            ),
            Check::Valid,
            "Content-Length after chunked Transfer-Encoding is ignored"
        );
        assert_eq!(
            checked("\r\nGET / HTTP/1.1\r\n\r\n"),
            Check::Valid,
            "a leading empty line"
        );
    }

    #[test]
    fn an_oversize_head_is_too_large_once_it_passes_the_limit() {
        let padding = "x".repeat(LIMIT);
        assert_eq!(
            checked(&format!("GET / HTTP/1.1\r\nX-Pad: {padding}")),
            Check::Refused(Refusal::TooLarge),
            "still partial past the limit"
        );
        assert_eq!(
            checked(&format!("GET / HTTP/1.1\r\nX-Pad: {padding}\r\n\r\n")),
            Check::Refused(Refusal::TooLarge),
            "complete but past the limit"
        );
        let many: String = (0..=MAX_HEADERS).map(|i| format!("H{i}: v\r\n")).collect();
        assert_eq!(
            check(
                format!("GET / HTTP/1.1\r\n{many}\r\n").as_bytes(),
                usize::MAX
            ),
            Check::Refused(Refusal::TooLarge),
            "more headers than hyper takes"
        );
    }

    #[tokio::test]
    async fn the_bytes_read_to_screen_are_served_first_then_the_rest() {
        let (mut client, server) = tokio::io::duplex(1024);
        client
            .write_all(b"GET / HTTP/1.1\r\n\r\nrest of the stream")
            .await
            .unwrap();
        drop(client);
        let Screened::Serve(mut served) = screen(server, LIMIT, Duration::from_secs(5)).await
        else {
            panic!("a valid head was not served");
        };
        let mut everything = String::new();
        served.read_to_string(&mut everything).await.unwrap();
        assert_eq!(everything, "GET / HTTP/1.1\r\n\r\nrest of the stream");
    }

    #[tokio::test]
    async fn a_refused_head_gets_a_problem_json_answer_with_a_request_id() {
        let (mut client, server) = tokio::io::duplex(64 * 1024);
        client.write_all(b"NOT A REQUEST\r\n\r\n").await.unwrap();
        let screening = tokio::spawn(screen(server, LIMIT, Duration::from_secs(5)));
        let mut answer = Vec::new();
        client.read_to_end(&mut answer).await.unwrap();
        assert!(matches!(screening.await.unwrap(), Screened::Done));
        let answer = String::from_utf8(answer).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 400 Bad Request\r\n"), "{head}");
        assert!(
            head.contains("content-type: application/problem+json"),
            "{head}"
        );
        let problem: serde_json::Value = serde_json::from_str(body).unwrap();
        assert_eq!(problem["status"], 400);
        let request_id = problem["request_id"].as_str().unwrap();
        assert!(
            head.contains(&format!("x-request-id: {request_id}")),
            "{head}"
        );
        assert!(
            head.contains(&format!("content-length: {}", body.len())),
            "{head}"
        );
    }
}
