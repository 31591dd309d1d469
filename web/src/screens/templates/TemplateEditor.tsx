import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState, type FormEvent, type RefObject } from 'react'
import { Button, FieldError, Form, Input, Label, Text, TextArea, TextField } from 'react-aria-components'
import { Link, useNavigate, useParams } from 'react-router'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { ApiProblem } from '../../api/problem'
import type { Template } from '../../api/types'
import { useApi } from '../../app/context'
import { ConfirmButton } from '../../components/ConfirmButton'
import { ErrorNotice } from '../../components/ErrorNotice'
import { PageHeader } from '../../components/PageHeader'
import { QueryView } from '../../components/QueryView'
import { DuplicateButton } from './DuplicateButton'
import { PlaceholderHelp } from './PlaceholderHelp'
import { isRefusal, offsetOf, placeOf, refusing } from './templateErrors'
import { etagOf, templateQuery } from './templateQueries'
import { TemplatePreviewPanel } from './TemplatePreview'
import { TemplateVersions } from './TemplateVersions'
import { SAMPLE_VALUES, usePreview } from './usePreview'

interface TemplateText {
  name: string
  subject: string
  body: string
  instructions: string
}

function textOf(template: Template): TemplateText {
  return { name: template.name, subject: template.subject, body: template.body, instructions: template.instructions }
}

function sameText(a: TemplateText, b: TemplateText): boolean {
  return a.name === b.name && a.subject === b.subject && a.body === b.body && a.instructions === b.instructions
}

/** Puts the caret where the API says the mistake is. */
function GoToMistake({
  refusal,
  field,
  text,
  target,
}: {
  refusal: ApiProblem | undefined
  field: string
  text: string
  target: RefObject<HTMLInputElement | HTMLTextAreaElement | null>
}) {
  const place = placeOf(refusal, field)
  if (!place) return null
  const { line, column } = place
  const go = () => {
    const element = target.current
    if (!element) return
    const at = offsetOf(text, line, column)
    element.focus()
    element.setSelectionRange(at, at)
  }
  return (
    <Button className="button button-quiet" onPress={go}>
      Go to line {line}, column {column}
    </Button>
  )
}

function ArchiveTemplate({ template }: { template: Template }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const navigate = useNavigate()
  const archive = useMutation({
    mutationFn: () => data(api.DELETE('/v1/templates/{id}', { params: { path: { id: template.id } } })),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: keys.template(template.id) })
      void queryClient.invalidateQueries({ queryKey: keys.templates })
      navigate('/templates')
    },
  })
  return (
    <section className="card" aria-labelledby="archive-heading">
      <h2 id="archive-heading">Archive</h2>
      <p className="muted">Takes the template out of your lists. Its versions are kept.</p>
      <ConfirmButton
        label="Archive"
        title={`Archive “${template.name}”?`}
        confirmLabel="Archive template"
        onConfirm={() => archive.mutate()}
        isDisabled={archive.isPending}
      >
        <p>
          Clients who use it, and your default if it is this one, go back to your default template, then to the warm
          recap. Drafts already written from it keep their text.
        </p>
      </ConfirmButton>
      {archive.isError && <ErrorNotice error={archive.error} />}
    </section>
  )
}

function StaleNotice({ onReload, isReloading }: { onReload: () => void; isReloading: boolean }) {
  return (
    <div className="notice notice-warn" role="alert">
      <p>
        Someone saved this template since you opened it, so your changes were not saved. Copy anything you want to
        keep, then reload to edit the latest version.
      </p>
      <Button className="button" onPress={onReload} isDisabled={isReloading}>
        {isReloading ? 'Reloading…' : 'Reload'}
      </Button>
    </div>
  )
}

function TemplateForm({ template }: { template: Template }) {
  const api = useApi()
  const queryClient = useQueryClient()
  const readOnly = template.built_in
  const [draft, setDraft] = useState(() => textOf(template))
  const [saved, setSaved] = useState(() => textOf(template))
  // If-Match names the version this draft was made from, not whatever was fetched since.
  const [baseVersion, setBaseVersion] = useState(template.version)
  const [context, setContext] = useState(SAMPLE_VALUES)
  const [announcement, setAnnouncement] = useState('')
  const subjectRef = useRef<HTMLInputElement>(null)
  const bodyRef = useRef<HTMLTextAreaElement>(null)

  const preview = usePreview(template.id, readOnly ? {} : { subject: draft.subject, body: draft.body }, context)
  const save = useMutation({
    mutationFn: (text: TemplateText) =>
      data(
        api.PATCH('/v1/templates/{id}', {
          params: { path: { id: template.id }, header: { 'If-Match': etagOf(baseVersion) } },
          body: text,
        }),
      ),
    onSuccess: (updated, sent) => {
      queryClient.setQueryData(keys.template(template.id), updated)
      void queryClient.invalidateQueries({ queryKey: keys.templates, refetchType: 'inactive' })
      void queryClient.invalidateQueries({ queryKey: keys.templateVersions(template.id) })
      setBaseVersion(updated.version)
      setSaved(textOf(updated))
      // Typing during the save is kept; otherwise the editor shows the text as the server stored it.
      setDraft((current) => (sameText(current, sent) ? textOf(updated) : current))
      setAnnouncement(`Saved as version ${updated.version}.`)
    },
  })
  const reload = useMutation({
    mutationFn: () => queryClient.fetchQuery({ ...templateQuery(api, template.id), staleTime: 0 }),
    onSuccess: (fresh) => {
      setBaseVersion(fresh.version)
      setSaved(textOf(fresh))
      setDraft(textOf(fresh))
      save.reset()
      setAnnouncement(`Reloaded version ${fresh.version}.`)
    },
  })

  const stale = save.error instanceof ApiProblem && save.error.status === 412
  // A field is marked by the refused save, else (the two templates) by the live preview.
  const refusal = (field: keyof TemplateText) =>
    field === 'subject' || field === 'body' ? refusing(field, save.error, preview.error) : refusing(field, save.error)
  const mistake = (field: keyof TemplateText) => refusal(field)?.fieldMessage(field)
  const dirty = !sameText(draft, saved)

  const edit = (field: keyof TemplateText) => (value: string) => {
    setDraft((current) => ({ ...current, [field]: value }))
    setAnnouncement('')
    // The marks of a refused save go once the text changes; the live preview re-checks it.
    if (isRefusal(save.error)) save.reset()
  }
  const submit = (event: FormEvent) => {
    event.preventDefault()
    save.mutate(draft)
  }

  return (
    <div className="grid-2">
      <div>
        <Form onSubmit={submit} className="card" aria-labelledby="text-heading" validationBehavior="aria">
          <h2 id="text-heading">Text</h2>
          {readOnly && (
            <div className="notice">
              <p>Built-in templates are read-only. Duplicate it to make a copy of your own to change.</p>
              <DuplicateButton template={template} />
            </div>
          )}
          <TextField
            className="field"
            value={draft.name}
            onChange={edit('name')}
            isReadOnly={readOnly}
            isRequired
            maxLength={200}
            isInvalid={!!refusal('name')}
          >
            <Label>Name</Label>
            <Input />
            <FieldError>{mistake('name')}</FieldError>
          </TextField>
          <TextField
            className="field"
            value={draft.subject}
            onChange={edit('subject')}
            isReadOnly={readOnly}
            isRequired
            maxLength={500}
            isInvalid={!!refusal('subject')}
          >
            <Label>Subject</Label>
            <Input ref={subjectRef} />
            <Text slot="description" className="field-hint">
              One line; placeholders work here too.
            </Text>
            <FieldError>{mistake('subject')}</FieldError>
          </TextField>
          <GoToMistake refusal={refusal('subject')} field="subject" text={draft.subject} target={subjectRef} />
          <TextField
            className="field"
            value={draft.body}
            onChange={edit('body')}
            isReadOnly={readOnly}
            isRequired
            isInvalid={!!refusal('body')}
          >
            <Label>Body</Label>
            <TextArea ref={bodyRef} rows={14} spellCheck />
            <Text slot="description" className="field-hint">
              The email’s text. The preview follows as you type.
            </Text>
            <FieldError>{mistake('body')}</FieldError>
          </TextField>
          <GoToMistake refusal={refusal('body')} field="body" text={draft.body} target={bodyRef} />
          <TextField
            className="field"
            value={draft.instructions}
            onChange={edit('instructions')}
            isReadOnly={readOnly}
            maxLength={4000}
            isInvalid={!!refusal('instructions')}
          >
            <Label>Instructions for the AI</Label>
            <TextArea rows={3} />
            <Text slot="description" className="field-hint">
              Optional: the tone and style FlowCoach should keep when it writes or refines a draft in this template.
            </Text>
            <FieldError>{mistake('instructions')}</FieldError>
          </TextField>
          {stale && <StaleNotice onReload={() => reload.mutate()} isReloading={reload.isPending} />}
          {save.isError && !stale && <ErrorNotice error={save.error} />}
          {reload.isError && <ErrorNotice error={reload.error} />}
          {!readOnly && (
            <div className="row">
              <Button type="submit" className="button button-primary" isDisabled={save.isPending || !dirty}>
                {save.isPending ? 'Saving…' : 'Save changes'}
              </Button>
              <span className="muted">{dirty ? 'Unsaved changes' : `Version ${baseVersion}`}</span>
            </div>
          )}
          <p className="visually-hidden" role="status">
            {announcement}
          </p>
        </Form>
        <PlaceholderHelp />
      </div>
      <div>
        <TemplatePreviewPanel preview={preview} context={context} onContextChange={setContext} />
        <TemplateVersions templateId={template.id} current={baseVersion} />
        {!readOnly && <ArchiveTemplate template={template} />}
      </div>
    </div>
  )
}

export default function TemplateEditor() {
  const { id = '' } = useParams()
  const api = useApi()
  const template = useQuery(templateQuery(api, id))
  return (
    <div>
      <p>
        <Link to="/templates">← All templates</Link>
      </p>
      {!template.isSuccess && <PageHeader title="Template" />}
      <QueryView query={template} loading="Loading the template…">
        {(loaded) => (
          <>
            <PageHeader title={loaded.name}>
              {loaded.built_in && <span className="badge badge-info">Built-in</span>}
              {loaded.is_default && <span className="badge badge-good">Your default</span>}
            </PageHeader>
            <TemplateForm key={loaded.id} template={loaded} />
          </>
        )}
      </QueryView>
    </div>
  )
}
