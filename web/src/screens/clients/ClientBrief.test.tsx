import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import type { components } from '../../api/schema'
import { fakeServer, renderScreen } from '../../test/fakeApi'
import { ClientBrief } from './ClientBrief'

type Brief = components['schemas']['ClientBrief']

const brief: Brief = {
  client_id: 'c1',
  open_commitments: [
    {
      id: 'k1',
      session_id: 's1',
      session_title: 'First check-in',
      session_held_at: '2026-10-05T09:00:00Z',
      client_id: 'c1',
      client_name: 'Priya Natarajan',
      owner: 'Priya Natarajan',
      text: 'Start the morning running plan',
      due_on: null,
      quote: 'I’m going to start the morning running plan',
      status: 'open',
      status_changed_at: null,
      follow_through: {
        outcome: 'not_done',
        session_id: 's2',
        session_held_at: '2026-10-12T09:00:00Z',
        quote: 'I didn’t start the running plan.',
      },
    },
  ],
  recent_sessions: [
    {
      session_id: 's2',
      title: 'Second check-in',
      held_at: '2026-10-12T09:00:00Z',
      themes: ['exercise', 'work'],
      risk_flags: [
        {
          speaker: 'Priya Natarajan',
          client_id: 'c1',
          category: 'burnout',
          severity: 'watch',
          quote: 'I am exhausted',
          guidance: 'Ask about her workload.',
        },
      ],
    },
  ],
  last_follow_up_sent: {
    follow_up_id: 'f1',
    session_id: 's1',
    subject: 'Your next steps',
    sent_at: '2026-10-06T09:00:00Z',
  },
}

describe('a client’s brief', () => {
  it('shows open commitments with what became of them, recent sessions and the last email sent', async () => {
    const server = fakeServer({ 'GET /v1/clients/c1/brief': { body: brief } })
    renderScreen(<ClientBrief clientId="c1" />)
    const open = await screen.findByRole('list', { name: 'Open commitments' })
    expect(open).toHaveTextContent('Start the morning running plan')
    expect(open).toHaveTextContent('reported not done — “I didn’t start the running plan.”')
    expect(within(open).getByRole('link', { name: 'First check-in' })).toHaveAttribute('href', '/sessions/s1')
    const recent = screen.getByRole('list', { name: 'Recent sessions' })
    expect(recent).toHaveTextContent('Themes: exercise, work')
    expect(recent).toHaveTextContent('Watch: burnout — Ask about her workload.')
    expect(screen.getByRole('link', { name: 'Your next steps' })).toHaveAttribute('href', '/follow-ups/f1')
    expect(server.sent('GET /v1/clients/c1/brief')).toHaveLength(1)
  })

  it('says when there is nothing yet', async () => {
    fakeServer({
      'GET /v1/clients/c1/brief': {
        body: { client_id: 'c1', open_commitments: [], recent_sessions: [], last_follow_up_sent: null },
      },
    })
    renderScreen(<ClientBrief clientId="c1" />)
    expect(await screen.findByText('Nothing open.')).toBeInTheDocument()
    expect(screen.getByText('No analysed sessions yet.')).toBeInTheDocument()
    expect(screen.getByText('None sent yet.')).toBeInTheDocument()
  })
})
