//! Sample transcripts: the project's own (`tests/data`) and the shared,
//! labelled fixtures beside the checkout (`<root>/../shared/fixtures`).

use std::path::PathBuf;

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The shared fixtures folder (`FLOWCOACH_FIXTURES` overrides).
pub fn shared_fixtures() -> PathBuf {
    let dir = std::env::var_os("FLOWCOACH_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/fixtures"));
    assert!(
        dir.join("labels.json").exists(),
        "shared fixtures not found at {}; set FLOWCOACH_FIXTURES",
        dir.display()
    );
    dir
}

pub fn shared_transcript(name: &str) -> Vec<u8> {
    let path = shared_fixtures().join("transcripts").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

pub fn labels() -> serde_json::Value {
    let path = shared_fixtures().join("labels.json");
    serde_json::from_slice(&std::fs::read(&path).expect("labels.json")).expect("labels.json parses")
}

/// The labelled session with this id (e.g. `s01`).
pub fn session_labels(id: &str) -> serde_json::Value {
    labels()["sessions"]
        .as_array()
        .and_then(|sessions| sessions.iter().find(|s| s["id"] == id).cloned())
        .unwrap_or_else(|| panic!("no labels for {id}"))
}
