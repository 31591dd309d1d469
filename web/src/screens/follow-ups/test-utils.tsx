// A fake API for the follow-up screens' tests: the real client (createApi,
// with its middleware) over a fetch that answers from a table of routes and
// records every request it was sent.

import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ReactElement } from 'react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { vi } from 'vitest'

import { createApi } from '../../api/client'
import type { FollowUp, FollowUpVersion } from '../../api/types'
import { ServicesContext } from '../../app/context'

export interface SentRequest {
  method: string
  path: string
  query: URLSearchParams
  headers: Headers
  body: unknown
}

export interface Reply {
  status?: number
  body?: unknown
}

type Answer = Reply | ((request: SentRequest) => Reply | Promise<Reply>)

export interface FakeServer {
  requests: SentRequest[]
  /** Answers `METHOD /path` from now on. */
  on: (route: string, reply: Answer) => void
  /** The requests sent to `METHOD /path`. */
  sent: (route: string) => SentRequest[]
}

export function fakeServer(initial: Record<string, Answer>): FakeServer {
  const routes = new Map(Object.entries(initial))
  const requests: SentRequest[] = []
  const fetch = async (request: Request): Promise<Response> => {
    const url = new URL(request.url)
    const text = await request.clone().text()
    const sent: SentRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text ? JSON.parse(text) : undefined,
    }
    requests.push(sent)
    const route = routes.get(`${request.method} ${url.pathname}`)
    const reply: Reply = route
      ? typeof route === 'function'
        ? await route(sent)
        : route
      : { status: 404, body: { title: 'Not Found', status: 404, detail: `No route for ${url.pathname}`, request_id: 'req-404' } }
    const status = reply.status ?? 200
    return new Response(JSON.stringify(reply.body ?? null), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json' },
    })
  }
  vi.stubGlobal('fetch', fetch)
  return {
    requests,
    on: (route, reply) => void routes.set(route, reply),
    sent: (route) => requests.filter((request) => `${request.method} ${request.path}` === route),
  }
}

/** A problem+json answer as the API writes it. */
export function problem(status: number, detail: string, requestId: string): Reply {
  return { status, body: { type: 'about:blank', title: 'Problem', status, detail, request_id: requestId } }
}

/** Renders `element` at `at`, matched by the route `path`, over the fake server (create it first). */
export function renderScreen(element: ReactElement, { path, at }: { path: string; at: string }) {
  const api = createApi({ baseUrl: 'http://test', token: () => 'test.token.value', onUnauthorized: () => {} })
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } })
  const services = { config: { apiBase: 'http://test', eventsUrl: null, auth: { kind: 'token' as const } }, api }
  const user = userEvent.setup()
  render(
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[at]}>
          <Routes>
            <Route path={path} element={element} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </ServicesContext.Provider>,
  )
  return { queryClient, user }
}

export function aFollowUp(overrides: Partial<FollowUp> = {}): FollowUp {
  return {
    id: 'f1',
    session_id: 's1',
    client_id: 'c1',
    client_name: 'Maria Lopez',
    client_time_zone: 'America/New_York',
    generation: 1,
    status: 'draft',
    subject: 'Our session on Tuesday',
    body: 'Hi Maria,\nThanks for today.',
    version: 3,
    source: 'coach_edit',
    needs_review: false,
    review_reason: null,
    approved_version: null,
    approved_at: null,
    scheduled_at: null,
    sent_at: null,
    failure_reason: null,
    template_id: null,
    template_version: null,
    created_at: '2026-11-30T10:00:00Z',
    updated_at: '2026-11-30T11:00:00Z',
    ...overrides,
  }
}

export function aVersion(version: number, subject: string, body: string, source: FollowUpVersion['source'] = 'coach_edit'): FollowUpVersion {
  return { version, subject, body, source, created_at: `2026-11-30T1${version}:00:00Z` }
}
