// For the screens' tests: a fake API that answers by method and path and
// records every request, and a render inside the app's providers.

import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import createClient, { type Middleware } from 'openapi-fetch'
import type { ReactElement } from 'react'
import { MemoryRouter, Route, Routes } from 'react-router'

import { problemFrom } from '../../api/problem'
import type { paths } from '../../api/schema'
import { ServicesContext } from '../../app/context'
import { Elsewhere } from './TestElsewhere'

export interface RecordedRequest {
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

type Handler = (request: RecordedRequest, params: Record<string, string>) => Reply | Promise<Reply>

/** Routes like `'GET /v1/templates/:id'`; anything else answers 404. */
export function fakeServer(routes: Record<string, Handler>) {
  const requests: RecordedRequest[] = []
  const table = Object.entries(routes).map(([route, handler]) => {
    const [method, pattern] = route.split(' ')
    const names: string[] = []
    const source = pattern.replace(/:(\w+)/g, (_, name: string) => {
      names.push(name)
      return '([^/]+)'
    })
    return { method, regex: new RegExp(`^${source}$`), names, handler }
  })

  async function fetch(request: Request): Promise<Response> {
    const url = new URL(request.url)
    const text = await request.clone().text()
    const recorded: RecordedRequest = {
      method: request.method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body: text ? (JSON.parse(text) as unknown) : undefined,
    }
    requests.push(recorded)
    for (const route of table) {
      const match = route.method === request.method ? route.regex.exec(url.pathname) : null
      if (!match) continue
      const params = Object.fromEntries(route.names.map((name, index) => [name, match[index + 1]]))
      const reply = await route.handler(recorded, params)
      return respond(reply)
    }
    return respond(problem(404, 'Not Found'))
  }

  return {
    fetch,
    requests,
    /** The requests to one method and path. */
    to: (method: string, path: string) => requests.filter((r) => r.method === method && r.path === path),
  }
}

function respond({ status = 200, body, headers = {} }: Reply): Response {
  const type = status >= 400 ? 'application/problem+json' : 'application/json'
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': type, ...headers },
  })
}

/** A problem+json answer, as the server sends it. */
export function problem(
  status: number,
  detail: string,
  errors?: { field: string; message: string; line?: number; column?: number }[],
): Reply {
  return {
    status,
    body: { type: 'about:blank', title: detail, status, detail, request_id: `req-${status}`, errors },
  }
}

export function renderScreen(
  screen: ReactElement,
  { server, path = '/', route = '/' }: { server: ReturnType<typeof fakeServer>; path?: string; route?: string },
) {
  const api = createClient<paths>({ baseUrl: 'http://test', fetch: server.fetch })
  const failures: Middleware = {
    async onResponse({ response }) {
      if (response.ok) return response
      throw await problemFrom(response)
    },
  }
  api.use(failures)
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: 30_000 }, mutations: { retry: false } },
  })
  const services = { api, config: { apiBase: 'http://test', eventsUrl: null, auth: { kind: 'token' as const } } }
  const result = render(
    <ServicesContext.Provider value={services}>
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={screen} />
            <Route path="*" element={<Elsewhere />} />
          </Routes>
        </MemoryRouter>
      </QueryClientProvider>
    </ServicesContext.Provider>,
  )
  return { ...result, queryClient }
}
