import { Link } from 'react-router'

import type { Participant, Summary } from '../../api/types'
import { FollowThroughNote } from '../../components/FollowThrough'
import { formatDate, formatPercent, formatTimestamp, relativeDay } from '../../components/format'
import { TalkTimeChart } from '../../components/TalkTimeChart'

type Content = Summary['content']
type Commitment = Content['commitments'][number]
type RiskFlag = Content['risk_flags'][number]
type FollowThrough = NonNullable<Content['follow_through']>[number]

function categoryLabel(category: string): string {
  return category.replace(/_/g, ' ')
}

/** Risk flags first and unmissable: each with what the coach should do. */
export function RiskFlags({ flags, names }: { flags: RiskFlag[]; names: Map<string, string> }) {
  if (flags.length === 0) return null
  const ordered = [...flags].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'urgent' ? -1 : 1))
  return (
    <section aria-labelledby="risk-heading" className="stack">
      <h2 id="risk-heading">Needs your attention</h2>
      {ordered.map((flag, index) => (
        <div key={index} className={`risk risk-${flag.severity}`} role={flag.severity === 'urgent' ? 'alert' : undefined}>
          <h3>
            {flag.severity === 'urgent' ? 'Urgent: ' : 'Watch: '}
            {categoryLabel(flag.category)}
            {flag.client_id && names.get(flag.client_id) ? ` — ${names.get(flag.client_id)}` : ` — ${flag.speaker}`}
          </h3>
          <p>
            <strong>What to do:</strong> {flag.guidance}
          </p>
          <blockquote>“{flag.quote}”</blockquote>
        </div>
      ))}
    </section>
  )
}

function Due({ commitment }: { commitment: Commitment }) {
  if (commitment.recurrence) return <span className="badge">{commitment.recurrence}</span>
  if (!commitment.due) return <span className="muted">no date said</span>
  return (
    <span>
      due {formatDate(commitment.due)} <span className="muted">({relativeDay(commitment.due)})</span>
    </span>
  )
}

/** Commitments grouped by whose they are: each client's, then the coach's own. */
export function CommitmentsByOwner({ commitments, participants }: { commitments: Commitment[]; participants: Participant[] }) {
  if (commitments.length === 0) return <p className="muted">No commitments were made in this session.</p>
  const groups = new Map<string, { title: string; items: Commitment[] }>()
  for (const participant of participants) groups.set(participant.client_id, { title: participant.name, items: [] })
  const coach = { title: 'You (the coach)', items: [] as Commitment[] }
  for (const commitment of commitments) {
    const group = commitment.client_id ? groups.get(commitment.client_id) : undefined
    if (group) group.items.push(commitment)
    else coach.items.push(commitment)
  }
  const all = [...groups.values(), coach].filter((group) => group.items.length > 0)
  return (
    <div className="grid-2">
      {all.map((group) => (
        <div key={group.title}>
          <h3>{group.title}</h3>
          <ul className="stack">
            {group.items.map((commitment, index) => (
              <li key={index}>
                {commitment.text} — <Due commitment={commitment} />
                {commitment.recipients && commitment.recipients.length > 0 && (
                  <span className="muted"> (to {commitment.recipients.join(', ')})</span>
                )}
              </li>
            ))}
          </ul>
        </div>
      ))}
    </div>
  )
}

export function Metrics({ metrics }: { metrics: NonNullable<Summary['metrics']> }) {
  const coach = metrics.speakers.find((speaker) => speaker.is_coach)
  return (
    <div className="grid-2">
      <TalkTimeChart speakers={metrics.speakers} />
      <dl className="metrics">
        {metrics.coach_talk_share !== null && metrics.coach_talk_share !== undefined && (
          <>
            <dt>Your talk share</dt>
            <dd>{formatPercent(metrics.coach_talk_share)}</dd>
          </>
        )}
        {coach && (
          <>
            <dt>Your questions</dt>
            <dd>
              {coach.questions} ({coach.open_questions} open, {coach.closed_questions} closed)
            </dd>
          </>
        )}
        {metrics.duration_ms !== null && metrics.duration_ms !== undefined && (
          <>
            <dt>Length</dt>
            <dd>{formatTimestamp(metrics.duration_ms)}</dd>
          </>
        )}
        <dt>Words spoken</dt>
        <dd>{metrics.total_words}</dd>
        {metrics.speakers.map((speaker) => (
          <div key={speaker.speaker} className="metric-row">
            <dt>Longest turn — {speaker.speaker}</dt>
            <dd>
              {speaker.longest_monologue_ms ? formatTimestamp(speaker.longest_monologue_ms) : `${speaker.longest_monologue_words} words`}
            </dd>
          </div>
        ))}
      </dl>
    </div>
  )
}

export function Overview({ content, names }: { content: Content; names: Map<string, string> }) {
  return (
    <>
      <p className="overview">{content.overview}</p>
      {content.themes.length > 0 && (
        <>
          <h3>Themes</h3>
          <ul className="row themes" aria-label="Themes">
            {content.themes.map((theme) => (
              <li key={theme} className="badge badge-info">
                {theme}
              </li>
            ))}
          </ul>
        </>
      )}
      {content.client_insights.some((insight) => insight.insights.length > 0) && (
        <>
          <h3>About each client</h3>
          {content.client_insights.map((insight) => (
            <div key={insight.client_id}>
              <h4>{names.get(insight.client_id) ?? 'Client'}</h4>
              <ul>
                {insight.insights.map((line, index) => (
                  <li key={index}>{line}</li>
                ))}
              </ul>
            </div>
          ))}
        </>
      )}
      {content.coach_observations.length > 0 && (
        <>
          <h3>On your practice</h3>
          <ul>
            {content.coach_observations.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        </>
      )}
    </>
  )
}

/** What this session said became of the clients' open commitments from before. */
export function FollowThroughSection({ items, names }: { items: FollowThrough[]; names: Map<string, string> }) {
  if (items.length === 0) return null
  return (
    <section className="card" aria-labelledby="follow-through-heading">
      <h2 id="follow-through-heading">Since last time</h2>
      <p className="muted">The clients’ open commitments from earlier sessions, and what this session said of each.</p>
      <ul className="stack" aria-label="Earlier commitments">
        {items.map((item, index) => (
          <li key={index}>
            <strong>{names.get(item.client_id) ?? item.owner}</strong>: {item.text} —{' '}
            <FollowThroughNote outcome={item.outcome} quote={item.quote} />{' '}
            <Link to={`/sessions/${item.session_id}`}>the session it was made in</Link>
          </li>
        ))}
      </ul>
    </section>
  )
}
