use std::path::{Path, PathBuf};

use async_trait::async_trait;

use crate::ports::{ObjectStore, ObjectStoreError};

/// Objects as files under one root folder.
#[derive(Debug, Clone)]
pub struct FsObjectStore {
    root: PathBuf,
}

impl FsObjectStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// Maps a key to a path inside the root; keys that could escape it are refused.
    fn path_for(&self, key: &str) -> Result<PathBuf, ObjectStoreError> {
        let safe = !key.is_empty()
            && !key.starts_with('/')
            && key
                .split('/')
                .all(|part| !part.is_empty() && part != "." && part != "..")
            && !key.contains('\\')
            && !key.contains('\0');
        if safe {
            Ok(self.root.join(key))
        } else {
            Err(ObjectStoreError::InvalidKey(key.to_owned()))
        }
    }
}

fn unavailable(path: &Path, error: std::io::Error) -> ObjectStoreError {
    ObjectStoreError::Unavailable(format!("{}: {error}", path.display()))
}

#[async_trait]
impl ObjectStore for FsObjectStore {
    async fn put(
        &self,
        key: &str,
        bytes: Vec<u8>,
        _content_type: &str,
    ) -> Result<(), ObjectStoreError> {
        let path = self.path_for(key)?;
        if let Some(parent) = path.parent() {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|e| unavailable(parent, e))?;
        }
        // Write then rename, so a reader never sees half a file.
        let partial = path.with_extension("partial");
        tokio::fs::write(&partial, bytes)
            .await
            .map_err(|e| unavailable(&partial, e))?;
        tokio::fs::rename(&partial, &path)
            .await
            .map_err(|e| unavailable(&path, e))
    }

    async fn get(&self, key: &str) -> Result<Vec<u8>, ObjectStoreError> {
        self.get_at_most(key, usize::MAX).await
    }

    async fn get_at_most(&self, key: &str, limit: usize) -> Result<Vec<u8>, ObjectStoreError> {
        use tokio::io::AsyncReadExt;
        let path = self.path_for(key)?;
        let file = match tokio::fs::File::open(&path).await {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(ObjectStoreError::NotFound(key.to_owned()))
            }
            Err(e) => return Err(unavailable(&path, e)),
        };
        let size = file
            .metadata()
            .await
            .map_err(|e| unavailable(&path, e))?
            .len();
        let cap = u64::try_from(limit).unwrap_or(u64::MAX);
        if size > cap {
            return Err(ObjectStoreError::TooLarge { size, limit });
        }
        // Read no more than the limit even if the file grows meanwhile.
        let mut bytes = Vec::new();
        file.take(cap.saturating_add(1))
            .read_to_end(&mut bytes)
            .await
            .map_err(|e| unavailable(&path, e))?;
        if bytes.len() > limit {
            return Err(ObjectStoreError::TooLarge {
                size: u64::try_from(bytes.len()).unwrap_or(u64::MAX),
                limit,
            });
        }
        Ok(bytes)
    }

    async fn delete(&self, key: &str) -> Result<(), ObjectStoreError> {
        let path = self.path_for(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unavailable(&path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn put_get_delete_round_trip() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsObjectStore::new(dir.path());
        store
            .put("transcripts/a/b.vtt", b"WEBVTT".to_vec(), "text/vtt")
            .await
            .unwrap();
        assert_eq!(store.get("transcripts/a/b.vtt").await.unwrap(), b"WEBVTT");
        store.delete("transcripts/a/b.vtt").await.unwrap();
        assert!(matches!(
            store.get("transcripts/a/b.vtt").await,
            Err(ObjectStoreError::NotFound(_))
        ));
        store.delete("transcripts/a/b.vtt").await.unwrap();
    }

    #[tokio::test]
    async fn a_bounded_read_refuses_a_larger_object() {
        let dir = tempfile::tempdir().unwrap();
        let store = FsObjectStore::new(dir.path());
        store
            .put("t/a.txt", vec![b'a'; 11], "text/plain")
            .await
            .unwrap();
        assert!(matches!(
            store.get_at_most("t/a.txt", 10).await,
            Err(ObjectStoreError::TooLarge {
                size: 11,
                limit: 10
            })
        ));
        assert_eq!(store.get_at_most("t/a.txt", 11).await.unwrap().len(), 11);
        assert!(matches!(
            store.get_at_most("t/missing.txt", 11).await,
            Err(ObjectStoreError::NotFound(_))
        ));
    }

    #[tokio::test]
    async fn refuses_keys_that_escape_the_root() {
        let store = FsObjectStore::new("/tmp/never-used");
        for key in ["../etc/passwd", "/abs", "a//b", "a/./b", ""] {
            assert!(
                matches!(store.get(key).await, Err(ObjectStoreError::InvalidKey(_))),
                "{key}"
            );
        }
    }
}
