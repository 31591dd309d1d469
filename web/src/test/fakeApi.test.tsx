import { describe, expect, it } from 'vitest'

import { fakeServer, problem, renderScreen } from './fakeApi'

const get = (path: string) => new Request(`http://test${path}`)

describe('the fake API', () => {
  it('answers an exact route before a pattern, with the pattern’s params', async () => {
    const server = fakeServer({
      'GET /v1/templates/:id': (_, params) => ({ body: { id: params.id } }),
      'GET /v1/templates/fixed': { body: { id: 'exact' }, headers: { ETag: '"2"' } },
    })
    const fixed = await server.fetch(get('/v1/templates/fixed'))
    expect(await fixed.json()).toEqual({ id: 'exact' })
    expect(fixed.headers.get('ETag')).toBe('"2"')
    expect(await (await server.fetch(get('/v1/templates/t9?kind=follow_up'))).json()).toEqual({ id: 't9' })

    expect(server.sent('GET /v1/templates/:id').map((request) => request.path)).toEqual([
      '/v1/templates/fixed',
      '/v1/templates/t9',
    ])
    expect(server.sent('GET /v1/templates/t9')[0].query.get('kind')).toBe('follow_up')
  })

  it('records the JSON body, and answers anything unrouted with a 404 problem', async () => {
    const server = fakeServer()
    const response = await server.fetch(
      new Request('http://test/v1/clients', { method: 'POST', body: JSON.stringify({ name: 'Sam' }) }),
    )
    expect(response.status).toBe(404)
    expect(response.headers.get('Content-Type')).toBe('application/problem+json')
    expect(await response.json()).toMatchObject({ status: 404, request_id: 'req-404' })
    expect(server.requests).toMatchObject([{ method: 'POST', path: '/v1/clients', body: { name: 'Sam' } }])

    server.on('POST /v1/clients', problem(422, 'invalid fields', 'req-422', [{ field: 'name', message: 'too short' }]))
    const refused = await server.fetch(new Request('http://test/v1/clients', { method: 'POST' }))
    expect(await refused.json()).toMatchObject({ request_id: 'req-422', errors: [{ field: 'name', message: 'too short' }] })
    expect(server.requests[1].body).toBeUndefined()
  })

  it('renders a screen only over a server made in the same test', () => {
    expect(() => renderScreen(<p>Hello</p>)).toThrow(/fakeServer/)
  })
})
