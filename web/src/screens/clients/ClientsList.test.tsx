import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'

import type { Client } from '../../api/types'
import { fakeServer, problem, renderScreen } from '../../test/fakeApi'
import ClientsList from './ClientsList'

function client(overrides: Partial<Client>): Client {
  return {
    id: crypto.randomUUID(),
    name: 'Sam Taylor',
    email: 'sam@example.com',
    archived: false,
    consent_ai_processing: true,
    consent_email: false,
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    notes: '',
    tags: [],
    time_zone: 'Europe/Berlin',
    ...overrides,
  }
}

describe('ClientsList', () => {
  it('lists clients with their consents and hides archived ones until asked', async () => {
    fakeServer({
      'GET /v1/clients': () => ({
        body: { items: [client({}), client({ name: 'Old Client', archived: true })], next_cursor: null },
      }),
    })
    renderScreen(<ClientsList />)
    const user = userEvent.setup()

    const table = await screen.findByRole('table', { name: 'Clients' })
    const row = within(table).getByRole('link', { name: 'Sam Taylor' }).closest('tr')!
    expect(within(row).getByText('AI analysis: agreed')).toBeInTheDocument()
    expect(within(row).getByText('Emails: not agreed')).toBeInTheDocument()
    expect(within(table).queryByText('Old Client')).not.toBeInTheDocument()

    await user.click(screen.getByRole('checkbox', { name: /Show archived clients/ }))
    expect(within(table).getByText('Old Client')).toBeInTheDocument()
  })

  it('creates a client with the consents ticked and shows field errors from a 422', async () => {
    let attempts = 0
    const server = fakeServer({
      'GET /v1/clients': () => ({ body: { items: [], next_cursor: null } }),
      'POST /v1/clients': (request) => {
        attempts += 1
        if (attempts === 1) return problem(422, 'invalid fields', 'req-422', [{ field: 'email', message: 'is not an email address' }])
        return { status: 201, body: client({ name: (request.body as { name: string }).name }) }
      },
    })
    renderScreen(<ClientsList />)
    const user = userEvent.setup()

    await screen.findByText('No clients yet.')
    await user.click(screen.getByRole('button', { name: 'New client' }))
    expect(screen.getByRole('textbox', { name: 'Name' })).toHaveFocus()
    await user.keyboard('Robin Lee')
    await user.type(screen.getByRole('textbox', { name: /^Email/ }), 'robin@example')
    await user.click(screen.getByRole('checkbox', { name: 'Agrees to receive follow-up emails' }))
    await user.click(screen.getByRole('button', { name: 'Create client' }))

    const email = screen.getByRole('textbox', { name: /^Email/ })
    expect(await screen.findByText('is not an email address')).toBeInTheDocument()
    expect(email).toHaveAttribute('aria-invalid', 'true')
    expect(email.getAttribute('aria-describedby')).toContain(screen.getByText('is not an email address').id)

    const [first] = server.sent('POST /v1/clients')
    expect(first.headers.get('Idempotency-Key')).toBeTruthy()
    expect(first.body).toEqual({
      name: 'Robin Lee',
      email: 'robin@example',
      time_zone: Intl.DateTimeFormat().resolvedOptions().timeZone,
      consent_ai_processing: false,
      consent_email: true,
    })

    await user.clear(email)
    await user.type(email, 'robin@example.com')
    await user.click(screen.getByRole('button', { name: 'Create client' }))
    await waitFor(() => expect(screen.getByRole('status')).toHaveTextContent('Added Robin Lee.'))
    expect(screen.queryByRole('button', { name: 'Create client' })).not.toBeInTheDocument()
  })
})
