//! End-to-end tests of the local analyser: the labelled fixtures (precision
//! and recall floors), determinism and group-session follow-ups.

use crate::ai::analyst::{Analysis, Analyst, RiskSeverity};
use crate::ai::builtin_templates::builtin_follow_up_templates;

use super::evaluation::{evaluate_against_labels, parse_labels, request_for};
use super::test_support::{
    client_id_of, default_template, fixtures_dir, one_to_one_request, parse_fixture, request_with,
    COACH_NAME,
};
use super::LocalAnalyst;

fn fixture_analyses() -> Vec<(String, Analysis)> {
    let dir = fixtures_dir();
    let labels = std::fs::read_to_string(dir.join("labels.json")).expect("labels.json readable");
    let labels = parse_labels(&labels).expect("labels.json parses");
    labels
        .sessions
        .iter()
        .map(|session| {
            let transcript = parse_fixture(&session.file);
            let mut request = request_for(session, &transcript.utterances, &default_template());
            request.metrics = crate::transcript::metrics(&transcript);
            let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
            assert_eq!(analysis.follow_ups.len(), request.clients.len());
            (session.id.clone(), analysis)
        })
        .collect()
}

#[test]
fn fixture_precision_and_recall_floors() {
    let dir = fixtures_dir();
    let labels = std::fs::read_to_string(dir.join("labels.json")).expect("labels.json readable");
    let labels = parse_labels(&labels).expect("labels.json parses");
    let report = evaluate_against_labels(&labels, &default_template(), |session| {
        let bytes = std::fs::read(dir.join("transcripts").join(&session.file))
            .map_err(|e| e.to_string())?;
        crate::transcript::parse(&bytes, Some(&session.file)).map_err(|e| e.to_string())
    })
    .expect("evaluation runs");
    eprintln!("{report}");
    if std::env::var_os("FLOWCOACH_SHOW_ANALYSES").is_some() {
        for (id, analysis) in fixture_analyses() {
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
    let dir = fixtures_dir();
    let labels = parse_labels(
        &std::fs::read_to_string(dir.join("labels.json")).expect("labels.json readable"),
    )
    .expect("labels parse");
    for session in &labels.sessions {
        let transcript = parse_fixture(&session.file);
        let mut request = request_for(session, &transcript.utterances, &default_template());
        request.metrics = crate::transcript::metrics(&transcript);
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

#[test]
fn group_session_gets_one_draft_per_client_without_leakage() {
    let alma = "Alma Reyes";
    let bo = "Bo Lindqvist";
    let chen = "Chen Wu";
    let mut request = request_with(
        &[alma, bo, chen],
        &[
            (
                COACH_NAME,
                "Welcome back, everyone. What are you each taking on?",
            ),
            (alma, "I'll send the hiring plan to finance by Friday."),
            (bo, "I'm going to book a long weekend for myself tomorrow."),
            (chen, "Honestly I'm still thinking about it."),
            (
                COACH_NAME,
                "I'll email everyone the feedback model this afternoon.",
            ),
            (COACH_NAME, "And I'll call Bo on Monday about the offsite."),
        ],
    );
    // Different templates per client: each draft must use its own.
    let templates = builtin_follow_up_templates();
    for (client, template) in request.clients.iter_mut().zip(&templates) {
        client.template = template.to_follow_up_template();
    }
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    assert_eq!(analysis.follow_ups.len(), 3);

    let draft_for = |name: &str| {
        analysis
            .follow_ups
            .iter()
            .find(|d| d.client_id == client_id_of(name))
            .expect("draft for every client")
    };
    let alma_draft = draft_for(alma);
    let bo_draft = draft_for(bo);
    let chen_draft = draft_for(chen);
    assert_eq!(alma_draft.template_id, templates[0].id);
    assert_eq!(bo_draft.template_id, templates[1].id);
    assert_eq!(chen_draft.template_id, templates[2].id);

    assert!(
        alma_draft.body.contains("Send the hiring plan to finance"),
        "{}",
        alma_draft.body
    );
    assert!(
        !alma_draft.body.contains("long weekend"),
        "{}",
        alma_draft.body
    );
    assert!(
        bo_draft.body.contains("Book a long weekend for yourself"),
        "{}",
        bo_draft.body
    );
    assert!(!bo_draft.body.contains("hiring plan"), "{}", bo_draft.body);
    assert!(
        !chen_draft.body.contains("hiring plan"),
        "{}",
        chen_draft.body
    );
    assert!(
        !chen_draft.body.contains("long weekend"),
        "{}",
        chen_draft.body
    );
    // Everyone hears about the coach's shared action; only Bo about his call.
    for draft in [alma_draft, bo_draft, chen_draft] {
        assert!(
            draft.body.contains("Email everyone the feedback model"),
            "{}",
            draft.body
        );
        assert!(draft.body.contains("Cora"), "{}", draft.body);
    }
    assert!(bo_draft.body.contains("Call Bo"), "{}", bo_draft.body);
    assert!(!alma_draft.body.contains("Call Bo"), "{}", alma_draft.body);
    assert!(alma_draft.body.starts_with("Hi Alma,"));
    assert!(!chen_draft.subject.is_empty());
}

#[test]
fn follow_up_shows_dates_and_next_session() {
    let mut request = one_to_one_request(&[
        ("Coach", "What will you do next?"),
        ("Client", "I'll ring the landlord about the lease tomorrow."),
    ]);
    request.next_session_on = chrono::NaiveDate::from_ymd_opt(2026, 3, 24);
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    let body = &analysis.follow_ups[0].body;
    assert!(
        body.contains("Ring the landlord about the lease (by Wednesday 11 March)"),
        "{body}"
    );
    assert!(body.contains("Tuesday 24 March 2026"), "{body}");
    assert_eq!(analysis.follow_ups[0].subject, "Thank you for today, Casey");
}

#[test]
fn a_broken_template_is_a_permanent_error() {
    let mut request = one_to_one_request(&[("Client", "I'll tidy the garage on Saturday.")]);
    request.clients[0].template.body = "Hi {{ client_first_name }\n".to_string();
    let error = LocalAnalyst
        .analyse_now(&request)
        .expect_err("bad template");
    assert!(matches!(
        error,
        crate::ai::analyst::AnalystError::Permanent(_)
    ));
    assert!(error.to_string().contains("line 1"), "{error}");
}

#[test]
fn crisis_in_session_is_urgent_and_in_overview() {
    let request = one_to_one_request(&[
        ("Coach", "How have things been?"),
        (
            "Client",
            "Honestly, I don't want to be here anymore. Work is killing me.",
        ),
    ]);
    let analysis = LocalAnalyst.analyse_now(&request).expect("analysis");
    assert_eq!(analysis.risk_flags.len(), 1);
    assert_eq!(analysis.risk_flags[0].severity, RiskSeverity::Urgent);
    assert!(
        analysis.overview.contains("safety concern"),
        "{}",
        analysis.overview
    );
    assert!(!analysis.follow_ups[0].body.contains("safety"));
}
