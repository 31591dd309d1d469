//! Functions that never embed link no model: their dependency tree, as
//! `scripts/build-lambdas.sh` builds them, holds no model, matmul or
//! tokenizers crate.

use std::collections::BTreeSet;
use std::process::Command;

use flowcoach_tests::fixtures::workspace_root;
use serde_json::Value;

use crate::template::function_binaries;

const PACKAGE: &str = "flowcoach-functions";
/// The functions that embed: chunks and summaries, and questions.
const EMBEDDING_FUNCTIONS: [&str; 2] = ["stage-embed", "api-search"];
const EMBEDDING_FEATURE: &str = "embedding";
/// The crates that make up the model code.
const MODEL_CRATES: [&str; 4] = ["flowcoach-minilm", "safetensors", "tokenizers", "gemm"];

fn cargo(args: &[&str]) -> String {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let output = Command::new(cargo)
        .args(args)
        .current_dir(workspace_root())
        .output()
        .expect("cargo runs");
    assert!(
        output.status.success(),
        "cargo {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("cargo prints UTF-8")
}

/// Each binary of the functions package with the features it requires.
fn required_features() -> Vec<(String, Vec<String>)> {
    let metadata: Value = serde_json::from_str(&cargo(&[
        "metadata",
        "--locked",
        "--no-deps",
        "--format-version",
        "1",
    ]))
    .expect("cargo metadata prints JSON");
    let package = metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .find(|p| p["name"] == PACKAGE)
        .expect("the functions package");
    package["targets"]
        .as_array()
        .expect("targets")
        .iter()
        .filter(|t| {
            t["kind"]
                .as_array()
                .is_some_and(|k| k.iter().any(|k| k == "bin"))
        })
        .map(|t| {
            let features = t["required-features"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .filter_map(|f| f.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default();
            (t["name"].as_str().expect("a name").to_owned(), features)
        })
        .collect()
}

/// The crate names in the package's normal and build dependency tree.
fn dependency_crates(feature_args: &[&str]) -> BTreeSet<String> {
    let mut args = vec![
        "tree",
        "--locked",
        "--package",
        PACKAGE,
        "--no-default-features",
        "--edges",
        "normal,build",
        "--prefix",
        "none",
        "--format",
        "{p}",
    ];
    args.extend_from_slice(feature_args);
    cargo(&args)
        .lines()
        .filter_map(|line| line.split_whitespace().next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn functions_that_never_embed_link_no_model_or_tokenizer_crate() {
    let features = required_features();
    let binaries = function_binaries();
    for embedding in EMBEDDING_FUNCTIONS {
        assert!(binaries.iter().any(|b| b == embedding), "{embedding}");
    }
    for binary in &binaries {
        let (_, required) = features
            .iter()
            .find(|(name, _)| name == binary)
            .unwrap_or_else(|| panic!("no binary {binary} in {PACKAGE}"));
        let embeds = required.iter().any(|f| f == EMBEDDING_FEATURE);
        assert_eq!(
            embeds,
            EMBEDDING_FUNCTIONS.contains(&binary.as_str()),
            "{binary}: only {EMBEDDING_FUNCTIONS:?} are built with the `{EMBEDDING_FEATURE}` feature \
             (their required-features), so every other function is built without the model"
        );
    }

    let lean = dependency_crates(&[]);
    assert!(
        lean.contains("flowcoach-core"),
        "the tree was read: {lean:?}"
    );
    let linked: Vec<_> = MODEL_CRATES.iter().filter(|c| lean.contains(**c)).collect();
    assert!(
        linked.is_empty(),
        "built without the model, the functions link {linked:?}"
    );

    // The same query sees the model where it is linked.
    let embedding = dependency_crates(&["--features", EMBEDDING_FEATURE]);
    for model_crate in MODEL_CRATES {
        assert!(
            embedding.contains(model_crate),
            "{model_crate} with the model"
        );
    }
}

/// With the model and without it, the functions' tree holds every crate of
/// `present` (so it was read) and none of `absent`.
fn assert_every_build_links(present: &[&str], absent: &[&str], why: &str) {
    for feature_args in [&[][..], &["--features", EMBEDDING_FEATURE][..]] {
        let crates = dependency_crates(feature_args);
        assert!(
            present.iter().all(|c| crates.contains(*c)),
            "the tree was read ({feature_args:?}): {crates:?}"
        );
        let linked: Vec<_> = absent.iter().filter(|c| crates.contains(**c)).collect();
        assert!(
            linked.is_empty(),
            "{feature_args:?}: the functions link {linked:?} ({why})"
        );
    }
}

/// The crates of aws-lc, the second rustls provider the SDK brings by
/// default; every TLS client runs on ring (ADR 16).
const SECOND_TLS_PROVIDER: [&str; 2] = ["aws-lc-rs", "aws-lc-sys"];

#[test]
fn every_function_has_one_tls_provider_ring() {
    assert_every_build_links(&["ring", "rustls"], &SECOND_TLS_PROVIDER, "beside ring");
}

/// HTTP/2 and the SDK's own HTTP client: the SDK is given an HTTP/1.1 client
/// of FlowCoach's (ADR 19), and nothing else in the functions asks for HTTP/2.
const HTTP2_CRATES: [&str; 2] = ["h2", "aws-smithy-http-client"];

#[test]
fn functions_link_no_http2_client() {
    assert_every_build_links(
        &["hyper", "aws-smithy-runtime-api"],
        &HTTP2_CRATES,
        "the SDK's client is FlowCoach's HTTP/1.1 one",
    );
}
