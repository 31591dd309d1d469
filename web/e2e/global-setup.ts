// Starts a real `flowcoach serve` on a fresh database and a fresh data folder,
// with the built app, and stops it when the run ends.

import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

import { startScriptedModel } from './scripted-model'

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))))
    })
  })
}

async function waitUntilReady(url: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(url + '/readyz')
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 250))
  }
  throw new Error(`flowcoach serve did not become ready at ${url}`)
}

export default async function globalSetup(): Promise<() => Promise<void>> {
  const bin = process.env.FLOWCOACH_BIN
  if (!bin) throw new Error('FLOWCOACH_BIN must name the built flowcoach binary (scripts/test-web.sh sets it)')
  const database = `fc_test_e2e_${process.pid}_${Date.now()}`
  const admin = process.env.FLOWCOACH_E2E_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  execFileSync('psql', [admin, '-qc', `CREATE DATABASE "${database}"`])
  const dataDir = mkdtempSync(join(tmpdir(), 'flowcoach-e2e-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  // Refinement goes to a scripted model; the coach's analyses stay local (below).
  const model = await startScriptedModel()
  const env = {
    ...process.env,
    DATABASE_URL: admin.replace(/\/[^/]*$/, `/${database}`),
    FLOWCOACH_DATA_DIR: dataDir,
    FLOWCOACH_BIND: `127.0.0.1:${port}`,
    FLOWCOACH_PUBLIC_URL: url,
    FLOWCOACH_WEB_DIR: resolve('dist'),
    FLOWCOACH_LLM_BASE_URL: model.url,
    FLOWCOACH_LLM_MODEL: 'scripted-model-1',
    FLOWCOACH_LLM_API_KEY: 'e2e-not-a-secret',
    RUST_LOG: process.env.RUST_LOG ?? 'warn',
  }
  execFileSync(bin, ['migrate'], { env, stdio: 'inherit' })
  const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'inherit', 'inherit'] })
  await waitUntilReady(url, Date.now() + 60_000)
  const token = execFileSync(bin, ['token', '--coach', 'dana@example.com', '--name', 'Dana Whitfield'], { env })
    .toString()
    .trim()
  // The scripted model only refines: this coach's sessions use the local analyser.
  const chosen = await fetch(`${url}/v1/me`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ analyser: 'local' }),
  })
  if (!chosen.ok) throw new Error(`choosing the local analyser failed: ${chosen.status} ${await chosen.text()}`)

  process.env.FLOWCOACH_E2E_URL = url
  process.env.FLOWCOACH_E2E_TOKEN = token
  process.env.FLOWCOACH_E2E_DATA_DIR = dataDir

  return async () => {
    server.kill('SIGTERM')
    await new Promise((done) => server.once('exit', done))
    model.server.close()
    execFileSync('psql', [admin, '-qc', `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`])
    rmSync(dataDir, { recursive: true, force: true })
  }
}
