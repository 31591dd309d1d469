import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { useApi } from '../../app/context'
import { CommitmentReport } from '../../components/FollowThrough'
import { formatDate } from '../../components/format'
import { QueryView } from '../../components/QueryView'

/**
 * What the coach reads before the client's next session: what they said
 * they would do and what became of it, what the last sessions were about
 * (and any risk raised), and the last email they were sent.
 */
export function ClientBrief({ clientId }: { clientId: string }) {
  const api = useApi()
  const brief = useQuery({
    queryKey: keys.clientBrief(clientId),
    queryFn: () => data(api.GET('/v1/clients/{id}/brief', { params: { path: { id: clientId } } })),
  })
  return (
    <section className="card" aria-labelledby="brief-heading">
      <h2 id="brief-heading">Before the next session</h2>
      <QueryView query={brief} loading="Loading the brief…">
        {(found) => (
          <div className="stack">
            <h3>Open commitments</h3>
            {found.open_commitments.length === 0 ? (
              <p className="muted">Nothing open.</p>
            ) : (
              <ul className="stack" aria-label="Open commitments">
                {found.open_commitments.map((commitment) => (
                  <li key={commitment.id}>
                    {commitment.text}
                    {commitment.due_on && <span className="muted"> — due {formatDate(commitment.due_on)}</span>}
                    <span className="muted">
                      {' '}
                      (from <Link to={`/sessions/${commitment.session_id}`}>{commitment.session_title}</Link>,{' '}
                      {formatDate(commitment.session_held_at)})
                    </span>
                    <CommitmentReport report={commitment.follow_through} />
                  </li>
                ))}
              </ul>
            )}
            <h3>Recent sessions</h3>
            {found.recent_sessions.length === 0 ? (
              <p className="muted">No analysed sessions yet.</p>
            ) : (
              <ul className="stack" aria-label="Recent sessions">
                {found.recent_sessions.map((session) => (
                  <li key={session.session_id}>
                    <Link to={`/sessions/${session.session_id}`}>{session.title}</Link>{' '}
                    <span className="muted">{formatDate(session.held_at)}</span>
                    {session.themes.length > 0 && <div>Themes: {session.themes.join(', ')}</div>}
                    {session.risk_flags.map((flag, index) => (
                      <div key={index} className={`risk risk-${flag.severity}`}>
                        {flag.severity === 'urgent' ? 'Urgent' : 'Watch'}: {flag.category.replaceAll('_', ' ')} —{' '}
                        {flag.guidance}
                      </div>
                    ))}
                  </li>
                ))}
              </ul>
            )}
            <h3>Last follow-up sent</h3>
            {found.last_follow_up_sent ? (
              <p>
                <Link to={`/follow-ups/${found.last_follow_up_sent.follow_up_id}`}>
                  {found.last_follow_up_sent.subject}
                </Link>{' '}
                <span className="muted">sent {formatDate(found.last_follow_up_sent.sent_at)}</span>
              </p>
            ) : (
              <p className="muted">None sent yet.</p>
            )}
          </div>
        )}
      </QueryView>
    </section>
  )
}
