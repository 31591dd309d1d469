//! Stage 2: the analysis (summary, themes, commitments, risk flags) and one
//! follow-up draft per attending client, stored as one new summary version.
//! It works from what the chunk stage stored (utterances, chunks, metrics),
//! not from the transcript object.

use chrono_tz::Tz;

use super::speakers::SpeakerAssignment;
use super::{transcript_of, Begin, Pipeline, StageError, StageOutcome};
use crate::ai::analyst::{
    AnalysisRequest, AnalystError, AttributedUtterance, ClientParticipant, SpeakerRole,
};
use crate::ai::builtin_templates::WARM_RECAP_ID as DEFAULT_FOLLOW_UP_TEMPLATE_ID;
use crate::domain::{Attendance, CoachId, PipelineStage};
use crate::ports::StageMessage;
use crate::store::{
    chunks, clients, coaches, commitments, follow_ups, sessions, summaries, templates, utterances,
    Executor,
};

/// The most open earlier commitments one analysis looks for (newest first).
const MAX_EARLIER_COMMITMENTS: i64 = 50;
use crate::transcript::model::{Chunk, CoachingMetrics, Utterance};

pub(super) async fn run(
    pipeline: &Pipeline,
    message: &StageMessage,
) -> Result<StageOutcome, StageError> {
    let session = match pipeline.begin(message).await? {
        Begin::Run(session) => session,
        Begin::Finished(outcome) => return Ok(outcome),
    };

    let sha256 = transcript_of(&session)?.sha256.clone();
    let stored = {
        let db = pipeline.db.get().await?;
        chunked_transcript(&db, &session, message.generation).await?
    };
    let chunked = match stored {
        Some(chunked) => chunked,
        // Chunked before its utterances were stored (a queue from an older release).
        None => ChunkedTranscript::parse_again(pipeline, &session).await?,
    };

    let request = {
        let db = pipeline.db.get().await?;
        build_request(&db, &session, chunked).await?
    };
    // The model call happens outside any transaction: no row is locked while it runs.
    let analysis = pipeline
        .analyst
        .analyse(&request)
        .await
        .map_err(|e| match e {
            transient @ AnalystError::Transient(_) => StageError::Retryable(transient.into()),
            AnalystError::Permanent(reason) => StageError::Permanent(reason),
        })?;

    let mut db = pipeline.db.get().await?;
    let tx = db.transaction().await?;
    let locked = sessions::get_for_update(&tx, message.coach_id, session.id).await?;
    if locked.is_none_or(|s| s.generation != message.generation) {
        return Ok(StageOutcome::Superseded);
    }
    if !sessions::complete_stage(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        PipelineStage::Analyse,
        &sha256,
    )
    .await?
    {
        tx.rollback().await?;
        drop(db);
        pipeline.pass_on(message).await?;
        return Ok(StageOutcome::AlreadyDone);
    }
    summaries::insert_ai_version(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        &analysis,
    )
    .await?;
    for draft in &analysis.follow_ups {
        follow_ups::insert_ai_draft(
            &tx,
            message.coach_id,
            session.id,
            message.generation,
            draft,
            &analysis.model,
        )
        .await?;
    }
    follow_ups::cancel_stale_drafts(&tx, message.coach_id, session.id, message.generation).await?;
    tx.commit().await?;
    drop(db);
    tracing::info!(
        commitments = analysis.commitments.len(),
        risk_flags = analysis.risk_flags.len(),
        drafts = analysis.follow_ups.len(),
        model = %analysis.model,
        "session analysed"
    );
    pipeline.pass_on(message).await?;
    Ok(StageOutcome::Completed)
}

/// What the chunk stage made of this generation's transcript.
struct ChunkedTranscript {
    utterances: Vec<Utterance>,
    chunks: Vec<Chunk>,
    metrics: CoachingMetrics,
}

impl ChunkedTranscript {
    /// The same, from the transcript object, as the chunk stage computes it.
    async fn parse_again(
        pipeline: &Pipeline,
        session: &sessions::Session,
    ) -> Result<Self, StageError> {
        let prepared = pipeline.prepared_transcript(session).await?;
        Ok(Self {
            utterances: prepared.transcript.utterances,
            chunks: prepared.chunks,
            metrics: prepared.metrics,
        })
    }
}

/// This generation's stored utterances, chunks and metrics; `None` when the
/// utterances were not stored.
async fn chunked_transcript(
    db: &impl Executor,
    session: &sessions::Session,
    generation: i32,
) -> Result<Option<ChunkedTranscript>, StageError> {
    let coach = session.coach();
    let Some(utterances) = utterances::for_generation(db, coach, session.id, generation).await?
    else {
        return Ok(None);
    };
    // The chunk stage wrote the metrics with the utterances, in one transaction.
    let metrics = sessions::coaching_metrics(db, coach, session.id)
        .await?
        .ok_or_else(|| StageError::Retryable("the chunk stage stored no metrics".into()))?;
    let chunks = chunks::for_generation(db, coach, session.id, generation).await?;
    Ok(Some(ChunkedTranscript {
        utterances,
        chunks,
        metrics,
    }))
}

async fn build_request(
    db: &impl Executor,
    session: &sessions::Session,
    chunked: ChunkedTranscript,
) -> Result<AnalysisRequest, StageError> {
    let coach_id: CoachId = session.coach();
    let coach = coaches::get(db, coach_id)
        .await?
        .ok_or_else(|| StageError::Permanent("The coach account no longer exists.".into()))?;
    let speakers: Vec<SpeakerAssignment> = serde_json::from_value(
        sessions::speakers(db, coach_id, session.id).await?,
    )
    .map_err(|e| StageError::Retryable(format!("stored speaker map is unreadable: {e}").into()))?;
    let role_of = |label: &str| {
        speakers
            .iter()
            .find(|s| s.label == label)
            .map(|s| s.role.clone())
            .unwrap_or(SpeakerRole::Unknown)
    };

    let coach_default_template = coach
        .settings
        .get(templates::DEFAULT_FOLLOW_UP_TEMPLATE)
        .and_then(|v| v.as_str())
        .and_then(|s| uuid::Uuid::parse_str(s).ok());
    let mut participants = Vec::new();
    for participant in sessions::participants(db, coach_id, session.id).await? {
        if participant.attendance != Attendance::Attended {
            continue;
        }
        let client = clients::get(db, coach_id, participant.client_id)
            .await?
            .ok_or_else(|| {
                StageError::Retryable("a participant disappeared while analysing".into())
            })?;
        if !client.consent_ai_processing {
            return Err(StageError::Permanent(format!(
                "{} has not consented to AI processing, so this session was not analysed. Record their consent on \
                 the client, or remove them from the session's participants, then reprocess.",
                client.name
            )));
        }
        let template_id = client
            .follow_up_template_id
            .or(coach_default_template)
            .unwrap_or(DEFAULT_FOLLOW_UP_TEMPLATE_ID);
        let template = match templates::get_follow_up(db, coach_id, template_id).await? {
            Some(template) => template,
            None => templates::get_follow_up(db, coach_id, DEFAULT_FOLLOW_UP_TEMPLATE_ID)
                .await?
                .ok_or_else(|| {
                    StageError::Retryable(
                        "built-in templates are missing: run `flowcoach migrate`".into(),
                    )
                })?,
        };
        participants.push(ClientParticipant {
            client_id: client.id,
            first_name: client.first_name().to_owned(),
            full_name: client.name.clone(),
            speaker_label: participant.speaker_label.clone(),
            template,
        });
    }

    let attending: Vec<uuid::Uuid> = participants.iter().map(|p| p.client_id).collect();
    let earlier_commitments = commitments::open_earlier(
        db,
        coach_id,
        &attending,
        session.held_at,
        MAX_EARLIER_COMMITMENTS,
    )
    .await?;

    let time_zone: Tz = coach.time_zone.parse().unwrap_or(Tz::UTC);
    let coach_speaker_label = speakers
        .iter()
        .find(|s| s.role == SpeakerRole::Coach)
        .map(|s| s.label.clone());
    let utterances = chunked
        .utterances
        .into_iter()
        .map(|u| AttributedUtterance {
            role: role_of(&u.speaker),
            speaker: u.speaker,
            start_ms: u.start_ms,
            text: u.text,
        })
        .collect();
    Ok(AnalysisRequest {
        session_title: session.title.clone(),
        held_on: session.held_at.with_timezone(&time_zone).date_naive(),
        coach_name: coach.display_name.clone(),
        coach_signature: coach.signature(),
        coach_speaker_label,
        clients: participants,
        utterances,
        chunks: chunked.chunks,
        metrics: chunked.metrics,
        next_session_on: None,
        analyser: coach.analyser(),
        earlier_commitments,
    })
}
