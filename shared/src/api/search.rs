//! `POST /v1/search`: a question over every session of the caller, with
//! filters, answered as passages (and a quoted answer citing them).

use axum::extract::State;
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{NaiveDate, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use utoipa::ToSchema;
use uuid::Uuid;

use super::extract::ApiJson;
use super::openapi::IdempotencyKey;
use super::responses::{Authenticated, ById, Idempotent, JsonBody, NeedsService};
use super::{audit_with, tenant, ApiError, AppState, Caller, Search};
use crate::search::answer::{self, Answer};
use crate::search::{
    self, AppliedFilter, Passage, SearchError, SearchMode, SearchQuery, SpeakerFilter,
};
use crate::store::coaches;

resource_routes! {
    [search_sessions],
}

/// Characters a question may have.
pub const MAX_QUESTION_CHARS: usize = 500;
/// Passages a page may hold.
pub const MAX_LIMIT: usize = 50;
const DEFAULT_LIMIT: usize = 10;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchRequest {
    /// The question, 1–500 characters. Client names (of your clients) and
    /// periods in it ("in October", "last month", "since the summer")
    /// become filters unless the request sets them.
    #[schema(min_length = 1, max_length = 500)]
    pub question: String,
    /// Only sessions this client took part in.
    pub client_id: Option<Uuid>,
    /// Only this session.
    pub session_id: Option<Uuid>,
    /// Sessions held on or after this day (your time zone).
    pub from: Option<NaiveDate>,
    /// Sessions held on or before this day.
    pub to: Option<NaiveDate>,
    /// Only the clients' or only the coach's turns (transcripts only).
    pub speaker: Option<SpeakerFilter>,
    /// Passages per page, 1–50 (default 10).
    #[schema(minimum = 1, maximum = 50)]
    pub limit: Option<usize>,
    /// The `next_cursor` of the previous page of the same search.
    pub cursor: Option<String>,
    /// Whether to answer from the passages (default true).
    pub answer: Option<bool>,
    /// `hybrid` (default), or `keyword` / `semantic` alone.
    pub mode: Option<SearchMode>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SearchResponse {
    /// The filters applied, from the request or read from the question.
    pub applied_filters: Vec<AppliedFilter>,
    /// Best first. Empty when nothing relevant was found.
    pub passages: Vec<Passage>,
    /// For the next page; absent on the last.
    pub next_cursor: Option<String>,
    /// Sentences from this page's passages, each citing them by position.
    pub answer: Option<Answer>,
    /// True when no passage was relevant enough to show.
    pub nothing_found: bool,
}

impl SearchRequest {
    fn checked(&self) -> Result<(String, usize), ApiError> {
        let question = self.question.trim();
        if question.is_empty() {
            return Err(ApiError::field("question", "must not be empty"));
        }
        if question.chars().count() > MAX_QUESTION_CHARS {
            return Err(ApiError::field(
                "question",
                format!("must be at most {MAX_QUESTION_CHARS} characters"),
            ));
        }
        if question
            .chars()
            .any(|c| c.is_control() && !c.is_whitespace())
        {
            return Err(ApiError::field(
                "question",
                "must not hold control characters",
            ));
        }
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::field(
                "limit",
                format!("must be between 1 and {MAX_LIMIT}"),
            ));
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            if from > to {
                return Err(ApiError::field("to", "must not be before `from`"));
            }
        }
        Ok((question.to_string(), limit))
    }

    /// What a cursor is bound to: the same question and filters.
    fn fingerprint(&self, question: &str) -> String {
        let mut hash = Sha256::new();
        hash.update(question.as_bytes());
        for part in [
            self.client_id.map(|id| id.to_string()),
            self.session_id.map(|id| id.to_string()),
            self.from.map(|d| d.to_string()),
            self.to.map(|d| d.to_string()),
            self.speaker.map(|s| format!("{s:?}")),
            self.mode.map(|m| format!("{m:?}")),
        ] {
            hash.update([0]);
            hash.update(part.unwrap_or_default().as_bytes());
        }
        hex::encode(&hash.finalize()[..8])
    }
}

fn encode_cursor(fingerprint: &str, offset: usize) -> String {
    URL_SAFE_NO_PAD.encode(format!("{fingerprint}|{offset}"))
}

fn decode_cursor(cursor: &str, fingerprint: &str) -> Result<usize, ApiError> {
    let invalid = || ApiError::field("cursor", "is not a cursor of this search");
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| invalid())?;
    let text = String::from_utf8(raw).map_err(|_| invalid())?;
    let (bound_to, offset) = text.split_once('|').ok_or_else(invalid)?;
    if bound_to != fingerprint {
        return Err(invalid());
    }
    offset.parse().map_err(|_| invalid())
}

/// Searches every session of yours (a `client_id` or `session_id` not
/// yours: 404): transcripts, summaries and
/// commitments, by meaning and by words, fused. Passages hold the
/// question's words highlighted; `answer` quotes the best of them, each
/// sentence citing its passage. Nothing relevant: no passages and
/// `nothing_found`, never the least bad passage.
#[utoipa::path(post, path = "/v1/search", tag = "search",
    params(IdempotencyKey),
    request_body = SearchRequest,
    responses((status = 200, body = SearchResponse), Authenticated, ById, JsonBody, Idempotent, NeedsService))]
async fn search_sessions(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(input): ApiJson<SearchRequest>,
) -> Result<Json<SearchResponse>, ApiError> {
    let (question, limit) = input.checked()?;
    let fingerprint = input.fingerprint(&question);
    let offset = input
        .cursor
        .as_deref()
        .map(|c| decode_cursor(c, &fingerprint))
        .transpose()?
        .unwrap_or(0);
    let services = state.search.as_ref().ok_or_else(|| {
        ApiError::NotConfigured(
            "Search is not served by this function: it needs the embedding model (`flowcoach serve` has it).".into(),
        )
    })?;
    let coach = tenant(&caller);
    let db = state.db.get().await?;
    let time_zone = coaches::get(&db, coach)
        .await?
        .map(|c| c.time_zone)
        .unwrap_or_else(|| "UTC".into());
    let zone: Tz = time_zone.parse().unwrap_or(Tz::UTC);
    let query = SearchQuery {
        question,
        mode: input.mode.unwrap_or_default(),
        client: input.client_id,
        session: input.session_id,
        from: input.from,
        to: input.to,
        speaker: input.speaker,
        today: Utc::now().with_timezone(&zone).date_naive(),
        time_zone: zone.name().to_string(),
    };
    let found = search::search(&db, services.embedder.as_ref(), coach, &query)
        .await
        .map_err(|error| match error {
            SearchError::UnknownClient => ApiError::NotFound("client"),
            SearchError::UnknownSession => ApiError::NotFound("session"),
            SearchError::Store(error) => error.into(),
            error @ SearchError::Embedding(_) => {
                ApiError::internal_while("embedding a question", error)
            }
        })?;
    let total = found.passages.len();
    let passages: Vec<Passage> = found
        .passages
        .into_iter()
        .skip(offset)
        .take(limit)
        .collect();
    let next_cursor = (offset + limit < total).then(|| encode_cursor(&fingerprint, offset + limit));
    let answer = if input.answer.unwrap_or(true) {
        written_answer(services, &query.question, &passages).await
    } else {
        None
    };
    // Ids and counts only: the question may name a client.
    audit_with(
        &db,
        &caller,
        "search",
        "session",
        input.session_id,
        serde_json::json!({
            "results": total,
            "filters": found.applied.len(),
            "page_offset": offset,
        }),
    )
    .await?;
    Ok(Json(SearchResponse {
        nothing_found: total == 0,
        applied_filters: found.applied,
        passages,
        next_cursor,
        answer,
    }))
}

/// The language model's answer from this page's passages where one is
/// configured, else (or when it fails) the passages quoted.
async fn written_answer(services: &Search, question: &str, passages: &[Passage]) -> Option<Answer> {
    let answerer = match &services.answerer {
        Some(answerer) if !passages.is_empty() => answerer,
        _ => return answer::quoted(passages),
    };
    match answerer.answer(question, &answer::citable(passages)).await {
        Ok(written) => answer::from_model(written, passages.len()),
        Err(error) => {
            // The passages still answer; the failure is the operator's.
            tracing::warn!(%error, "the language model did not answer; quoting the passages");
            answer::quoted(passages)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(question: &str) -> SearchRequest {
        SearchRequest {
            question: question.into(),
            client_id: None,
            session_id: None,
            from: None,
            to: None,
            speaker: None,
            limit: None,
            cursor: None,
            answer: None,
            mode: None,
        }
    }

    #[test]
    fn a_cursor_is_bound_to_its_search() {
        let first = request("burnout");
        let cursor = encode_cursor(&first.fingerprint("burnout"), 10);
        assert_eq!(
            decode_cursor(&cursor, &first.fingerprint("burnout")).ok(),
            Some(10)
        );
        let other = SearchRequest {
            speaker: Some(SpeakerFilter::Client),
            ..request("burnout")
        };
        assert!(decode_cursor(&cursor, &other.fingerprint("burnout")).is_err());
        assert!(decode_cursor("not-a-cursor", &first.fingerprint("burnout")).is_err());
    }

    #[test]
    fn the_question_and_limit_are_bounded() {
        assert!(request("  ").checked().is_err());
        assert!(request(&"a".repeat(501)).checked().is_err());
        assert!(request("a\u{0}b").checked().is_err());
        let too_many = SearchRequest {
            limit: Some(51),
            ..request("sleep")
        };
        assert!(too_many.checked().is_err());
        assert_eq!(
            request(" sleep ").checked().ok(),
            Some(("sleep".into(), 10))
        );
    }
}
