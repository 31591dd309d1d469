//! A real SMTP server for tests and benchmarks: aiosmtpd (PyPI, installed
//! into the tools' venv by scripts/setup-aws-tools.sh) delivering into a
//! Maildir.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The SMTP sink, stopped when dropped.
pub struct Sink {
    child: Child,
    port: u16,
    maildir: tempfile::TempDir,
}

impl Sink {
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn maildir(&self) -> &Path {
        self.maildir.path()
    }
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// scripts/setup-aws-tools.sh installs aiosmtpd into the tools' venv; a
/// missing one fails the test rather than skipping it.
fn venv_python() -> PathBuf {
    let cache = std::env::var_os("FLOWCOACH_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").expect("HOME")).join(".cache/flowcoach")
        });
    let python = cache.join("venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/setup-aws-tools.sh (it installs aiosmtpd)",
        python.display()
    );
    python
}

/// A port nothing listens on (yet).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

pub async fn start_sink() -> Sink {
    let maildir = tempfile::tempdir().expect("maildir");
    for folder in ["tmp", "new", "cur"] {
        std::fs::create_dir(maildir.path().join(folder)).expect("a Maildir folder");
    }
    let port = free_port();
    let child = Command::new(venv_python())
        .args(["-m", "aiosmtpd", "-n", "-l"])
        .arg(format!("127.0.0.1:{port}"))
        .args(["-c", "aiosmtpd.handlers.Mailbox"])
        .arg(maildir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("aiosmtpd starts");
    let sink = Sink {
        child,
        port,
        maildir,
    };
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port))
            .await
            .is_ok()
        {
            return sink;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("aiosmtpd did not listen on {port}");
}

/// Every message delivered into the Maildir.
pub fn delivered(maildir: &Path) -> Vec<Vec<u8>> {
    let Ok(entries) = std::fs::read_dir(maildir.join("new")) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|entry| std::fs::read(entry.path()).expect("message"))
        .collect()
}
