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
