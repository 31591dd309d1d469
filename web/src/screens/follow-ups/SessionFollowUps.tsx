import { useQuery } from '@tanstack/react-query'
import { Link } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import type { FollowUp } from '../../api/types'
import { useApi } from '../../app/context'
import { formatDateTime } from '../../components/format'
import { QueryView } from '../../components/QueryView'
import { FollowUpStatusBadge, NeedsReviewBadge } from './FollowUpStatusBadge'

function FollowUpItem({ followUp, superseded }: { followUp: FollowUp; superseded: boolean }) {
  return (
    <li className="row">
      <Link to={`/follow-ups/${followUp.id}`}>{followUp.subject}</Link>
      <span>to {followUp.client_name}</span>
      <FollowUpStatusBadge status={followUp.status} />
      {followUp.needs_review && <NeedsReviewBadge />}
      {followUp.sent_at && <span className="muted">sent {formatDateTime(followUp.sent_at)}</span>}
      {superseded && <span className="muted">from an earlier analysis</span>}
    </li>
  )
}

/** The follow-ups of one session, each with its status and a link to its editor. */
export function SessionFollowUps({ sessionId }: { sessionId: string }) {
  const api = useApi()
  const followUps = useQuery({
    queryKey: keys.sessionFollowUps(sessionId),
    queryFn: () => data(api.GET('/v1/sessions/{id}/follow-ups', { params: { path: { id: sessionId } } })),
  })
  return (
    <QueryView query={followUps} loading="Loading the follow-ups…">
      {({ items }) => {
        if (items.length === 0) return <p className="muted">No follow-up drafts for this session yet.</p>
        // Reprocessing a session drafts again; older drafts stay listed for what was sent from them.
        const latest = Math.max(...items.map((followUp) => followUp.generation))
        return (
          <ul className="stack" aria-label="Follow-ups of this session">
            {items.map((followUp) => (
              <FollowUpItem key={followUp.id} followUp={followUp} superseded={followUp.generation < latest} />
            ))}
          </ul>
        )
      }}
    </QueryView>
  )
}
