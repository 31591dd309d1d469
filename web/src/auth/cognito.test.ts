import { afterEach, describe, expect, it, vi } from 'vitest'

import { codeChallenge, finishSignIn, startSignIn } from './cognito'

const DOMAIN = 'https://flowcoach-dev.auth.eu-west-1.amazoncognito.com'

afterEach(() => {
  vi.unstubAllGlobals()
  vi.restoreAllMocks()
})

/** Starts a sign-in and returns the hosted-UI URL it sent the browser to. */
async function started(): Promise<URL> {
  const assign = vi.fn<(url: string) => void>()
  vi.spyOn(window, 'location', 'get').mockReturnValue({ ...window.location, origin: 'https://app.example', assign })
  await startSignIn(DOMAIN, 'client-1', '/sessions/abc')
  return new URL(assign.mock.calls[0][0])
}

describe('Cognito sign-in with PKCE', () => {
  it('derives the S256 challenge of RFC 7636', async () => {
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    )
  })

  it('sends the browser to the hosted UI with a code challenge and state, and no secret', async () => {
    const url = await started()
    expect(url.origin + url.pathname).toBe(`${DOMAIN}/oauth2/authorize`)
    expect(url.searchParams.get('response_type')).toBe('code')
    expect(url.searchParams.get('client_id')).toBe('client-1')
    expect(url.searchParams.get('redirect_uri')).toBe('https://app.example/auth/callback')
    expect(url.searchParams.get('code_challenge_method')).toBe('S256')
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(url.searchParams.has('client_secret')).toBe(false)
  })

  it('trades the code for the ID token with the verifier, once, and returns to the page that asked', async () => {
    const url = await started()
    const state = url.searchParams.get('state') ?? ''
    const fetch = vi.fn<(input: string, init: RequestInit) => Promise<Response>>(
      async () => new Response(JSON.stringify({ id_token: 'id.token.value', access_token: 'x' }), { status: 200 }),
    )
    vi.stubGlobal('fetch', fetch)
    const result = await finishSignIn(DOMAIN, 'client-1', new URLSearchParams({ code: 'the-code', state }))
    expect(result).toEqual({ token: 'id.token.value', returnTo: '/sessions/abc' })
    const [target, init] = fetch.mock.calls[0]
    expect(target).toBe(`${DOMAIN}/oauth2/token`)
    const form = new URLSearchParams(String(init.body))
    expect(form.get('grant_type')).toBe('authorization_code')
    expect(form.get('code')).toBe('the-code')
    expect(await codeChallenge(form.get('code_verifier') ?? '')).toBe(url.searchParams.get('code_challenge'))
    // The pending sign-in is used up: replaying the answer is refused.
    await expect(finishSignIn(DOMAIN, 'client-1', new URLSearchParams({ code: 'the-code', state }))).rejects.toThrow(
      /not started here/,
    )
  })

  it('refuses an answer whose state does not match, without asking Cognito', async () => {
    await started()
    const fetch = vi.fn<() => Promise<Response>>()
    vi.stubGlobal('fetch', fetch)
    await expect(
      finishSignIn(DOMAIN, 'client-1', new URLSearchParams({ code: 'c', state: 'forged' })),
    ).rejects.toThrow(/does not match/)
    expect(fetch).not.toHaveBeenCalled()
  })
})
