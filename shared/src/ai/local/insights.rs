//! Per-client insights from the client's own speech: what they focused on,
//! their key statement, feelings they named, what they committed to and any
//! risk signal. Also the client-facing highlights used in follow-ups: what
//! was explored and the feelings the client named, in the coach's words.
//! The client's own sentences stay coach-facing: quoted back in an email
//! they read as surveillance, and the most salient one may be the most
//! private.

use uuid::Uuid;

use crate::ai::analyst::{AnalysisRequest, ClientInsight, Commitment, RiskFlag, RiskSeverity};

use super::follow_up::human_short_date;
use super::participants::Roster;
use super::salience::{best, ScoredSentence, FELT};
use super::text::{listed, without_annotations};
use super::themes::{topic_scores, WeightedText};

const MAX_INSIGHTS: usize = 4;
const MAX_FEELINGS: usize = 4;

/// Insights for one client (coach-facing) and highlights (client-facing).
pub(crate) struct ClientReading {
    pub insight: ClientInsight,
    pub highlights: Vec<String>,
}

pub(crate) fn read_clients(
    request: &AnalysisRequest,
    roster: &Roster,
    sentences: &[ScoredSentence],
    commitments: &[Commitment],
    risks: &[RiskFlag],
) -> Vec<ClientReading> {
    roster
        .clients
        .iter()
        .map(|client| {
            let own_speech: Vec<String> = request
                .utterances
                .iter()
                .filter(|u| roster.person(u).client_id == Some(client.client_id))
                .map(|u| without_annotations(&u.text))
                .collect();
            read_client(client.client_id, &own_speech, sentences, commitments, risks)
        })
        .collect()
}

fn read_client(
    client_id: Uuid,
    own_speech: &[String],
    sentences: &[ScoredSentence],
    commitments: &[Commitment],
    risks: &[RiskFlag],
) -> ClientReading {
    let mut insights = Vec::new();
    let mut highlights = Vec::new();

    let own_risks: Vec<&RiskFlag> = risks
        .iter()
        .filter(|r| r.client_id == Some(client_id))
        .collect();
    if !own_risks.is_empty() {
        let described: Vec<String> = own_risks
            .iter()
            .map(|r| {
                let level = match r.severity {
                    RiskSeverity::Urgent => "urgent",
                    RiskSeverity::Watch => "watch",
                };
                format!("{} ({level})", r.category.replace('_', " "))
            })
            .collect();
        insights.push(format!(
            "Raised risk signals: {}; see the risk flags before anything else.",
            described.join(", ")
        ));
    }

    if own_speech.is_empty() {
        insights.push("Said little or nothing in this session.".to_string());
        return ClientReading {
            insight: ClientInsight {
                client_id,
                insights,
                highlights: highlights.clone(),
            },
            highlights,
        };
    }

    let weighted: Vec<WeightedText<'_>> = own_speech
        .iter()
        .map(|text| WeightedText { text, weight: 1.0 })
        .collect();
    let topics: Vec<&str> = topic_scores(&weighted)
        .into_iter()
        .filter(|(_, score)| *score >= 2.0)
        .take(2)
        .map(|(label, _)| label)
        .collect();
    if !topics.is_empty() {
        let focus = format!("Focused on {}.", listed(&topics));
        highlights.push(format!("We explored {}.", listed(&topics)));
        insights.push(focus);
    }

    let own_sentences = sentences.iter().filter(|s| s.client_id == Some(client_id));
    if let Some(key) = best(own_sentences, 1).first() {
        insights.push(format!("Key statement: “{}”", key.text));
    }

    let feelings = named_feelings(own_speech);
    if !feelings.is_empty() {
        if insights.len() < MAX_INSIGHTS - 1 {
            insights.push(format!("Named feelings: {}.", feelings.join(", ")));
        }
        // Someone at risk gets the careful template; their feelings are the
        // coach's to take up in person, not in a recap.
        if own_risks.is_empty() {
            highlights.push(format!("You spoke about feeling {}.", listed(&feelings)));
        }
    }

    insights.push(commitment_summary(client_id, commitments));
    insights.truncate(MAX_INSIGHTS);

    ClientReading {
        insight: ClientInsight {
            client_id,
            insights,
            highlights: highlights.clone(),
        },
        highlights,
    }
}

fn named_feelings(own_speech: &[String]) -> Vec<String> {
    let mut feelings: Vec<String> = Vec::new();
    for text in own_speech {
        for found in FELT.captures_iter(text) {
            let word = found[1].to_lowercase();
            if !feelings.contains(&word) {
                feelings.push(word);
            }
        }
    }
    feelings.truncate(MAX_FEELINGS);
    feelings
}

fn commitment_summary(client_id: Uuid, commitments: &[Commitment]) -> String {
    let own: Vec<&Commitment> = commitments
        .iter()
        .filter(|c| c.client_id == Some(client_id))
        .collect();
    let dated: Vec<&Commitment> = own.iter().copied().filter(|c| c.due.is_some()).collect();
    let first_due = dated.iter().filter_map(|c| c.due).min();
    match (own.len(), first_due) {
        (0, _) => "Made no concrete commitment this session.".to_string(),
        (1, Some(due)) => format!("Made one commitment, due {}.", human_short_date(due)),
        (1, None) => "Made one commitment, without a date.".to_string(),
        (n, Some(due)) => format!(
            "Made {n} commitments, {} with a date; the first falls due {}.",
            dated.len(),
            human_short_date(due)
        ),
        (n, None) => format!("Made {n} commitments, none with a date."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_statement(client_id: Uuid, text: &str) -> ScoredSentence {
        ScoredSentence {
            order: 0,
            client_id: Some(client_id),
            text: text.into(),
            score: 10.0,
        }
    }

    #[test]
    fn highlights_name_feelings_in_the_coachs_words_and_never_quote_the_client() {
        let client_id = Uuid::new_v4();
        let said = "Honestly I've been feeling stretched, and a bit guilty about the allotment.";
        let speech = vec![
            said.to_string(),
            "I felt relieved once I told my sister.".into(),
        ];
        let reading = read_client(
            client_id,
            &speech,
            &[key_statement(client_id, said)],
            &[],
            &[],
        );
        assert!(
            reading
                .highlights
                .contains(&"You spoke about feeling stretched and relieved.".to_string()),
            "{:?}",
            reading.highlights
        );
        assert!(
            reading.highlights.iter().all(|h| !h.contains("allotment")),
            "the client's sentence stays coach-facing: {:?}",
            reading.highlights
        );
        assert!(reading
            .insight
            .insights
            .iter()
            .any(|i| i.starts_with("Key statement:") && i.contains("allotment")));
    }

    #[test]
    fn a_client_at_risk_gets_no_feelings_in_their_highlights() {
        let client_id = Uuid::new_v4();
        let speech = vec!["I've been feeling so lost since the move.".to_string()];
        let risk = RiskFlag {
            speaker: "Client".into(),
            client_id: Some(client_id),
            category: "hopelessness".into(),
            severity: RiskSeverity::Watch,
            quote: "I've been feeling so lost since the move.".into(),
            guidance: String::new(),
        };
        let reading = read_client(client_id, &speech, &[], &[], &[risk]);
        assert!(
            reading.highlights.iter().all(|h| !h.contains("lost")),
            "{:?}",
            reading.highlights
        );
        assert!(reading
            .insight
            .insights
            .iter()
            .any(|i| i.contains("Named feelings: lost")));
    }
}
