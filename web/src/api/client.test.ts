import { describe, expect, it, vi } from 'vitest'

import { createApi, data } from './client'
import { ApiProblem } from './problem'

function answering(status: number, body: unknown, headers: Record<string, string> = {}) {
  const seen: Request[] = []
  const fetch = vi.fn<(input: Request) => Promise<Response>>(async (input: Request) => {
    seen.push(input)
    return new Response(body === null ? null : JSON.stringify(body), {
      status,
      headers: { 'Content-Type': status >= 400 ? 'application/problem+json' : 'application/json', ...headers },
    })
  })
  vi.stubGlobal('fetch', fetch)
  return seen
}

describe('the API client', () => {
  it('sends the current token and returns the body', async () => {
    const seen = answering(200, { items: [], next_cursor: null })
    let token = 'first.token.value'
    const api = createApi({ baseUrl: 'http://api.test', token: () => token, onUnauthorized: () => {} })
    await data(api.GET('/v1/clients'))
    token = 'second.token.value'
    const page = await data(api.GET('/v1/clients'))
    expect(page.items).toEqual([])
    expect(seen.map((request) => request.headers.get('Authorization'))).toEqual([
      'Bearer first.token.value',
      'Bearer second.token.value',
    ])
    expect(seen[0].url).toBe('http://api.test/v1/clients')
  })

  it('throws a problem with its request id and field errors', async () => {
    answering(422, {
      title: 'Unprocessable Entity',
      status: 422,
      detail: 'the request has invalid fields',
      request_id: 'req-42',
      errors: [{ field: 'name', message: 'must not be empty' }],
    })
    const api = createApi({ baseUrl: 'http://api.test', token: () => null, onUnauthorized: () => {} })
    const failure = await data(api.POST('/v1/clients', { body: { name: '' } })).catch((error: unknown) => error)
    expect(failure).toBeInstanceOf(ApiProblem)
    const problem = failure as ApiProblem
    expect(problem.status).toBe(422)
    expect(problem.requestId).toBe('req-42')
    expect(problem.fieldMessage('name')).toBe('must not be empty')
    expect(problem.fieldMessage('email')).toBeUndefined()
  })

  it('asks to sign in again on a 401, and takes the request id from the header when the body has none', async () => {
    answering(401, null, { 'x-request-id': 'from-header' })
    const onUnauthorized = vi.fn<() => void>()
    const api = createApi({ baseUrl: 'http://api.test', token: () => 'old.token.here', onUnauthorized })
    const failure = (await data(api.GET('/v1/me')).catch((error: unknown) => error)) as ApiProblem
    expect(onUnauthorized).toHaveBeenCalledTimes(1)
    expect(failure.status).toBe(401)
    expect(failure.requestId).toBe('from-header')
  })
})
