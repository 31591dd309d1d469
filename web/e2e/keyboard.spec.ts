// Keyboard only: upload → approve → send, with no mouse event at all.

import { resolve } from 'node:path'
import type { Locator, Page } from '@playwright/test'

import { draftFor, expect, server, test } from './support'

const FIXTURES = process.env.FLOWCOACH_FIXTURES ?? resolve('../../shared/fixtures')
const TRANSCRIPT = resolve(FIXTURES, 'transcripts/s01.vtt')

/** Presses Tab until `target` has focus, as a keyboard user would. */
async function tabTo(page: Page, target: Locator, limit = 60): Promise<void> {
  for (let step = 0; step < limit; step += 1) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`Tab never reached ${target.toString()}`)
}

test('a coach uploads, approves and sends with the keyboard alone', async ({ page }) => {
  await page.goto('/sign-in')
  await tabTo(page, page.getByLabel('Token'))
  await page.keyboard.insertText(server.token)
  await tabTo(page, page.getByRole('button', { name: 'Sign in' }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible()

  await tabTo(page, page.getByRole('link', { name: 'New session' }))
  await page.keyboard.press('Enter')
  await tabTo(page, page.getByLabel('Title'))
  await page.keyboard.insertText('Keyboard check-in')
  await tabTo(page, page.getByLabel('Client name'))
  await page.keyboard.insertText('Jo Keys')
  await tabTo(page, page.getByLabel('Client email'))
  await page.keyboard.insertText('tobias.keys@example.com')
  await tabTo(page, page.getByRole('checkbox', { name: /agrees to follow-up emails/i }))
  await page.keyboard.press('Space')
  await tabTo(page, page.getByRole('button', { name: 'Add client' }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('checkbox', { name: 'Jo Keys', exact: true })).toBeChecked()
  await tabTo(page, page.getByRole('button', { name: 'Create session' }))
  await page.keyboard.press('Enter')
  await expect(page.getByRole('heading', { level: 1, name: 'Keyboard check-in' })).toBeVisible()

  // The file picker opens from the keyboard; the test answers the picker.
  await tabTo(page, page.getByRole('button', { name: 'Choose transcript file' }))
  const chooser = page.waitForEvent('filechooser')
  await page.keyboard.press('Enter')
  await (await chooser).setFiles(TRANSCRIPT)
  await expect(page.locator('[data-status=ready]')).toBeVisible({ timeout: 120_000 })

  const followUp = draftFor(page, 'Jo Keys')
  await tabTo(page, followUp)
  await page.keyboard.press('Enter')
  await tabTo(page, page.getByRole('button', { name: 'Approve' }))
  await page.keyboard.press('Enter')
  await tabTo(page, page.getByRole('button', { name: 'Send now' }))
  await page.keyboard.press('Enter')
  await expect(page.getByText('sent', { exact: true }).first()).toBeVisible({ timeout: 60_000 })
})
