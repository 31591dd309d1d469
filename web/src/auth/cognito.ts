// Sign-in through Cognito's hosted UI: the authorization-code flow with PKCE,
// so no client secret lives in the browser. The verifier and state wait in
// sessionStorage for the redirect back; they are not client data.

const PENDING = 'flowcoach.cognito'

export const CALLBACK_PATH = '/auth/callback'

function base64url(bytes: Uint8Array): string {
  let text = ''
  for (const byte of bytes) text += String.fromCharCode(byte)
  return btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function randomString(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)))
}

export async function codeChallenge(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))
  return base64url(new Uint8Array(digest))
}

function redirectUri(): string {
  return window.location.origin + CALLBACK_PATH
}

/** Sends the browser to the hosted UI; `returnTo` is an app path. */
export async function startSignIn(domain: string, clientId: string, returnTo: string): Promise<void> {
  const verifier = randomString()
  const state = randomString()
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }))
  const url = new URL(domain + '/oauth2/authorize')
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: redirectUri(),
    scope: 'openid email profile',
    state,
    code_challenge: await codeChallenge(verifier),
    code_challenge_method: 'S256',
  }).toString()
  window.location.assign(url.toString())
}

/** Trades the code the hosted UI sent back for an ID token. */
export async function finishSignIn(
  domain: string,
  clientId: string,
  query: URLSearchParams,
): Promise<{ token: string; returnTo: string }> {
  const pending = sessionStorage.getItem(PENDING)
  sessionStorage.removeItem(PENDING)
  if (!pending) throw new Error('This sign-in was not started here. Start again from the sign-in page.')
  const { verifier, state, returnTo } = JSON.parse(pending) as { verifier: string; state: string; returnTo: string }
  const error = query.get('error_description') ?? query.get('error')
  if (error) throw new Error(`Sign-in was refused: ${error}`)
  const code = query.get('code')
  if (!code || query.get('state') !== state) {
    throw new Error('The sign-in answer does not match the request. Start again from the sign-in page.')
  }
  const response = await fetch(domain + '/oauth2/token', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: clientId,
      code,
      redirect_uri: redirectUri(),
      code_verifier: verifier,
    }),
  })
  if (!response.ok) throw new Error(`Cognito did not accept the sign-in (HTTP ${response.status}). Start again.`)
  const body = (await response.json()) as { id_token?: string }
  if (!body.id_token) throw new Error('Cognito answered without an ID token.')
  return { token: body.id_token, returnTo: returnTo.startsWith('/') ? returnTo : '/' }
}

export function signOutUrl(domain: string, clientId: string): string {
  const url = new URL(domain + '/logout')
  url.search = new URLSearchParams({ client_id: clientId, logout_uri: window.location.origin + '/' }).toString()
  return url.toString()
}
