//! The inbox folder: `<inbox>/<coach id>/<file>`. A file is taken once it is
//! complete — at once when the file system says its writer closed it or it was
//! moved in, else once its size held still over two polls — and never while it
//! is named `*.part`; then it is moved to `processed/` (or `rejected/` with a
//! reason file), so nothing dropped is lost. While the database, object store
//! or queue is unavailable a file stays where it is and is tried again: only a
//! problem with the file itself rejects it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode, ModifyKind, RenameMode};
use notify::{EventKind, RecursiveMode, Watcher};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use crate::domain::CoachId;
use crate::ingest::{IncomingTranscript, Ingest, IngestError};
use crate::store::coaches;
use crate::transcript::{TranscriptError, MAX_TRANSCRIPT_BYTES};

const PROCESSED: &str = "processed";
const REJECTED: &str = "rejected";

/// Watches the inbox through file-system events (inotify on Linux), with a
/// poll as the fallback for what events miss (network file systems, a
/// watcher that could not start, files still being written at a poll).
pub struct InboxWatcher {
    root: PathBuf,
    ingest: Ingest,
    /// Last seen size of each candidate file.
    sizes: HashMap<PathBuf, u64>,
    /// Files the file system reported finished (closed after writing, or
    /// moved in): taken at the next pass without waiting for a second poll.
    finished: HashSet<PathBuf>,
}

/// What happened to one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Taken {
    Ingested {
        session_id: uuid::Uuid,
        created: bool,
    },
    Rejected(String),
    /// Left in place: something FlowCoach needs was unavailable; tried again later.
    Deferred,
}

/// The path of a file an event reports finished, if it reports one.
fn finished_file(event: &notify::Event) -> Option<&Path> {
    let finished = matches!(
        event.kind,
        EventKind::Access(AccessKind::Close(AccessMode::Write))
            | EventKind::Modify(ModifyKind::Name(RenameMode::To | RenameMode::Both))
    );
    // A rename reports [from, to]: the file now lives at the last path.
    finished
        .then(|| event.paths.last().map(PathBuf::as_path))
        .flatten()
}

impl InboxWatcher {
    pub fn new(root: impl Into<PathBuf>, ingest: Ingest) -> Self {
        Self {
            root: root.into(),
            ingest,
            sizes: HashMap::new(),
            finished: HashSet::new(),
        }
    }

    /// Takes files as the file system reports them finished, and polls every
    /// `poll_interval` for the rest, until `shutdown`.
    pub async fn run(mut self, poll_interval: Duration, shutdown: CancellationToken) {
        let (events, mut finished) = mpsc::unbounded_channel();
        // Kept alive for as long as the loop runs; dropping it stops the events.
        let _watcher = match self.watch(events).await {
            Ok(watcher) => Some(watcher),
            Err(error) => {
                tracing::warn!(%error, inbox = %self.root.display(), "no file-system events for the inbox; polling only");
                None
            }
        };
        while !shutdown.is_cancelled() {
            if let Err(error) = self.poll().await {
                tracing::error!(%error, inbox = %self.root.display(), "inbox poll failed");
            }
            tokio::select! {
                () = tokio::time::sleep(poll_interval) => {}
                Some(path) = finished.recv() => {
                    self.finished.insert(path);
                    // A burst of events (a folder of files) is one pass.
                    while let Ok(path) = finished.try_recv() {
                        self.finished.insert(path);
                    }
                }
                () = shutdown.cancelled() => {}
            }
        }
    }

    async fn watch(
        &self,
        finished: mpsc::UnboundedSender<PathBuf>,
    ) -> notify::Result<notify::RecommendedWatcher> {
        tokio::fs::create_dir_all(&self.root).await?;
        let mut watcher = notify::recommended_watcher(
            move |event: notify::Result<notify::Event>| {
                match event {
                    Ok(event) => {
                        if let Some(path) = finished_file(&event) {
                            // The receiver is gone only while shutting down.
                            let _ = finished.send(path.to_path_buf());
                        }
                    }
                    Err(error) => {
                        tracing::warn!(%error, "inbox file-system event lost; the poll will see the file")
                    }
                }
            },
        )?;
        watcher.watch(&self.root, RecursiveMode::Recursive)?;
        Ok(watcher)
    }

    /// One pass over the inbox; returns what was taken.
    pub async fn poll(&mut self) -> std::io::Result<Vec<(PathBuf, Taken)>> {
        tokio::fs::create_dir_all(&self.root).await?;
        let mut taken = Vec::new();
        let mut seen = HashSet::new();
        let mut coach_dirs = tokio::fs::read_dir(&self.root).await?;
        while let Some(coach_dir) = coach_dirs.next_entry().await? {
            if !coach_dir.file_type().await?.is_dir() {
                continue;
            }
            let mut files = tokio::fs::read_dir(coach_dir.path()).await?;
            while let Some(file) = files.next_entry().await? {
                let path = file.path();
                let name = file.file_name().to_string_lossy().into_owned();
                if !file.file_type().await?.is_file()
                    || name.starts_with('.')
                    || name.ends_with(".part")
                {
                    continue;
                }
                seen.insert(path.clone());
                let size = file.metadata().await?.len();
                // Taken when reported finished, else once its size held still
                // since the previous poll.
                let finished = self.finished.remove(&path);
                if self.sizes.insert(path.clone(), size) != Some(size) && !finished {
                    continue;
                }
                self.sizes.remove(&path);
                let outcome = self.take(&coach_dir.path(), &path, &name, size).await;
                taken.push((path, outcome));
            }
        }
        self.sizes.retain(|path, _| seen.contains(path));
        self.finished.retain(|path| seen.contains(path));
        Ok(taken)
    }

    async fn take(&self, coach_dir: &Path, path: &Path, name: &str, size: u64) -> Taken {
        let outcome = self.ingest_file(coach_dir, path, name, size).await;
        let folder = match &outcome {
            Taken::Ingested { .. } => PROCESSED,
            Taken::Rejected(_) => REJECTED,
            Taken::Deferred => return outcome,
        };
        if let Err(error) = file_away(coach_dir, path, name, folder, &outcome).await {
            tracing::error!(%error, file = name, "could not move the inbox file away; it will be seen again");
        }
        match &outcome {
            Taken::Ingested {
                session_id,
                created,
            } => {
                tracing::info!(%session_id, created, "inbox file taken")
            }
            Taken::Rejected(reason) => tracing::warn!(reason, "inbox file rejected"),
            Taken::Deferred => {}
        }
        outcome
    }

    async fn ingest_file(&self, coach_dir: &Path, path: &Path, name: &str, size: u64) -> Taken {
        let Some(coach) = coach_dir
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<CoachId>().ok())
        else {
            return Taken::Rejected("The inbox folder name is not a coach id.".into());
        };
        if size > MAX_TRANSCRIPT_BYTES as u64 {
            // Refused from its size alone: an oversize file is never read.
            return Taken::Rejected(
                TranscriptError::TooLarge {
                    bytes: usize::try_from(size).unwrap_or(usize::MAX),
                    limit: MAX_TRANSCRIPT_BYTES,
                }
                .to_string(),
            );
        }
        let known = match self.ingest.db.get().await {
            Ok(db) => coaches::get(&db, coach).await.map_err(IngestError::from),
            Err(e) => Err(IngestError::from(e)),
        };
        match known {
            Ok(Some(_)) => {}
            Ok(None) => return Taken::Rejected("No coach has this id.".into()),
            Err(error) => return deferred(&error),
        }
        let bytes = match read_at_most(path, MAX_TRANSCRIPT_BYTES).await {
            Ok(Some(bytes)) => bytes,
            // It grew past the limit after it was measured.
            Ok(None) => {
                return Taken::Rejected(
                    TranscriptError::TooLarge {
                        bytes: MAX_TRANSCRIPT_BYTES + 1,
                        limit: MAX_TRANSCRIPT_BYTES,
                    }
                    .to_string(),
                )
            }
            Err(error) => {
                tracing::warn!(%error, file = name, "inbox file could not be read; trying again later");
                return Taken::Deferred;
            }
        };
        let incoming = IncomingTranscript {
            bytes,
            filename: Some(name.to_owned()),
            request_id: Some(format!("inbox-{}", uuid::Uuid::new_v4())),
        };
        match self.ingest.drop_file(coach, incoming).await {
            Ok((session, created)) => Taken::Ingested {
                session_id: session.id,
                created,
            },
            Err(error) if error.is_transient() => deferred(&error),
            Err(error) => Taken::Rejected(format!("The transcript could not be taken in: {error}")),
        }
    }
}

/// Leaves a file in place for the next poll; the cause goes to the log
/// (infrastructure errors carry no client data).
fn deferred(error: &IngestError) -> Taken {
    tracing::warn!(error = %crate::telemetry::error_chain(error), "inbox file left in place; trying again later");
    Taken::Deferred
}

/// Reads a file, or `None` when it holds more than `limit` bytes: never more
/// than `limit + 1` bytes are read, whatever the file grew to.
async fn read_at_most(path: &Path, limit: usize) -> std::io::Result<Option<Vec<u8>>> {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(path).await?;
    let mut bytes = Vec::new();
    let cap = u64::try_from(limit).unwrap_or(u64::MAX).saturating_add(1);
    file.take(cap).read_to_end(&mut bytes).await?;
    Ok((bytes.len() <= limit).then_some(bytes))
}

/// Moves a taken file into `processed/` or `rejected/` (with a `.reason.txt`).
async fn file_away(
    coach_dir: &Path,
    path: &Path,
    name: &str,
    folder: &str,
    outcome: &Taken,
) -> std::io::Result<()> {
    let target_dir = coach_dir.join(folder);
    tokio::fs::create_dir_all(&target_dir).await?;
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3fZ");
    let target = target_dir.join(format!("{stamp}-{name}"));
    tokio::fs::rename(path, &target).await?;
    if let Taken::Rejected(reason) = outcome {
        tokio::fs::write(target.with_extension("reason.txt"), format!("{reason}\n")).await?;
    }
    Ok(())
}
