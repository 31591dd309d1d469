import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import { Button, FieldError, Form, Label, Text, TextArea, TextField } from 'react-aria-components'
import { Link, useParams } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { ApiProblem } from '../../api/problem'
import type { components } from '../../api/schema'
import type { Client } from '../../api/types'
import { useApi } from '../../app/context'
import { ConfirmButton } from '../../components/ConfirmButton'
import { ErrorNotice } from '../../components/ErrorNotice'
import { PageHeader } from '../../components/PageHeader'
import { QueryView } from '../../components/QueryView'
import { TemplateSelect } from '../../components/TemplateSelect'
import { ClientBrief } from './ClientBrief'
import { ClientFields, type ClientDraft } from './ClientFields'
import { ConsentBadges } from './ConsentBadges'

type ClientChange = components['schemas']['UpdateClient']

interface ClientForm extends ClientDraft {
  templateId: string | null
  notes: string
}

function formOf(client: Client): ClientForm {
  return {
    name: client.name,
    email: client.email ?? '',
    timeZone: client.time_zone,
    consentAi: client.consent_ai_processing,
    consentEmail: client.consent_email,
    templateId: client.follow_up_template_id ?? null,
    notes: client.notes,
  }
}

function changeOf(form: ClientForm): ClientChange {
  return {
    name: form.name,
    email: form.email.trim() === '' ? null : form.email.trim(),
    time_zone: form.timeZone,
    consent_ai_processing: form.consentAi,
    consent_email: form.consentEmail,
    follow_up_template_id: form.templateId,
    notes: form.notes,
  }
}

/** One PATCH of the client; the page and the lists show its answer. */
function useClientChange(client: Client) {
  const api = useApi()
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (change: ClientChange) =>
      data(api.PATCH('/v1/clients/{id}', { params: { path: { id: client.id } }, body: change })),
    onSuccess: (updated) => {
      queryClient.setQueryData(keys.client(client.id), updated)
      void queryClient.invalidateQueries({ queryKey: keys.clients, refetchType: 'inactive' })
    },
  })
}

function ClientEditor({ client }: { client: Client }) {
  const [form, setForm] = useState(() => formOf(client))
  const [saved, setSaved] = useState('')
  const save = useClientChange(client)
  const problem = save.error instanceof ApiProblem ? save.error : null
  const submit = (event: FormEvent) => {
    event.preventDefault()
    setSaved('')
    save.mutate(changeOf(form), {
      onSuccess: (updated) => {
        setForm(formOf(updated))
        setSaved('Changes saved.')
      },
    })
  }
  const edit = (next: ClientForm) => {
    setForm(next)
    setSaved('')
  }
  return (
    <Form onSubmit={submit} className="card" aria-labelledby="details-heading" validationBehavior="aria">
      <h2 id="details-heading">Details</h2>
      <ClientFields draft={form} onChange={(draft) => edit({ ...form, ...draft })} problem={problem} />
      <TemplateSelect
        value={form.templateId}
        onChange={(templateId) => edit({ ...form, templateId })}
        defaultLabel="Your default template"
        description="FlowCoach writes this client’s follow-up drafts from this template. “Your default template” is the one chosen in Settings."
        errorMessage={problem?.fieldMessage('follow_up_template_id')}
      />
      <TextField
        className="field"
        value={form.notes}
        onChange={(notes) => edit({ ...form, notes })}
        maxLength={10_000}
        isInvalid={!!problem?.fieldMessage('notes')}
      >
        <Label>Notes</Label>
        <TextArea rows={5} />
        <Text slot="description" className="field-hint">
          For you only: notes are never sent to the client.
        </Text>
        <FieldError>{problem?.fieldMessage('notes')}</FieldError>
      </TextField>
      {save.isError && <ErrorNotice error={save.error} />}
      <div className="row">
        <Button type="submit" className="button button-primary" isDisabled={save.isPending}>
          {save.isPending ? 'Saving…' : 'Save changes'}
        </Button>
        <p role="status" aria-live="polite">
          {saved}
        </p>
      </div>
    </Form>
  )
}

function ArchiveSection({ client }: { client: Client }) {
  const change = useClientChange(client)
  return (
    <section className="card" aria-labelledby="archive-heading">
      <h2 id="archive-heading">{client.archived ? 'Archived' : 'Archive'}</h2>
      {client.archived ? (
        <>
          <p>This client is archived: they are left out of reminders and new sessions’ speaker matching.</p>
          <Button
            className="button"
            onPress={() => change.mutate({ archived: false })}
            isDisabled={change.isPending}
          >
            {change.isPending ? 'Restoring…' : 'Restore client'}
          </Button>
        </>
      ) : (
        <>
          <p className="muted">When you no longer coach this client. Nothing is deleted.</p>
          <ConfirmButton
            label="Archive"
            title={`Archive ${client.name}?`}
            confirmLabel="Archive client"
            onConfirm={() => change.mutate({ archived: true })}
            isDisabled={change.isPending}
          >
            <p>
              Their sessions, commitments and follow-ups are kept. They leave your reminders, and new transcripts no
              longer match them as a speaker. You can restore them at any time.
            </p>
          </ConfirmButton>
        </>
      )}
      {change.isError && <ErrorNotice error={change.error} />}
    </section>
  )
}

export default function ClientPage() {
  const { id = '' } = useParams()
  const api = useApi()
  const client = useQuery({
    queryKey: keys.client(id),
    queryFn: () => data(api.GET('/v1/clients/{id}', { params: { path: { id } } })),
  })
  return (
    <div>
      <p>
        <Link to="/clients">← All clients</Link>
      </p>
      {!client.isSuccess && <PageHeader title="Client" />}
      <QueryView query={client} loading="Loading the client…">
        {(loaded) => (
          <>
            <PageHeader title={loaded.name}>
              <ConsentBadges client={loaded} />
            </PageHeader>
            <ClientBrief clientId={loaded.id} />
            <ClientEditor key={loaded.id} client={loaded} />
            <ArchiveSection client={loaded} />
          </>
        )}
      </QueryView>
    </div>
  )
}
