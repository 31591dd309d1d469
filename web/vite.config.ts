/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// `npm run dev` talks to a `flowcoach serve` on 127.0.0.1:8080 (override
// with FLOWCOACH_API), so the app and the API share an origin as in production.
const api = process.env.FLOWCOACH_API ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      '/v1': { target: api, ws: true },
      '/config.json': api,
    },
  },
  build: {
    // Hashed file names under /assets/: the server caches them for a year.
    assetsDir: 'assets',
    sourcemap: false,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // Typing through user-event on a loaded 2-core machine can pass Vitest's 5 s default.
    testTimeout: 30_000,
  },
})
