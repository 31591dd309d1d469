import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'

import type { Commitment } from '../../api/types'
import { fakeServer, renderScreen, type SentRequest } from '../../test/fakeApi'
import Commitments from './Commitments'

const SAM = '11111111-1111-4111-8111-111111111111'

function commitment(overrides: Partial<Commitment>): Commitment {
  return {
    id: crypto.randomUUID(),
    text: 'Send the report',
    owner: 'Sam',
    client_id: SAM,
    client_name: 'Sam Taylor',
    due_on: '2026-03-12',
    quote: 'I will send the report',
    session_id: '22222222-2222-4222-8222-222222222222',
    session_title: 'Weekly check-in',
    session_held_at: '2026-03-05T09:00:00Z',
    status: 'open',
    status_changed_at: null,
    ...overrides,
  }
}

function coach(timeZone: string) {
  return {
    id: 'c0000000-0000-4000-8000-000000000000',
    email: 'alex@example.com',
    display_name: 'Alex Morgan',
    role: 'coach',
    settings: {},
    time_zone: timeZone,
    created_at: '2026-01-01T00:00:00Z',
  }
}

function serverWith(timeZone: string, items: (query: URLSearchParams) => Commitment[]) {
  return fakeServer({
    'GET /v1/me': () => ({ body: coach(timeZone) }),
    'GET /v1/clients': () => ({
      body: {
        items: [
          {
            id: SAM,
            name: 'Sam Taylor',
            email: null,
            archived: false,
            consent_ai_processing: true,
            consent_email: true,
            created_at: '2026-01-01T00:00:00Z',
            updated_at: '2026-01-01T00:00:00Z',
            notes: '',
            tags: [],
            time_zone: 'Europe/Berlin',
          },
        ],
        next_cursor: null,
      },
    }),
    'GET /v1/commitments': (request) => ({ body: { items: items(request.query), next_cursor: null } }),
    'PATCH /v1/commitments/:id': (request, params) => ({
      body: commitment({ id: params.id, status: (request.body as { status: Commitment['status'] }).status }),
    }),
  })
}

const listQuery = (request: SentRequest) => Object.fromEntries(request.query)

describe('Commitments', () => {
  beforeEach(() => {
    // 23:30 on 9 March in New York is already 10 March in UTC and in Berlin.
    vi.useFakeTimers({ toFake: ['Date'] })
    vi.setSystemTime(new Date('2026-03-10T03:30:00Z'))
  })
  afterEach(() => vi.useRealTimers())

  it('asks for each view with dates counted in the coach’s own day', async () => {
    const server = serverWith('America/New_York', () => [])
    renderScreen(<Commitments />)
    const user = userEvent.setup()

    await screen.findByText('Nothing is due today or in the next 7 days.')
    expect(listQuery(server.sent('GET /v1/commitments')[0])).toEqual({
      status: 'open',
      due_from: '2026-03-09',
      due_before: '2026-03-17',
      limit: '50',
    })

    await user.click(screen.getByRole('tab', { name: 'Overdue' }))
    await screen.findByText('Nothing is overdue.')
    expect(listQuery(server.sent('GET /v1/commitments').at(-1)!)).toEqual({
      status: 'open',
      due_before: '2026-03-09',
      limit: '50',
    })

    await user.click(screen.getByRole('tab', { name: 'Done' }))
    await screen.findByText('No commitments are marked done yet.')
    expect(listQuery(server.sent('GET /v1/commitments').at(-1)!)).toEqual({ status: 'done', limit: '50' })
  })

  it('narrows the request to one client when one is chosen', async () => {
    const server = serverWith('Europe/Berlin', () => [])
    renderScreen(<Commitments />)
    const user = userEvent.setup()

    await screen.findByText('Nothing is due today or in the next 7 days.')
    const clientButton = screen.getByRole('button', { name: /All clients/ })
    await waitFor(() => expect(clientButton).toBeEnabled())
    await user.click(clientButton)
    await user.click(await screen.findByRole('option', { name: 'Sam Taylor' }))

    await screen.findByText('Nothing is due today or in the next 7 days for this client.')
    expect(listQuery(server.sent('GET /v1/commitments').at(-1)!)).toEqual({
      client_id: SAM,
      status: 'open',
      due_from: '2026-03-10',
      due_before: '2026-03-18',
      limit: '50',
    })
  })

  it('shows "Due soon" earliest first and marks one done in place', async () => {
    const server = serverWith('Europe/Berlin', () => [
      commitment({ text: 'Send the report', due_on: '2026-03-12' }),
      commitment({ text: 'Book the venue', due_on: '2026-03-10' }),
    ])
    renderScreen(<Commitments />)
    const user = userEvent.setup()

    const table = await screen.findByRole('table', { name: 'Due soon commitments' })
    const texts = within(table)
      .getAllByRole('row')
      .slice(1)
      .map((row) => row.textContent ?? '')
    expect(texts[0]).toContain('Book the venue')
    expect(texts[1]).toContain('Send the report')
    const row = within(table).getByText('Send the report').closest('tr')!
    expect(within(row).getByRole('link', { name: 'Weekly check-in' })).toHaveAttribute(
      'href',
      '/sessions/22222222-2222-4222-8222-222222222222',
    )

    await user.click(within(row).getByRole('button', { name: 'Mark done' }))

    expect(await within(row).findByRole('button', { name: 'Reopen' })).toBeInTheDocument()
    const patches = server.requests.filter((request) => request.method === 'PATCH')
    expect(patches).toHaveLength(1)
    expect(patches[0].body).toEqual({ status: 'done' })
    expect(screen.getByRole('status')).toHaveTextContent('Marked done: Send the report')
  })
})
