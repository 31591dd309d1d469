import { defineConfig } from '@playwright/test'

// Debian's Chromium, not a downloaded one (this machine reaches only package
// registries). The server is a real `flowcoach serve` on a fresh database,
// started by e2e/global-setup.ts.
export default defineConfig({
  testDir: 'e2e',
  timeout: 180_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.FLOWCOACH_E2E_OUTPUT ?? 'test-results',
  globalSetup: './e2e/global-setup.ts',
  use: {
    baseURL: process.env.FLOWCOACH_E2E_URL,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
})
