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
  const timings: number[] = []
  for (let run = 0; run < 5; run += 1) {
    await page.goto('about:blank')
    const started = Date.now()
    await page.goto('/sessions')
    // Every session on screen: the first page, then "Load more" until none is left.
    for (;;) {
      const more = page.getByRole('button', { name: 'Load more sessions' })
      await expect(rows.first()).toBeVisible()
      if (!(await more.isVisible())) break
      const shown = await rows.count()
      await more.click()
      await expect(rows).not.toHaveCount(shown)
    }
    await expect(rows).toHaveCount(SESSIONS)
    timings.push(Date.now() - started)
  }
  timings.sort((a, b) => a - b)
  console.log(
    `sessions list, ${SESSIONS} sessions rendered: median ${timings[2]} ms, best ${timings[0]} ms, worst ${timings[4]} ms (target ≤ 1000 ms)`,
  )
})
