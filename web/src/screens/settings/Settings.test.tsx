import { screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { describe, expect, it } from 'vitest'

import type { Coach, Template } from '../../api/types'
import { fakeServer, problem, renderScreen } from '../../test/fakeApi'
import Settings from './Settings'

const FOCUSED = '44444444-4444-4444-8444-444444444444'

function coach(settings: Record<string, unknown>): Coach {
  return {
    id: 'c0000000-0000-4000-8000-000000000000',
    email: 'alex@example.com',
    display_name: 'Alex Morgan',
    role: 'coach',
    settings: settings as Coach['settings'],
    time_zone: 'Europe/London',
    created_at: '2026-01-01T00:00:00Z',
  }
}

const focused: Template = {
  id: FOCUSED,
  kind: 'follow_up',
  name: 'Focused recap',
  subject: 's',
  body: 'b',
  instructions: '',
  built_in: false,
  is_default: false,
  version: 1,
  created_at: '2026-01-01T00:00:00Z',
  updated_at: '2026-01-01T00:00:00Z',
}

describe('Settings', () => {
  it('sends every setting in one PATCH and announces the save', async () => {
    const server = fakeServer({
      'GET /v1/me': () => ({ body: coach({ sender_name: 'Alex M.' }) }),
      'GET /v1/templates': () => ({ body: [focused] }),
      'PATCH /v1/me': (request) => ({
        body: coach({ ...(request.body as object), sender_name: 'Coach Alex' }),
      }),
    })
    renderScreen(<Settings />)
    const user = userEvent.setup()

    const sender = await screen.findByRole('textbox', { name: 'Sender name' })
    expect(sender).toHaveValue('Alex M.')
    expect(screen.getByRole('checkbox', { name: /Send drafts without my approval/ })).not.toBeChecked()
    expect(screen.queryByRole('textbox', { name: /Hours/ })).not.toBeInTheDocument()

    await user.clear(sender)
    await user.type(sender, '  Coach Alex ')

    const zone = screen.getByRole('combobox', { name: 'Time zone' })
    await user.clear(zone)
    await user.type(zone, 'Tokyo')
    await user.click(await screen.findByRole('option', { name: 'Asia/Tokyo' }))

    const templateButton = screen.getByRole('button', { name: /Default follow-up template/ })
    await waitFor(() => expect(templateButton).toBeEnabled())
    await user.click(templateButton)
    await user.click(await screen.findByRole('option', { name: 'Focused recap' }))

    await user.click(screen.getByRole('checkbox', { name: /Send drafts without my approval/ }))
    const hours = screen.getByRole('textbox', { name: 'Hours after the draft is written' })
    await user.clear(hours)
    await user.type(hours, '48')

    await user.click(screen.getByRole('button', { name: /Who analyses your sessions/ }))
    await user.click(await screen.findByRole('option', { name: /The built-in analyser/ }))

    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    await waitFor(() => expect(screen.getByText('Settings saved.')).toBeInTheDocument())
    expect(screen.getByText('Settings saved.')).toHaveAttribute('aria-live', 'polite')
    expect(server.sent('PATCH /v1/me').map((request) => request.body)).toEqual([
      {
        sender_name: 'Coach Alex',
        time_zone: 'Asia/Tokyo',
        default_follow_up_template_id: FOCUSED,
        send_without_approval_after_hours: 48,
        transcript_retention_days: null,
        delete_summaries_with_transcripts: false,
        analyser: 'local',
      },
    ])
  })

  it('clears the sender name and the rule with null, and shows a refused field next to it', async () => {
    const server = fakeServer({
      'GET /v1/me': () => ({ body: coach({ sender_name: 'Alex M.', send_without_approval_after_hours: 12 }) }),
      'GET /v1/templates': () => ({ body: [] }),
      'PATCH /v1/me': () => problem(422, 'invalid fields', 'req-422', [{ field: 'time_zone', message: 'must be an IANA time zone' }]),
    })
    renderScreen(<Settings />)
    const user = userEvent.setup()

    await user.clear(await screen.findByRole('textbox', { name: 'Sender name' }))
    await user.click(screen.getByRole('checkbox', { name: /Send drafts without my approval/ }))
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    expect(await screen.findByText('must be an IANA time zone')).toBeInTheDocument()
    expect(screen.getByRole('combobox', { name: 'Time zone' })).toHaveAttribute('aria-invalid', 'true')
    expect(screen.getByRole('alert')).toHaveTextContent('req-422')
    expect(server.sent('PATCH /v1/me')[0].body).toEqual({
      sender_name: null,
      time_zone: 'Europe/London',
      default_follow_up_template_id: null,
      send_without_approval_after_hours: null,
      transcript_retention_days: null,
      delete_summaries_with_transcripts: false,
      analyser: 'default',
    })
  })

  it('turns transcript removal on with a period and summaries, and off again with null', async () => {
    const server = fakeServer({
      'GET /v1/me': () => ({ body: coach({}) }),
      'GET /v1/templates': () => ({ body: [] }),
      'PATCH /v1/me': (request) => ({ body: coach(request.body as Record<string, unknown>) }),
    })
    renderScreen(<Settings />)
    const user = userEvent.setup()

    const removal = await screen.findByRole('checkbox', { name: /Remove transcripts after/ })
    expect(removal).not.toBeChecked()
    expect(screen.queryByRole('textbox', { name: 'Days after the session' })).not.toBeInTheDocument()
    await user.click(removal)
    const days = screen.getByRole('textbox', { name: 'Days after the session' })
    expect(days).toHaveValue('365')
    await user.clear(days)
    await user.type(days, '90')
    await user.click(screen.getByRole('checkbox', { name: /summary and its commitments/ }))
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(screen.getByText('Settings saved.')).toBeInTheDocument())
    expect(server.sent('PATCH /v1/me')[0].body).toMatchObject({
      transcript_retention_days: 90,
      delete_summaries_with_transcripts: true,
    })

    // What was saved is what the form shows; turning it off sends null.
    expect(screen.getByRole('textbox', { name: 'Days after the session' })).toHaveValue('90')
    await user.click(screen.getByRole('checkbox', { name: /Remove transcripts after/ }))
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(server.sent('PATCH /v1/me')).toHaveLength(2))
    expect(server.sent('PATCH /v1/me')[1].body).toMatchObject({
      transcript_retention_days: null,
      delete_summaries_with_transcripts: false,
    })
  })

  it('shows the analyser the coach chose, and an unknown value as the default', async () => {
    fakeServer({
      'GET /v1/me': () => ({ body: coach({ analyser: 'language_model' }) }),
      'GET /v1/templates': () => ({ body: [] }),
    })
    const { unmount } = renderScreen(<Settings />)
    expect(await screen.findByRole('button', { name: /Who analyses your sessions/ })).toHaveTextContent(
      'The language model',
    )
    unmount()
    fakeServer({
      'GET /v1/me': () => ({ body: coach({ analyser: 'a-model-from-the-future' }) }),
      'GET /v1/templates': () => ({ body: [] }),
    })
    renderScreen(<Settings />)
    expect(await screen.findByRole('button', { name: /Who analyses your sessions/ })).toHaveTextContent(
      'FlowCoach’s default',
    )
  })

  it('keeps the number a coach empties instead of saving a guess', async () => {
    const server = fakeServer({
      'GET /v1/me': () => ({ body: coach({ send_without_approval_after_hours: 48 }) }),
      'GET /v1/templates': () => ({ body: [] }),
      'PATCH /v1/me': (request) => ({ body: coach(request.body as Record<string, unknown>) }),
    })
    renderScreen(<Settings />)
    const user = userEvent.setup()

    const hours = await screen.findByRole('textbox', { name: 'Hours after the draft is written' })
    expect(hours).toHaveValue('48')
    await user.clear(hours)
    await user.tab()
    expect(hours).toHaveValue('48')
    await user.click(screen.getByRole('button', { name: /^More hours/ }))
    expect(hours).toHaveValue('49')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(screen.getByText('Settings saved.')).toBeInTheDocument())
    expect(server.sent('PATCH /v1/me')[0].body).toMatchObject({ send_without_approval_after_hours: 49 })
  })
})
