import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { useClients } from '../../api/useClients'
import type { Session, SessionStatus } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { LoadMore } from '../../components/LoadMore'
import { SelectField } from '../../components/SelectField'
import { formatDateTime } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { Empty, Loading } from '../../components/QueryView'
import { SessionStatusBadge } from './SessionStatusBadge'

const PAGE_SIZE = 200
const ALL = 'all'

const STATUSES: { id: SessionStatus | typeof ALL; label: string }[] = [
  { id: ALL, label: 'Any status' },
  { id: 'awaiting_transcript', label: 'Awaiting transcript' },
  { id: 'processing', label: 'Processing' },
  { id: 'ready', label: 'Ready' },
  { id: 'failed', label: 'Failed' },
]

function SessionRow({ session }: { session: Session }) {
  const clients = session.participants.map((participant) => participant.name).join(', ')
  return (
    <tr>
      <td data-label="Session">
        <Link to={`/sessions/${session.id}`}>{session.title}</Link>
      </td>
      <td data-label="Held">{formatDateTime(session.held_at)}</td>
      <td data-label="Clients">{clients || <span className="muted">none yet</span>}</td>
      <td data-label="Status">
        <SessionStatusBadge status={session.status} stage={session.stage} />
      </td>
    </tr>
  )
}

export default function SessionsList() {
  const api = useApi()
  const [status, setStatus] = useState<string>(ALL)
  const [client, setClient] = useState<string>(ALL)
  const filters = { status, client }

  const clients = useClients()
  const sessions = useInfiniteQuery({
    queryKey: keys.sessionList(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/sessions', {
          params: {
            query: {
              limit: PAGE_SIZE,
              cursor: pageParam,
              status: status === ALL ? undefined : (status as SessionStatus),
              client_id: client === ALL ? undefined : client,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })

  const clientOptions = [
    { id: ALL, label: 'Any client' },
    ...(clients.data?.items ?? []).map((c) => ({ id: c.id, label: c.name })),
  ]
  const rows = sessions.data?.pages.flatMap((page) => page.items) ?? []
  const filtered = status !== ALL || client !== ALL

  return (
    <div>
      <PageHeader title="Sessions">
        <Link className="button button-primary" to="/sessions/new">
          New session
        </Link>
      </PageHeader>
      <div className="filters" role="search" aria-label="Filter sessions">
        <SelectField label="Status" value={status} onChange={setStatus} options={STATUSES} />
        <SelectField label="Client" value={client} onChange={setClient} options={clientOptions} />
      </div>
      {sessions.isPending && <Loading label="Loading sessions…" />}
      {sessions.isError && <ErrorNotice error={sessions.error} onRetry={() => void sessions.refetch()} />}
      {sessions.isSuccess && rows.length === 0 && (
        <Empty title={filtered ? 'No sessions match these filters.' : 'No sessions yet.'}>
          {!filtered && (
            <p>
              <Link to="/sessions/new">Create your first session</Link> and upload its transcript.
            </p>
          )}
        </Empty>
      )}
      {rows.length > 0 && (
        <table className="table" aria-label="Sessions" aria-busy={sessions.isFetching}>
          <thead>
            <tr>
              <th scope="col">Session</th>
              <th scope="col">Held</th>
              <th scope="col">Clients</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((session) => (
              <SessionRow key={session.id} session={session} />
            ))}
          </tbody>
        </table>
      )}
      <LoadMore pages={sessions} label="Load more sessions" />
    </div>
  )
}
