import { describe, expect, it } from 'vitest'

import { looksLikeJwt, readToken, saveToken, takeLinkToken, tokenExpiry } from './token'

function jwt(claims: object): string {
  const part = (value: object) => btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')
  return `${part({ alg: 'HS256' })}.${part(claims)}.c2lnbmF0dXJl`
}

describe('the stored token', () => {
  it('is dropped once expired', () => {
    saveToken(jwt({ exp: 1_000 }))
    expect(readToken(999)?.expiresAt).toBe(1_000)
    expect(readToken(1_000)).toBeNull()
    expect(localStorage.length).toBe(0)
  })

  it('reads exp and tells a JWT from anything else', () => {
    expect(tokenExpiry(jwt({ exp: 42, sub: 'x' }))).toBe(42)
    expect(tokenExpiry('a.b.c')).toBeNull()
    expect(looksLikeJwt(jwt({}))).toBe(true)
    expect(looksLikeJwt('Bearer abc')).toBe(false)
  })

  it('is taken from a sign-in link and wiped from the address bar', () => {
    window.history.replaceState(null, '', '/sign-in?x=1#token=a.b.c')
    expect(takeLinkToken()).toBe('a.b.c')
    expect(window.location.hash).toBe('')
    expect(window.location.search).toBe('?x=1')
    expect(takeLinkToken()).toBeNull()
  })
})
