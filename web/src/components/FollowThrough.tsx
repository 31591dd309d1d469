import type { components } from '../api/schema'
import { formatDate } from './format'

type Outcome = components['schemas']['FollowThroughOutcome']
type Report = components['schemas']['FollowThroughReport']

const OUTCOME: Record<Outcome, string> = {
  done: 'reported done',
  not_done: 'reported not done',
  not_mentioned: 'not mentioned',
}

/** What a later session said became of a commitment, in the client's words. */
export function FollowThroughNote({
  outcome,
  heldAt,
  quote,
}: {
  outcome: Outcome
  heldAt?: string
  quote?: string | null
}) {
  return (
    <span className={`follow-through follow-through-${outcome}`}>
      {heldAt ? `In the session of ${formatDate(heldAt)}: ${OUTCOME[outcome]}` : OUTCOME[outcome]}
      {quote ? ` — “${quote}”` : '.'}
    </span>
  )
}

/** A listed commitment's latest report, on a line of its own; nothing without one. */
export function CommitmentReport({ report }: { report: Report | null | undefined }) {
  if (!report) return null
  return (
    <>
      <br />
      <FollowThroughNote outcome={report.outcome} heldAt={report.session_held_at} quote={report.quote} />
    </>
  )
}
