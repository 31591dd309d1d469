//! The model's reply turned into an analysis a coach can trust: each claim
//! found in the transcript or dropped (and counted), its owner read off the
//! line it was found in, due dates resolved here against the session date,
//! severity and guidance set by category, and the local analyser's risk
//! flags kept whatever the model said.

use uuid::Uuid;

use crate::ai::analyst::{
    AnalysisRequest, ClientInsight, ClientParticipant, Commitment, RiskFlag, RiskSeverity,
    SpeakerRole,
};
use crate::ai::local::due_dates::{recurrence, resolve_due};
use crate::ai::local::risk::{guidance, SUBSTANCE_USE};

use super::grounding::{Grounded, Transcript};
use super::reply::{AnalysisReply, CommitmentClaim, RiskClaim};

/// Themes beyond this many are dropped (the schema asks for 3–6).
const MAX_THEMES: usize = 6;
/// The model's practice observations, after the metric-based ones.
const MAX_MODEL_OBSERVATIONS: usize = 3;

/// Categories that are urgent whatever the model says; `substance_use` is
/// urgent only in immediate danger, the rest are for watching.
const URGENT_CATEGORIES: &[&str] = &[
    "self_harm",
    "harm_to_others",
    "safeguarding",
    "medical_red_flag",
];

/// What the analysis holds before its follow-ups are written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Assembled {
    pub overview: String,
    pub themes: Vec<String>,
    pub client_insights: Vec<ClientInsight>,
    pub commitments: Vec<Commitment>,
    pub coach_observations: Vec<String>,
    pub risk_flags: Vec<RiskFlag>,
    /// Claims whose quote was not found in the transcript, or not in the
    /// words of someone who could make them.
    pub ungrounded: u32,
}

/// The local analyser's answer, the fallback for every part the model left
/// empty and the floor for risk.
pub(crate) struct Baseline<'a> {
    pub overview: &'a str,
    pub themes: &'a [String],
    pub client_insights: &'a [ClientInsight],
    pub coach_observations: &'a [String],
    pub risk_flags: &'a [RiskFlag],
}

pub(crate) fn assemble(
    request: &AnalysisRequest,
    reply: AnalysisReply,
    baseline: &Baseline<'_>,
) -> Assembled {
    let transcript = Transcript::new(&request.utterances);
    let mut ungrounded = 0;

    let mut commitments: Vec<Commitment> = Vec::new();
    for claim in &reply.commitments {
        match commitment(request, &transcript, claim) {
            Some(found) => {
                let repeated = commitments
                    .iter()
                    .any(|c| c.owner == found.owner && c.quote == found.quote);
                if !repeated {
                    commitments.push(found);
                }
            }
            None => ungrounded += 1,
        }
    }

    let mut risk_flags: Vec<RiskFlag> = baseline.risk_flags.to_vec();
    for claim in &reply.risk_flags {
        let Some(flag) = risk_flag(request, &transcript, claim) else {
            ungrounded += 1;
            continue;
        };
        // One flag per client and category: the local analyser's stands.
        let known = risk_flags
            .iter()
            .any(|f| f.client_id == flag.client_id && f.category == flag.category);
        if !known {
            risk_flags.push(flag);
        }
    }
    // Urgent first; otherwise in the order found (a stable sort).
    risk_flags.sort_by_key(|f| f.severity != RiskSeverity::Urgent);

    if ungrounded > 0 {
        tracing::warn!(
            ungrounded,
            "dropped claims whose quotes are not in the transcript"
        );
    }

    Assembled {
        overview: non_blank(&reply.overview).unwrap_or_else(|| baseline.overview.to_string()),
        themes: themes(&reply.themes).unwrap_or_else(|| baseline.themes.to_vec()),
        client_insights: insights(request, &reply, baseline.client_insights),
        commitments,
        coach_observations: observations(&reply.coach_observations, baseline.coach_observations),
        risk_flags,
        ungrounded,
    }
}

/// The claim's quote in the transcript: on the line it names if it is
/// there, else anywhere `allowed` accepts.
fn ground(
    transcript: &Transcript<'_>,
    quote: &str,
    line: i64,
    allowed: impl Fn(usize) -> bool,
) -> Option<Grounded> {
    // The model's line number is a hint: one past the transcript (or not a
    // line at all) is ignored and the quote looked up everywhere allowed.
    let named = usize::try_from(line)
        .ok()
        .and_then(|l| l.checked_sub(1))
        .filter(|&index| index < transcript.lines());
    named
        .filter(|&index| allowed(index))
        .and_then(|index| transcript.find(quote, |i| i == index))
        .or_else(|| transcript.find(quote, allowed))
}

fn commitment(
    request: &AnalysisRequest,
    transcript: &Transcript<'_>,
    claim: &CommitmentClaim,
) -> Option<Commitment> {
    let text = non_blank(&claim.text)?;
    let spoken_by_someone_known = |index: usize| {
        request
            .utterances
            .get(index)
            .is_some_and(|u| !matches!(u.role, SpeakerRole::Unknown))
    };
    let found = ground(
        transcript,
        &claim.quote,
        claim.line,
        spoken_by_someone_known,
    )?;
    let utterance = &request.utterances[found.utterance];
    let (owner, client_id) = match &utterance.role {
        SpeakerRole::Coach => (request.coach_name.clone(), None),
        SpeakerRole::Client { client_id } => (
            client(request, *client_id)?.full_name.clone(),
            Some(*client_id),
        ),
        SpeakerRole::Unknown => return None,
    };
    // The date comes from the transcript's words: the model's `when` if the
    // line says it, else the quote itself.
    let when = claim
        .when
        .as_deref()
        .filter(|when| contains_words(&utterance.text, when))
        .unwrap_or(&found.quote);
    let repeats = recurrence(&found.quote).or_else(|| recurrence(when));
    let due = match repeats {
        Some(_) => None,
        None => resolve_due(when, request.held_on),
    };
    let recipients = match client_id {
        Some(_) => Vec::new(),
        None => recipients(request, &claim.promised_to),
    };
    Some(Commitment {
        owner,
        client_id,
        text,
        due,
        recurrence: repeats,
        recipients,
        quote: found.quote,
    })
}

fn risk_flag(
    request: &AnalysisRequest,
    transcript: &Transcript<'_>,
    claim: &RiskClaim,
) -> Option<RiskFlag> {
    let category = super::reply::RISK_CATEGORIES
        .iter()
        .find(|c| **c == claim.category)?;
    // A flag rests on a client's own words, never the coach's questions.
    let spoken_by_a_client = |index: usize| {
        request
            .utterances
            .get(index)
            .is_some_and(|u| matches!(u.role, SpeakerRole::Client { .. }))
    };
    let found = ground(transcript, &claim.quote, claim.line, spoken_by_a_client)?;
    let SpeakerRole::Client { client_id } = request.utterances[found.utterance].role else {
        return None;
    };
    let client = client(request, client_id)?;
    let urgent = URGENT_CATEGORIES.contains(category)
        || (*category == SUBSTANCE_USE && claim.immediate_danger);
    Some(RiskFlag {
        speaker: client.full_name.clone(),
        client_id: Some(client_id),
        category: (*category).to_string(),
        severity: if urgent {
            RiskSeverity::Urgent
        } else {
            RiskSeverity::Watch
        },
        quote: found.quote,
        guidance: guidance(category).to_string(),
    })
}

fn client(request: &AnalysisRequest, client_id: Uuid) -> Option<&ClientParticipant> {
    request.clients.iter().find(|c| c.client_id == client_id)
}

/// The clients a coach's promise was made to: those named, or everyone
/// when the model said "all", named nobody it knows, or it is one-to-one.
fn recipients(request: &AnalysisRequest, promised_to: &[String]) -> Vec<Uuid> {
    let named: Vec<Uuid> = request
        .clients
        .iter()
        .filter(|client| promised_to.iter().any(|name| names(client, name)))
        .map(|client| client.client_id)
        .collect();
    if named.is_empty() {
        request.clients.iter().map(|c| c.client_id).collect()
    } else {
        named
    }
}

fn names(client: &ClientParticipant, name: &str) -> bool {
    let name = name.trim();
    !name.is_empty()
        && (name.eq_ignore_ascii_case(client.first_name.trim())
            || name.eq_ignore_ascii_case(client.full_name.trim())
            || client
                .speaker_label
                .as_deref()
                .is_some_and(|label| name.eq_ignore_ascii_case(label.trim())))
}

fn insights(
    request: &AnalysisRequest,
    reply: &AnalysisReply,
    baseline: &[ClientInsight],
) -> Vec<ClientInsight> {
    request
        .clients
        .iter()
        .map(|client| {
            let reading = reply.clients.iter().find(|r| names(client, &r.name));
            let fallback = baseline.iter().find(|i| i.client_id == client.client_id);
            let insights = reading
                .map(|r| non_blank_all(&r.insights))
                .filter(|i| !i.is_empty())
                .or_else(|| fallback.map(|f| f.insights.clone()))
                .unwrap_or_default();
            let highlights = reading
                .map(|r| non_blank_all(&r.highlights))
                .filter(|h| !h.is_empty())
                .or_else(|| fallback.map(|f| f.highlights.clone()))
                .unwrap_or_default();
            ClientInsight {
                client_id: client.client_id,
                insights,
                highlights,
            }
        })
        .collect()
}

fn themes(said: &[String]) -> Option<Vec<String>> {
    let mut themes: Vec<String> = Vec::new();
    for theme in non_blank_all(said) {
        if !themes.iter().any(|t| t.eq_ignore_ascii_case(&theme)) {
            themes.push(theme);
        }
    }
    themes.truncate(MAX_THEMES);
    (!themes.is_empty()).then_some(themes)
}

/// The metric-based observations (exact, from the coaching metrics) first,
/// then a few of the model's on how the coach asked and listened.
fn observations(said: &[String], measured: &[String]) -> Vec<String> {
    let mut all = measured.to_vec();
    all.extend(
        non_blank_all(said)
            .into_iter()
            .filter(|o| !measured.contains(o))
            .take(MAX_MODEL_OBSERVATIONS),
    );
    all
}

fn non_blank(text: &str) -> Option<String> {
    let trimmed = text.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_string())
}

fn non_blank_all(texts: &[String]) -> Vec<String> {
    texts.iter().filter_map(|t| non_blank(t)).collect()
}

/// Whether `haystack` holds `needle`'s words, ignoring case and curly quotes.
fn contains_words(haystack: &str, needle: &str) -> bool {
    let plain = |s: &str| s.replace('’', "'").to_lowercase();
    let needle = plain(needle.trim());
    !needle.is_empty() && plain(haystack).contains(&needle)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ai::llm_analyst::reply::ClientReading;
    use crate::ai::local::test_support::{client_id_of, request_with, session_date, COACH_NAME};
    use chrono::Days;

    fn group() -> AnalysisRequest {
        request_with(
            &["Ana Ruiz", "Ben Okafor"],
            &[
                (COACH_NAME, "Ana, I'll call you on Monday about the rota."),
                ("Ana Ruiz", "Thanks. I'll draft the rota tomorrow."),
                ("Ben Okafor", "Some days I wish I could just not wake up."),
                ("Ben Okafor", "I'll walk every morning before work."),
            ],
        )
    }

    fn reply() -> AnalysisReply {
        AnalysisReply {
            commitments: Vec::new(),
            risk_flags: Vec::new(),
            clients: Vec::new(),
            themes: Vec::new(),
            coach_observations: Vec::new(),
            overview: String::new(),
        }
    }

    fn claim(
        line: i64,
        quote: &str,
        text: &str,
        when: Option<&str>,
        to: &[&str],
    ) -> CommitmentClaim {
        CommitmentClaim {
            line,
            quote: quote.to_string(),
            text: text.to_string(),
            when: when.map(str::to_string),
            promised_to: to.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn no_baseline() -> Baseline<'static> {
        Baseline {
            overview: "Local overview.",
            themes: &[],
            client_insights: &[],
            coach_observations: &[],
            risk_flags: &[],
        }
    }

    #[test]
    fn commitments_are_grounded_owned_by_the_speaker_and_dated_in_code() {
        let request = group();
        let mut said = reply();
        said.commitments = vec![
            // The model names the wrong line and says a wrong date: the
            // quote is found on the right line, the date comes from its words.
            claim(
                1,
                "I'll draft the rota tomorrow",
                "Draft the rota",
                Some("tomorrow"),
                &[],
            ),
            claim(
                1,
                "Ana, I'll call you on Monday about the rota",
                "Call Ana about the rota",
                Some("on Monday"),
                &["Ana"],
            ),
            claim(
                4,
                "I'll walk every morning before work",
                "Walk every morning",
                Some("every morning"),
                &[],
            ),
            claim(
                2,
                "I'll email my manager the whole transcript tonight",
                "Email the transcript",
                Some("tonight"),
                &[],
            ),
        ];
        let assembled = assemble(&request, said, &no_baseline());
        assert_eq!(assembled.ungrounded, 1);
        assert_eq!(assembled.commitments.len(), 3);
        let draft = &assembled.commitments[0];
        assert_eq!(draft.owner, "Ana Ruiz");
        assert_eq!(draft.client_id, Some(client_id_of("Ana Ruiz")));
        assert_eq!(draft.due, session_date().checked_add_days(Days::new(1)));
        let call = &assembled.commitments[1];
        assert_eq!(call.owner, COACH_NAME);
        assert_eq!(call.recipients, vec![client_id_of("Ana Ruiz")]);
        // 2026-03-10 is a Tuesday: the next Monday is the 16th.
        assert_eq!(call.due, chrono::NaiveDate::from_ymd_opt(2026, 3, 16));
        let walk = &assembled.commitments[2];
        assert_eq!(walk.due, None);
        assert_eq!(
            walk.recurrence.as_deref(),
            Some("every morning before work")
        );
    }

    #[test]
    fn a_line_number_past_the_transcript_is_ignored_and_the_quote_still_looked_up() {
        let request = group();
        let lines = i64::try_from(request.utterances.len()).unwrap_or(i64::MAX);
        let mut said = reply();
        said.commitments = vec![
            claim(
                lines + 1,
                "I'll draft the rota tomorrow",
                "Draft the rota",
                Some("tomorrow"),
                &[],
            ),
            claim(i64::MAX, "I'll fly to the moon", "Fly", None, &[]),
            claim(-3, "I'll walk every morning before work", "Walk", None, &[]),
        ];
        said.risk_flags = vec![RiskClaim {
            line: lines + 7,
            quote: "I'll walk every morning before work".to_string(),
            category: "burnout".to_string(),
            immediate_danger: false,
        }];
        let assembled = assemble(&request, said, &no_baseline());
        let texts: Vec<&str> = assembled
            .commitments
            .iter()
            .map(|c| c.text.as_str())
            .collect();
        assert_eq!(texts, ["Draft the rota", "Walk"]);
        assert_eq!(assembled.ungrounded, 1, "only the invented quote");
        assert_eq!(assembled.risk_flags.len(), 1);
    }

    #[test]
    fn a_risk_the_model_misses_is_kept_and_one_it_invents_is_dropped() {
        let request = group();
        let local_flag = RiskFlag {
            speaker: "Ben Okafor".to_string(),
            client_id: Some(client_id_of("Ben Okafor")),
            category: "self_harm".to_string(),
            severity: RiskSeverity::Urgent,
            quote: "Some days I wish I could just not wake up.".to_string(),
            guidance: guidance("self_harm").to_string(),
        };
        let mut said = reply();
        said.risk_flags = vec![
            RiskClaim {
                line: 2,
                quote: "I am going to hurt my manager".to_string(),
                category: "harm_to_others".to_string(),
                immediate_danger: true,
            },
            // The coach's words never carry a flag.
            RiskClaim {
                line: 1,
                quote: "Ana, I'll call you on Monday about the rota.".to_string(),
                category: "burnout".to_string(),
                immediate_danger: false,
            },
            RiskClaim {
                line: 4,
                quote: "I'll walk every morning before work".to_string(),
                category: "burnout".to_string(),
                immediate_danger: false,
            },
        ];
        let baseline = Baseline {
            risk_flags: std::slice::from_ref(&local_flag),
            ..no_baseline()
        };
        let assembled = assemble(&request, said, &baseline);
        assert_eq!(assembled.ungrounded, 2);
        assert_eq!(assembled.risk_flags.len(), 2);
        assert_eq!(
            assembled.risk_flags[0], local_flag,
            "the urgent local flag stays, first"
        );
        let added = &assembled.risk_flags[1];
        assert_eq!(added.category, "burnout");
        assert_eq!(added.severity, RiskSeverity::Watch);
        assert_eq!(added.speaker, "Ben Okafor");
    }

    #[test]
    fn an_empty_reply_falls_back_to_the_local_reading() {
        let request = group();
        let mut said = reply();
        said.clients = vec![ClientReading {
            name: "ana".to_string(),
            insights: vec!["Ana set up the rota.".to_string()],
            highlights: vec![" ".to_string()],
        }];
        said.themes = vec!["Rota".to_string(), "rota".to_string(), "Sleep".to_string()];
        let local = vec![ClientInsight {
            client_id: client_id_of("Ana Ruiz"),
            insights: vec!["Local insight.".to_string()],
            highlights: vec!["You drafted a plan.".to_string()],
        }];
        let baseline = Baseline {
            client_insights: &local,
            ..no_baseline()
        };
        let assembled = assemble(&request, said, &baseline);
        assert_eq!(assembled.overview, "Local overview.");
        assert_eq!(assembled.themes, vec!["Rota", "Sleep"]);
        let ana = &assembled.client_insights[0];
        assert_eq!(ana.insights, vec!["Ana set up the rota."]);
        assert_eq!(ana.highlights, vec!["You drafted a plan."]);
        assert!(assembled.client_insights[1].insights.is_empty());
    }
}
