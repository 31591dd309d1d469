// A coach's day in the browser against a real `flowcoach serve`: sign in,
// create a group session with two clients, upload its transcript, watch it
// become ready live, read it, fix an unmatched speaker, edit, approve and
// schedule one follow-up, send another now, and mark a commitment done.

import { resolve } from 'node:path'
import type { Page } from '@playwright/test'

import { draftFor, expect, signIn, test, visit } from './support'

const FIXTURES = process.env.FLOWCOACH_FIXTURES ?? resolve('../../shared/fixtures')
const GROUP_TRANSCRIPT = resolve(FIXTURES, 'transcripts/s02.vtt')
const LIVE = { timeout: 120_000 }

async function addClient(page: Page, name: string, email: string) {
  const form = page.getByRole('group', { name: 'Add a client' })
  await form.getByLabel('Client name').fill(name)
  await form.getByLabel('Client email').fill(email)
  // React Aria draws its own box over the native input; the click lands on the label.
  await form.getByRole('checkbox', { name: /agrees to follow-up emails/i }).check({ force: true })
  await form.getByRole('button', { name: 'Add client' }).click()
  await expect(page.getByRole('checkbox', { name, exact: true })).toBeChecked()
}

test('a coach runs a group session from upload to a sent follow-up', async ({ page }) => {
  const sockets: string[] = []
  page.on('websocket', (socket) => sockets.push(socket.url()))

  await signIn(page)
  await expect(page.getByText('No sessions yet.')).toBeVisible()
  await visit(page, '01-sessions-empty')

  // A new group session with two clients.
  await page.getByRole('link', { name: 'New session' }).click()
  await page.getByLabel('Title').fill('Team check-in')
  await page.getByLabel('Held at').fill('2026-09-24T10:00')
  await page.getByRole('radio', { name: 'Group' }).check({ force: true })
  await addClient(page, 'Tobias Renner', 'tobias@example.com')
  // Named differently from the transcript's speaker, so one speaker stays unmatched.
  await addClient(page, 'Helen A.', 'helen@example.com')
  await visit(page, '02-new-session')
  await page.getByRole('button', { name: 'Create session' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Team check-in' })).toBeVisible()
  await expect(page.getByText('awaiting transcript')).toBeVisible()

  // The upload shows its progress; the response is held back so the bar can be seen.
  await page.route('**/v1/sessions/*/transcript?*', async (route) => {
    await new Promise((done) => setTimeout(done, 1_000))
    await route.continue()
  })
  await page.locator('input[type=file]').setInputFiles(GROUP_TRANSCRIPT)
  await expect(page.getByRole('progressbar', { name: /Uploading s02\.vtt/ })).toBeVisible()
  // The upload box gives way to the processing steps, then to the analysis.
  await expect(page.getByRole('heading', { name: 'Processing' }).or(page.locator('[data-status=ready]'))).toBeVisible()

  // Ready, live: the socket carried the events, nothing was reloaded.
  await expect(page.locator('[data-status=ready]')).toBeVisible(LIVE)
  expect(sockets.some((url) => url.endsWith('/v1/events'))).toBe(true)
  await expect(page.getByRole('heading', { name: 'Summary' })).toBeVisible()
  const chart = page.getByRole('list', { name: 'Share of spoken words by speaker' })
  await expect(chart.getByText('Dana Whitfield')).toBeVisible()
  await expect(chart.getByRole('listitem')).toHaveCount(4)
  await page.getByText(/Show the transcript \(\d+ turns\)/).click()
  await expect(page.getByRole('list', { name: 'Transcript turns' }).getByRole('listitem').first()).toBeVisible()
  await visit(page, '03-session-ready')

  // The speaker FlowCoach could not match is fixed in place, then reprocessed.
  await expect(page.getByRole('heading', { name: 'Who is speaking?' })).toBeVisible()
  await page.getByRole('button', { name: /“Helen Achterberg” is/ }).click()
  await page.getByRole('option', { name: 'Helen A.' }).click()
  await page.getByRole('button', { name: 'Save speakers and reprocess' }).click()
  // The new analysis has replaced the first one's drafts, live.
  await expect(page.getByText('from an earlier analysis')).toHaveCount(2, LIVE)
  await expect(page.locator('[data-status=ready]')).toBeVisible(LIVE)
  await expect(page.getByRole('button', { name: /“Helen Achterberg” is/ })).toHaveCount(0)

  // Tobias's follow-up: edit, approve, schedule.
  await draftFor(page, 'Tobias Renner').click()
  await expect(page.getByLabel('Subject')).toBeVisible()
  await page.getByLabel('Subject').fill('Our team check-in: your next steps')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await expect(page.getByText(/saved/i).first()).toBeVisible()
  await page.getByRole('button', { name: 'Approve' }).click()
  await expect(page.getByText('approved', { exact: true }).first()).toBeVisible()
  await page.getByLabel('Date', { exact: true }).fill('2030-01-15')
  await page.getByLabel('Time', { exact: true }).fill('09:30')
  await page.getByRole('button', { name: 'Schedule' }).click()
  await expect(page.getByText('scheduled', { exact: true }).first()).toBeVisible()
  await visit(page, '04-follow-up-editor')

  // Helen's: approve and send now; it reaches `sent` without a reload.
  await page.getByRole('link', { name: 'the session' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Team check-in' })).toBeVisible()
  await draftFor(page, 'Helen A.').click()
  await page.getByRole('button', { name: 'Approve' }).click()
  await page.getByRole('button', { name: 'Send now' }).click()
  await expect(page.getByText('sent', { exact: true }).first()).toBeVisible({ timeout: 60_000 })

  // A commitment marked done leaves the open lists.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Commitments' }).click()
  await page.getByRole('tab', { name: 'Overdue' }).click()
  const markDone = page.getByRole('button', { name: 'Mark done' })
  await expect(markDone.first()).toBeVisible()
  const before = await markDone.count()
  await markDone.first().click()
  await expect(markDone).toHaveCount(before - 1)
  await visit(page, '05-commitments')
  await page.getByRole('tab', { name: 'Done' }).click()
  await expect(page.getByRole('button', { name: 'Reopen' })).toHaveCount(1)
})

test('every other screen is accessible and shows its data', async ({ page }) => {
  await signIn(page)
  const nav = page.getByRole('navigation', { name: 'Main' })
  await nav.getByRole('link', { name: 'Follow-ups' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Follow-ups' })).toBeVisible()
  await visit(page, '06-follow-ups')
  await nav.getByRole('link', { name: 'Clients' }).click()
  await expect(page.getByRole('link', { name: 'Tobias Renner' })).toBeVisible()
  await visit(page, '07-clients')
  await page.getByRole('link', { name: 'Tobias Renner' }).click()
  await expect(page.getByRole('textbox', { name: 'Email' })).toHaveValue('tobias@example.com')
  await visit(page, '08-client')
  await nav.getByRole('link', { name: 'Templates' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Templates' })).toBeVisible()
  await visit(page, '09-templates')
  await page.getByRole('link').filter({ hasText: /recap/i }).first().click()
  await expect(page.getByRole('textbox', { name: 'Body' })).toBeVisible()
  await visit(page, '10-template-editor')
  await nav.getByRole('link', { name: 'Settings' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible()
  await visit(page, '11-settings')
  await page.goto('/no-such-page')
  await expect(page.getByRole('heading', { level: 1, name: 'Page not found' })).toBeVisible()
  await page.setViewportSize({ width: 360, height: 740 })
  await page.goto('/sessions')
  await expect(page.getByRole('link', { name: 'Team check-in' })).toBeVisible()
  // Nothing wider than the phone: the page does not scroll sideways.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
  await visit(page, '12-sessions-phone')
})
