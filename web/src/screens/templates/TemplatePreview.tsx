import type { UseQueryResult } from '@tanstack/react-query'
import { useQuery } from '@tanstack/react-query'
import { Button, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text } from 'react-aria-components'

import { data } from '../../api/client'
import { keys } from '../../api/keys'
import { ApiProblem } from '../../api/problem'
import type { TemplatePreview as Preview } from '../../api/types'
import { useApi } from '../../app/context'
import { ErrorNotice } from '../../components/ErrorNotice'
import { formatDate } from '../../components/format'
import { Loading } from '../../components/QueryView'
import { SAMPLE_VALUES } from './usePreview'

/** Which values to fill the template in with: samples, or a recent session's for one client. */
function PreviewWith({ value, onChange }: { value: string; onChange: (choice: string) => void }) {
  const api = useApi()
  const sessions = useQuery({
    queryKey: keys.sessionList({ status: 'ready', limit: 20 }),
    queryFn: () => data(api.GET('/v1/sessions', { params: { query: { status: 'ready', limit: 20 } } })),
  })
  const options = [
    { id: SAMPLE_VALUES, label: 'Sample values' },
    ...(sessions.data?.items ?? []).flatMap((session) =>
      session.participants
        .filter((participant) => participant.attendance === 'attended')
        .map((participant) => ({
          id: `${session.id}:${participant.client_id}`,
          label: `${participant.name}, ${session.title} (${formatDate(session.held_at)})`,
        })),
    ),
  ]
  return (
    <Select
      className="field"
      value={value}
      onChange={(key) => onChange(key === null ? SAMPLE_VALUES : String(key))}
    >
      <Label>Preview with</Label>
      <Button className="button select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      <Text slot="description" className="field-hint">
        {sessions.isError
          ? 'Your sessions could not be loaded; sample values still work.'
          : 'Sample values, or what a recent session would give one of its clients.'}
      </Text>
      <Popover className="popover">
        <ListBox className="listbox" items={options}>
          {(option) => (
            <ListBoxItem className="listbox-item" id={option.id}>
              {option.label}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  )
}

function isFieldProblem(error: unknown): boolean {
  return error instanceof ApiProblem && error.status === 422 && error.fields.some((f) => f.field !== 'session_id' && f.field !== 'client_id')
}

/** The filled-in email: its subject, the HTML a client sees (sandboxed), and the plain text. */
export function TemplatePreviewPanel({
  preview,
  context,
  onContextChange,
}: {
  preview: UseQueryResult<Preview>
  context: string
  onContextChange: (choice: string) => void
}) {
  return (
    <section className="card" aria-labelledby="preview-heading" aria-busy={preview.isFetching}>
      <h2 id="preview-heading">Preview</h2>
      <PreviewWith value={context} onChange={onContextChange} />
      <p className="muted" aria-live="polite">
        {preview.isFetching
          ? 'Updating the preview…'
          : preview.isError && isFieldProblem(preview.error)
            ? 'Fix the mistake marked in the template to see the preview.'
            : ''}
      </p>
      {preview.isPending && preview.isFetching && <Loading label="Filling the template in…" />}
      {preview.isError && !isFieldProblem(preview.error) && (
        <ErrorNotice error={preview.error} onRetry={() => void preview.refetch()} />
      )}
      {preview.data && !preview.isError && (
        <>
          <p className="muted">
            {preview.data.sample ? 'Filled in with sample values.' : 'Filled in from the chosen session.'}
          </p>
          <h3>Subject</h3>
          <p>{preview.data.subject}</p>
          <h3>As the client sees it</h3>
          <iframe
            className="preview-frame"
            sandbox=""
            srcDoc={preview.data.html}
            title="Email preview, as the client sees it"
          />
          <h3>Plain-text version</h3>
          <pre className="preview-text">{preview.data.text}</pre>
        </>
      )}
    </section>
  )
}
