import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'

import { fakeServer, problem, renderScreen } from '../../test/fakeApi'
import NewSession from './NewSession'

const TOBIAS = '11111111-1111-4111-8111-111111111111'

function client(id: string, name: string) {
  return {
    id,
    name,
    email: null,
    archived: false,
    consent_ai_processing: true,
    consent_email: false,
    notes: '',
    tags: [],
    time_zone: 'UTC',
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
  }
}

describe('a new session', () => {
  it('is created with the chosen clients and opens its page', async () => {
    const server = fakeServer({
      'GET /v1/clients': { body: { items: [client(TOBIAS, 'Tobias Renner')] } },
      'POST /v1/sessions': { status: 201, body: { id: 'new-session', participants: [] } },
    })
    renderScreen(<NewSession />, { path: '/sessions/new', at: '/sessions/new' })
    const user = userEvent.setup()
    await user.type(screen.getByRole('textbox', { name: 'Title' }), 'Monday check-in')
    await user.click(await screen.findByRole('checkbox', { name: 'Tobias Renner' }))
    await user.click(screen.getByRole('button', { name: 'Create session' }))

    await screen.findByText('Navigated to /sessions/new-session')
    const [sent] = server.sent('POST /v1/sessions')
    const body = sent.body as { title: string; kind: string; held_at: string; participants: { client_id: string }[] }
    expect(body.title).toBe('Monday check-in')
    expect(body.kind).toBe('one_to_one')
    expect(body.participants).toEqual([{ client_id: TOBIAS }])
    expect(new Date(body.held_at).toISOString()).toBe(body.held_at)
    expect(sent.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('shows a refused title next to the field and can be sent again', async () => {
    const server = fakeServer({
      'GET /v1/clients': { body: { items: [] } },
      'POST /v1/sessions': problem(422, 'the request has invalid fields', 'req-7', [
        { field: 'title', message: 'must not be empty' },
      ]),
    })
    renderScreen(<NewSession />, { path: '/sessions/new', at: '/sessions/new' })
    const user = userEvent.setup()
    await screen.findByText('No clients yet: add one below.')
    await user.type(screen.getByRole('textbox', { name: 'Title' }), ' ')
    await user.click(screen.getByRole('button', { name: 'Create session' }))
    expect(await screen.findByText('must not be empty')).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Create session' }))
    await waitFor(() => expect(server.sent('POST /v1/sessions')).toHaveLength(2))
  })
})
