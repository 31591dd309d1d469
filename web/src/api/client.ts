// The typed API client: openapi-fetch over the paths generated from the
// server's own OpenAPI document (`npm run generate:api`), so a changed
// endpoint breaks the type-check rather than a coach's screen.

import createClient, { type Middleware } from 'openapi-fetch'

import type { paths } from './schema'
import { problemFrom } from './problem'

export type Api = ReturnType<typeof createClient<paths>>

export interface ClientOptions {
  baseUrl: string
  token: () => string | null
  /** Called when the API refuses the token, so the app can ask to sign in again. */
  onUnauthorized: () => void
  /** What sends the requests; the global `fetch` unless given (tests give a fake server's). */
  fetch?: (request: Request) => Promise<Response>
}

export function createApi({ baseUrl, token, onUnauthorized, fetch }: ClientOptions): Api {
  const client = createClient<paths>({ baseUrl, fetch })
  const auth: Middleware = {
    onRequest({ request }) {
      const current = token()
      if (current) request.headers.set('Authorization', `Bearer ${current}`)
      return request
    },
    async onResponse({ response }) {
      if (response.ok) return response
      if (response.status === 401) onUnauthorized()
      // Thrown here so every call site gets an ApiProblem, never a half-read body.
      throw await problemFrom(response)
    },
  }
  client.use(auth)
  return client
}

/** The body of a successful call (failures were thrown by the middleware). */
export async function data<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data: body } = await call
  return body as T
}

/** A fresh key for a POST, so a retried request is not done twice. */
export function idempotencyKey(): string {
  return crypto.randomUUID()
}
