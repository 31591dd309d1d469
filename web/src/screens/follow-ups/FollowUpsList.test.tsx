import { screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import { formatDateTime } from '../../components/format'
import { fakeServer, problem, renderScreen } from '../../test/fakeApi'
import { aFollowUp } from './fixtures'
import FollowUpsList from './FollowUpsList'

const LIST = 'GET /v1/follow-ups'
const CLIENTS = { body: { items: [{ id: 'c1', name: 'Maria Lopez' }], next_cursor: null } }

function openList() {
  return renderScreen(<FollowUpsList />, { path: '/follow-ups', at: '/follow-ups' })
}

describe('the follow-ups list', () => {
  it('shows each follow-up with its client, subject, session, status and time', async () => {
    fakeServer({
      'GET /v1/clients': CLIENTS,
      [LIST]: {
        body: {
          items: [
            aFollowUp({ id: 'f1', status: 'sent', sent_at: '2026-12-01T14:00:00Z' }),
            aFollowUp({
              id: 'f2',
              session_id: 's2',
              client_name: 'Sam Okafor',
              subject: 'Next steps',
              status: 'draft',
              needs_review: true,
            }),
          ],
          next_cursor: null,
        },
      },
    })
    openList()
    const table = await screen.findByRole('table', { name: 'Follow-ups' })
    const [, first, second] = within(table).getAllByRole('row')

    expect(within(first).getByRole('cell', { name: 'Maria Lopez' })).toHaveAttribute('data-label', 'Client')
    expect(within(first).getByRole('link', { name: 'Our session on Tuesday' })).toHaveAttribute('href', '/follow-ups/f1')
    expect(within(first).getByRole('link', { name: /^Session/ })).toHaveAttribute('href', '/sessions/s1')
    expect(within(first).getByText('sent', { selector: '.badge' })).toBeInTheDocument()
    expect(first).toHaveTextContent(`Sent ${formatDateTime('2026-12-01T14:00:00Z')}`)

    expect(within(second).getByRole('link', { name: 'Next steps' })).toHaveAttribute('href', '/follow-ups/f2')
    expect(within(second).getByRole('link', { name: /^Session/ })).toHaveAttribute('href', '/sessions/s2')
    expect(within(second).getByText('draft', { selector: '.badge' })).toBeInTheDocument()
    expect(within(second).getByText('needs review')).toBeInTheDocument()
    expect(second).toHaveTextContent('not scheduled')
  })

  it('filters by status as the API does', async () => {
    const server = fakeServer({
      'GET /v1/clients': CLIENTS,
      [LIST]: (request) => ({
        body: {
          items: request.query.get('status') === 'failed' ? [aFollowUp({ id: 'f9', status: 'failed', subject: 'Bounced' })] : [aFollowUp()],
          next_cursor: null,
        },
      }),
    })
    const { user } = openList()
    await screen.findByRole('link', { name: 'Our session on Tuesday' })

    await user.click(screen.getByRole('button', { name: /Status/ }))
    await user.click(await screen.findByRole('option', { name: 'failed' }))

    expect(await screen.findByRole('link', { name: 'Bounced' })).toBeInTheDocument()
    expect(screen.queryByRole('link', { name: 'Our session on Tuesday' })).not.toBeInTheDocument()
    const last = server.sent(LIST).at(-1)
    expect(last?.query.get('status')).toBe('failed')
    expect(last?.query.has('client_id')).toBe(false)
  })

  it('loads the next page with the cursor of the last one', async () => {
    const server = fakeServer({
      'GET /v1/clients': CLIENTS,
      [LIST]: (request) =>
        request.query.get('cursor') === 'page-2'
          ? { body: { items: [aFollowUp({ id: 'f2', subject: 'Older one' })], next_cursor: null } }
          : { body: { items: [aFollowUp({ id: 'f1' })], next_cursor: 'page-2' } },
    })
    const { user } = openList()
    await user.click(await screen.findByRole('button', { name: 'Load more follow-ups' }))

    expect(await screen.findByRole('link', { name: 'Older one' })).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Our session on Tuesday' })).toBeInTheDocument()
    expect(server.sent(LIST).map((request) => request.query.get('cursor'))).toEqual([null, 'page-2'])
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Load more follow-ups' })).not.toBeInTheDocument())
  })

  it('says when there are none yet', async () => {
    fakeServer({ 'GET /v1/clients': CLIENTS, [LIST]: { body: { items: [], next_cursor: null } } })
    openList()
    expect(await screen.findByText('No follow-ups yet.')).toBeInTheDocument()
    expect(screen.queryByRole('table')).not.toBeInTheDocument()
  })

  it('shows a failure with its request id and lets the coach try again', async () => {
    const server = fakeServer({ 'GET /v1/clients': CLIENTS, [LIST]: problem(503, 'FlowCoach is restarting.', 'req-503') })
    const { user } = openList()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('req-503')

    server.on(LIST, { body: { items: [aFollowUp()], next_cursor: null } })
    await user.click(within(alert).getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('link', { name: 'Our session on Tuesday' })).toBeInTheDocument()
  })
})
