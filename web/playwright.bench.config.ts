import { defineConfig } from '@playwright/test'

import base from './playwright.config'

// The web benchmark (scripts/bench-web.sh): same browser and server as the
// browser tests, its own folder, never run by CI.
export default defineConfig({ ...base, testDir: 'bench', testMatch: '*.bench.ts', timeout: 600_000 })
