import { screen, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { fakeServer, problem, renderScreen } from '../../test/fakeApi'
import { aFollowUp } from './fixtures'
import { SessionFollowUps } from './SessionFollowUps'

const ROUTE = 'GET /v1/sessions/s1/follow-ups'

function openSession() {
  return renderScreen(<SessionFollowUps sessionId="s1" />, { path: '/sessions/:id', at: '/sessions/s1' })
}

describe('a session’s follow-ups', () => {
  it('lists each with its status and a link to its editor, marking drafts from an earlier analysis', async () => {
    const server = fakeServer({
      [ROUTE]: {
        body: {
          items: [
            aFollowUp({ id: 'f1', generation: 1, status: 'sent', sent_at: '2026-12-01T14:00:00Z' }),
            aFollowUp({ id: 'f2', generation: 2, client_name: 'Sam Okafor', subject: 'Next steps', needs_review: true }),
          ],
        },
      },
    })
    openSession()
    const list = await screen.findByRole('list', { name: 'Follow-ups of this session' })
    const [older, newer] = within(list).getAllByRole('listitem')

    expect(within(older).getByRole('link', { name: 'Our session on Tuesday' })).toHaveAttribute('href', '/follow-ups/f1')
    expect(within(older).getByText('sent', { selector: '.badge' })).toBeInTheDocument()
    expect(older).toHaveTextContent('from an earlier analysis')

    expect(within(newer).getByRole('link', { name: 'Next steps' })).toHaveAttribute('href', '/follow-ups/f2')
    expect(newer).toHaveTextContent('to Sam Okafor')
    expect(within(newer).getByText('draft', { selector: '.badge' })).toBeInTheDocument()
    expect(within(newer).getByText('needs review')).toBeInTheDocument()
    expect(newer).not.toHaveTextContent('from an earlier analysis')
    expect(server.sent(ROUTE)).toHaveLength(1)
  })

  it('says when there are none', async () => {
    fakeServer({ [ROUTE]: { body: { items: [] } } })
    openSession()
    expect(await screen.findByText('No follow-up drafts for this session yet.')).toBeInTheDocument()
  })

  it('shows a failure with its request id', async () => {
    fakeServer({ [ROUTE]: problem(503, 'FlowCoach is restarting.', 'req-s503') })
    openSession()
    expect(await screen.findByRole('alert')).toHaveTextContent('req-s503')
  })
})
