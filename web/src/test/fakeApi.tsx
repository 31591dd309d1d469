// For the screens' tests: a fake API that answers by method and path and
// records every request, and a render of one screen inside the app's
// providers over the real client (createApi, with its middleware).

import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { ReactElement } from 'react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { onTestFinished } from 'vitest'

import { createApi } from '../api/client'
import type { FieldProblem } from '../api/problem'
import { ServicesContext } from '../app/context'
import { Elsewhere } from './Elsewhere'

const BASE = 'http://test'

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
  headers?: Record<string, string>
}

/** A route's answer: always the same, or made from the request and the route's `:params`. */
export type Answer = Reply | ((request: SentRequest, params: Record<string, string>) => Reply | Promise<Reply>)

export interface FakeServer {
  fetch: (request: Request) => Promise<Response>
  requests: SentRequest[]
  /** Answers `METHOD /path` (or a pattern like `GET /v1/templates/:id`) from now on. */
  on: (route: string, answer: Answer) => void
  /** The requests that `METHOD /path` (or a pattern) matches. */
  sent: (route: string) => SentRequest[]
}

/** The `:params` of `path` when `route` (`METHOD /path/:param`) matches it, else null. */
function match(route: string, method: string, path: string): Record<string, string> | null {
  const [routeMethod, pattern] = route.split(' ')
  if (routeMethod !== method) return null
  const names: string[] = []
  const source = pattern
    .split('/')
    .map((segment) => {
      if (!segment.startsWith(':')) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      names.push(segment.slice(1))
      return '([^/]+)'
    })
    .join('/')
  const found = new RegExp(`^${source}$`).exec(path)
  return found ? Object.fromEntries(names.map((name, index) => [name, decodeURIComponent(found[index + 1])])) : null
}

function respond({ status = 200, body, headers = {} }: Reply): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json'
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type, ...headers },
  })
}

function parsed(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

let current: FakeServer | null = null

/**
 * A fake API for the test under way, which `renderScreen` then talks to.
 * Routes are `'METHOD /path'`, exact or with `:params`; an exact one wins,
 * and anything unrouted answers 404.
 */
export function fakeServer(routes: Record<string, Answer> = {}): FakeServer {
  const table = new Map(Object.entries(routes))
  const requests: SentRequest[] = []

  async function fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const text = await request.clone().text()
    const sent: SentRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text ? parsed(text) : undefined,
    }
    requests.push(sent)
    const exact = table.get(`${request.method} ${url.pathname}`)
    if (exact) return respond(typeof exact === 'function' ? await exact(sent, {}) : exact)
    for (const [route, answer] of table) {
      const params = match(route, request.method, url.pathname)
      if (!params) continue
      return respond(typeof answer === 'function' ? await answer(sent, params) : answer)
    }
    return respond(problem(404, `No route for ${request.method} ${url.pathname}`, 'req-404'))
  }

  const server: FakeServer = {
    fetch,
    requests,
    on: (route, answer) => void table.set(route, answer),
    sent: (route) => requests.filter((request) => match(route, request.method, request.path) !== null),
  }
  current = server
  onTestFinished(() => {
    if (current === server) current = null
  })
  return server
}

/** A problem+json answer as the API writes it. */
export function problem(status: number, detail: string, requestId: string, fields?: FieldProblem[]): Reply {
  return {
    status,
    body: { type: 'about:blank', title: 'Problem', status, detail, request_id: requestId, errors: fields },
  }
}

/**
 * Renders `element` at the location `at`, matched by the route `path`, over
 * the fake server of this test (make it first). Anywhere else the screen
 * navigates to shows "Navigated to …".
 */
export function renderScreen(element: ReactElement, { path = '/', at = '/' }: { path?: string; at?: string } = {}) {
  if (!current) throw new Error('renderScreen needs a fakeServer made in this test first')
  const api = createApi({ baseUrl: BASE, token: () => 'test.token.value', onUnauthorized: () => {}, fetch: current.fetch })
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: 30_000 }, mutations: { retry: false } },
  })
  const services = { api, config: { apiBase: BASE, eventsUrl: null, auth: { kind: 'token' as const } } }
  const user = userEvent.setup()
  const result = render(
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[at]}>
          <Routes>
            <Route path={path} element={element} />
            <Route path="*" element={<Elsewhere />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </ServicesContext.Provider>,
  )
  return { ...result, queryClient, user }
}
