//! The local analyser on the labelled fixtures, scored by
//! `flowcoach_tests::evaluation`: precision and recall floors, the hard
//! rules, and determinism. `FLOWCOACH_SHOW_ANALYSES=1` prints each analysis.

use flowcoach_core::ai::analyst::{Analysis, Analyst, FollowUpTemplate};
use flowcoach_core::ai::builtin_templates::builtin_follow_up_templates;
use flowcoach_core::ai::local::LocalAnalyst;
use flowcoach_core::transcript::{self, Transcript};
use flowcoach_tests::evaluation::{evaluate_against_labels, parse_labels, request_for, LabelFile};
use flowcoach_tests::fixtures::{shared_fixtures, shared_transcript};

fn default_template() -> FollowUpTemplate {
    builtin_follow_up_templates()[0].to_follow_up_template()
}

fn labels() -> LabelFile {
    let json = std::fs::read_to_string(shared_fixtures().join("labels.json"))
        .expect("labels.json readable");
    parse_labels(&json).expect("labels.json parses")
}

/// A fixture transcript parsed by the product parser.
fn parse_fixture(file: &str) -> Transcript {
    transcript::parse(&shared_transcript(file), Some(file)).expect("fixture parses")
}

fn fixture_analyses(labels: &LabelFile) -> Vec<(String, Analysis)> {
    labels
        .sessions
        .iter()
        .map(|session| {
            let parsed = parse_fixture(&session.file);
            let mut request = request_for(session, &parsed.utterances, &default_template());
            request.metrics = transcript::metrics(&parsed);
            let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
            assert_eq!(analysis.follow_ups.len(), request.clients.len());
            (session.id.clone(), analysis)
        })
        .collect()
}

#[test]
fn fixture_precision_and_recall_floors() {
    let labels = labels();
    let report = evaluate_against_labels(&labels, &default_template(), |session| {
        transcript::parse(&shared_transcript(&session.file), Some(&session.file))
    })
    .expect("evaluation runs");
    eprintln!("{}{report}", report.details());
    if std::env::var_os("FLOWCOACH_SHOW_ANALYSES").is_some() {
        for (id, analysis) in fixture_analyses(&labels) {
            eprintln!(
                "===== {id}\n{}",
                serde_json::to_string_pretty(&analysis).unwrap_or_default()
            );
        }
    }
    let commitments = report.commitments();
    assert!(
        commitments.recall() >= 0.5,
        "commitment recall {commitments:?}"
    );
    assert!(
        commitments.precision() >= 0.5,
        "commitment precision {commitments:?}"
    );
    assert!(
        report.retracted_extracted().is_empty(),
        "{:?}",
        report.retracted_extracted()
    );
    assert!(
        report.false_positives_flagged().is_empty(),
        "{:?}",
        report.false_positives_flagged()
    );
    assert!(
        report.urgent_missed().is_empty(),
        "{:?}",
        report.urgent_missed()
    );
}

#[tokio::test]
async fn analysis_is_deterministic() {
    for session in &labels().sessions {
        let parsed = parse_fixture(&session.file);
        let mut request = request_for(session, &parsed.utterances, &default_template());
        request.metrics = transcript::metrics(&parsed);
        let first = LocalAnalyst.analyse(&request).await.expect("analysis");
        let second = LocalAnalyst
            .analyse(&request.clone())
            .await
            .expect("analysis");
        assert_eq!(first, second);
        assert_eq!(first.model, "local-extractive-v1");
        assert!((3..=6).contains(&first.themes.len()), "{:?}", first.themes);
        assert!(!first.overview.is_empty());
        assert!(!first.coach_observations.is_empty());
        for insight in &first.client_insights {
            assert!(
                (2..=4).contains(&insight.insights.len()),
                "{:?}",
                insight.insights
            );
        }
    }
}
