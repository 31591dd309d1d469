//! The labelled search queries (`../shared/fixtures/queries.json`) over the
//! fixture sessions of all three coaches, through the API: recall@5 and MRR
//! for full text alone, vectors alone and both fused. Hybrid must beat
//! each alone and hold the floors measured; a question whose answer is in
//! another coach's sessions finds nothing of theirs. `scripts/search-eval.sh`
//! prints the figures.

use flowcoach_tests::fixture_sessions::{self, FixtureCoaches};
use flowcoach_tests::fixtures::shared_fixtures;
use flowcoach_tests::TestApp;
use serde::Deserialize;
use serde_json::{json, Value};

/// Measured (`scripts/search-eval.sh`, ADR 24): hybrid recall@5 0.619 and
/// MRR 0.374; keyword alone 0.214 / 0.211, semantic alone 0.619 / 0.355.
const HYBRID_RECALL_FLOOR: f64 = 0.61;
const HYBRID_MRR_FLOOR: f64 = 0.37;

#[derive(Debug, Deserialize)]
struct Queries {
    queries: Vec<Query>,
}

#[derive(Debug, Deserialize)]
struct Query {
    coach: String,
    query: String,
    #[serde(rename = "type")]
    kind: String,
    relevant: Vec<Relevant>,
}

#[derive(Debug, Deserialize)]
struct Relevant {
    session: String,
    quote: String,
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// The passage holds the quote: from its session, with most of its words
/// in order (a passage is cut around its best line, so a long quote may
/// lose a word at an edge).
fn holds(passage: &Value, relevant: &Relevant, loaded: &FixtureCoaches) -> bool {
    let session = passage["session_id"].as_str().unwrap_or_default();
    if loaded.fixture_of(session) != Some(relevant.session.as_str()) {
        return false;
    }
    let text = words(passage["text"].as_str().unwrap_or_default());
    let quote = words(&relevant.quote);
    let mut at = 0;
    let mut found = 0;
    for word in &quote {
        if let Some(offset) = text[at..].iter().position(|w| w == word) {
            at += offset + 1;
            found += 1;
        }
    }
    found * 10 >= quote.len() * 8
}

#[derive(Debug, Default, Clone, Copy)]
struct Score {
    recall_at_5: f64,
    mrr: f64,
}

async fn score(app: &TestApp, loaded: &FixtureCoaches, queries: &[Query], mode: &str) -> Score {
    let answerable: Vec<&Query> = queries.iter().filter(|q| !q.relevant.is_empty()).collect();
    let mut total = Score::default();
    for query in &answerable {
        let token = &loaded.tokens[&query.coach];
        let (status, found) = app
            .post(
                token,
                "/v1/search",
                &json!({"question": query.query, "mode": mode, "limit": 10, "answer": false}),
            )
            .await;
        assert_eq!(status, 200, "{found}");
        let passages = found["passages"].as_array().cloned().unwrap_or_default();
        let first_five = &passages[..passages.len().min(5)];
        let recalled = query
            .relevant
            .iter()
            .filter(|r| first_five.iter().any(|p| holds(p, r, loaded)))
            .count();
        let first_hit = passages
            .iter()
            .position(|p| query.relevant.iter().any(|r| holds(p, r, loaded)));
        total.recall_at_5 += recalled as f64 / query.relevant.len() as f64;
        total.mrr += first_hit.map_or(0.0, |rank| 1.0 / (rank as f64 + 1.0));
        eprintln!(
            "  {mode:8} {:10} recall@5 {recalled}/{} first hit {:>4}  {}",
            query.kind,
            query.relevant.len(),
            first_hit.map_or("-".to_string(), |r| (r + 1).to_string()),
            query.query
        );
    }
    let n = answerable.len().max(1) as f64;
    Score {
        recall_at_5: total.recall_at_5 / n,
        mrr: total.mrr / n,
    }
}

#[tokio::test]
async fn hybrid_search_beats_each_retriever_alone_and_never_crosses_coaches() {
    let app = TestApp::spawn().await;
    let loaded = fixture_sessions::load(&app).await;
    let queries: Queries = serde_json::from_str(
        &std::fs::read_to_string(shared_fixtures().join("queries.json")).expect("queries.json"),
    )
    .expect("queries.json parses");

    let keyword = score(&app, &loaded, &queries.queries, "keyword").await;
    let semantic = score(&app, &loaded, &queries.queries, "semantic").await;
    let hybrid = score(&app, &loaded, &queries.queries, "hybrid").await;
    eprintln!(
        "search over the fixtures ({} queries):",
        queries.queries.len()
    );
    for (name, s) in [
        ("keyword", keyword),
        ("semantic", semantic),
        ("hybrid", hybrid),
    ] {
        eprintln!("  {name:8} recall@5 {:.3}  MRR {:.3}", s.recall_at_5, s.mrr);
    }

    // Questions answered only in other coaches' sessions: nothing of theirs.
    for query in queries.queries.iter().filter(|q| q.kind == "isolation") {
        let token = &loaded.tokens[&query.coach];
        let (status, found) = app
            .post(token, "/v1/search", &json!({"question": query.query}))
            .await;
        assert_eq!(status, 200, "{found}");
        for passage in found["passages"].as_array().into_iter().flatten() {
            let session = passage["session_id"].as_str().unwrap_or_default();
            let fixture = loaded.fixture_of(session).expect("a fixture session");
            assert_eq!(
                loaded.coach_of[fixture], query.coach,
                "{}: {passage}",
                query.query
            );
        }
    }

    // Beating one alone: no worse on either figure, better on one.
    for (name, alone) in [("keyword", keyword), ("semantic", semantic)] {
        let no_worse = hybrid.recall_at_5 >= alone.recall_at_5 && hybrid.mrr >= alone.mrr;
        let better = hybrid.recall_at_5 > alone.recall_at_5 || hybrid.mrr > alone.mrr;
        assert!(
            no_worse && better,
            "hybrid {hybrid:?} does not beat {name} {alone:?}"
        );
    }
    assert!(hybrid.recall_at_5 >= HYBRID_RECALL_FLOOR, "{hybrid:?}");
    assert!(hybrid.mrr >= HYBRID_MRR_FLOOR, "{hybrid:?}");
}
