import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import { describe, expect, it } from 'vitest'

import type { FollowUp } from '../../api/types'
import { formatDateTime } from '../../components/format'
import { fakeServer, problem, renderScreen, type Answer, type Reply } from '../../test/fakeApi'
import { aFollowUp, aVersion } from './fixtures'
import FollowUpEditor from './FollowUpEditor'

const ONE = 'GET /v1/follow-ups/f1'
const VERSIONS = 'GET /v1/follow-ups/f1/versions'

/**
 * The follow-up, its versions, and the changes a test needs. A change that
 * succeeds becomes what GET answers, as on the real server.
 */
function serve(followUp: FollowUp, changes: Record<string, Answer> = {}) {
  const server = fakeServer({
    [ONE]: { body: followUp },
    [VERSIONS]: {
      body: [
        aVersion(1, 'Our session', 'Hi Maria,\nThanks.', 'ai'),
        aVersion(2, 'Our session on Tuesday', 'Hi Maria,\nThanks.'),
        aVersion(3, followUp.subject, followUp.body),
      ],
    },
  })
  for (const [route, answer] of Object.entries(changes)) {
    server.on(route, async (request, params) => {
      const reply = typeof answer === 'function' ? await answer(request, params) : answer
      if ((reply.status ?? 200) < 400) server.on(ONE, reply)
      return reply
    })
  }
  return server
}

function openEditor() {
  return renderScreen(<FollowUpEditor />, { path: '/follow-ups/:id', at: '/follow-ups/f1' })
}

describe('editing a draft', () => {
  it('saves only what changed, against the version it was read at', async () => {
    const server = serve(aFollowUp(), {
      'PATCH /v1/follow-ups/f1': { body: aFollowUp({ version: 4, body: 'Hi Maria,\nSee you soon.' }) },
    })
    const { user } = openEditor()

    const body = await screen.findByRole('textbox', { name: 'Body' })
    expect(screen.getByRole('heading', { level: 1, name: 'Follow-up' })).toBeInTheDocument()
    expect(screen.getByText(/America\/New_York/)).toBeInTheDocument()
    expect(screen.getByRole('link', { name: 'Maria Lopez' })).toHaveAttribute('href', '/clients/c1')
    expect(screen.getByRole('textbox', { name: 'Subject' })).toHaveValue('Our session on Tuesday')
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled()

    await user.clear(body)
    await user.type(body, 'Hi Maria,{Enter}See you soon.')
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    expect(await screen.findByText('Saved as version 4.')).toBeInTheDocument()
    const [patch] = server.sent('PATCH /v1/follow-ups/f1')
    expect(patch.headers.get('If-Match')).toBe('"3"')
    expect(patch.body).toEqual({ body: 'Hi Maria,\nSee you soon.' })
    expect(screen.getByRole('button', { name: 'Save changes' })).toBeDisabled()
  })

  it('refuses an empty subject before asking the API', async () => {
    const server = serve(aFollowUp())
    const { user } = openEditor()
    await user.clear(await screen.findByRole('textbox', { name: 'Subject' }))
    await user.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(await screen.findByText('Enter a subject.')).toBeInTheDocument()
    expect(screen.getByRole('textbox', { name: 'Subject' })).toHaveAttribute('aria-invalid', 'true')
    expect(server.sent('PATCH /v1/follow-ups/f1')).toHaveLength(0)
  })

  it('says a 412 means it changed meanwhile, and reloads the latest version', async () => {
    const server = serve(aFollowUp(), {
      'PATCH /v1/follow-ups/f1': problem(412, 'The follow-up is at version 4, not 3: it changed since you read it.', 'req-412'),
    })
    const { user } = openEditor()
    const body = await screen.findByRole('textbox', { name: 'Body' })
    await user.type(body, ' Mine.')
    server.on(ONE, { body: aFollowUp({ version: 4, body: 'Their newer text.' }) })
    await user.click(screen.getByRole('button', { name: 'Save changes' }))

    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('This follow-up changed since you opened it.')
    expect(alert).toHaveTextContent('req-412')
    await user.click(within(alert).getByRole('button', { name: 'Reload the latest version' }))

    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Body' })).toHaveValue('Their newer text.'))
    expect(screen.queryByRole('alert')).not.toBeInTheDocument()
  })

  it('keeps what the coach typed when a newer version arrives, and warns that saving will be refused', async () => {
    serve(aFollowUp())
    const { user, queryClient } = openEditor()
    await user.type(await screen.findByRole('textbox', { name: 'Body' }), ' Mine.')
    queryClient.setQueryData(['follow-ups', 'one', 'f1'], aFollowUp({ version: 4, body: 'Theirs.' }))
    expect(await screen.findByText(/A newer version of this follow-up was saved/)).toBeInTheDocument()
    expect(screen.getByRole('textbox', { name: 'Body' })).toHaveValue('Hi Maria,\nThanks for today. Mine.')
  })
})

describe('approving', () => {
  it('approves the version read, with If-Match', async () => {
    const server = serve(aFollowUp(), {
      'POST /v1/follow-ups/f1/approve': {
        body: aFollowUp({ status: 'approved', approved_version: 3, approved_at: '2026-12-01T10:00:00Z' }),
      },
    })
    const { user } = openEditor()
    await user.click(await screen.findByRole('button', { name: 'Approve' }))

    expect(await screen.findByText('Approved version 3. Schedule it or send it now.')).toBeInTheDocument()
    const [approve] = server.sent('POST /v1/follow-ups/f1/approve')
    expect(approve.headers.get('If-Match')).toBe('"3"')
    expect(approve.headers.get('Idempotency-Key')).toMatch(/^[0-9a-f-]{36}$/)
    expect(screen.getByText('approved', { selector: '.badge' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Save changes' })).not.toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Schedule' })).toBeInTheDocument()
    expect(screen.getByRole('button', { name: 'Send now' })).toBeInTheDocument()
  })

  it('holds a draft needing review until the coach says they reviewed it', async () => {
    const server = serve(
      aFollowUp({ needs_review: true, review_reason: 'An urgent risk flag was raised (1, self_harm).' }),
      { 'POST /v1/follow-ups/f1/approve': { body: aFollowUp({ status: 'approved', approved_version: 3 }) } },
    )
    const { user } = openEditor()
    const warning = await screen.findByRole('heading', { level: 2, name: 'Review this draft before approving it' })
    expect(warning.parentElement).toHaveTextContent('An urgent risk flag was raised (1, self_harm).')
    const approve = screen.getByRole('button', { name: 'Approve' })
    expect(approve).toBeDisabled()

    await user.click(screen.getByRole('checkbox', { name: /I have reviewed this draft/ }))
    expect(approve).toBeEnabled()
    await user.click(approve)
    await waitFor(() => expect(server.sent('POST /v1/follow-ups/f1/approve')).toHaveLength(1))
  })

  it('asks to save unsaved text first, since only a saved version is approved', async () => {
    serve(aFollowUp())
    const { user } = openEditor()
    await user.type(await screen.findByRole('textbox', { name: 'Subject' }), '!')
    expect(screen.getByRole('button', { name: 'Approve' })).toBeDisabled()
    expect(screen.getByText(/Save or undo your changes first/)).toBeInTheDocument()
  })
})

describe('scheduling', () => {
  const approved = aFollowUp({ status: 'approved', approved_version: 3, approved_at: '2026-12-01T10:00:00Z' })

  it('refuses a time the client’s clocks skip, then sends the client’s wall time', async () => {
    const server = serve(approved, {
      'POST /v1/follow-ups/f1/schedule': {
        body: { ...approved, status: 'scheduled', scheduled_at: '2030-03-10T13:00:00Z' },
      },
    })
    const { user } = openEditor()
    expect(await screen.findByText(/Times are in Maria Lopez’s time zone/)).toHaveTextContent('America/New_York')

    fireEvent.change(screen.getByLabelText('Date'), { target: { value: '2030-03-10' } })
    fireEvent.change(screen.getByLabelText('Time'), { target: { value: '02:30' } })
    await user.click(screen.getByRole('button', { name: 'Schedule' }))
    expect(await screen.findByText(/does not exist in America\/New_York/)).toBeInTheDocument()
    expect(screen.getByLabelText('Time')).toHaveAttribute('aria-invalid', 'true')
    expect(server.sent('POST /v1/follow-ups/f1/schedule')).toHaveLength(0)

    fireEvent.change(screen.getByLabelText('Time'), { target: { value: '09:00' } })
    // 9:00 in New York on the first day of daylight time is 13:00 UTC.
    expect(
      screen.getByText(`That is ${formatDateTime('2030-03-10T13:00:00.000Z')} in your own time zone.`),
    ).toBeInTheDocument()
    await user.click(screen.getByRole('button', { name: 'Schedule' }))

    await waitFor(() => expect(server.sent('POST /v1/follow-ups/f1/schedule')).toHaveLength(1))
    const [schedule] = server.sent('POST /v1/follow-ups/f1/schedule')
    expect(schedule.body).toEqual({ local_time: '2030-03-10T09:00' })
    expect(schedule.headers.get('Idempotency-Key')).toBeTruthy()
    expect(await screen.findByText(/^Scheduled for .* Maria Lopez’s time, .* yours\.$/)).toBeInTheDocument()
    expect(screen.getByText('scheduled', { selector: '.badge' })).toBeInTheDocument()
  })

  it('refuses a time that has passed', async () => {
    const server = serve(approved)
    const { user } = openEditor()
    fireEvent.change(await screen.findByLabelText('Date'), { target: { value: '2020-01-01' } })
    await user.click(screen.getByRole('button', { name: 'Schedule' }))
    expect(await screen.findByText(/has already passed/)).toBeInTheDocument()
    expect(server.sent('POST /v1/follow-ups/f1/schedule')).toHaveLength(0)
  })

  it('starts a scheduled one at its current time on the client’s clock', async () => {
    serve({ ...approved, status: 'scheduled', scheduled_at: '2030-07-01T13:00:00Z' })
    openEditor()
    expect(await screen.findByLabelText('Date')).toHaveValue('2030-07-01')
    expect(screen.getByLabelText('Time')).toHaveValue('09:00')
  })
})

describe('sending, cancelling and resolving', () => {
  it('sends now, disabled while the request is under way, and shows a failure with its request id', async () => {
    let answer: (reply: Reply) => void = () => {}
    const server = serve(aFollowUp({ status: 'failed', failure_reason: 'Mailbox does not exist' }), {
      'POST /v1/follow-ups/f1/send-now': () => new Promise<Reply>((resolve) => (answer = resolve)),
    })
    const { user } = openEditor()
    expect(await screen.findByText(/Mailbox does not exist/)).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Approve' })).not.toBeInTheDocument()
    expect(screen.queryByRole('textbox', { name: 'Body' })).not.toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'Send now' }))
    await waitFor(() => expect(server.sent('POST /v1/follow-ups/f1/send-now')).toHaveLength(1))
    expect(screen.getByRole('button', { name: 'Sending…' })).toBeDisabled()
    expect(screen.getByRole('button', { name: 'Schedule' })).toBeDisabled()
    answer(problem(409, 'Cannot send a follow-up that is cancelled.', 'req-409'))

    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('Cannot send a follow-up that is cancelled.')
    expect(alert).toHaveTextContent('req-409')
    expect(screen.getByRole('button', { name: 'Send now' })).toBeEnabled()
  })

  it('cancels only once the coach confirms', async () => {
    const server = serve(aFollowUp(), {
      'POST /v1/follow-ups/f1/cancel': { body: aFollowUp({ status: 'cancelled' }) },
    })
    const { user } = openEditor()
    await user.click(await screen.findByRole('button', { name: 'Cancel follow-up' }))
    const dialog = await screen.findByRole('alertdialog', { name: 'Cancel this follow-up?' })
    await user.click(within(dialog).getByRole('button', { name: 'Keep it' }))
    expect(screen.queryByRole('alertdialog')).not.toBeInTheDocument()
    expect(server.sent('POST /v1/follow-ups/f1/cancel')).toHaveLength(0)

    await user.click(screen.getByRole('button', { name: 'Cancel follow-up' }))
    await user.click(within(await screen.findByRole('alertdialog')).getByRole('button', { name: 'Yes, cancel it' }))

    expect(await screen.findByText('Cancelled. It will not be sent.')).toBeInTheDocument()
    expect(server.sent('POST /v1/follow-ups/f1/cancel')).toHaveLength(1)
    expect(screen.getByText('cancelled', { selector: '.badge' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Cancel follow-up' })).not.toBeInTheDocument()
  })

  it('resolves an unknown one as the coach says: arrived, or send again', async () => {
    const unknown = aFollowUp({ status: 'unknown', approved_version: 3 })
    const server = serve(unknown, {
      'POST /v1/follow-ups/f1/resolve': (request) => ({
        body:
          (request.body as { outcome: string }).outcome === 'sent'
            ? { ...unknown, status: 'sent', sent_at: '2026-12-01T10:00:00Z' }
            : { ...unknown, status: 'scheduled', scheduled_at: '2026-12-01T10:00:00Z' },
      }),
    })
    const { user } = openEditor()
    expect(await screen.findByRole('heading', { name: 'Did it arrive?' })).toBeInTheDocument()
    // Nothing else is possible while the outcome is unknown.
    expect(screen.queryByRole('button', { name: 'Send now' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Cancel follow-up' })).not.toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: 'It arrived' }))
    expect(await screen.findByText('Marked as sent.')).toBeInTheDocument()
    expect(server.sent('POST /v1/follow-ups/f1/resolve').map((request) => request.body)).toEqual([{ outcome: 'sent' }])
    expect(screen.getByText('sent', { selector: '.badge' })).toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'It arrived' })).not.toBeInTheDocument()
  })

  it('sends an unknown one again when it did not arrive', async () => {
    const unknown = aFollowUp({ status: 'unknown', approved_version: 3 })
    const server = serve(unknown, {
      'POST /v1/follow-ups/f1/resolve': { body: { ...unknown, status: 'scheduled', scheduled_at: '2026-12-01T10:00:00Z' } },
    })
    const { user } = openEditor()
    await user.click(await screen.findByRole('button', { name: 'It did not arrive' }))
    expect(await screen.findByText('It will be sent again within a minute.')).toBeInTheDocument()
    expect(server.sent('POST /v1/follow-ups/f1/resolve')[0].body).toEqual({ outcome: 'resend' })
  })

  it('shows the status change live, through to sent, without polling', async () => {
    const scheduled = aFollowUp({ status: 'scheduled', approved_version: 3, scheduled_at: '2030-01-01T14:00:00Z' })
    const server = serve(scheduled)
    const { queryClient } = openEditor()
    expect(await screen.findByText('scheduled', { selector: '.badge' })).toBeInTheDocument()
    const readsBefore = server.sent(ONE).length

    server.on(ONE, { body: { ...scheduled, status: 'sent', sent_at: '2030-01-01T14:00:30Z' } })
    // What the live-events socket does on follow_up.sent.
    await queryClient.invalidateQueries({ queryKey: ['follow-ups'] })

    expect(await screen.findByText('sent', { selector: '.badge' })).toBeInTheDocument()
    expect(screen.getByText(`Sent ${formatDateTime('2030-01-01T14:00:30Z')}.`)).toBeInTheDocument()
    expect(server.sent(ONE).length).toBe(readsBefore + 1)
    expect(screen.queryByRole('button', { name: 'Send now' })).not.toBeInTheDocument()
    expect(screen.queryByRole('button', { name: 'Schedule' })).not.toBeInTheDocument()
  })

  it('offers nothing while it is being handed to the provider', async () => {
    serve(aFollowUp({ status: 'sending', approved_version: 3 }))
    openEditor()
    expect(await screen.findByText('Being handed to the mail provider now.')).toBeInTheDocument()
    for (const name of ['Save changes', 'Approve', 'Schedule', 'Send now', 'Cancel follow-up', 'It arrived']) {
      expect(screen.queryByRole('button', { name })).not.toBeInTheDocument()
    }
  })
})

describe('versions', () => {
  it('diffs the current version against the one before it, or any against the current', async () => {
    serve(aFollowUp({ subject: 'Our session on Tuesday', body: 'Hi Maria,\nThanks for today.' }))
    const { user } = openEditor()
    const list = await screen.findByText(/^Version 3, your edit/)
    expect(list).toHaveTextContent('(current)')

    const body = screen.getByRole('group', { name: 'Body changes' })
    expect(body.querySelector('ins')).toHaveTextContent('added: for today')
    expect(screen.getByText('Changes from version 2 to version 3:')).toBeInTheDocument()

    await user.click(screen.getByRole('button', { name: /Version 3/ }))
    await user.click(await screen.findByRole('option', { name: 'Version 1' }))
    expect(await screen.findByText('Version 1 is the first version.')).toBeInTheDocument()
    await user.click(screen.getByRole('radio', { name: 'the current version' }))
    expect(screen.getByText('Changes from version 1 to version 3:')).toBeInTheDocument()
    expect(screen.getByRole('group', { name: 'Subject changes' }).querySelector('ins')).toHaveTextContent('on Tuesday')
  })
})

describe('refining', () => {
  it('sends the instruction against the version read, then shows the new version and the instruction behind it', async () => {
    const refined = aFollowUp({ version: 4, source: 'ai_refinement', body: 'Hi Maria,\nWarm thanks for today.' })
    const server = serve(aFollowUp(), { 'POST /v1/follow-ups/f1/refine': { body: refined } })
    server.on(VERSIONS, {
      body: [
        aVersion(1, 'Our session', 'Hi Maria,\nThanks.', 'ai'),
        { ...aVersion(2, 'Our session', 'Hi Maria,\nWarm thanks for today.', 'ai_refinement'), instruction: 'Warmer.' },
      ],
    })
    const { user } = openEditor()
    await user.type(await screen.findByRole('textbox', { name: 'Instruction' }), '  Warmer.  ')
    await user.click(screen.getByRole('button', { name: 'Refine' }))

    expect(await screen.findByText('Refined: now version 4.')).toBeInTheDocument()
    const [sent] = server.sent('POST /v1/follow-ups/f1/refine')
    expect(sent.body).toEqual({ instruction: 'Warmer.' })
    expect(sent.headers.get('If-Match')).toBe('"3"')
    expect(sent.headers.get('Idempotency-Key')).toBeTruthy()
    await waitFor(() => expect(screen.getByRole('textbox', { name: 'Body' })).toHaveValue('Hi Maria,\nWarm thanks for today.'))
    expect(await screen.findByRole('list', { name: 'Your instructions so far' })).toHaveTextContent('“Warmer.” — version 2')
    expect(screen.getByText(/refined by FlowCoach as you asked: “Warmer\.”/)).toBeInTheDocument()
  })

  it('says what to configure when no language model is, and refuses an empty instruction itself', async () => {
    const server = serve(aFollowUp(), {
      'POST /v1/follow-ups/f1/refine': problem(501, 'Refinement needs a language model: set FLOWCOACH_LLM_BASE_URL.', 'req-501'),
    })
    const { user } = openEditor()
    await user.click(await screen.findByRole('button', { name: 'Refine' }))
    expect(await screen.findByText('Say what to change.')).toBeInTheDocument()
    expect(server.sent('POST /v1/follow-ups/f1/refine')).toHaveLength(0)

    await user.type(screen.getByRole('textbox', { name: 'Instruction' }), 'Shorter.')
    await user.click(screen.getByRole('button', { name: 'Refine' }))
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('FLOWCOACH_LLM_BASE_URL')
    expect(alert).toHaveTextContent('req-501')
  })

  it('goes back to a chosen version as a new one', async () => {
    const server = serve(aFollowUp(), {
      'POST /v1/follow-ups/f1/revert': { body: aFollowUp({ version: 4, source: 'revert', subject: 'Our session' }) },
    })
    const { user } = openEditor()
    await user.click(await screen.findByRole('button', { name: /Version 3/ }))
    await user.click(await screen.findByRole('option', { name: 'Version 1' }))
    await user.click(screen.getByRole('button', { name: 'Go back to version 1' }))
    expect(await screen.findByText('Version 1 is back, as version 4.')).toBeInTheDocument()
    const [sent] = server.sent('POST /v1/follow-ups/f1/revert')
    expect(sent.body).toEqual({ version: 1 })
    expect(sent.headers.get('If-Match')).toBe('"3"')
  })
})

describe('a follow-up that cannot be read', () => {
  it('shows the error with its request id and a way back', async () => {
    fakeServer({ [ONE]: problem(404, 'No such follow-up.', 'req-missing') })
    openEditor()
    const alert = await screen.findByRole('alert')
    expect(alert).toHaveTextContent('No such follow-up.')
    expect(alert).toHaveTextContent('req-missing')
    expect(screen.getByRole('link', { name: 'Back to your follow-ups' })).toHaveAttribute('href', '/follow-ups')
  })
})
