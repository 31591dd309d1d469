import { act, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'

import type { Template } from '../../api/types'
import { fakeServer, problem, renderScreen, type Reply } from '../../test/fakeApi'
import TemplateEditor from './TemplateEditor'

const ID = '33333333-3333-4333-8333-333333333333'

function template(overrides: Partial<Template> = {}): Template {
  return {
    id: ID,
    kind: 'follow_up',
    name: 'My recap',
    subject: 'Hello {{ client_first_name }}',
    body: 'Hi {{ client_first_name }},\nThanks.',
    instructions: '',
    built_in: false,
    is_default: false,
    version: 3,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-02T00:00:00Z',
    ...overrides,
  }
}

interface PreviewBody {
  subject?: string
  body?: string
}

function editorServer({
  current = () => template(),
  preview = (body: PreviewBody): Reply => ({
    body: { subject: 'Hello Sam', text: `rendered: ${body.body ?? 'saved'}`, html: '<p>Hi Sam</p>', sample: true },
  }),
  patch,
}: {
  current?: () => Template
  preview?: (body: PreviewBody) => Reply
  patch?: (ifMatch: string | null, body: Partial<Template>) => Reply
} = {}) {
  return fakeServer({
    'GET /v1/templates/:id': (_, params) => ({ body: { ...current(), id: params.id } }),
    'GET /v1/templates/:id/versions': () => ({ body: [] }),
    'GET /v1/sessions': () => ({ body: { items: [], next_cursor: null } }),
    'POST /v1/templates/:id/preview': (request) => preview(request.body as PreviewBody),
    'PATCH /v1/templates/:id': (request) =>
      patch ? patch(request.headers.get('If-Match'), request.body as Partial<Template>) : problem(500, 'unexpected', 'req-500'),
    'POST /v1/templates': () => ({ status: 201, body: template({ id: 'copy-id', built_in: false }) }),
  })
}

// As the server words a misspelt placeholder in a body.
const MISTAKE =
  '`client_frist_name` on line 2, column 4 is not a placeholder FlowCoach knows. Available placeholders: client_first_name, client_name.'

const sleep = (ms: number) => act(() => new Promise((resolve) => setTimeout(resolve, ms)))

function renderEditor() {
  return renderScreen(<TemplateEditor />, { path: '/templates/:id', at: `/templates/${ID}` })
}

describe('TemplateEditor', () => {
  it('previews the unsaved text once typing pauses, in a sandboxed frame', async () => {
    const server = editorServer()
    renderEditor()
    const user = userEvent.setup()
    const previews = () => server.sent(`POST /v1/templates/${ID}/preview`)

    // The plain text is a <pre>; the matcher reads its line break as a space.
    expect(await screen.findByText('rendered: Hi {{ client_first_name }}, Thanks.')).toBeInTheDocument()
    const frame = screen.getByTitle('Email preview, as the client sees it')
    expect(frame).toHaveAttribute('sandbox', '')
    expect(frame).toHaveAttribute('srcdoc', '<p>Hi Sam</p>')
    expect(previews()).toHaveLength(1)

    const body = screen.getByRole('textbox', { name: /^Body/ })
    await user.type(body, ' See you')
    await sleep(100)
    await user.type(body, ' soon.')
    await sleep(200)
    // Still typing as far as the debounce knows: nothing sent since the first preview.
    expect(previews()).toHaveLength(1)

    await waitFor(() => expect(previews()).toHaveLength(2))
    expect(previews()[1].body).toEqual({
      subject: 'Hello {{ client_first_name }}',
      body: 'Hi {{ client_first_name }},\nThanks. See you soon.',
    })
    expect(await screen.findByText('rendered: Hi {{ client_first_name }}, Thanks. See you soon.')).toBeInTheDocument()
    await sleep(500)
    expect(previews()).toHaveLength(2)
  })

  it('shows a 422 with its line and column next to the field, and goes there', async () => {
    editorServer({
      preview: (request) =>
        request.body?.includes('frist')
          ? problem(422, 'invalid fields', 'req-422', [
              { field: 'body', message: MISTAKE, line: 2, column: 4 },
            ])
          : { body: { subject: 'Hello Sam', text: 'fine', html: '<p>fine</p>', sample: true } },
    })
    renderEditor()
    const user = userEvent.setup()

    const body = await screen.findByRole('textbox', { name: /^Body/ })
    await user.clear(body)
    await user.type(body, 'Hi,\nOh {{{{ client_frist_name }}')

    // Shown as the server wrote it, which says where already.
    const message = await screen.findByText(MISTAKE)
    expect(body).toHaveAttribute('aria-invalid', 'true')
    expect(body.getAttribute('aria-describedby')).toContain(message.id)
    expect(screen.getByRole('textbox', { name: /^Subject/ })).not.toHaveAttribute('aria-invalid')
    expect(screen.getByText('Fix the mistake marked in the template to see the preview.')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Go to line 2, column 4' }))
    expect(body).toHaveFocus()
    expect((body as HTMLTextAreaElement).selectionStart).toBe('Hi,\n'.length + 3)
  })

  it('saves against the version it was opened at and, on 412, reloads the latest', async () => {
    let current = template()
    const server = editorServer({
      current: () => current,
      patch: (ifMatch) => (ifMatch === '"3"' ? problem(412, 'changed since you read it', 'req-412') : { body: current }),
    })
    const { queryClient } = renderEditor()
    const user = userEvent.setup()

    const name = await screen.findByRole('textbox', { name: 'Name' })
    await user.type(name, ' (short)')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    const alert = await screen.findByText(/Someone saved this template since you opened it/)
    expect(alert).toBeInTheDocument()
    expect(server.sent(`PATCH /v1/templates/${ID}`)[0].headers.get('If-Match')).toBe('"3"')

    current = template({ version: 4, name: 'Their recap', body: 'Their body' })
    await user.click(screen.getByRole('button', { name: 'Reload' }))
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Name' })).toHaveValue('Their recap'))
    expect(screen.getByRole('textbox', { name: /^Body/ })).toHaveValue('Their body')
    expect(queryClient.getQueryData(['templates', 'one', ID])).toMatchObject({ version: 4 })

    await user.type(screen.getByRole('textbox', { name: 'Name' }), '!')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(server.sent(`PATCH /v1/templates/${ID}`)).toHaveLength(2))
    const retry = server.sent(`PATCH /v1/templates/${ID}`)[1]
    expect(retry.headers.get('If-Match')).toBe('"4"')
    expect(retry.body).toMatchObject({ name: 'Their recap!', body: 'Their body' })
  })

  it('keeps a built-in read-only and duplicates it on request', async () => {
    const server = editorServer({ current: () => template({ built_in: true, name: 'Warm recap' }) })
    renderEditor()
    const user = userEvent.setup()

    expect(await screen.findByRole('textbox', { name: /^Body/ })).toHaveAttribute('readonly')
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Archive' })).not.toBeInTheDocument()
    await waitFor(() => expect(server.sent(`POST /v1/templates/${ID}/preview`)).toHaveLength(1))
    // A built-in previews its saved text: nothing unsaved is sent.
    expect(server.sent(`POST /v1/templates/${ID}/preview`)[0].body).toEqual({})

    await user.click(screen.getByRole('button', { name: 'Duplicate' }))
    // The copy opens in the editor.
    await waitFor(() => expect(server.sent('GET /v1/templates/copy-id')).toHaveLength(1))
    expect(server.sent('POST /v1/templates')[0].body).toEqual({ copy_of: ID })
  })
})
