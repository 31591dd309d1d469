import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { Button, FieldError, Form, Input, Label, Text, TextField } from 'react-aria-components'
import { Link, useNavigate } from 'react-router'

import { data, idempotencyKey } from '../../api/client'
import { keys } from '../../api/keys'
import type { Template } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDate } from '../../components/format'
import { PageHeader } from '../../components/PageHeader'
import { Empty, QueryView } from '../../components/QueryView'
import { DuplicateButton } from './DuplicateButton'
import { refusing } from './templateErrors'
import { followUpTemplatesQuery } from './templateQueries'

/** A working start for a new template, so the preview has something to show at once. */
const STARTER = {
  subject: 'Following up on {{ session_title }}',
  body: `Hi {{ client_first_name }},

Thank you for our session on {{ session_date }}.
{% if commitments %}

What you committed to:
{% for c in commitments %}
- {{ c.text }}{% if c.due %} (by {{ c.due }}){% endif +%}
{% endfor %}
{% endif %}

{{ coach_signature }}
`,
}

function NewTemplateForm({ onCancel }: { onCancel: () => void }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const [name, setName] = useState('')
  const section = useRef<HTMLElement>(null)
  // The coach asked for this form: take them to its field.
  useEffect(() => section.current?.querySelector('input')?.focus(), [])
  const create = useMutation({
    mutationFn: () =>
      data(
        api.POST('/v1/templates', {
          params: { header: { 'Idempotency-Key': idempotencyKey() } },
          body: { name, ...STARTER },
        }),
      ),
    onSuccess: (template) => {
      void queryClient.invalidateQueries({ queryKey: keys.templates })
      navigate(`/templates/${template.id}`)
    },
  })
  const nameRefusal = refusing('name', create.error)
  const submit = (event: FormEvent) => {
    event.preventDefault()
    create.mutate()
  }
  return (
    <section ref={section} className="card" aria-labelledby="new-template-heading">
      <h2 id="new-template-heading">New template</h2>
      <Form onSubmit={submit} aria-labelledby="new-template-heading" validationBehavior="aria">
        <TextField
          className="field"
          value={name}
          onChange={setName}
          isRequired
          maxLength={200}
          isInvalid={!!nameRefusal}
        >
          <Label>Name</Label>
          <Input />
          <Text slot="description" className="field-hint">
            It starts from a short recap you then edit, with a live preview.
          </Text>
          <FieldError>{nameRefusal?.fieldMessage('name')}</FieldError>
        </TextField>
        {create.isError && <ErrorNotice error={create.error} />}
        <div className="row">
          <Button type="submit" className="button button-primary" isDisabled={create.isPending}>
            {create.isPending ? 'Creating…' : 'Create template'}
          </Button>
          <Button className="button button-quiet" onPress={onCancel} isDisabled={create.isPending}>
            Cancel
          </Button>
        </div>
      </Form>
    </section>
  )
}

function TemplateRow({ template }: { template: Template }) {
  const nameId = useId()
  return (
    <tr>
      <td data-label="Name" id={nameId}>
        <Link to={`/templates/${template.id}`}>{template.name}</Link>
      </td>
      <td data-label="Kind">
        <span className="row">
          {template.built_in ? <span className="badge badge-info">Built-in</span> : <span className="badge">Yours</span>}
          {template.is_default && <span className="badge badge-good">Your default</span>}
        </span>
      </td>
      <td data-label="Version">
        {template.version}, {formatDate(template.updated_at)}
      </td>
      <td data-label="Actions">
        <DuplicateButton template={template} describedBy={nameId} />
      </td>
    </tr>
  )
}

export default function TemplatesList() {
  const api = useApi()
  const [creating, setCreating] = useState(false)
  const newButton = useRef<HTMLButtonElement>(null)
  const templates = useQuery(followUpTemplatesQuery(api))
  const closeForm = () => {
    setCreating(false)
    requestAnimationFrame(() => newButton.current?.focus())
  }
  return (
    <div>
      <PageHeader title="Templates">
        <Button
          ref={newButton}
          className="button button-primary"
          onPress={() => setCreating(true)}
          aria-expanded={creating}
        >
          New template
        </Button>
      </PageHeader>
      <p className="muted">
        Follow-up drafts are written from these. Built-ins are read-only: duplicate one to make it yours. Archived
        templates are not listed.
      </p>
      {creating && <NewTemplateForm onCancel={closeForm} />}
      <h2>Follow-up templates</h2>
      <QueryView query={templates} loading="Loading templates…">
        {(list) =>
          list.length === 0 ? (
            <Empty title="No templates yet." />
          ) : (
            <table className="table" aria-label="Follow-up templates">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Kind</th>
                  <th scope="col">Version</th>
                  <th scope="col">
                    <span className="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((template) => (
                  <TemplateRow key={template.id} template={template} />
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </div>
  )
}
