import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState, type FormEvent } from 'react'
import { Button, Checkbox, Form } from 'react-aria-components'
import { Link } from 'react-router'

import { data, idempotencyKey } from '../../api/client'
import { keys } from '../../api/keys'
import { ApiProblem } from '../../api/problem'
import type { Client } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { LoadMore } from '../../components/LoadMore'
import { PageHeader } from '../../components/PageHeader'
import { Empty, Loading } from '../../components/QueryView'
import { browserTimeZone } from '../commitments/days'
import { ClientFields, type ClientDraft } from './ClientFields'
import { ConsentBadges } from './ConsentBadges'

const PAGE_SIZE = 100

function emptyDraft(): ClientDraft {
  // Consent is recorded only when the coach ticks it, never assumed.
  return { name: '', email: '', timeZone: browserTimeZone(), consentAi: false, consentEmail: false }
}

function NewClientForm({ onCreated, onCancel }: { onCreated: (client: Client) => void; onCancel: () => void }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const [draft, setDraft] = useState(emptyDraft)
  const section = useRef<HTMLElement>(null)
  // The coach asked for this form: take them to its first field.
  useEffect(() => section.current?.querySelector('input')?.focus(), [])
  const create = useMutation({
    mutationFn: (input: ClientDraft) =>
      data(
        api.POST('/v1/clients', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: {
            name: input.name,
            email: input.email.trim() === '' ? null : input.email.trim(),
            time_zone: input.timeZone,
            consent_ai_processing: input.consentAi,
            consent_email: input.consentEmail,
          },
        }),
      ),
    onSuccess: (client) => {
      void queryClient.invalidateQueries({ queryKey: keys.clients })
      onCreated(client)
    },
  })
  const problem = create.error instanceof ApiProblem ? create.error : null
  const submit = (event: FormEvent) => {
    event.preventDefault()
    create.mutate(draft)
  }
  return (
    <section ref={section} className="card" aria-labelledby="new-client-heading">
      <h2 id="new-client-heading">New client</h2>
      <Form onSubmit={submit} aria-labelledby="new-client-heading" validationBehavior="aria">
        <ClientFields draft={draft} onChange={setDraft} problem={problem} />
        {create.isError && <ErrorNotice error={create.error} />}
        <div className="row">
          <Button type="submit" className="button button-primary" isDisabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create client'}
          </Button>
          <Button className="button button-quiet" onPress={onCancel} isDisabled={create.isPending}>
            Cancel
          </Button>
        </div>
      </Form>
    </section>
  )
}

function ClientRow({ client }: { client: Client }) {
  return (
    <tr>
      <td data-label="Name">
        <Link to={`/clients/${client.id}`}>{client.name}</Link>
        {client.archived && (
          <>
            {' '}
            <span className="badge">Archived</span>
          </>
        )}
      </td>
      <td data-label="Email">{client.email || <span className="muted">none</span>}</td>
      <td data-label="Consent">
        <ConsentBadges client={client} />
      </td>
      <td data-label="Time zone">{client.time_zone.replaceAll('_', ' ')}</td>
    </tr>
  )
}

export default function ClientsList() {
  const api = useApi()
  const [creating, setCreating] = useState(false)
  const [showArchived, setShowArchived] = useState(false)
  const [announcement, setAnnouncement] = useState('')
  const newClientButton = useRef<HTMLButtonElement>(null)
  const clients = useInfiniteQuery({
    queryKey: [...keys.clients, 'pages'],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      data(api.GET('/v1/clients', { params: { query: { limit: PAGE_SIZE, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  })
  const all = clients.data?.pages.flatMap((page) => page.items) ?? []
  const rows = showArchived ? all : all.filter((client) => !client.archived)
  const archivedCount = all.length - all.filter((client) => !client.archived).length

  const closeForm = () => {
    setCreating(false)
    // Back where the coach started, for keyboard and screen-reader users.
    requestAnimationFrame(() => newClientButton.current?.focus())
  }

  return (
    <div>
      <PageHeader title="Clients">
        <Button
          ref={newClientButton}
          className="button button-primary"
          onPress={() => setCreating(true)}
          aria-expanded={creating}
        >
          New client
        </Button>
      </PageHeader>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {creating && (
        <NewClientForm
          onCreated={(client) => {
            setAnnouncement(`Added ${client.name}.`)
            closeForm()
          }}
          onCancel={closeForm}
        />
      )}
      <h2>Your clients</h2>
      {archivedCount > 0 && (
        <Checkbox className="checkbox" isSelected={showArchived} onChange={setShowArchived}>
          <span className="box" aria-hidden="true" />
          Show archived clients ({archivedCount})
        </Checkbox>
      )}
      {clients.isPending && <Loading label="Loading clients…" />}
      {clients.isError && !clients.isFetchNextPageError && (
        <ErrorNotice error={clients.error} onRetry={() => void clients.refetch()} />
      )}
      {clients.isSuccess && rows.length === 0 && (
        <Empty title={all.length === 0 ? 'No clients yet.' : 'Every client is archived.'}>
          {all.length === 0 && <p>Add your first with “New client”.</p>}
        </Empty>
      )}
      {rows.length > 0 && (
        <table className="table" aria-label="Clients" aria-busy={clients.isFetching}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Consent</th>
              <th scope="col">Time zone</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((client) => (
              <ClientRow key={client.id} client={client} />
            ))}
          </tbody>
        </table>
      )}
      <LoadMore pages={clients} label="Load more" />
    </div>
  )
}
