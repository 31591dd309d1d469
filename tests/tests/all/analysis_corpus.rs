//! The local analyser on the project's own labelled corpus
//! (`tests/data/analysis`): a tuning half the rules may be written against
//! and a held-out half that is only scored. Each half is held to the floors
//! measured on the held-out half (issue 9), so a rule that only fits the
//! tuning half shows up as a held-out failure. Held-out failures print
//! figures only, never its transcript words.

use flowcoach_core::ai::analyst::FollowUpTemplate;
use flowcoach_core::ai::builtin_templates::builtin_follow_up_templates;
use flowcoach_tests::evaluation::{Corpus, Report};

fn default_template() -> FollowUpTemplate {
    builtin_follow_up_templates()[0].to_follow_up_template()
}

fn scored(name: &str) -> (Corpus, Report) {
    let corpus = Corpus::all()
        .expect("the corpora load")
        .into_iter()
        .find(|c| c.name == name)
        .expect("the corpus exists");
    let report = corpus
        .evaluate(&default_template())
        .expect("evaluation runs");
    (corpus, report)
}

/// The floors every split is held to: the held-out half's figures when
/// they were measured (issue 9's targets are higher: F1 ≥ 0.85, due dates
/// ≥ 95 %, every risk found with no false positive and no retracted
/// commitment extracted). Raise them as the held-out figures rise.
struct Floors {
    commitment_f1: f64,
    due_accuracy: f64,
    risk_recall: f64,
    urgent_missed: usize,
    sessions_without_risk_flagged: usize,
    look_alikes_flagged: usize,
    retracted_extracted: usize,
}

const FLOORS: Floors = Floors {
    commitment_f1: 0.84,
    due_accuracy: 0.96,
    risk_recall: 0.77,
    urgent_missed: 1,
    sessions_without_risk_flagged: 1,
    look_alikes_flagged: 1,
    retracted_extracted: 1,
};

fn assert_floors(name: &str, report: &Report) {
    let commitments = report.commitments();
    let risks = report.risks();
    eprintln!(
        "{name}: {report}\n{name}: commitment F1 {:.4}, due {:.4}, risk recall {:.4}",
        commitments.f1(),
        report.due_accuracy(),
        risks.recall()
    );
    let at_least = |what: &str, value: f64, floor: f64| {
        assert!(value >= floor, "{name}: {what} {value:.4} < {floor:.2}");
    };
    let at_most = |what: &str, value: usize, ceiling: usize| {
        assert!(value <= ceiling, "{name}: {what}: {value} > {ceiling}");
    };
    at_least("commitment F1", commitments.f1(), FLOORS.commitment_f1);
    at_least(
        "due dates right",
        report.due_accuracy(),
        FLOORS.due_accuracy,
    );
    at_least(
        "risk recall (by category)",
        risks.recall(),
        FLOORS.risk_recall,
    );
    at_most(
        "urgent risks missed or not marked urgent",
        report.urgent_missed().len(),
        FLOORS.urgent_missed,
    );
    at_most(
        "sessions without risk flagged",
        report.false_positive_sessions().len(),
        FLOORS.sessions_without_risk_flagged,
    );
    at_most(
        "look-alikes flagged",
        report.false_positives_flagged().len(),
        FLOORS.look_alikes_flagged,
    );
    at_most(
        "retracted commitments extracted",
        report.retracted_extracted().len(),
        FLOORS.retracted_extracted,
    );
}

#[test]
fn tuning_half_meets_the_floors() {
    let (_, report) = scored("tuning");
    if std::env::var_os("FLOWCOACH_SHOW_ANALYSES").is_some() {
        eprintln!("{}", report.details());
    }
    assert_floors("tuning", &report);
}

#[test]
fn held_out_half_meets_the_floors() {
    let (_, report) = scored("held-out");
    assert_floors("held-out", &report);
}

#[test]
fn every_corpus_transcript_parses_with_its_labelled_speakers_and_quotes() {
    for corpus in Corpus::all().expect("the corpora load") {
        for session in &corpus.labels.sessions {
            let parsed = corpus
                .transcript(session)
                .unwrap_or_else(|e| panic!("{}/{}: {e}", corpus.name, session.id));
            let quotes = session
                .commitments
                .iter()
                .chain(&session.retracted_commitments)
                .map(|c| &c.quote)
                .chain(session.risk_flags.iter().map(|r| &r.quote));
            for (index, quote) in quotes.enumerate() {
                assert!(
                    parsed
                        .utterances
                        .iter()
                        .any(|u| u.text.contains(quote.as_str())),
                    "{}/{}: labelled quote #{index} is not in any parsed utterance",
                    corpus.name,
                    session.id
                );
            }
            for participant in &session.participants {
                assert!(
                    parsed
                        .utterances
                        .iter()
                        .any(|u| u.speaker.eq_ignore_ascii_case(&participant.speaker_label)),
                    "{}/{}: no utterance by a labelled speaker",
                    corpus.name,
                    session.id
                );
            }
        }
    }
}
