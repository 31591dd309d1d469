//! Search across every session of one coach: the question's names and
//! dates read as filters, then full text and nearest vectors over transcript
//! chunks, summaries and commitments, each list held to a relevance floor
//! (so an unanswerable question finds nothing rather than the least bad
//! passage), fused by rank, and the passages shown with the question's
//! words marked. Every query is scoped by the coach: nothing here can reach
//! another coach's data.

pub mod answer;
pub mod fusion;
pub mod highlight;
pub mod query;

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ai::analyst::SpeakerRole;
use crate::ai::embedder::{Embedder, EmbedderError};
use crate::domain::CoachId;
use crate::pipeline::speakers::SpeakerAssignment;
use crate::store::search::{self as store, Ranked, ScopeFilter, SessionRow};
use crate::store::{Executor, StoreError};
use highlight::Fragment;
use query::KnownClient;

/// Candidates each retriever gives: enough for a few pages after fusion.
const CANDIDATES: i64 = 50;
/// Cosine similarity below which a vector neighbour is not relevant:
/// all-MiniLM-L6-v2 puts a question 0.0–0.1 from passages about something
/// else, and 0.2–0.3 from a minute of talk that answers it in other words
/// (measured on the fixture queries, ADR 24).
pub const SEMANTIC_FLOOR: f64 = 0.20;
/// A neighbour this far below the nearest is noise beside it.
pub const SEMANTIC_MARGIN: f64 = 0.15;
/// A full-text match must share at least this many of the question's
/// stems (all, for a shorter question), and half of a long question's:
/// a word or two of a long question in common is not relevance.
const KEYWORD_MIN_STEMS: usize = 2;
/// The most results a search can page through.
pub const MAX_RESULTS: usize = 150;
/// Words of a transcript passage around its best line.
const PASSAGE_WORDS: usize = 90;

/// Whose words a search looks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerFilter {
    /// The clients' turns only.
    Client,
    /// The coach's turns only.
    Coach,
}

/// Which retrievers a search runs: both fused (the default), or one alone
/// (for comparing them).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SearchMode {
    #[default]
    Hybrid,
    /// Full text only.
    Keyword,
    /// Nearest vectors only.
    Semantic,
}

/// What a search asks.
#[derive(Debug, Clone)]
pub struct SearchQuery {
    pub question: String,
    pub mode: SearchMode,
    pub client: Option<Uuid>,
    pub session: Option<Uuid>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub speaker: Option<SpeakerFilter>,
    /// The coach's today, for reading "last month".
    pub today: NaiveDate,
    pub time_zone: String,
}

/// A filter the search applied, and where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppliedFilter {
    Client {
        client_id: Uuid,
        name: String,
        /// The question's words that named the client; absent when the
        /// request set the filter.
        from_question: Option<String>,
    },
    /// Sessions held on these days (either end may be open).
    DateRange {
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        from_question: Option<String>,
    },
    Session {
        session_id: Uuid,
    },
    Speaker {
        speaker: SpeakerFilter,
    },
}

/// What a passage comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    Transcript,
    Summary,
    Commitment,
}

/// A client of a passage's session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PassageClient {
    pub id: Uuid,
    pub name: String,
}

/// One result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Passage {
    pub kind: PassageKind,
    /// The chunk, summary version or commitment it is.
    pub id: Uuid,
    pub session_id: Uuid,
    pub session_title: String,
    pub held_at: DateTime<Utc>,
    pub clients: Vec<PassageClient>,
    /// Who said the passage's main line (transcript) or owns the
    /// commitment; absent for a summary.
    pub speaker: Option<String>,
    /// Milliseconds into the recording, where the transcript has times.
    pub start_ms: Option<i64>,
    pub end_ms: Option<i64>,
    /// The passage as plain text.
    pub text: String,
    /// Its best line: the words (without the speaker) that hold most of the
    /// question's, by which a transcript view finds the turn.
    pub quote: String,
    /// The same text with the question's words highlighted.
    pub fragments: Vec<Fragment>,
    /// Fused rank score: higher is better, comparable within one search.
    pub score: f64,
}

/// Every result of a search, best first, and the filters it applied.
#[derive(Debug, Clone)]
pub struct Found {
    pub applied: Vec<AppliedFilter>,
    pub passages: Vec<Passage>,
}

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("the question could not be embedded")]
    Embedding(#[from] EmbedderError),
    #[error("no such client")]
    UnknownClient,
    #[error("no such session")]
    UnknownSession,
}

type Key = (PassageKind, Uuid);

/// Runs `query` over the coach's sessions.
pub async fn search(
    db: &impl Executor,
    embedder: &dyn Embedder,
    coach: CoachId,
    query: &SearchQuery,
) -> Result<Found, SearchError> {
    let session_is_theirs = async {
        match query.session {
            Some(session) => store::has_session(db, coach, session).await,
            None => Ok(true),
        }
    };
    let (names, session_is_theirs) =
        tokio::try_join!(store::client_names(db, coach), session_is_theirs)?;
    if !session_is_theirs {
        return Err(SearchError::UnknownSession);
    }
    let known: Vec<KnownClient> = names
        .into_iter()
        .map(|(id, name)| KnownClient { id, name })
        .collect();
    let understood = query::understand(&query.question, &known, query.today);
    let name_of = |id: Uuid| known.iter().find(|c| c.id == id).map(|c| c.name.clone());

    let mut applied = Vec::new();
    let mut filter = ScopeFilter {
        session: query.session,
        ..ScopeFilter::default()
    };
    if let Some(client) = query.client {
        let name = name_of(client).ok_or(SearchError::UnknownClient)?;
        applied.push(AppliedFilter::Client {
            client_id: client,
            name,
            from_question: None,
        });
        filter.clients.push(client);
    } else {
        for (client, words) in &understood.clients {
            applied.push(AppliedFilter::Client {
                client_id: *client,
                name: name_of(*client).unwrap_or_default(),
                from_question: Some(words.clone()),
            });
            filter.clients.push(*client);
        }
    }
    let period = match (query.from, query.to, &understood.period) {
        (None, None, Some((range, words))) => {
            Some((Some(range.from), Some(range.to), Some(words.clone())))
        }
        (None, None, None) => None,
        (from, to, _) => Some((from, to, None)),
    };
    if let Some((from, to, words)) = period {
        filter.from = from;
        filter.to = to;
        applied.push(AppliedFilter::DateRange {
            from,
            to,
            from_question: words,
        });
    }
    if let Some(session) = query.session {
        applied.push(AppliedFilter::Session {
            session_id: session,
        });
    }
    if let Some(speaker) = query.speaker {
        applied.push(AppliedFilter::Speaker { speaker });
    }

    let scope = if filter.is_everything() {
        None
    } else {
        Some(store::sessions_in_scope(db, coach, &query.time_zone, &filter).await?)
    };
    if scope.as_ref().is_some_and(Vec::is_empty) || understood.text.trim().is_empty() {
        return Ok(Found {
            applied,
            passages: Vec::new(),
        });
    }
    let scope = scope.as_deref();
    let text = understood.text.as_str();

    let by_words = query.mode != SearchMode::Semantic;
    let by_meaning = query.mode != SearchMode::Keyword;
    // The speaker filter is about transcript turns: summaries and
    // commitments are the coach's record, not anyone's words.
    let records = query.speaker.is_none();
    // The statements are independent: sent together, they share the
    // connection's round trips (tokio-postgres pipelines them), and the
    // question is embedded while the full-text ones run.
    let keyword = async {
        tokio::try_join!(
            when(
                by_words,
                store::keyword_chunks(db, coach, text, scope, CANDIDATES)
            ),
            when(
                by_words && records,
                store::keyword_summaries(db, coach, text, scope, CANDIDATES)
            ),
            when(
                by_words && records,
                store::keyword_commitments(db, coach, text, scope, CANDIDATES)
            ),
        )
    };
    let semantic = async {
        if !by_meaning {
            return Ok((Vec::new(), Vec::new()));
        }
        let vector = embedder
            .embed(&[text.to_string()])
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| EmbedderError::Failed("no vector for the question".into()))?;
        let model = embedder.model_id();
        tokio::try_join!(
            when(
                true,
                store::semantic_chunks(db, coach, model, &vector, scope, CANDIDATES)
            ),
            when(
                records,
                store::semantic_summaries(db, coach, model, &vector, scope, CANDIDATES)
            ),
        )
    };
    let stems = async { Ok::<_, SearchError>(store::query_stems(db, text).await?) };
    let (
        stems,
        (keyword_chunks, keyword_summaries, keyword_commitments),
        (semantic_chunks, semantic_summaries),
    ) = tokio::try_join!(stems, keyword, semantic)?;

    let chunk_ids = ids(&[&keyword_chunks, &semantic_chunks]);
    let summary_ids = ids(&[&keyword_summaries, &semantic_summaries]);
    let commitment_ids = ids(&[&keyword_commitments]);
    let (chunks, summaries, commitments) = tokio::try_join!(
        store::chunks(db, coach, &chunk_ids),
        store::summaries(db, coach, &summary_ids),
        store::commitments(db, coach, &commitment_ids),
    )?;
    let session_ids: Vec<Uuid> = chunks
        .iter()
        .map(|c| c.session_id)
        .chain(summaries.iter().map(|s| s.session_id))
        .chain(commitments.iter().map(|c| c.session_id))
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let sessions: HashMap<Uuid, SessionRow> = store::sessions(db, coach, &session_ids)
        .await?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();

    let speaker_maps: HashMap<Uuid, Vec<SpeakerAssignment>> = sessions
        .values()
        .map(|session| (session.id, speaker_map(session)))
        .collect();
    // Every candidate's text, cut to the speaker's turns where asked.
    let mut texts: HashMap<Key, Candidate> = HashMap::new();
    for chunk in &chunks {
        let Some(assignments) = speaker_maps.get(&chunk.session_id) else {
            continue;
        };
        let lines = lines_of(&chunk.body, assignments, query.speaker);
        if lines.is_empty() {
            continue;
        }
        texts.insert(
            (PassageKind::Transcript, chunk.id),
            Candidate {
                session: chunk.session_id,
                lines,
                start_ms: chunk.start_ms,
                end_ms: chunk.end_ms,
                owner: None,
            },
        );
    }
    for summary in &summaries {
        let mut text = summary.overview.clone();
        if !summary.themes.is_empty() {
            text.push_str(&format!("\nThemes: {}", summary.themes.join(", ")));
        }
        texts.insert(
            (PassageKind::Summary, summary.version_id),
            Candidate::plain(summary.session_id, text, None),
        );
    }
    for commitment in &commitments {
        let due = commitment
            .due_on
            .map(|d| format!(" (due {})", d.format("%-d %B %Y")))
            .unwrap_or_default();
        let text = format!(
            "{}: {}{due}\n“{}”",
            commitment.owner, commitment.body, commitment.quote
        );
        texts.insert(
            (PassageKind::Commitment, commitment.id),
            Candidate::plain(commitment.session_id, text, Some(commitment.owner.clone())),
        );
    }

    let words = highlight::distinct_words(
        texts
            .values()
            .flat_map(|c| c.lines.iter().map(|(_, text)| text.as_str())),
    );
    let word_stems = store::words_with_stems(db, &words, &stems).await?;
    let stem_of: HashMap<String, String> = word_stems.into_iter().collect();
    let needed = KEYWORD_MIN_STEMS
        .max(stems.len().div_ceil(2))
        .min(stems.len())
        .max(1);
    let keyword_relevant = |key: &Key| {
        texts
            .get(key)
            .is_some_and(|c| c.stems_matched(&stem_of) >= needed)
    };
    let nearest = |hits: &[Ranked]| hits.iter().map(|h| h.score).fold(f64::MIN, f64::max);
    let semantic_floor = |hits: &[Ranked]| SEMANTIC_FLOOR.max(nearest(hits) - SEMANTIC_MARGIN);
    let semantic_relevant =
        |key: &Key, hit: &Ranked, floor: f64| hit.score >= floor && texts.contains_key(key);

    let keyword = |kind: PassageKind, hits: &[Ranked]| -> Vec<Key> {
        hits.iter()
            .map(|h| (kind, h.id))
            .filter(|key| keyword_relevant(key))
            .collect()
    };
    let semantic = |kind: PassageKind, hits: &[Ranked]| -> Vec<Key> {
        let floor = semantic_floor(hits);
        hits.iter()
            .map(|h| ((kind, h.id), h))
            .filter(|(key, hit)| semantic_relevant(key, hit, floor))
            .map(|(key, _)| key)
            .collect()
    };
    let mut lists = Vec::new();
    if by_words {
        lists.push(keyword(PassageKind::Transcript, &keyword_chunks));
        lists.push(keyword(PassageKind::Summary, &keyword_summaries));
        lists.push(keyword(PassageKind::Commitment, &keyword_commitments));
    }
    if by_meaning {
        lists.push(semantic(PassageKind::Transcript, &semantic_chunks));
        lists.push(semantic(PassageKind::Summary, &semantic_summaries));
    }
    let fused = fusion::fuse(&lists);

    let matching: HashSet<String> = stem_of.keys().cloned().collect();
    let passages = fused
        .into_iter()
        .take(MAX_RESULTS)
        .filter_map(|(key, score)| {
            let candidate = texts.get(&key)?;
            let session = sessions.get(&candidate.session)?;
            Some(candidate.passage(key, score, session, &stem_of, &matching))
        })
        .collect();
    Ok(Found { applied, passages })
}

/// The retriever's candidates when `wanted`, else none; a future is lazy,
/// so an unwanted statement is never sent.
async fn when(
    wanted: bool,
    retrieve: impl std::future::Future<Output = Result<Vec<Ranked>, StoreError>>,
) -> Result<Vec<Ranked>, SearchError> {
    if wanted {
        Ok(retrieve.await?)
    } else {
        Ok(Vec::new())
    }
}

fn ids(lists: &[&Vec<Ranked>]) -> Vec<Uuid> {
    let set: HashSet<Uuid> = lists.iter().flat_map(|l| l.iter().map(|r| r.id)).collect();
    set.into_iter().collect()
}

/// A candidate's text as `(speaker, words)` lines.
struct Candidate {
    session: Uuid,
    lines: Vec<(Option<String>, String)>,
    start_ms: Option<i64>,
    end_ms: Option<i64>,
    owner: Option<String>,
}

impl Candidate {
    fn plain(session: Uuid, text: String, owner: Option<String>) -> Self {
        Self {
            session,
            lines: vec![(None, text)],
            start_ms: None,
            end_ms: None,
            owner,
        }
    }

    fn stems_in(text: &str, stem_of: &HashMap<String, String>) -> HashSet<String> {
        text.split_whitespace()
            .filter_map(|w| stem_of.get(&highlight::bare(w)).cloned())
            .collect()
    }

    fn stems_matched(&self, stem_of: &HashMap<String, String>) -> usize {
        self.lines
            .iter()
            .flat_map(|(_, text)| Self::stems_in(text, stem_of))
            .collect::<HashSet<_>>()
            .len()
    }

    /// The passage shown: for a transcript, the line with most of the
    /// question's stems and the lines around it, about `PASSAGE_WORDS` words.
    fn passage(
        &self,
        key: Key,
        score: f64,
        session: &SessionRow,
        stem_of: &HashMap<String, String>,
        matching: &HashSet<String>,
    ) -> Passage {
        let best = self
            .lines
            .iter()
            .enumerate()
            .max_by_key(|(index, (_, text))| {
                (
                    Self::stems_in(text, stem_of).len(),
                    std::cmp::Reverse(*index),
                )
            })
            .map_or(0, |(index, _)| index);
        let count = |i: usize| self.lines[i].1.split_whitespace().count();
        let (mut first, mut last) = (best, best);
        let mut words = count(best);
        loop {
            let before = first
                .checked_sub(1)
                .filter(|&i| words + count(i) <= PASSAGE_WORDS);
            if let Some(i) = before {
                first = i;
                words += count(i);
            }
            let after = (last + 1 < self.lines.len() && words + count(last + 1) <= PASSAGE_WORDS)
                .then_some(last + 1);
            if let Some(i) = after {
                last = i;
                words += count(i);
            }
            if before.is_none() && after.is_none() {
                break;
            }
        }
        let text = self.lines[first..=last]
            .iter()
            .map(|(speaker, words)| match speaker {
                Some(speaker) => format!("{speaker}: {words}"),
                None => words.clone(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        Passage {
            kind: key.0,
            id: key.1,
            session_id: session.id,
            session_title: session.title.clone(),
            held_at: session.held_at,
            clients: session
                .clients
                .iter()
                .map(|(id, name)| PassageClient {
                    id: *id,
                    name: name.clone(),
                })
                .collect(),
            speaker: self.lines[best].0.clone().or_else(|| self.owner.clone()),
            start_ms: self.start_ms,
            end_ms: self.end_ms,
            fragments: highlight::fragments(&text, matching),
            text,
            quote: self.lines[best].1.clone(),
            score,
        }
    }
}

/// A chunk's `Speaker: words` lines, only those of `speaker`'s role when
/// one is asked for.
fn lines_of(
    body: &str,
    assignments: &[SpeakerAssignment],
    speaker: Option<SpeakerFilter>,
) -> Vec<(Option<String>, String)> {
    body.lines()
        .filter_map(|line| {
            let (label, words) = line.split_once(": ").unwrap_or(("", line));
            let role = assignments
                .iter()
                .find(|a| a.label == label)
                .map(|a| &a.role);
            let wanted = match speaker {
                None => true,
                Some(SpeakerFilter::Coach) => matches!(role, Some(SpeakerRole::Coach)),
                Some(SpeakerFilter::Client) => matches!(role, Some(SpeakerRole::Client { .. })),
            };
            wanted.then(|| {
                (
                    (!label.is_empty()).then(|| label.to_string()),
                    words.to_string(),
                )
            })
        })
        .collect()
}

/// The session's speaker map; an unreadable one (written by an older
/// version, say) leaves every speaker unknown, so a speaker filter finds
/// nothing in it rather than the wrong person's words.
fn speaker_map(session: &SessionRow) -> Vec<SpeakerAssignment> {
    serde_json::from_value(session.speakers.clone()).unwrap_or_else(|error| {
        // The error's text may quote a label (a name): only its kind is logged.
        tracing::warn!(session_id = %session.id, kind = ?error.classify(), "unreadable speaker map; speakers unknown");
        Vec::new()
    })
}
