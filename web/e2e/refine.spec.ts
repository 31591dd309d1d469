// Refining a follow-up in the browser: the coach asks for a change, the
// revision appears as the (scripted) language model writes it, and the new
// version is listed with the instruction behind it, then undone.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

import { REVISION_PIECES } from './scripted-model'
import { analysedSession, api, expect, signIn, test, visit } from './support'

const FIXTURES = process.env.FLOWCOACH_FIXTURES ?? resolve('../../shared/fixtures')
const TRANSCRIPT = readFileSync(resolve(FIXTURES, 'transcripts/s03.srt'))

/** A one-to-one session, analysed, with its one draft: that draft's id. */
async function analysedDraft(): Promise<string> {
  const session = await analysedSession('Refine check-in', 'Priya Natarajan', 'Tobias Renner', 's03.srt', TRANSCRIPT)
  const drafts = (await api('GET', `/v1/sessions/${session}/follow-ups`)) as { items: { id: string }[] }
  return drafts.items[0].id
}

test('a coach refines a draft, sees the revision stream in, and finds it among the versions', async ({ page }) => {
  const draft = await analysedDraft()
  await signIn(page)
  await page.goto(`/follow-ups/${draft}`)
  await expect(page.getByRole('heading', { name: 'Refine with FlowCoach' })).toBeVisible()
  await visit(page, '13-refine')

  const instruction = 'Warmer, and add the breathing exercise.'
  await page.getByRole('textbox', { name: 'Instruction' }).fill(instruction)
  await page.getByRole('button', { name: 'Refine', exact: true }).click()

  // The first words arrive while the model is still writing.
  const stream = page.getByRole('region', { name: 'The revision so far' })
  await expect(stream).toContainText('Thank you for a thoughtful session today.')
  await expect(page.getByRole('button', { name: 'Refining…' })).toBeVisible()
  await expect(stream).not.toContainText('let me know how it goes')

  // Then the stored version replaces the draft's text.
  await expect(page.getByText('Refined: now version 2.')).toBeVisible()
  await expect(page.getByRole('textbox', { name: 'Subject', exact: true })).toHaveValue('Your next step')
  const body = REVISION_PIECES.slice(1).join('')
  await expect(page.getByRole('textbox', { name: 'Body', exact: true })).toHaveValue(body)
  await expect(page.getByRole('list', { name: 'Your instructions so far' })).toContainText(instruction)
  const versions = page.getByRole('region', { name: 'Versions' })
  await expect(versions.getByText(`refined by FlowCoach as you asked: “${instruction}”`)).toBeVisible()
  await expect(versions.getByRole('group', { name: 'Body changes' }).locator('ins').first()).toBeVisible()
  await visit(page, '14-refined')

  // Undone: version 1's text comes back as version 3.
  await versions.getByRole('button', { name: 'Version' }).click()
  await page.getByRole('option', { name: 'Version 1' }).click()
  await versions.getByRole('button', { name: 'Go back to version 1' }).click()
  await expect(versions.getByText(/Version 3, back to version 1/)).toBeVisible()
  await expect(page.getByRole('textbox', { name: 'Subject', exact: true })).not.toHaveValue('Your next step')
})
