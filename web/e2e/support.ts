// What every browser test shares: the server global-setup started, a signed-in
// page, an accessibility check and a screenshot per screen.

import { AxeBuilder } from '@axe-core/playwright'
import { expect, test as base, type Page } from '@playwright/test'
import { join } from 'node:path'

export const server = {
  get url(): string {
    const url = process.env.FLOWCOACH_E2E_URL
    if (!url) throw new Error('global-setup did not start the server')
    return url
  },
  get token(): string {
    return process.env.FLOWCOACH_E2E_TOKEN ?? ''
  },
}

export const test = base.extend({
  baseURL: async ({}, use) => {
    await use(server.url)
  },
})

export { expect }

/** No serious or critical axe violation on what the page shows now. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  // The sandboxed email preview is the client's email, not the app, and a
  // sandboxed frame cannot be entered.
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .exclude('iframe[sandbox]')
    .analyze()
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `accessibility of ${screen}`,
  ).toEqual([])
}

/** A full-page screenshot into the folder CI keeps. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folder = process.env.FLOWCOACH_SCREENSHOTS
  if (!folder) return
  await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true })
}

/** Checks and records one screen. */
export async function visit(page: Page, name: string): Promise<void> {
  await expect(page.locator('.loading')).toHaveCount(0)
  await expectAccessible(page, name)
  await screenshot(page, name)
}

export async function signIn(page: Page): Promise<void> {
  await page.goto('/sign-in')
  await page.getByLabel('Token').fill(server.token)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()
}

/** The link to a client's current draft in the session page's follow-ups. */
export function draftFor(page: Page, client: string) {
  return page
    .getByRole('region', { name: 'Follow-ups' })
    .getByRole('listitem')
    .filter({ hasText: `to ${client}` })
    .filter({ hasText: 'draft' })
    .filter({ hasNotText: 'from an earlier analysis' })
    .getByRole('link')
}

/** The API as the signed-in coach, for setting a scene up. */
export async function api(method: string, path: string, body?: BodyInit | object): Promise<Record<string, unknown>> {
  const raw = body instanceof Buffer || typeof body === 'string'
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${server.token}`,
      ...(body && !raw ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : raw ? (body as BodyInit) : JSON.stringify(body),
  })
  const text = await response.text()
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`)
  return JSON.parse(text) as Record<string, unknown>
}

/**
 * A one-to-one session with a new client speaking as `label` in the
 * transcript, the transcript uploaded and analysed: its id.
 */
export async function analysedSession(
  title: string,
  client: string,
  label: string,
  file: string,
  transcript: Buffer,
): Promise<string> {
  const created = await api('POST', '/v1/clients', { name: client, email: `${client.split(' ')[0].toLowerCase()}@example.com` })
  const session = await api('POST', '/v1/sessions', {
    title,
    held_at: '2026-09-08T09:00:00Z',
    participants: [{ client_id: created.id, speaker_label: label }],
  })
  const id = String(session.id)
  await api('PUT', `/v1/sessions/${id}/transcript?filename=${file}`, transcript)
  for (let tries = 0; tries < 240; tries += 1) {
    const status = await api('GET', `/v1/sessions/${id}/status`)
    if (status.status === 'ready') return id
    if (status.status === 'failed') throw new Error(`the session failed: ${JSON.stringify(status)}`)
    await new Promise((done) => setTimeout(done, 500))
  }
  throw new Error('the session did not become ready')
}
