//! Stage 1: fetch, parse and normalise the transcript, map speakers, compute
//! coaching metrics and store speaker-aware chunks, and the utterances the
//! analyse stage reads (the transcript is parsed once per generation).

use super::speakers::{map_speakers, KnownClient, SpeakerMap};
use super::{Begin, Pipeline, PreparedTranscript, StageError, StageOutcome};
use crate::domain::PipelineStage;
use crate::ports::StageMessage;
use crate::store::{chunks, clients, coaches, sessions, utterances, Executor};
use crate::transcript::model::Transcript;

pub(super) async fn run(
    pipeline: &Pipeline,
    message: &StageMessage,
) -> Result<StageOutcome, StageError> {
    let session = match pipeline.begin(message).await? {
        Begin::Run(session) => session,
        Begin::Finished(outcome) => return Ok(outcome),
    };

    let PreparedTranscript {
        transcript: parsed,
        metrics,
        chunks: pieces,
        sha256,
    } = pipeline.prepared_transcript(&session).await?;

    let mut db = pipeline.db.get().await?;
    let coach = coaches::get(&db, message.coach_id)
        .await?
        .ok_or_else(|| StageError::Permanent("The coach account no longer exists.".into()))?;
    let speaker_map = speaker_map_for(&db, &session, &coach.display_name, &parsed).await?;
    let speakers_json = serde_json::to_value(&speaker_map.assignments)
        .map_err(|e| StageError::Retryable(e.into()))?;
    let metrics_json =
        serde_json::to_value(&metrics).map_err(|e| StageError::Retryable(e.into()))?;
    let duration_seconds = metrics
        .duration_ms
        .and_then(|ms| i32::try_from(ms / 1000).ok());

    let tx = db.transaction().await?;
    // Lock the session so a concurrent reprocess cannot interleave with this write.
    let locked = sessions::get_for_update(&tx, message.coach_id, session.id).await?;
    if locked.is_none_or(|s| s.generation != message.generation) {
        return Ok(StageOutcome::Superseded);
    }
    if !sessions::complete_stage(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        PipelineStage::Chunk,
        &sha256,
    )
    .await?
    {
        tx.rollback().await?;
        drop(db);
        pipeline.pass_on(message).await?;
        return Ok(StageOutcome::AlreadyDone);
    }
    for (client_id, label) in &speaker_map.new_participants {
        sessions::add_matched_participant(&tx, message.coach_id, session.id, *client_id, label)
            .await?;
    }
    chunks::replace(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        &pieces,
    )
    .await?;
    utterances::replace(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        &parsed.utterances,
    )
    .await?;
    sessions::record_chunking(
        &tx,
        message.coach_id,
        session.id,
        message.generation,
        &sessions::ChunkingOutcome {
            format: parsed.format.as_str(),
            speakers: &speakers_json,
            unmatched_speakers: &speaker_map.unmatched,
            metrics: &metrics_json,
            duration_seconds,
        },
    )
    .await?;
    tx.commit().await?;
    drop(db);
    tracing::info!(
        chunks = pieces.len(),
        unmatched_speakers = speaker_map.unmatched.len(),
        "transcript chunked"
    );
    pipeline.pass_on(message).await?;
    Ok(StageOutcome::Completed)
}

/// Maps the transcript's speakers using the session's participants and the coach's clients.
pub(super) async fn speaker_map_for(
    db: &impl Executor,
    session: &sessions::Session,
    coach_name: &str,
    parsed: &Transcript,
) -> Result<SpeakerMap, StageError> {
    let participants = sessions::participants(db, session.coach(), session.id).await?;
    let past_labels = clients::speaker_labels(db, session.coach()).await?;
    let known: Vec<KnownClient> = clients::list_all(db, session.coach())
        .await?
        .into_iter()
        .filter(|c| !c.archived || participants.iter().any(|p| p.client_id == c.id))
        .map(|c| {
            let participant = participants.iter().find(|p| p.client_id == c.id);
            KnownClient {
                client_id: c.id,
                name: c.name,
                speaker_label: participant.and_then(|p| p.speaker_label.clone()),
                is_participant: participant.is_some(),
                past_labels: past_labels
                    .iter()
                    .filter(|(client, _)| *client == c.id)
                    .map(|(_, label)| label.clone())
                    .collect(),
            }
        })
        .collect();
    let mut speakers: Vec<String> = Vec::new();
    for utterance in &parsed.utterances {
        if !speakers.contains(&utterance.speaker) {
            speakers.push(utterance.speaker.clone());
        }
    }
    Ok(map_speakers(
        &speakers,
        coach_name,
        session.coach_speaker_label.as_deref(),
        &known,
    ))
}
