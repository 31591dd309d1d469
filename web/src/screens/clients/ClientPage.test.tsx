import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'

import type { Client } from '../../api/types'
import { fakeServer, renderScreen } from '../../test/fakeApi'
import ClientPage from './ClientPage'

const ID = '55555555-5555-4555-8555-555555555555'
const TEMPLATE = '66666666-6666-4666-8666-666666666666'

const sam: Client = {
  id: ID,
  name: 'Sam Taylor',
  email: 'sam@example.com',
  archived: false,
  consent_ai_processing: true,
  consent_email: false,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
  notes: 'Prefers mornings',
  tags: [],
  time_zone: 'Europe/Berlin',
  follow_up_template_id: null,
}

function clientServer() {
  let current = sam
  return fakeServer({
    'GET /v1/clients/:id': () => ({ body: current }),
    'PATCH /v1/clients/:id': (request) => {
      current = { ...current, ...(request.body as Partial<Client>) }
      return { body: current }
    },
    'GET /v1/templates': () => ({
      body: [
        {
          id: TEMPLATE,
          kind: 'follow_up',
          name: 'Warm recap',
          subject: 's',
          body: 'b',
          instructions: '',
          built_in: true,
          is_default: true,
          version: 1,
          created_at: '2026-01-01T00:00:00Z',
          updated_at: '2026-01-01T00:00:00Z',
        },
      ],
    }),
  })
}

function renderClient() {
  return renderScreen(<ClientPage />, { path: '/clients/:id', at: `/clients/${ID}` })
}

describe('ClientPage', () => {
  it('saves the edited details, template and notes', async () => {
    const server = clientServer()
    renderClient()
    const user = userEvent.setup()

    expect(await screen.findByRole('heading', { level: 1, name: 'Sam Taylor' })).toBeInTheDocument()
    const email = screen.getByRole('textbox', { name: /^Email/ })
    await user.clear(email)
    await user.click(screen.getByRole('checkbox', { name: 'Agrees to receive follow-up emails' }))
    const templateButton = screen.getByRole('button', { name: /Follow-up template/ })
    await waitFor(() => expect(templateButton).toBeEnabled())
    await user.click(templateButton)
    await user.click(await screen.findByRole('option', { name: 'Warm recap (built-in)' }))
    await user.type(screen.getByRole('textbox', { name: /^Notes/ }), ', not Fridays')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    await waitFor(() => expect(screen.getByText('Changes saved.')).toBeInTheDocument())
    expect(server.sent(`PATCH /v1/clients/${ID}`)[0].body).toEqual({
      name: 'Sam Taylor',
      email: null,
      time_zone: 'Europe/Berlin',
      consent_ai_processing: true,
      consent_email: true,
      follow_up_template_id: TEMPLATE,
      notes: 'Prefers mornings, not Fridays',
    })
    expect(screen.getByText('Emails: agreed')).toBeInTheDocument()
  })

  it('archives only after the confirmation', async () => {
    const server = clientServer()
    renderClient()
    const user = userEvent.setup()

    await user.click(await screen.findByRole('button', { name: 'Archive' }))
    const dialog = await screen.findByRole('alertdialog', { name: 'Archive Sam Taylor?' })
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }))
    expect(server.sent(`PATCH /v1/clients/${ID}`)).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Archive' }))
    await user.click(
      within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Archive client' }),
    )
    expect(await screen.findByRole('button', { name: 'Restore client' })).toBeInTheDocument()
    expect(server.sent(`PATCH /v1/clients/${ID}`).map((request) => request.body)).toEqual([{ archived: true }])
  })
})
