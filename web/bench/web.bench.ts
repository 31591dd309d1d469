// Prints the first screen's JavaScript (gzipped, as served) and how long the
// sessions list takes to render for a coach with 500 sessions.

import { gzipSync } from 'node:zlib'

import { expect, server, signIn, test } from '../e2e/support'

const SESSIONS = 500

async function seed(count: number): Promise<void> {
  const headers = { Authorization: `Bearer ${server.token}`, 'Content-Type': 'application/json' }
  const clients: string[] = []
  for (const name of ['Ana Silva', 'Ben Okafor', 'Chloé Martin', 'Dev Patel']) {
    const response = await fetch(`${server.url}/v1/clients`, { method: 'POST', headers, body: JSON.stringify({ name }) })
    clients.push(((await response.json()) as { id: string }).id)
  }
  for (let start = 0; start < count; start += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, count - start) }, (_, offset) => {
        const index = start + offset
        const held = new Date(Date.UTC(2026, 0, 1) + index * 3_600_000 * 7).toISOString()
        return fetch(`${server.url}/v1/sessions`, {
          method: 'POST',
          headers,
          body: JSON.stringify({
            title: `Session ${index + 1}`,
            held_at: held,
            participants: [{ client_id: clients[index % clients.length] }],
          }),
        }).then((response) => expect(response.status).toBe(201))
      }),
    )
  }
}

test('first screen size and sessions list render time', async ({ page }) => {
  const scripts = new Map<string, number>()
  page.on('response', async (response) => {
    if (response.request().resourceType() !== 'script') return
    const body = await response.body().catch(() => null)
    if (body) scripts.set(response.url(), gzipSync(body, { level: 9 }).length)
  })
  await signIn(page)
  await page.waitForLoadState('networkidle')
  const firstScreen = [...scripts.values()].reduce((sum, size) => sum + size, 0)
  console.log(`first screen JavaScript: ${(firstScreen / 1024).toFixed(1)} kB gzipped in ${scripts.size} files (target ≤ 200 kB)`)

  await seed(SESSIONS)
  const rows = page.getByRole('table', { name: 'Sessions' }).locator('tbody tr')

  /**
   * Opens the list and shows every session, pressing "Load more" until none
   * is left; milliseconds from the navigation's start to the last row on
   * screen, timed inside the page (Playwright's polling would add its own).
   */
  async function renderAll(): Promise<{ first: number; all: number }> {
    await page.goto('about:blank')
    await page.goto('/sessions', { waitUntil: 'commit' })
    const elapsed = await page.evaluate(
      (count) =>
        new Promise<{ first: number; all: number }>((done) => {
          let first = 0
          const step = () => {
            const shown = document.querySelectorAll('table[aria-label="Sessions"] tbody tr').length
            if (shown > 0 && first === 0) first = performance.now()
            if (shown >= count) return done({ first, all: performance.now() })
            const more = [...document.querySelectorAll('button')].find(
              (button) => button.textContent === 'Load more sessions',
            )
            if (more && !more.hasAttribute('disabled') && !more.hasAttribute('data-disabled')) more.click()
            requestAnimationFrame(step)
          }
          step()
        }),
      SESSIONS,
    )
    await expect(rows).toHaveCount(SESSIONS)
    return elapsed
  }
  const report = (what: string, runs: { first: number; all: number }[]) => {
    const median = (values: number[]) => Math.round([...values].sort((a, b) => a - b)[2])
    const all = runs.map((run) => run.all)
    console.log(
      `${what}: all ${SESSIONS} on screen in median ${median(all)} ms (best ${Math.round(Math.min(...all))}, worst ${Math.round(Math.max(...all))}; target ≤ 1000 ms), first page in median ${median(runs.map((run) => run.first))} ms, from navigation start`,
    )
  }

  const runs: { first: number; all: number }[] = []
  for (let run = 0; run < 5; run += 1) runs.push(await renderAll())
  report(`sessions list, ${SESSIONS} sessions, against flowcoach serve`, runs)
})
