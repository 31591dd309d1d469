import { describe, expect, it } from 'vitest'

import { eventsUrl, parseConfig } from './config'

describe('the app configuration', () => {
  it('defaults to this origin with a local token', () => {
    const config = parseConfig({})
    expect(config).toEqual({ apiBase: '', eventsUrl: null, auth: { kind: 'token' } })
    expect(eventsUrl(config, { origin: 'https://coach.example' } as Location)).toBe('wss://coach.example/v1/events')
  })

  it('reads Cognito and a separate events URL, and refuses half a Cognito', () => {
    const config = parseConfig({
      apiBase: 'https://api.example/',
      eventsUrl: 'wss://ws.example/live',
      auth: { kind: 'cognito', domain: 'https://auth.example/', clientId: 'abc' },
    })
    expect(config.apiBase).toBe('https://api.example')
    expect(config.auth).toEqual({ kind: 'cognito', domain: 'https://auth.example', clientId: 'abc' })
    expect(eventsUrl(config)).toBe('wss://ws.example/live')
    expect(() => parseConfig({ auth: { kind: 'cognito' } })).toThrow(/domain and client id/)
  })
})
