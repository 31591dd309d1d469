// Searching in the browser: a question over the coach's sessions, the
// passage with the question's words marked, its citation in the answer,
// and the passage opening its session at that turn of the transcript.

import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

import { analysedSession, expect, signIn, test, visit } from './support'

const FIXTURES = process.env.FLOWCOACH_FIXTURES ?? resolve('../../shared/fixtures')
const TRANSCRIPT = readFileSync(resolve(FIXTURES, 'transcripts/s04.txt'))

test('a coach asks a question, reads the cited passage and opens it in its session', async ({ page }) => {
  const session = await analysedSession('Search check-in', 'Rafael Ortiz', 'Helen Achterberg', 's04.txt', TRANSCRIPT)
  await signIn(page)
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Search' }).click()
  await expect(page.getByRole('heading', { level: 1, name: 'Search' })).toBeVisible()

  await page.getByRole('textbox', { name: 'Question' }).fill('Who is running on empty?')
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  const passages = page.getByRole('list', { name: 'Passages' })
  const passage = passages.getByRole('listitem').filter({ hasText: 'running on empty' }).first()
  await expect(passage).toBeVisible()
  await expect(passage.locator('mark').filter({ hasText: /^empty$/i })).toBeVisible()
  const answer = page.getByRole('region', { name: 'Answer' })
  await expect(answer).toBeVisible()
  await visit(page, '14-search')

  // The answer's citation leads to its passage; the passage to its turn.
  const number = (await passage.getAttribute('id'))?.replace('passage-', '') ?? ''
  await expect(answer.getByRole('link', { name: `Passage ${number}` }).first()).toHaveAttribute('href', `#passage-${number}`)
  await passage.getByRole('link', { name: 'Search check-in' }).click()
  await expect(page).toHaveURL(new RegExp(`/sessions/${session}\\?`))
  const turn = page.locator('.transcript li[aria-current="true"]')
  await expect(turn).toContainText('running on empty')
  await expect(turn).toBeInViewport()
})
