import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent } from 'react'
import {
  Button,
  Checkbox,
  CheckboxGroup,
  FieldError,
  Form,
  Input,
  Label,
  Radio,
  RadioGroup,
  Text,
  TextField,
} from 'react-aria-components'
import { useNavigate } from 'react-router'

import { data, idempotencyKey } from '../../api/client'
import { keys } from '../../api/keys'
import { useClients } from '../../api/useClients'
import { ApiProblem } from '../../api/problem'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { PageHeader } from '../../components/PageHeader'
import { Loading } from '../../components/QueryView'

/** Now, as the value of a datetime-local input in the browser's zone. */
function localNow(): string {
  const now = new Date()
  now.setMinutes(now.getMinutes() - now.getTimezoneOffset(), 0, 0)
  return now.toISOString().slice(0, 16)
}

function NewClientInline({ onCreated }: { onCreated: (id: string) => void }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const [name, setName] = useState('')
  const [email, setEmail] = useState('')
  const [consentEmail, setConsentEmail] = useState(false)
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/clients', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: {
            name,
            email: email.trim() === '' ? null : email.trim(),
            consent_email: consentEmail,
            time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
          },
        }),
      ),
    onSuccess: (client) => {
      void queryClient.invalidateQueries({ queryKey: keys.clients })
      setName('')
      setEmail('')
      setConsentEmail(false)
      onCreated(client.id)
    },
  })
  const problem = create.error instanceof ApiProblem ? create.error : null
  return (
    <fieldset className="card">
      <legend>Add a client</legend>
      <div className="row">
        <TextField className="field" value={name} onChange={setName} isInvalid={!!problem?.fieldMessage('name')}>
          <Label>Client name</Label>
          <Input />
          <FieldError>{problem?.fieldMessage('name')}</FieldError>
        </TextField>
        <TextField
          className="field"
          type="email"
          value={email}
          onChange={setEmail}
          isInvalid={!!problem?.fieldMessage('email')}
        >
          <Label>Client email</Label>
          <Input />
          <FieldError>{problem?.fieldMessage('email')}</FieldError>
        </TextField>
      </div>
      <Checkbox className="checkbox" isSelected={consentEmail} onChange={setConsentEmail}>
        <span className="box" aria-hidden="true" />
        Agrees to follow-up emails from you
      </Checkbox>
      <Button className="button" onPress={() => create.mutate()} isDisabled={create.isPending || name.trim() === ''}>
        Add client
      </Button>
      {create.isError && !problem?.fields.length && <ErrorNotice error={create.error} />}
    </fieldset>
  )
}

export default function NewSession() {
  const api = useApi()
  const navigate = useNavigate()
  const queryClient = useQueryClient()
  const [title, setTitle] = useState('')
  const [heldAt, setHeldAt] = useState(localNow)
  const [kind, setKind] = useState<'one_to_one' | 'group'>('one_to_one')
  const [selected, setSelected] = useState<string[]>([])
  const clients = useClients()
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/sessions', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: {
            title,
            kind,
            held_at: new Date(heldAt).toISOString(),
            participants: selected.map((client_id) => ({ client_id })),
          },
        }),
      ),
    onSuccess: (session) => {
      void queryClient.invalidateQueries({ queryKey: keys.sessions })
      navigate(`/sessions/${session.id}`)
    },
  })
  const problem = create.error instanceof ApiProblem ? create.error : null
  const submit = (event: FormEvent) => {
    event.preventDefault()
    create.mutate()
  }
  const active = (clients.data?.items ?? []).filter((client) => !client.archived)

  return (
    <div>
      <PageHeader title="New session" />
      <Form onSubmit={submit} className="card" aria-label="New session" validationBehavior="aria">
        <TextField
          className="field"
          value={title}
          onChange={setTitle}
          isRequired
          isInvalid={!!problem?.fieldMessage('title')}
        >
          <Label>Title</Label>
          <Input />
          <FieldError>{problem?.fieldMessage('title')}</FieldError>
        </TextField>
        <TextField
          className="field"
          type="datetime-local"
          value={heldAt}
          onChange={setHeldAt}
          isRequired
          isInvalid={!!problem?.fieldMessage('held_at')}
        >
          <Label>Held at</Label>
          <Input />
          <Text slot="description" className="field-hint">
            In your time zone. Relative due dates such as “tomorrow” are read from this day.
          </Text>
          <FieldError>{problem?.fieldMessage('held_at')}</FieldError>
        </TextField>
        <RadioGroup
          className="field"
          value={kind}
          onChange={(value) => setKind(value as 'one_to_one' | 'group')}
          orientation="horizontal"
        >
          <Label>Kind</Label>
          <div className="row">
            <Radio className="checkbox" value="one_to_one">
              <span className="box" aria-hidden="true" />
              One-to-one
            </Radio>
            <Radio className="checkbox" value="group">
              <span className="box" aria-hidden="true" />
              Group
            </Radio>
          </div>
        </RadioGroup>
        {clients.isPending && <Loading label="Loading clients…" />}
        {clients.isError && <ErrorNotice error={clients.error} onRetry={() => void clients.refetch()} />}
        {clients.isSuccess && (
          <CheckboxGroup
            className="field"
            value={selected}
            onChange={setSelected}
            isInvalid={!!problem?.fieldMessage('participants')}
          >
            <Label>Clients in this session</Label>
            {active.length === 0 && (
              <Text slot="description" className="field-hint">
                No clients yet: add one below.
              </Text>
            )}
            {active.map((client) => (
              <Checkbox key={client.id} value={client.id} className="checkbox">
                <span className="box" aria-hidden="true" />
                {client.name}
              </Checkbox>
            ))}
            <FieldError>{problem?.fieldMessage('participants')}</FieldError>
          </CheckboxGroup>
        )}
        <NewClientInline onCreated={(id) => setSelected((current) => [...current, id])} />
        {create.isError && !problem?.fields.length && <ErrorNotice error={create.error} />}
        <Button type="submit" className="button button-primary" isDisabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create session'}
        </Button>
      </Form>
    </div>
  )
}
