import { useInfiniteQuery, useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import {
  Tab,
  TabList,
  TabPanel,
  Tabs,
} from 'react-aria-components'
import { Link } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { useClients } from '../../api/useClients'
import type { Commitment } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { LoadMore } from '../../components/LoadMore'
import { SelectField } from '../../components/SelectField'
import { formatDate, relativeDay } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { Empty, Loading } from '../../components/QueryView'
import { CommitmentReport } from '../../components/FollowThrough'
import { CommitmentStatusButton } from './CommitmentStatusButton'
import { queryFor, rowsFor, VIEWS, type CommitmentView } from './commitmentViews'
import { browserTimeZone, noonOf, todayIn } from './days'

const PAGE_SIZE = 50
const ALL_CLIENTS = 'all'

function ClientFilter({ value, onChange }: { value: string; onChange: (clientId: string) => void }) {
  const clients = useClients()
  const options = [
    { id: ALL_CLIENTS, label: 'All clients' },
    ...(clients.data?.items ?? []).map((client) => ({
      id: client.id,
      label: client.archived ? `${client.name} (archived)` : client.name,
    })),
  ]
  return (
    <>
      <SelectField
        label="Client"
        value={value}
        onChange={onChange}
        options={options}
        isDisabled={clients.isPending}
      />
      {clients.isError && (
        <ErrorNotice
          title="Your clients could not be loaded to filter by."
          error={clients.error}
          onRetry={() => void clients.refetch()}
        />
      )}
    </>
  )
}

function DueDay({ day, today }: { day: string | null | undefined; today: string }) {
  if (!day) return <span className="muted">No due day</span>
  return (
    <>
      <time dateTime={day}>{formatDate(day)}</time>{' '}
      <span className={day < today ? 'badge badge-bad' : 'muted'}>{relativeDay(day, noonOf(today))}</span>
    </>
  )
}

function CommitmentRow({
  commitment,
  today,
  listKey,
  onChanged,
}: {
  commitment: Commitment
  today: string
  listKey: readonly unknown[]
  onChanged: (message: string) => void
}) {
  const textId = useId()
  return (
    <tr>
      <td data-label="Commitment" id={textId}>
        {commitment.text}
        <CommitmentReport report={commitment.follow_through} />
      </td>
      <td data-label="Owner">{commitment.owner}</td>
      <td data-label="Client">{commitment.client_name ?? <span className="muted">You (coach)</span>}</td>
      <td data-label="Due">
        <DueDay day={commitment.due_on} today={today} />
      </td>
      <td data-label="Session">
        <Link to={`/sessions/${commitment.session_id}`}>{commitment.session_title}</Link>
        <br />
        <span className="muted">{formatDate(commitment.session_held_at)}</span>
      </td>
      <td data-label="Status">
        <CommitmentStatusButton
          commitment={commitment}
          listKey={listKey}
          describedBy={textId}
          onChanged={onChanged}
        />
      </td>
    </tr>
  )
}

function CommitmentList({
  view,
  today,
  clientId,
  onChanged,
}: {
  view: CommitmentView
  today: string
  clientId: string | null
  onChanged: (message: string) => void
}) {
  const api = useApi()
  const filters = queryFor(view, today, clientId)
  const listKey = keys.commitmentList(filters)
  const list = useInfiniteQuery({
    queryKey: listKey,
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(api.GET('/v1/commitments', { params: { query: { ...filters, limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  const meta = VIEWS.find((candidate) => candidate.id === view) ?? VIEWS[0]
  const rows = rowsFor(view, list.data?.pages.flatMap((page) => page.items) ?? [])

  return (
    <>
      <h2 className="visually-hidden">{meta.label}</h2>
      <p className="muted">{meta.summary}</p>
      {list.isPending && <Loading label="Loading commitments…" />}
      {list.isError && !list.isFetchNextPageError && (
        <ErrorNotice error={list.error} onRetry={() => void list.refetch()} />
      )}
      {list.isSuccess && rows.length === 0 && (
        <Empty title={clientId ? `${meta.empty.replace(/\.$/, '')} for this client.` : meta.empty}>
        </Empty>
      )}
      {rows.length > 0 && (
        <table className="table" aria-label={`${meta.label} commitments`} aria-busy={list.isFetching}>
          <thead>
            <tr>
              <th scope="col">Commitment</th>
              <th scope="col">Owner</th>
              <th scope="col">Client</th>
              <th scope="col">Due</th>
              <th scope="col">Session</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((commitment) => (
              <CommitmentRow
                key={commitment.id}
                commitment={commitment}
                today={today}
                listKey={listKey}
                onChanged={onChanged}
              />
            ))}
          </tbody>
        </table>
      )}
      <LoadMore pages={list} label="Load more" />
    </>
  )
}

export default function Commitments() {
  const api = useApi()
  const [view, setView] = useState<CommitmentView>('due-soon')
  const [clientId, setClientId] = useState(ALL_CLIENTS)
  const [announcement, setAnnouncement] = useState('')
  // "Today" is the coach's day in their own time zone, the one the daily digest uses.
  const me = useQuery({ queryKey: keys.me, queryFn: () => data(api.GET('/v1/me')) })
  const timeZone = me.data?.time_zone ?? (me.isError ? browserTimeZone() : null)
  const today = timeZone ? todayIn(timeZone) : null

  return (
    <div>
      <PageHeader title="Commitments" />
      <div className="filters" role="search" aria-label="Filter commitments">
        <ClientFilter value={clientId} onChange={setClientId} />
      </div>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      <Tabs selectedKey={view} onSelectionChange={(key) => setView(key as CommitmentView)}>
        <TabList className="tab-list" aria-label="Which commitments">
          {VIEWS.map((option) => (
            <Tab key={option.id} id={option.id} className="tab">
              {option.label}
            </Tab>
          ))}
        </TabList>
        {VIEWS.map((option) => (
          <TabPanel key={option.id} id={option.id} className="tab-panel">
            {today ? (
              <CommitmentList
                view={option.id}
                today={today}
                clientId={clientId === ALL_CLIENTS ? null : clientId}
                onChanged={setAnnouncement}
              />
            ) : (
              <Loading label="Loading commitments…" />
            )}
          </TabPanel>
        ))}
      </Tabs>
    </div>
  )
}
