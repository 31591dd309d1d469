import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, type RefObject } from 'react'
import { Button } from 'react-aria-components'
import { Link, useParams, useSearchParams } from 'react-router'

import { data, idempotencyKey } from '../../api/client'
import { keys } from '../../api/keys'
import { ApiProblem } from '../../api/problem'
import type { Session, TranscriptTurn } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDateTime, formatTimestamp } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { Empty, Loading, QueryView } from '../../components/QueryView'
import { SessionFollowUps } from '../follow-ups/SessionFollowUps'
import { SessionStatusBadge } from './SessionStatusBadge'
import { stageLabel } from './stages'
import { SpeakerFixer } from './SpeakerFixer'
import { findTurn } from './findTurn'
import { CommitmentsByOwner, FollowThroughSection, Metrics, Overview, RiskFlags } from './SummarySections'
import { SummaryRevisions } from './SummaryRevisions'
import { TranscriptUpload } from './TranscriptUpload'

const STAGES = ['chunk', 'analyse', 'embed', 'notify'] as const

/** A 404 is "not there yet", not a failure. */
function absentOn404<T>(load: () => Promise<T>): () => Promise<T | null> {
  return async () => {
    try {
      return await load()
    } catch (error) {
      if (error instanceof ApiProblem && error.status === 404) return null
      throw error
    }
  }
}

function Progress({ session }: { session: Session }) {
  const current = session.stage ? STAGES.indexOf(session.stage) : 0
  return (
    <section className="card" aria-labelledby="progress-heading">
      <h2 id="progress-heading">Processing</h2>
      <p aria-live="polite">FlowCoach is {stageLabel(session.stage) ?? 'starting'}. This page updates by itself.</p>
      <ol className="stages">
        {STAGES.map((stage, index) => (
          <li key={stage} aria-current={index === current ? 'step' : undefined} className={index < current ? 'done' : ''}>
            {stageLabel(stage)}
          </li>
        ))}
      </ol>
    </section>
  )
}

function Failed({ session }: { session: Session }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const retry = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/sessions/{id}/reprocess', {
          params: { path: { id: session.id }, header: { 'Idempotency-Key': idempotencyKey() } },
        }),
      ),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.session(session.id) }),
  })
  return (
    <section className="notice notice-error" role="alert" aria-labelledby="failed-heading">
      <h2 id="failed-heading">Processing failed{session.failure_stage ? ` while ${stageLabel(session.failure_stage)}` : ''}</h2>
      <p>{session.failure_reason ?? 'No reason was recorded.'}</p>
      <p>Fix what the reason names (a new transcript can be uploaded below), or try again.</p>
      <Button className="button" onPress={() => retry.mutate()} isDisabled={retry.isPending}>
        {retry.isPending ? 'Retrying…' : 'Retry processing'}
      </Button>
      {retry.isError && <ErrorNotice error={retry.error} />}
    </section>
  )
}

function PurgedTranscript({ purgedAt }: { purgedAt: string }) {
  return (
    <section className="card" aria-labelledby="transcript-heading">
      <h2 id="transcript-heading">Transcript</h2>
      <p>
        Removed on {formatDateTime(purgedAt)} under your retention setting: its text, search index and stored file are
        gone. What the analysis found stays here.
      </p>
      <p className="muted">
        <Link to="/settings">Change how long transcripts are kept</Link>
      </p>
    </section>
  )
}

function Transcript({ session }: { session: Session }) {
  const api = useApi()
  // A search passage links here with the words and time of its turn.
  const [params] = useSearchParams()
  const found = useRef<HTMLLIElement>(null)
  const transcript = useQuery({
    queryKey: [...keys.transcript(session.id), session.generation],
    queryFn: absentOn404(() =>
      data(api.GET('/v1/sessions/{id}/transcript', { params: { path: { id: session.id } } })),
    ),
  })
  return (
    <section className="card" aria-labelledby="transcript-heading">
      <h2 id="transcript-heading">Transcript</h2>
      <QueryView query={transcript} loading="Loading the transcript…">
        {(read) =>
          read === null ? (
            <p className="muted">The transcript has not been read yet.</p>
          ) : (
            <TranscriptTurns
              key={`${params.get('quote')}|${params.get('at')}`}
              turns={read.utterances}
              target={findTurn(read.utterances, params.get('quote'), params.get('at'))}
              targetRef={found}
            />
          )
        }
      </QueryView>
    </section>
  )
}

function TranscriptTurns({
  turns,
  target,
  targetRef,
}: {
  turns: TranscriptTurn[]
  target: number
  targetRef: RefObject<HTMLLIElement | null>
}) {
  // Keyed by its target, so this runs once for each turn pointed at.
  useEffect(() => {
    targetRef.current?.scrollIntoView?.({ block: 'center' })
  }, [targetRef])
  return (
    // Closed at first (a session runs to hundreds of turns below the
    // analysis), unless a search passage pointed at one of them.
    <details className="transcript-details" open={target >= 0 ? true : undefined}>
      <summary>Show the transcript ({turns.length} turns)</summary>
      <ol className="transcript" aria-label="Transcript turns">
        {turns.map((turn, index) => (
          <li
            key={index}
            ref={index === target ? targetRef : undefined}
            className={index === target ? 'turn-found' : undefined}
            aria-current={index === target ? 'true' : undefined}
          >
            <time>{formatTimestamp(turn.start_ms)}</time>
            <p>
              <span className="speaker">{turn.speaker}:</span> {turn.text}
            </p>
          </li>
        ))}
      </ol>
    </details>
  )
}

function Analysis({ session }: { session: Session }) {
  const api = useApi()
  const summary = useQuery({
    queryKey: [...keys.summary(session.id), session.generation, session.status],
    queryFn: absentOn404(() => data(api.GET('/v1/sessions/{id}/summary', { params: { path: { id: session.id } } }))),
  })
  const names = new Map(session.participants.map((participant) => [participant.client_id, participant.name]))
  return (
    <QueryView query={summary} loading="Loading the summary…">
      {(found) =>
        found === null ? (
          <Empty title="No summary yet.">
            <p>It appears here once the session has been analysed.</p>
          </Empty>
        ) : (
          <>
            <RiskFlags flags={found.content.risk_flags} names={names} />
            <section className="card" aria-labelledby="summary-heading">
              <h2 id="summary-heading">Summary</h2>
              <Overview content={found.content} names={names} />
            </section>
            <FollowThroughSection items={found.content.follow_through ?? []} names={names} />
            <SummaryRevisions summary={found} />
            <section className="card" aria-labelledby="commitments-heading">
              <h2 id="commitments-heading">Commitments</h2>
              <CommitmentsByOwner commitments={found.content.commitments} participants={session.participants} />
            </section>
            {found.metrics && (
              <section className="card" aria-labelledby="metrics-heading">
                <h2 id="metrics-heading">Coaching metrics</h2>
                <Metrics metrics={found.metrics} />
              </section>
            )}
          </>
        )
      }
    </QueryView>
  )
}

function SessionBody({ session }: { session: Session }) {
  // A first analysis that failed has nothing to show; a reprocess keeps showing the last one.
  const analysed = session.status === 'ready' || session.generation > 1
  return (
    <>
      <PageHeader title={session.title}>
        <SessionStatusBadge status={session.status} stage={session.stage} />
      </PageHeader>
      <p className="muted">
        {formatDateTime(session.held_at)} · {session.kind === 'group' ? 'Group session' : 'One-to-one'} ·{' '}
        {session.participants.length === 0
          ? 'no clients'
          : session.participants.map((participant) => (
              <span key={participant.client_id}>
                <Link to={`/clients/${participant.client_id}`}>{participant.name}</Link>{' '}
              </span>
            ))}
      </p>
      {session.status === 'failed' && <Failed session={session} />}
      {session.status === 'processing' && <Progress session={session} />}
      {session.unmatched_speakers.length > 0 && session.status !== 'processing' && <SpeakerFixer session={session} />}
      {(session.status === 'awaiting_transcript' || session.status === 'failed') && (
        <section className="card" aria-labelledby="upload-heading">
          <h2 id="upload-heading">{session.transcript ? 'Upload a new transcript' : 'Upload the transcript'}</h2>
          {/* Keyed by the session's state: a finished upload's notice goes once the session moves on. */}
          <TranscriptUpload key={`${session.status}-${session.generation}`} sessionId={session.id} />
        </section>
      )}
      {analysed && session.status !== 'awaiting_transcript' && <Analysis session={session} />}
      {analysed && (
        <section className="card" aria-labelledby="follow-ups-heading">
          <h2 id="follow-ups-heading">Follow-ups</h2>
          <SessionFollowUps sessionId={session.id} />
        </section>
      )}
      {session.transcript_purged_at ? (
        <PurgedTranscript purgedAt={session.transcript_purged_at} />
      ) : (
        session.status !== 'awaiting_transcript' && <Transcript session={session} />
      )}
    </>
  )
}

export default function SessionPage() {
  const { id = '' } = useParams()
  const api = useApi()
  const session = useQuery({
    queryKey: keys.session(id),
    queryFn: () => data(api.GET('/v1/sessions/{id}', { params: { path: { id } } })),
  })
  if (session.isPending) return <Loading label="Loading the session…" />
  if (session.isError) {
    return (
      <div>
        <PageHeader title="Session" />
        <ErrorNotice error={session.error} onRetry={() => void session.refetch()} />
        <Link to="/sessions">Back to your sessions</Link>
      </div>
    )
  }
  return <SessionBody session={session.data} />
}
