import { useInfiniteQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { Link } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { useClients } from '../../api/useClients'
import type { FollowUp } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { LoadMore } from '../../components/LoadMore'
import { SelectField } from '../../components/SelectField'
import { formatDateTime } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { Empty, Loading } from '../../components/QueryView'
import { FollowUpStatusBadge, NeedsReviewBadge } from './FollowUpStatusBadge'
import { STATUSES, type FollowUpStatus } from './lifecycle'

const PAGE_SIZE = 50
const ANY = 'any'

interface Option {
  id: string
  label: string
}

const STATUS_OPTIONS: Option[] = [{ id: ANY, label: 'Any status' }, ...STATUSES.map((status) => ({ id: status, label: status }))]

/** When it went or goes out, in the coach's own time. */
function When({ followUp }: { followUp: FollowUp }) {
  if (followUp.sent_at) return <>Sent {formatDateTime(followUp.sent_at)}</>
  if (followUp.scheduled_at && (followUp.status === 'scheduled' || followUp.status === 'sending')) {
    return <>Scheduled for {formatDateTime(followUp.scheduled_at)}</>
  }
  if (followUp.status === 'draft' || followUp.status === 'approved') return <span className="muted">not scheduled</span>
  return <span className="muted">—</span>
}

function FollowUpRow({ followUp }: { followUp: FollowUp }) {
  return (
    <tr>
      <td data-label="Client">{followUp.client_name}</td>
      <td data-label="Subject">
        <Link to={`/follow-ups/${followUp.id}`}>{followUp.subject}</Link>
      </td>
      <td data-label="Session">
        <Link to={`/sessions/${followUp.session_id}`}>
          Session<span className="visually-hidden"> of “{followUp.subject}”</span>
        </Link>
      </td>
      <td data-label="Status">
        <span className="row">
          <FollowUpStatusBadge status={followUp.status} />
          {followUp.needs_review && <NeedsReviewBadge />}
        </span>
      </td>
      <td data-label="When">
        <When followUp={followUp} />
      </td>
    </tr>
  )
}

export default function FollowUpsList() {
  const api = useApi()
  const [status, setStatus] = useState<string>(ANY)
  const [client, setClient] = useState<string>(ANY)
  const filters = { status, client }

  const clients = useClients()
  const followUps = useInfiniteQuery({
    queryKey: keys.followUpList(filters),
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/v1/follow-ups', {
          params: {
            query: {
              limit: PAGE_SIZE,
              cursor: pageParam,
              status: status === ANY ? undefined : (status as FollowUpStatus),
              client_id: client === ANY ? undefined : client,
            },
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })

  const clientOptions: Option[] = [
    { id: ANY, label: 'Any client' },
    ...(clients.data?.items ?? []).map((found) => ({ id: found.id, label: found.name })),
  ]
  const rows = followUps.data?.pages.flatMap((page) => page.items) ?? []
  const filtered = status !== ANY || client !== ANY

  return (
    <div>
      <PageHeader title="Follow-ups" />
      <div className="filters" role="search" aria-label="Filter follow-ups">
        <SelectField label="Status" value={status} onChange={setStatus} options={STATUS_OPTIONS} />
        <SelectField label="Client" value={client} onChange={setClient} options={clientOptions} />
      </div>
      {followUps.isPending && <Loading label="Loading follow-ups…" />}
      {followUps.isError && !followUps.isFetchNextPageError && (
        <ErrorNotice error={followUps.error} onRetry={() => void followUps.refetch()} />
      )}
      {followUps.isSuccess && rows.length === 0 && (
        <Empty title={filtered ? 'No follow-ups match these filters.' : 'No follow-ups yet.'}>
          {!filtered && (
            <p>
              FlowCoach drafts a follow-up for each client once a <Link to="/sessions">session</Link> has been
              analysed.
            </p>
          )}
        </Empty>
      )}
      {rows.length > 0 && (
        <table className="table" aria-label="Follow-ups" aria-busy={followUps.isFetching}>
          <thead>
            <tr>
              <th scope="col">Client</th>
              <th scope="col">Subject</th>
              <th scope="col">Session</th>
              <th scope="col">Status</th>
              <th scope="col">When</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((followUp) => (
              <FollowUpRow key={followUp.id} followUp={followUp} />
            ))}
          </tbody>
        </table>
      )}
      <LoadMore pages={followUps} label="Load more follow-ups" />
    </div>
  )
}
