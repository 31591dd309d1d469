//! A PostgreSQL wire relay that watches for what makes RDS Proxy pin a
//! connection (ADR 0004): a `Parse` that names its statement, and SQL that
//! leaves session state behind (`SET`, `PREPARE`, `LISTEN`, temporary tables,
//! session advisory locks, cursors `WITH HOLD`, …). The app connects to the
//! relay instead of the database; the relay forwards every byte unchanged and
//! decodes the client's side of the conversation.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// Protocol codes of the untyped first messages (PostgreSQL docs, "Message Formats").
const SSL_REQUEST: i32 = 80_877_103;
const GSSENC_REQUEST: i32 = 80_877_104;

/// What the relay saw the clients send.
#[derive(Debug, Default, Clone)]
pub struct WireLog {
    /// Every `Parse` message, named or not.
    pub parses: usize,
    /// Simple-protocol queries (`BEGIN`, `COMMIT`, …).
    pub simple_queries: usize,
    /// SQL of each `Parse` that named its statement.
    pub named_statements: Vec<String>,
    /// SQL that would leave session state behind.
    pub session_state: Vec<String>,
}

pub struct WireWatch {
    pub address: SocketAddr,
    log: Arc<Mutex<WireLog>>,
    accepting: JoinHandle<()>,
}

impl WireWatch {
    /// Relays connections on an ephemeral port to the server of `database_url`.
    pub async fn in_front_of(database_url: &str) -> Self {
        let (_, server) = split_url(database_url);
        let upstream = if server.contains(':') {
            server.to_owned()
        } else {
            format!("{server}:5432")
        };
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind the wire relay");
        let address = listener.local_addr().expect("relay address");
        let log = Arc::new(Mutex::new(WireLog::default()));
        let shared = log.clone();
        let accepting = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let upstream = upstream.clone();
                let log = shared.clone();
                tokio::spawn(async move {
                    if let Ok(server) = TcpStream::connect(&upstream).await {
                        relay(client, server, log).await;
                    }
                });
            }
        });
        Self {
            address,
            log,
            accepting,
        }
    }

    /// `database_url` with its host and port replaced by the relay's.
    pub fn relayed_url(&self, database_url: &str) -> String {
        let (prefix, server) = split_url(database_url);
        let rest = &database_url[prefix.len() + server.len()..];
        format!("{prefix}{}{rest}", self.address)
    }

    pub fn log(&self) -> WireLog {
        self.log.lock().expect("wire log").clone()
    }
}

impl Drop for WireWatch {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

/// `postgres://user@host:port/db` → (`postgres://user@`, `host:port`).
fn split_url(database_url: &str) -> (&str, &str) {
    let authority_start = database_url.find("://").map_or(0, |i| i + 3);
    let authority_end = database_url[authority_start..]
        .find('/')
        .map_or(database_url.len(), |i| authority_start + i);
    let server_start = database_url[authority_start..authority_end]
        .rfind('@')
        .map_or(authority_start, |i| authority_start + i + 1);
    (
        &database_url[..server_start],
        &database_url[server_start..authority_end],
    )
}

async fn relay(client: TcpStream, server: TcpStream, log: Arc<Mutex<WireLog>>) {
    let (mut client_read, mut client_write) = client.into_split();
    let (mut server_read, mut server_write) = server.into_split();
    let backwards = tokio::spawn(async move {
        let _ = tokio::io::copy(&mut server_read, &mut client_write).await;
    });
    let _ = forward_frontend(&mut client_read, &mut server_write, &log).await;
    let _ = server_write.shutdown().await;
    let _ = backwards.await;
}

/// Copies the client's messages to the server, decoding each on the way.
async fn forward_frontend(
    from: &mut (impl AsyncRead + Unpin),
    to: &mut (impl AsyncWrite + Unpin),
    log: &Mutex<WireLog>,
) -> std::io::Result<()> {
    // Untyped start-up messages come first: an SSL/GSS request (answered by
    // the server with one byte, then the real start-up follows) or the start-up.
    loop {
        let length = from.read_i32().await?;
        let mut body = vec![0; usize::try_from(length - 4).unwrap_or(0)];
        from.read_exact(&mut body).await?;
        to.write_i32(length).await?;
        to.write_all(&body).await?;
        let code = body
            .get(..4)
            .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]));
        if code != Some(SSL_REQUEST) && code != Some(GSSENC_REQUEST) {
            break;
        }
    }
    loop {
        let kind = from.read_u8().await?;
        let length = from.read_i32().await?;
        let mut body = vec![0; usize::try_from(length - 4).unwrap_or(0)];
        from.read_exact(&mut body).await?;
        record(kind, &body, log);
        to.write_u8(kind).await?;
        to.write_i32(length).await?;
        to.write_all(&body).await?;
    }
}

fn record(kind: u8, body: &[u8], log: &Mutex<WireLog>) {
    let mut strings = body.split(|byte| *byte == 0).map(String::from_utf8_lossy);
    let mut log = log.lock().expect("wire log");
    match kind {
        b'P' => {
            let name = strings.next().unwrap_or_default();
            let sql = strings.next().unwrap_or_default().into_owned();
            log.parses += 1;
            if leaves_session_state(&sql) {
                log.session_state.push(sql.clone());
            }
            if !name.is_empty() {
                log.named_statements.push(sql);
            }
        }
        b'Q' => {
            let sql = strings.next().unwrap_or_default().into_owned();
            log.simple_queries += 1;
            if leaves_session_state(&sql) {
                log.session_state.push(sql);
            }
        }
        _ => {}
    }
}

/// SQL whose effect outlives its transaction (RDS Proxy's pinning conditions
/// for PostgreSQL). `SET LOCAL` and transaction-scoped advisory locks end with
/// the transaction and do not pin.
pub fn leaves_session_state(sql: &str) -> bool {
    let sql = sql.trim_start().to_ascii_lowercase();
    let starts = |prefix: &str| sql.starts_with(prefix);
    (starts("set ") && !starts("set local ") && !starts("set transaction "))
        || starts("reset ")
        || starts("prepare ")
        || starts("execute ")
        || starts("deallocate ")
        || starts("discard ")
        || starts("listen ")
        || starts("load ")
        || starts("create temp")
        || (starts("declare ") && sql.contains(" with hold "))
        || sql.contains("set_config(")
        || sql.contains("pg_advisory_lock(")
        || sql.contains("pg_try_advisory_lock(")
        || sql.contains("currval(")
}

#[cfg(test)]
mod tests {
    use super::leaves_session_state;

    #[test]
    fn relayed_url_keeps_user_database_and_options() {
        let (prefix, server) =
            super::split_url("postgres://postgres@127.0.0.1:5432/fc_test_1?sslmode=disable");
        assert_eq!(prefix, "postgres://postgres@");
        assert_eq!(server, "127.0.0.1:5432");
        let (prefix, server) = super::split_url("postgres://localhost/db");
        assert_eq!((prefix, server), ("postgres://", "localhost"));
    }

    #[test]
    fn session_state_is_told_from_transaction_state() {
        assert!(leaves_session_state("SET search_path = app"));
        assert!(leaves_session_state("  listen jobs"));
        assert!(leaves_session_state("SELECT pg_advisory_lock(42)"));
        assert!(leaves_session_state("CREATE TEMPORARY TABLE t (x int)"));
        assert!(!leaves_session_state("SET LOCAL statement_timeout = '5s'"));
        assert!(!leaves_session_state("SELECT pg_advisory_xact_lock(42)"));
        assert!(!leaves_session_state(
            "UPDATE sessions SET status = 'ready'"
        ));
        assert!(!leaves_session_state("BEGIN"));
    }
}
